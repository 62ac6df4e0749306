//! Helpers shared by the integration tests.

use qunlens::report::Report;
use qunlens::{Analyzer, Config};

/// The report of one file fed to the analyzer in `chunk`-byte pieces, as the page's worker
/// feeds `File.stream()` chunks: tests compare it with the whole-file report.
pub fn report_in_chunks(name: &str, bytes: &[u8], chunk: usize) -> Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.begin_file(name);
    for piece in bytes.chunks(chunk) {
        a.push(piece);
    }
    a.end_file();
    a.report()
}
