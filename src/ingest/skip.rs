//! Skipped rows: where, why in English, and why as a stable code.
//!
//! The English `reason` is written by each format's reader in its own words ("CreateTime … and
//! StrTime … are not times"); the page shows it as is in English. In Chinese it shows the
//! sentence it keeps for the skip's [`SkipCode`], followed by `detail`, the variable part
//! (the column and value, the message number, the JSON error) that no translation can know.

/// Why a row was skipped, for the page to say it in its own language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipCode {
    /// A CSV row with more or fewer fields than the header (detail: "found / expected").
    WrongColumns,
    /// A number column that holds something else (detail: the column and value).
    NotANumber,
    /// A time or date that cannot be read (detail: the field and value).
    BadTime,
    /// A message without a time (detail: the field).
    NoTime,
    /// A message without a sender (detail: the fields looked at).
    NoSender,
    /// A field the row cannot do without is empty (detail: the field).
    EmptyField,
    /// A CRM, roster or member-list row naming nobody (detail: the fields looked at).
    NoIdentity,
    /// One record (message, line) that is not valid JSON (detail: which, and the error).
    NotJson,
    /// A JSON document that breaks here: nothing after is read (detail: the error, after what).
    JsonBroken,
    /// A JSON document cut off here: what came before was read (detail: after what).
    JsonCutOff,
    /// Valid data of another shape than the format's (detail: what was expected or found).
    UnexpectedShape,
    /// Text that belongs to no message (detail: the text).
    StrayText,
    /// A WeCom archive record still encrypted.
    Encrypted,
    /// A WeCom API response that is an error (detail: its code and message).
    ApiError,
    /// Messages dated outside 1990–2099, counted once per file (detail: how many, and the span).
    ImplausibleDates,
}

impl SkipCode {
    /// Every code, for the test that the page words each one.
    pub const ALL: [SkipCode; 15] = [
        SkipCode::WrongColumns,
        SkipCode::NotANumber,
        SkipCode::BadTime,
        SkipCode::NoTime,
        SkipCode::NoSender,
        SkipCode::EmptyField,
        SkipCode::NoIdentity,
        SkipCode::NotJson,
        SkipCode::JsonBroken,
        SkipCode::JsonCutOff,
        SkipCode::UnexpectedShape,
        SkipCode::StrayText,
        SkipCode::Encrypted,
        SkipCode::ApiError,
        SkipCode::ImplausibleDates,
    ];

    /// The code as the report writes it (`"not_json"`).
    pub fn as_str(self) -> &'static str {
        match self {
            SkipCode::WrongColumns => "wrong_columns",
            SkipCode::NotANumber => "not_a_number",
            SkipCode::BadTime => "bad_time",
            SkipCode::NoTime => "no_time",
            SkipCode::NoSender => "no_sender",
            SkipCode::EmptyField => "empty_field",
            SkipCode::NoIdentity => "no_identity",
            SkipCode::NotJson => "not_json",
            SkipCode::JsonBroken => "json_broken",
            SkipCode::JsonCutOff => "json_cut_off",
            SkipCode::UnexpectedShape => "unexpected_shape",
            SkipCode::StrayText => "stray_text",
            SkipCode::Encrypted => "encrypted",
            SkipCode::ApiError => "api_error",
            SkipCode::ImplausibleDates => "implausible_dates",
        }
    }
}

/// Why one row was skipped: a code and its variable part, with the English sentence.
///
/// ```
/// use qunlens::ingest::{SkipCode, Why};
/// let why = Why::new(SkipCode::NotANumber, "Type \"x\"", "Type \"x\" is not a number");
/// assert_eq!((why.code, why.detail.as_str()), (SkipCode::NotANumber, "Type \"x\""));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Why {
    pub code: SkipCode,
    pub detail: String,
    pub reason: String,
}

impl Why {
    pub fn new(code: SkipCode, detail: impl Into<String>, reason: impl Into<String>) -> Why {
        Why { code, detail: detail.into(), reason: reason.into() }
    }

    /// "row has `found` of `expected` columns".
    pub fn columns(found: usize, expected: usize) -> Why {
        Why::new(SkipCode::WrongColumns, format!("{found} / {expected}"), format!("row has {found} of {expected} columns"))
    }

    /// "`what` is not a number", `what` being the column and its value.
    pub fn not_a_number(what: String) -> Why {
        let reason = format!("{what} is not a number");
        Why::new(SkipCode::NotANumber, what, reason)
    }

    /// Message `which`'s time `field`, missing (`shown_raw` None: [`SkipCode::NoTime`]) or
    /// unreadable ([`SkipCode::BadTime`]), with the reader's English `reason`.
    pub fn time(which: &str, field: &str, shown_raw: Option<&str>, reason: String) -> Why {
        match shown_raw {
            None => Why::new(SkipCode::NoTime, format!("{which}: {field}"), reason),
            Some(raw) => Why::new(SkipCode::BadTime, format!("{which}: {field} {raw}"), reason),
        }
    }

    /// "`field` is empty".
    pub fn empty(field: &str) -> Why {
        Why::new(SkipCode::EmptyField, field, format!("{field} is empty"))
    }
}

/// One skipped row: where and why.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Skip {
    /// 1-based line in the decoded file where the row starts (0 when not line-based).
    pub line: u64,
    /// Why, in plain language (English).
    pub reason: String,
    /// Why, as a stable code for translations.
    pub code: SkipCode,
    /// The variable part of `reason` (column and value, message number, JSON error); "" when none.
    pub detail: String,
}

impl Skip {
    pub fn new(line: u64, why: Why) -> Skip {
        Skip { line, reason: why.reason, code: why.code, detail: why.detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_written_as_their_names_and_listed_once() {
        for code in SkipCode::ALL {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
        }
        let mut names: Vec<&str> = SkipCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SkipCode::ALL.len());
    }
}
