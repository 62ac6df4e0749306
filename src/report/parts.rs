//! The report as JSON in parts, for the page. Three arrays grow with the members — `members`,
//! `roles.members` and `health.members_silent`, 90 % of the 105 MB report of 79,000 members in
//! 779 groups — and are written as slices of about `part_bytes` each; the rest is a skeleton
//! in which they are empty. The page's main thread parses each slice in a task of its own as
//! it arrives, so it never parses one 100 MB string at once (0.3 s without a frame at that
//! size), and the worker's wasm memory never holds the whole JSON beside the report. Appending every part's items, in order, to the array its path names
//! in the skeleton gives exactly what [`Report::to_json`] writes.

use serde::Serialize;

use super::Report;

/// The arrays [`Report::to_json_parts`] writes in parts, by their path in the report.
pub const PART_PATHS: [&str; 3] = ["members", "roles.members", "health.members_silent"];

impl Report {
    /// Calls `emit(path, json)` for every part — a JSON array of consecutive items of the array
    /// at `path` (one of [`PART_PATHS`]), of about `part_bytes` or one item — in order, then
    /// returns the skeleton: the report with those arrays empty. Errs only where
    /// [`Report::to_json`] would write an error object.
    ///
    /// ```
    /// use qunlens::{Analyzer, Config};
    ///
    /// let mut a = Analyzer::new(Config::default()).unwrap(); // ok: doc example
    /// for f in qunlens::sample::generate(&Default::default()) {
    ///     a.add_file(&f.name, &f.bytes);
    /// }
    /// let whole: serde_json::Value = serde_json::from_str(&a.report().to_json()).unwrap(); // ok: doc example
    /// let mut members = Vec::new();
    /// let skeleton = a.report().to_json_parts(4096, |path, json| {
    ///     if path == "members" {
    ///         members.extend(serde_json::from_str::<Vec<serde_json::Value>>(&json).unwrap()); // ok: doc example
    ///     }
    /// }).unwrap(); // ok: doc example
    /// let skeleton: serde_json::Value = serde_json::from_str(&skeleton).unwrap(); // ok: doc example
    /// assert_eq!(skeleton["members"], serde_json::json!([]));
    /// assert_eq!(serde_json::Value::Array(members), whole["members"]);
    /// ```
    pub fn to_json_parts(mut self, part_bytes: usize, mut emit: impl FnMut(&str, String)) -> Result<String, String> {
        // Each array is dropped once written: the report's memory goes down as the parts go out.
        write_parts(PART_PATHS[0], std::mem::take(&mut self.members), part_bytes, &mut emit)?;
        write_parts(PART_PATHS[1], std::mem::take(&mut self.roles.members), part_bytes, &mut emit)?;
        write_parts(PART_PATHS[2], std::mem::take(&mut self.health.members_silent), part_bytes, &mut emit)?;
        serde_json::to_string(&self).map_err(|e| e.to_string())
    }
}

/// `items` as JSON arrays of about `part_bytes` each (at least one item), through `emit`.
fn write_parts<T: Serialize>(path: &str, items: Vec<T>, part_bytes: usize, emit: &mut impl FnMut(&str, String)) -> Result<(), String> {
    // Items are written straight into the part, not each into a string of its own first.
    let mut part: Vec<u8> = Vec::new();
    let mut flush = |part: &mut Vec<u8>| -> Result<(), String> {
        part.push(b']');
        // serde_json writes only UTF-8: this checks, it cannot fail.
        let json = String::from_utf8(std::mem::take(part)).map_err(|e| e.to_string())?;
        emit(path, json);
        Ok(())
    };
    for item in &items {
        part.push(if part.is_empty() { b'[' } else { b',' });
        serde_json::to_writer(&mut part, item).map_err(|e| e.to_string())?;
        if part.len() >= part_bytes {
            flush(&mut part)?;
        }
    }
    if !part.is_empty() {
        flush(&mut part)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// The parts appended to the skeleton give the whole report, for parts of one item and
    /// for parts larger than any array; every split array has items in the sample.
    #[test]
    fn parts_put_back_give_the_whole_report() {
        let mut analyzer = crate::Analyzer::new(crate::Config::default()).unwrap(); // ok: test
        for f in crate::sample::generate(&Default::default()) {
            analyzer.add_file(&f.name, &f.bytes);
        }
        let whole: Value = serde_json::from_str(&analyzer.report().to_json()).unwrap(); // ok: test
        for path in super::PART_PATHS {
            assert!(at(&whole, path).as_array().is_some_and(|a| a.len() > 3), "{path} has items in the sample");
        }
        for part_bytes in [1, 2048, usize::MAX] {
            let mut parts: Vec<(String, Value)> = Vec::new();
            let skeleton = analyzer.report().to_json_parts(part_bytes, |path, json| parts.push((path.to_string(), serde_json::from_str(&json).unwrap()))).unwrap(); // ok: test
            let mut rebuilt: Value = serde_json::from_str(&skeleton).unwrap(); // ok: test
            for path in super::PART_PATHS {
                assert_eq!(at(&rebuilt, path), &Value::Array(vec![]), "{path} is empty in the skeleton");
            }
            let count = parts.len();
            for (path, items) in parts {
                let array = path.split('.').fold(&mut rebuilt, |v, k| &mut v[k]).as_array_mut().unwrap(); // ok: test
                array.extend(items.as_array().unwrap().iter().cloned()); // ok: test
            }
            assert_eq!(rebuilt, whole, "{part_bytes} bytes per part");
            if part_bytes == 1 {
                let items: usize = super::PART_PATHS.iter().map(|p| at(&whole, p).as_array().map_or(0, Vec::len)).sum();
                assert_eq!(count, items, "one item per part");
            }
            if part_bytes == usize::MAX {
                assert_eq!(count, 3, "one part per array");
            }
        }
    }

    fn at<'v>(v: &'v Value, path: &str) -> &'v Value {
        path.split('.').fold(v, |v, k| &v[k])
    }
}
