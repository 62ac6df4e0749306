//! TODO (issue 3): parser for this format (see ../shared/formats/).

use super::{Context, FormatParser};

/// Does the decoded head of a file look like this format?
pub fn sniff(_head: &str, _file_name: &str) -> bool {
    false
}

/// A fresh parser for one file.
pub fn parser(_head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    Box::new(Parser)
}

struct Parser;

impl FormatParser for Parser {
    fn feed(&mut self, _text: &str, _cx: &mut Context<'_>) {}
    fn finish(&mut self, _cx: &mut Context<'_>) {}
}
