//! How much data a value the component returns carries, for the host-call data bound.
//!
//! The host bounds what the component hands it in one call, in both directions: the data of an
//! import call (a change set, a secret's content) is checked in the imports, and what an export
//! returns (events, requests, responses, an error message) is measured here once it is lifted,
//! before the caller sees any of it. The measure counts the bytes of every string and one byte
//! for every other scalar, so a list of records cannot be large while counting as nothing.
//!
//! The measure walks a value through its serde form (every WIT type derives `Serialize`), with
//! a [`serde::Serializer`] that only counts: a field added to the WIT is measured with no edit
//! here. A resource handle, which has no serde form, is measured as [`Handle`].

use serde::ser::{self, Serialize};
use wasmtime::component::ResourceAny;

/// A value whose data volume the host bounds.
pub trait DataSize {
    /// The bytes of its strings, plus one for every other scalar it holds.
    fn data_size(&self) -> usize;

    /// Whether the component reported a failure (an export's `err`): then its own error, which
    /// already says what the host refused, is the call's outcome.
    fn is_failure(&self) -> bool {
        false
    }
}

/// Every value with a serde form is measured by it; a `Result` is a failure when it is `Err`.
impl<T: Serialize + ?Sized> DataSize for T {
    fn data_size(&self) -> usize {
        measure(self).bytes
    }

    fn is_failure(&self) -> bool {
        measure(self).first_variant == Some(("Result", "Err"))
    }
}

/// A handle to a resource the component made (a handler), measured as a handle's size: 4
/// bytes, the index the component model passes.
#[derive(Debug)]
pub struct Handle(pub ResourceAny);

impl Serialize for Handle {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&[0; 4])
    }
}

fn measure<T: Serialize + ?Sized>(value: &T) -> Counter {
    let mut counter = Counter::default();
    // Counting cannot fail: only a `Serialize` impl's own error could stop it, and then what
    // was counted so far is the measure.
    let _ = value.serialize(&mut counter);
    counter
}

/// The counting serializer: bytes of strings, one for every other scalar.
#[derive(Default)]
struct Counter {
    bytes: usize,
    /// Whether anything was serialized yet (the first call is the value itself).
    started: bool,
    /// The enum and variant of the value itself, when it is a newtype variant.
    first_variant: Option<(&'static str, &'static str)>,
}

impl Counter {
    fn add(&mut self, bytes: usize) -> Result<(), Never> {
        self.started = true;
        self.bytes += bytes;
        Ok(())
    }
}

/// The counter's error type; nothing the counter does produces one.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Never(String);

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Never(message.to_string())
    }
}

macro_rules! scalars {
    ($($method:ident: $t:ty),*) => {
        $(fn $method(self, _: $t) -> Result<(), Never> {
            self.add(1)
        })*
    };
}

impl ser::Serializer for &mut Counter {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    scalars!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char
    );

    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.add(v.len())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Never> {
        self.add(v.len())
    }
    fn serialize_none(self) -> Result<(), Never> {
        self.add(0)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Never> {
        self.started = true;
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        self.add(0)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        self.add(0)
    }
    /// An enum case without a payload (a WIT enum, a variant's bare case) is one scalar.
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Never> {
        self.add(1)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.started = true;
        value.serialize(self)
    }
    /// A variant's case with a payload counts its payload only.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        if !self.started {
            self.first_variant = Some((name, variant));
        }
        self.started = true;
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        self.started = true;
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        self.started = true;
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.started = true;
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.started = true;
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        self.started = true;
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.started = true;
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.started = true;
        Ok(self)
    }
}

/// Elements, fields and map entries count their values (a record's field names are not data;
/// a map's keys are).
macro_rules! compound {
    ($($trait:ident :: $method:ident $(($key:ident))?),*) => {
        $(impl ser::$trait for &mut Counter {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(
                &mut self,
                $($key: &'static str,)?
                value: &T,
            ) -> Result<(), Never> {
                $(let _ = $key;)?
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Never> {
                Ok(())
            }
        })*
    };
}

compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
    SerializeStruct::serialize_field(key),
    SerializeStructVariant::serialize_field(key)
);

impl ser::SerializeMap for &mut Counter {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::wit;

    #[test]
    fn strings_count_their_bytes_and_other_scalars_one() {
        let status = wit::Status {
            code: 4,
            message: "héllo".to_owned(),
            resolution: String::new(),
        };
        assert_eq!(status.data_size(), 1 + "héllo".len());
    }

    #[test]
    fn an_error_result_counts_its_message() {
        let result: Result<Vec<wit::Status>, wit::Error> =
            Err(wit::Error::InvalidModel("x".repeat(100)));
        assert_eq!(result.data_size(), 100);
    }

    #[test]
    fn each_shape_counts_as_the_rule_says() {
        let cases: Vec<(&str, usize, usize)> = vec![
            ("a string", "abc".to_owned().data_size(), 3),
            ("a bool", true.data_size(), 1),
            ("an enum case", wit::EntityType::Group.data_size(), 1),
            ("none", None::<String>.data_size(), 0),
            ("some", Some("ab".to_owned()).data_size(), 2),
            ("unit", ().data_size(), 0),
            (
                "a list",
                vec!["a".to_owned(), "bc".to_owned()].data_size(),
                3,
            ),
            (
                "a pair",
                ("key".to_owned(), "value".to_owned()).data_size(),
                8,
            ),
            ("a bare variant case", wit::Bag::LocalApp.data_size(), 1),
            (
                "a variant case with a payload",
                wit::Bag::RemoteUnit("app/0".to_owned()).data_size(),
                5,
            ),
            (
                "a record: its fields' values, not their names",
                wit::EntityPermission {
                    resource_name: "db".to_owned(),
                    resource_type: "table".to_owned(),
                    privileges: vec!["SELECT".to_owned()],
                }
                .data_size(),
                2 + 5 + 6,
            ),
        ];
        for (what, measured, expected) in cases {
            assert_eq!(measured, expected, "{what}");
        }
    }

    #[test]
    fn only_an_err_result_is_a_failure() {
        let ok: Result<String, wit::Error> = Ok("x".to_owned());
        let err: Result<String, wit::Error> = Err(wit::Error::Secret("s".to_owned()));
        let nested_err: Option<Result<String, String>> = Some(Err("e".to_owned()));
        assert!(!ok.is_failure());
        assert!(err.is_failure());
        assert!(!nested_err.is_failure());
        assert!(!"Err".to_owned().is_failure());
    }
}
