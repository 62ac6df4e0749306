//! Spreadsheets (`.xlsx`, `.xls`): CRM exports and message tables saved from Excel.
//!
//! Each non-empty sheet becomes CSV text and goes through the normal detection as if it had
//! been dropped as a CSV ("book.xlsx/Sheet1"), so every CSV format and the column mappings work
//! on spreadsheets too. Cells are written as people see them: dates as `YYYY-MM-DD HH:MM:SS`,
//! whole numbers without `.0`, formulas as their cached values, a merged cell's value repeated
//! over the cells it covers (a group name merged down a column belongs to every row).
//!
//! Reading uses `calamine`; the zip limits of [`super::archive`] are checked first, since
//! calamine inflates on its own.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader, Sheets};

use super::archive::{fail, ArchiveError};

/// The start of an OLE compound file: an old `.xls` (or `.doc`).
pub(crate) const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0";

/// Limits, as for zips: more cells than this is not an export a person made.
const MAX_CELLS: usize = 50_000_000;

/// Rows × columns from a sheet's first to its last cell, streamed without building the grid.
fn xlsx_area<RS: std::io::Read + std::io::Seek>(x: &mut calamine::Xlsx<RS>, sheet: &str) -> Result<u64, calamine::XlsxError> {
    let mut reader = x.worksheet_cells_reader(sheet)?;
    let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0u32, u32::MAX, 0u32);
    while let Some(cell) = reader.next_cell()? {
        let (r, c) = cell.get_position();
        (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(c), c1.max(c));
    }
    Ok(if r0 > r1 { 0 } else { (r1 - r0) as u64 * (c1 - c0) as u64 + (r1 - r0) as u64 + (c1 - c0) as u64 + 1 })
}

/// Is this zip an Excel workbook (by its entry names)?
pub(crate) fn is_workbook_zip(names: &[String]) -> bool {
    names.iter().any(|n| n == "xl/workbook.xml")
}

/// Every non-empty sheet of the workbook in `bytes`, as `(sheet name, CSV text)`.
pub(crate) fn sheets_as_csv(bytes: &[u8]) -> Result<Vec<(String, String)>, ArchiveError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| fail("bad_workbook", format!("the spreadsheet cannot be read: {e}")))?;
    let names = book.sheet_names();
    let mut out = Vec::new();
    let mut cells = 0usize;
    for name in names {
        if let Sheets::Xlsx(x) = &mut book {
            // calamine makes a sheet one dense grid from its first to its last cell: a stray cell
            // at row 1,000,000 / column XFD (or a mangled reference) would ask for billions.
            let area = xlsx_area(x, &name).map_err(|e| fail("bad_workbook", format!("sheet \"{name}\" cannot be read: {e}")))?;
            if area > MAX_CELLS as u64 {
                return Err(fail("archive_limits", format!("sheet \"{name}\" spans more than {MAX_CELLS} cells")));
            }
        }
        let range = book
            .worksheet_range(&name)
            .map_err(|e| fail("bad_workbook", format!("sheet \"{name}\" cannot be read: {e}")))?;
        cells += range.get_size().0 * range.get_size().1;
        if cells > MAX_CELLS {
            return Err(fail("archive_limits", format!("the workbook has more than {MAX_CELLS} cells")));
        }
        let (rows, cols) = range.get_size();
        if rows == 0 || cols == 0 {
            continue;
        }
        let mut grid: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
        fill_merged(&mut book, &name, range.start().unwrap_or((0, 0)), &mut grid);
        out.push((name, to_csv(&grid)));
    }
    Ok(out)
}

/// Header and first rows of the first non-empty sheet, for the column-mapping dialog.
pub fn preview(bytes: &[u8]) -> Option<super::mapped_csv::Preview> {
    let (_, csv) = sheets_as_csv(bytes).ok()?.into_iter().next()?;
    let mut p = super::mapped_csv::preview(csv.as_bytes())?;
    p.encoding = "xlsx".to_string();
    Some(p)
}

/// Is `bytes` a spreadsheet (an .xlsx zip or an old .xls compound file)?
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(CFB_MAGIC)
        || (bytes.starts_with(b"PK") && memchr::memmem::find(bytes, b"xl/workbook.xml").is_some())
}

/// A merged region's top-left value copied over the region (xlsx and xls keep it there only).
fn fill_merged(book: &mut Sheets<Cursor<&[u8]>>, sheet: &str, origin: (u32, u32), grid: &mut [Vec<String>]) {
    let regions = match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        _ => Vec::new(),
    };
    for r in regions {
        let at = |(row, col): (u32, u32)| (row.checked_sub(origin.0), col.checked_sub(origin.1));
        let (Some(r0), Some(c0)) = at(r.start) else { continue };
        let (Some(r1), Some(c1)) = at(r.end) else { continue };
        let Some(value) = grid.get(r0 as usize).and_then(|row| row.get(c0 as usize)).cloned() else { continue };
        for row in grid.iter_mut().take(r1 as usize + 1).skip(r0 as usize) {
            for cell in row.iter_mut().take(c1 as usize + 1).skip(c0 as usize) {
                if cell.is_empty() {
                    cell.clone_from(&value);
                }
            }
        }
    }
}

/// A cell as its text in a CSV export.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.replacen('T', " ", 1),
    }
}

/// RFC 4180 text of a grid (quotes only where needed), trailing empty rows dropped.
fn to_csv(grid: &[Vec<String>]) -> String {
    let last = grid.iter().rposition(|r| r.iter().any(|c| !c.is_empty())).map_or(0, |i| i + 1);
    let mut out = String::new();
    for row in &grid[..last] {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if cell.contains([',', '"', '\n', '\r']) {
                out.push('"');
                out.push_str(&cell.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(cell);
            }
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook made with rust_xlsxwriter (the export writer): a header, a date cell, a
    /// formula with its cached value, a merged group name, a quote and a comma.
    fn workbook() -> Vec<u8> {
        use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("消息").unwrap();
        let date = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        for (c, h) in ["时间", "群", "发送人", "内容", "分"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        let when = ExcelDateTime::parse_from_str("2024-03-01 10:00:00").unwrap();
        sheet.write_datetime_with_format(1, 0, &when, &date).unwrap();
        sheet.write_datetime_with_format(2, 0, &when, &date).unwrap();
        sheet.merge_range(1, 1, 2, 1, "财税群", &Format::new()).unwrap();
        sheet.write_string(1, 2, "张三").unwrap();
        sheet.write_string(2, 2, "李四").unwrap();
        sheet.write_string(1, 3, "他说\"好\", 然后走了").unwrap();
        sheet.write_string(2, 3, "=1+1").unwrap();
        sheet.write_number(1, 4, 3.0).unwrap();
        sheet.write_formula(2, 4, Formula::new("=E2*2").set_result("6")).unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn sheets_become_csv_as_people_see_them() {
        let sheets = sheets_as_csv(&workbook()).unwrap();
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].0, "消息");
        assert_eq!(
            sheets[0].1,
            "时间,群,发送人,内容,分\r\n\
             2024-03-01 10:00:00,财税群,张三,\"他说\"\"好\"\", 然后走了\",3\r\n\
             2024-03-01 10:00:00,财税群,李四,=1+1,6\r\n"
        );
    }

    #[test]
    fn damaged_workbooks_are_errors() {
        let mut bytes = workbook();
        bytes.truncate(bytes.len() / 2);
        assert!(sheets_as_csv(&bytes).is_err());
        assert_eq!(sheets_as_csv(b"\xD0\xCF\x11\xE0not really").err().map(|e| e.code), Some("bad_workbook"));
    }
}
