//! The shape of a contract type, read from its serde derive: a record's field names, an enum's
//! or variant's case names, in the WIT's order.
//!
//! `Deserialize` for a derived record starts by telling its deserializer every field it has
//! (`deserialize_struct(name, fields, ..)`), an enum every case (`deserialize_enum`); a
//! deserializer that notes the list and stops is enough, with no value and no component.
//!
//! The hosts' codecs (the Python extension's dicts, the command line's JSON) read a record's
//! fields here rather than listing them, so a field added to the WIT needs no edit in them.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;

/// What a type told the [`Probe`].
#[derive(Debug)]
enum Told {
    /// A record, with its field names.
    Record(&'static [&'static str]),
    /// An enum or a variant, with its case names.
    Cases(&'static [&'static str]),
    /// Something else, or an error of the type's own (the message).
    Other(String),
}

impl fmt::Display for Told {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Told::Record(fields) => write!(f, "a record of {fields:?}"),
            Told::Cases(cases) => write!(f, "cases {cases:?}"),
            Told::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Told {}

impl de::Error for Told {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Told::Other(message.to_string())
    }
}

/// A deserializer that answers nothing and notes what it was asked for.
struct Probe;

impl<'de> Deserializer<'de> for Probe {
    type Error = Told;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Told> {
        Err(Told::Other("not a record or an enum".to_owned()))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Told> {
        Err(Told::Record(fields))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        cases: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Told> {
        Err(Told::Cases(cases))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// The field names of a record type (its Rust names, as the Python dicts key it), in order;
/// `None` for a type that is not a record.
pub fn record_fields<'de, T: Deserialize<'de>>() -> Option<&'static [&'static str]> {
    match T::deserialize(Probe) {
        Err(Told::Record(fields)) => Some(fields),
        _ => None,
    }
}

/// The case names of an enum or variant type (their serde names), in order; `None` for a type
/// that is neither.
pub fn cases<'de, T: Deserialize<'de>>() -> Option<&'static [&'static str]> {
    match T::deserialize(Probe) {
        Err(Told::Cases(cases)) => Some(cases),
        _ => None,
    }
}
