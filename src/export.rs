//! Table exports for people who continue in Excel: CSV (UTF-8 with BOM, so Excel shows
//! Chinese correctly) and `.xlsx`. The page, the widgets and the CLI share this one writer.
//!
//! Both are inert: a cell that Excel would run as a formula (`=`, `+`, `-`, `@`, tab or
//! carriage return first — "CSV injection") is written with a leading `'` in CSV and as a
//! plain string cell in `.xlsx`; numbers stay numbers.
//!
//! ```
//! use qunlens::export::{Cell, Table};
//! let table = Table {
//!     headers: vec!["名次".into(), "成员".into(), "积分".into()],
//!     rows: vec![vec![Cell::Number(1.0), Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Number(35.0)]],
//!     ..Default::default()
//! };
//! let csv = String::from_utf8(table.to_csv()).unwrap(); // ok: doc example, not runtime code
//! assert_eq!(csv, "\u{FEFF}名次,成员,积分\r\n1,\"'=HYPERLINK(\"\"x\"\")\",35\r\n");
//! assert!(table.to_xlsx().unwrap().starts_with(b"PK")); // ok: doc example, not runtime code
//! ```

use serde::Deserialize;

/// A table as the page hands it over: header row, then rows of cells.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Table {
    /// Worksheet name (`.xlsx`); Excel's 31-character limit and forbidden characters are
    /// handled here. Default "qunlens".
    pub sheet: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// One cell: text, a number, or empty.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Number(f64),
    Text(String),
    Bool(bool),
    Empty,
}

impl Cell {
    fn as_csv(&self) -> String {
        match self {
            Cell::Number(n) => format_number(*n),
            Cell::Text(s) => csv_quote(&defuse(s)),
            Cell::Bool(b) => b.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

impl Table {
    /// Parses the JSON `{sheet?, headers: string[], rows: (string|number|boolean|null)[][]}`.
    pub fn from_json(json: &str) -> Result<Table, String> {
        serde_json::from_str(json).map_err(|e| format!("table: {e}"))
    }

    /// CSV: UTF-8 with BOM, CRLF line ends (what Excel on Windows expects), RFC 4180 quoting.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = String::from("\u{FEFF}");
        let header: Vec<String> = self.headers.iter().map(|h| csv_quote(&defuse(h))).collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(Cell::as_csv).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out.into_bytes()
    }

    /// `.xlsx` with a bold, frozen header row and sensible column widths.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, String> {
        use rust_xlsxwriter::{Format, Workbook};
        let err = |e: rust_xlsxwriter::XlsxError| format!("xlsx: {e}");
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(self.sheet.as_deref())).map_err(err)?;
        let bold = Format::new().set_bold();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| display_width(h)).collect();
        for (c, h) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold).map_err(err)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                match cell {
                    Cell::Number(n) => sheet.write_number(r, col, *n).map(|_| ()).map_err(err)?,
                    // write_string never interprets "=…" as a formula: inert by construction.
                    Cell::Text(s) => sheet.write_string(r, col, s).map(|_| ()).map_err(err)?,
                    Cell::Bool(b) => sheet.write_boolean(r, col, *b).map(|_| ()).map_err(err)?,
                    Cell::Empty => {}
                }
                let w = match cell {
                    Cell::Text(s) => display_width(s),
                    Cell::Number(n) => format_number(*n).len(),
                    _ => 0,
                };
                if c >= widths.len() {
                    widths.resize(c + 1, 0);
                }
                widths[c] = widths[c].max(w);
            }
        }
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0).map_err(err)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(err)?;
        book.save_to_buffer().map_err(err)
    }
}

/// Cells Excel would evaluate get a leading `'` (OWASP's CSV-injection advice).
fn defuse(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{s}")),
        _ => std::borrow::Cow::Borrowed(s),
    }
}

fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) || s.starts_with('\'') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Integers without a trailing `.0`; other numbers as Rust prints them (shortest round-trip).
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Approximate column width: CJK and other wide characters count double.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()
}

/// A valid worksheet name: at most 31 characters, none of `[]:*?/\`, not empty.
fn sheet_name(name: Option<&str>) -> String {
    let cleaned: String = name
        .unwrap_or("qunlens")
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').to_string();
    if cleaned.trim().is_empty() {
        "qunlens".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injection_prefixes_are_defused_but_numbers_are_not() {
        let t = Table {
            headers: vec!["a".into(), "b".into()],
            rows: vec![
                vec![Cell::Text("+86 138".into()), Cell::Number(-3.0)],
                vec![Cell::Text("@SUM(A1)".into()), Cell::Number(2.5)],
                vec![Cell::Text("plain, with comma".into()), Cell::Empty],
            ],
            sheet: None,
        };
        let csv = String::from_utf8(t.to_csv()).unwrap();
        assert_eq!(
            csv,
            "\u{FEFF}a,b\r\n\"'+86 138\",-3\r\n\"'@SUM(A1)\",2.5\r\n\"plain, with comma\",\r\n"
        );
    }

    #[test]
    fn table_json_accepts_mixed_cells() {
        let t = Table::from_json(r#"{"sheet":"积分榜/11月","headers":["x","y"],"rows":[["张三",3,null,true]]}"#).unwrap();
        assert_eq!(t.rows[0], vec![Cell::Text("张三".into()), Cell::Number(3.0), Cell::Empty, Cell::Bool(true)]);
        assert_eq!(sheet_name(t.sheet.as_deref()), "积分榜11月");
        assert!(Table::from_json(r#"{"rows":[[{"a":1}]]}"#).is_err());
    }

    #[test]
    fn xlsx_is_a_zip_with_the_strings() {
        let t = Table { headers: vec!["成员".into()], rows: vec![vec![Cell::Text("=1+1".into())]], sheet: None };
        let bytes = t.to_xlsx().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut shared = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut shared).unwrap();
        assert!(shared.contains("成员") && shared.contains("=1+1"));
        let mut sheet = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
        assert!(!sheet.contains("<f>"), "no formula cells");
    }
}
