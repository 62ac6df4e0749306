//! One archive record, read straight from its JSON text into borrowed fields.
//!
//! Reading a record as a [`serde_json::Value`] built a map of owned strings per record and
//! then looked each field up by name: four fifths of reading a JSON Lines archive (1.8 s for
//! a million records in the page's wasm). [`Record`] keeps only the fields the reader uses,
//! borrowed from the line where no escape forces a copy, and skips the rest unparsed.
//!
//! Every field is *lenient*, as looking fields up in a `Value` was: a value of an unexpected
//! type reads as "not there" (a numeric `from` is no sender), never as a broken record, so a
//! record that is a JSON object always reads.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The fields of an archive record the reader uses (see the module docs of `wecom_archive`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Record<'a> {
    #[serde(borrow)]
    pub action: Field<'a>,
    #[serde(borrow)]
    pub from: Field<'a>,
    #[serde(borrow)]
    pub tolist: First<'a>,
    #[serde(borrow)]
    pub roomid: Field<'a>,
    #[serde(borrow)]
    pub msgtime: Field<'a>,
    #[serde(borrow)]
    pub send_time: Field<'a>,
    #[serde(borrow)]
    pub msgtype: Field<'a>,
    pub encrypt_chat_msg: Seen,
    /// Dumps that wrap the decrypted record: `{"seq":…,"msgid":…,"decrypted":{…}}`.
    #[serde(borrow)]
    pub decrypted: Obj<Box<Record<'a>>>,
    #[serde(borrow)]
    pub message: Obj<Box<Record<'a>>>,
    #[serde(borrow)]
    pub msg: Obj<Box<Record<'a>>>,
    // The bodies whose text the reader keeps, under their record keys (boxed: a record has
    // one, and eleven inline bodies made every record a kilobyte to fill and to drop).
    #[serde(borrow)]
    pub text: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub markdown: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub link: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub weapp: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub chatrecord: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub location: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub file: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub doc: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub redpacket: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub info: Obj<Box<Body<'a>>>,
    #[serde(borrow)]
    pub mixed: Obj<Box<Body<'a>>>,
}

impl<'a> Record<'a> {
    /// The record itself, or the decrypted record it wraps.
    pub fn unwrapped(&self) -> &Record<'a> {
        [&self.decrypted, &self.message, &self.msg].into_iter().find_map(|w| w.0.as_deref()).unwrap_or(self)
    }

    /// The body under `key` (an empty one when the record has none there).
    pub fn body(&self, key: &str) -> &Body<'a> {
        let body = match key {
            "text" => &self.text,
            "markdown" => &self.markdown,
            "link" => &self.link,
            "weapp" => &self.weapp,
            "chatrecord" => &self.chatrecord,
            "location" => &self.location,
            "file" => &self.file,
            "doc" => &self.doc,
            "redpacket" => &self.redpacket,
            "info" => &self.info,
            "mixed" => &self.mixed,
            _ => return &EMPTY_BODY,
        };
        body.0.as_deref().unwrap_or(&EMPTY_BODY)
    }
}

static EMPTY_BODY: Body<'static> = Body {
    content: Field::Missing,
    title: Field::Missing,
    address: Field::Missing,
    filename: Field::Missing,
    wish: Field::Missing,
    item: Arr(Vec::new()),
};

/// A message body (`text`, `link`, …): the fields any message type's text comes from.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Body<'a> {
    #[serde(borrow)]
    pub content: Field<'a>,
    #[serde(borrow)]
    pub title: Field<'a>,
    #[serde(borrow)]
    pub address: Field<'a>,
    #[serde(borrow)]
    pub filename: Field<'a>,
    #[serde(borrow)]
    pub wish: Field<'a>,
    /// `mixed` and `news` items (one that is not an object has no fields).
    #[serde(borrow)]
    pub item: Arr<Obj<Item<'a>>>,
}

/// An item of a `mixed` or `news` body.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Item<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Field<'a>,
    #[serde(borrow)]
    pub content: Field<'a>,
    #[serde(borrow)]
    pub title: Field<'a>,
}

/// One field's value: a string, an integer, or anything else (kept as its JSON text, for the
/// reason a record is skipped).
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) enum Field<'a> {
    #[default]
    Missing,
    Str(Cow<'a, str>),
    Int(i64),
    Other(String),
}

impl Field<'_> {
    /// The string, or "" for anything else (as `Value::as_str` then `unwrap_or("")`).
    pub fn str(&self) -> &str {
        match self {
            Field::Str(s) => s,
            _ => "",
        }
    }

    /// The value as JSON text, for messages.
    pub fn json(&self) -> String {
        match self {
            Field::Missing => String::new(),
            Field::Str(s) => Value::from(s.as_ref()).to_string(),
            Field::Int(n) => n.to_string(),
            Field::Other(json) => json.clone(),
        }
    }
}

/// The first element of an array when it is a string (`tolist`).
#[derive(Debug, Default)]
pub(super) struct First<'a>(pub Field<'a>);

/// Whether the key is there at all, whatever its value (`"encrypt_chat_msg": null` too).
#[derive(Debug, Default)]
pub(super) struct Seen(pub bool);

/// `T` read from an object; any other value is `None`.
#[derive(Debug)]
pub(super) struct Obj<T>(pub Option<T>);

/// The elements of an array; any other value is no elements.
#[derive(Debug)]
pub(super) struct Arr<T>(pub Vec<T>);

// Not derived: that would ask `T: Default`.
impl<T> Default for Obj<T> {
    fn default() -> Self {
        Obj(None)
    }
}

impl<T> Default for Arr<T> {
    fn default() -> Self {
        Arr(Vec::new())
    }
}

// ---------------------------------------------------------------------------------------
// The lenient readers: each takes the kind of value it wants and skips any other.

/// Visitor methods for the values a lenient reader skips: each gives `Default::default()`.
macro_rules! skip_scalars {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
    };
}

/// Skips the rest of a sequence.
fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Skips the rest of a map.
fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

impl<'de: 'a, 'a> Deserialize<'de> for Field<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Field<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Field<'de>, E> {
                Ok(Field::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Field<'de>, E> {
                Ok(Field::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Field<'de>, E> {
                Ok(Field::Str(Cow::Owned(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Field<'de>, E> {
                Ok(Field::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Field<'de>, E> {
                Ok(i64::try_from(v).map_or_else(|_| Field::Other(v.to_string()), Field::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Field<'de>, E> {
                Ok(Field::Other(Value::from(v).to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Field<'de>, E> {
                Ok(Field::Other(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Field<'de>, E> {
                Ok(Field::Other("null".to_string()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Field<'de>, E> {
                self.visit_unit()
            }
            // The rare object or array where a string or number belongs: its JSON text.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Field<'de>, A::Error> {
                Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(|v| Field::Other(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Field<'de>, A::Error> {
                Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(|v| Field::Other(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| Obj(Some(t)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Obj<T>, A::Error> {
                skip_seq(seq).map(|()| Obj(None))
            }
            skip_scalars!();
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Arr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Arr<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Arr<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(t) = seq.next_element()? {
                    out.push(t);
                }
                Ok(Arr(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Arr<T>, A::Error> {
                skip_map(map).map(|()| Arr(Vec::new()))
            }
            skip_scalars!();
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for First<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = First<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            // Without a `Vec` per record: the first element, then the rest skipped.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<First<'de>, A::Error> {
                let first = seq.next_element::<Field<'de>>()?.unwrap_or_default();
                skip_seq(seq).map(|()| First(first))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<First<'de>, A::Error> {
                skip_map(map).map(|()| First(Field::Missing))
            }
            skip_scalars!();
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Seen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Seen(true))
    }
}
