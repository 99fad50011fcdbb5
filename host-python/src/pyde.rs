//! A serde `Deserializer` over Python objects, for the contract's generated types.
//!
//! The contract's types derive `serde::Deserialize` (host-rust's bindings); this deserializer
//! reads them from the dicts, lists and scalars Python hands over, with the rules a Python
//! caller relies on, each by shape, never by field:
//!
//! * a record is a `dict` keyed by the record's field names; keys it does not declare are
//!   ignored; a field that is absent or `None` takes its type's empty value when it has one
//!   (`None` for an option, `False` for a bool, `[]` for a list, `""` for a string of a
//!   request, response or status), and is a `missing field` error otherwise (a number, a
//!   record, an enum, a string of any other record: an absent `endpoint`, `key` or secret
//!   `id` is named, never read as `""`);
//! * a list is any iterable but a `str`; a `dict` where a list of pairs is expected reads as
//!   its `(key, value)` items (so `extra`, `secret_uris` and databag entries are dicts);
//! * an enum case is a `str`; a variant with a payload is a one-entry `{case: payload}` dict;
//! * scalars are read by [`pythonize`]'s `Depythonizer`, whose errors (Python exceptions,
//!   typed) this deserializer reports unchanged, except a `bool`, which must be one (pythonize
//!   reads any object's truth).
//!
//! Wrap it in `serde_path_to_error` to learn where an error is (see `convert::from_py`).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator, PyString};
use pythonize::{Depythonizer, PythonizeError};
use serde::de::{self, Deserializer, IntoDeserializer, Visitor};

type Result<T> = std::result::Result<T, PythonizeError>;

/// A Python object read as a value of a serde type.
pub struct De<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
}

impl<'a, 'py> De<'a, 'py> {
    /// Read `obj`.
    pub fn new(obj: &'a Bound<'py, PyAny>) -> Self {
        De { obj }
    }

    /// The object's items, as an iterator, refusing a `str` (a str is iterable, never a list).
    fn items(&self) -> Result<Bound<'py, PyIterator>> {
        if self.obj.is_instance_of::<PyString>() {
            return Err(type_error("expected a list, not a str"));
        }
        if let Ok(dict) = self.obj.cast::<PyDict>() {
            return Ok(dict.items().into_any().try_iter()?);
        }
        Ok(self.obj.try_iter()?)
    }

    /// The scalar reader of pythonize, for this object.
    fn scalar(&self) -> Depythonizer<'a, 'py> {
        Depythonizer::from_object(self.obj)
    }
}

/// A `TypeError` as a pythonize error (reported as the same `TypeError`).
fn type_error(message: impl Into<String>) -> PythonizeError {
    PyTypeError::new_err(message.into()).into()
}

/// Scalars: read by pythonize.
macro_rules! scalars {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
                (&mut self.scalar()).$method(visitor)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for De<'_, '_> {
    type Error = PythonizeError;

    scalars!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_identifier,
        deserialize_ignored_any,
    );

    /// A `bool` only (pythonize takes any object's truth: `"False"` would read as true).
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_bool(self.obj.extract::<bool>()?)
    }

    /// Only a self-describing type asks for this (none of the contract's does): pythonize reads
    /// the object as it finds it.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        (&mut self.scalar()).deserialize_any(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        (&mut self.scalar()).deserialize_unit_struct(name, visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.obj.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_seq(Items(self.items()?))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        let items = self.items()?.collect::<PyResult<Vec<_>>>()?;
        if items.len() != len {
            return Err(de::Error::invalid_length(items.len(), &visitor));
        }
        visitor.visit_seq(Items(items.into_iter().map(Ok)))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let dict = self.obj.cast::<PyDict>()?;
        visitor.visit_map(Entries {
            iter: dict.items().into_any().try_iter()?,
            value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let dict = self.obj.cast::<PyDict>()?;
        visitor.visit_map(Fields {
            dict: dict.clone(),
            fields: fields.iter(),
            current: None,
            empty_strings: EMPTY_STRING_RECORDS.contains(&name),
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if let Ok(case) = self.obj.cast::<PyString>() {
            let case: String = case.to_str()?.to_owned();
            return visitor.visit_enum(case.into_deserializer());
        }
        let Ok(dict) = self.obj.cast::<PyDict>() else {
            return Err(type_error(
                "expected an enum case (a str) or a variant ({case: payload})",
            ));
        };
        let mut items = dict.iter();
        match (items.next(), items.next()) {
            (Some((case, payload)), None) => visitor.visit_enum(Case {
                case: case.extract::<String>()?,
                payload,
            }),
            _ => Err(type_error(format!(
                "a variant is a dict of one entry {{case: payload}}, not {} entries",
                dict.len()
            ))),
        }
    }
}

/// The items of a list (or of a dict, as pairs).
struct Items<I>(I);

impl<'de, 'py, I> de::SeqAccess<'de> for Items<I>
where
    I: Iterator<Item = PyResult<Bound<'py, PyAny>>>,
{
    type Error = PythonizeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>> {
        match self.0.next() {
            None => Ok(None),
            Some(item) => seed.deserialize(De::new(&item?)).map(Some),
        }
    }
}

/// The entries of a dict read as a map.
struct Entries<'py> {
    iter: Bound<'py, PyIterator>,
    value: Option<Bound<'py, PyAny>>,
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = PythonizeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(item) = self.iter.next() else {
            return Ok(None);
        };
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        self.value = Some(value);
        seed.deserialize(De::new(&key)).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        match self.value.take() {
            Some(value) => seed.deserialize(De::new(&value)),
            None => Err(de::Error::custom("a map value was asked before its key")),
        }
    }
}

/// The records the charm writes as protocol data, whose absent strings are empty (`resource`
/// and `salt` of a request or response, `message` and `resolution` of a status), as the
/// library's models default them; the component says what an empty one means (an empty salt
/// asks it for one). A string of any other record (an `endpoint`, a field spec's `key`, a
/// secret hook's `id`) is required.
const EMPTY_STRING_RECORDS: [&str; 3] = ["Request", "Response", "Status"];

/// The fields of a record, in the record's order, read from a dict by name.
struct Fields<'py> {
    dict: Bound<'py, PyDict>,
    fields: std::slice::Iter<'static, &'static str>,
    /// The field whose value comes next, and its value (`None`: absent or `None`).
    current: Option<(&'static str, Option<Bound<'py, PyAny>>)>,
    /// Whether an absent string is empty ([`EMPTY_STRING_RECORDS`]) or a missing field.
    empty_strings: bool,
}

impl<'de> de::MapAccess<'de> for Fields<'_> {
    type Error = PythonizeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(&field) = self.fields.next() else {
            return Ok(None);
        };
        let value = self.dict.get_item(field)?.filter(|value| !value.is_none());
        self.current = Some((field, value));
        seed.deserialize(field.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        match self.current.take() {
            Some((_, Some(value))) => seed.deserialize(De::new(&value)),
            Some((field, None)) => seed.deserialize(Absent {
                field,
                empty_string: self.empty_strings,
            }),
            None => Err(de::Error::custom(
                "a field's value was asked before its name",
            )),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// The value of a field that is absent (or `None`): its type's empty value, if it has one.
struct Absent {
    field: &'static str,
    /// Whether a string is empty (else it is a missing field).
    empty_string: bool,
}

impl<'de> Deserializer<'de> for Absent {
    type Error = PythonizeError;

    /// A type without an empty value (a string, a number, a record, an enum): the field is
    /// missing.
    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(de::Error::missing_field(self.field))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_none()
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.empty_string {
            visitor.visit_str("")
        } else {
            Err(de::Error::missing_field(self.field))
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_bool(false)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_seq(de::value::SeqDeserializer::<_, PythonizeError>::new(
            std::iter::empty::<()>(),
        ))
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit unit_struct
        newtype_struct tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A variant read from a one-entry dict: its case and its payload.
struct Case<'py> {
    case: String,
    payload: Bound<'py, PyAny>,
}

impl<'de, 'py> de::EnumAccess<'de> for Case<'py> {
    type Error = PythonizeError;
    type Variant = Payload<'py>;

    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Payload<'py>)> {
        let case = seed.deserialize(de::value::StringDeserializer::<PythonizeError>::new(
            self.case,
        ))?;
        Ok((case, Payload(self.payload)))
    }
}

/// A variant's payload.
struct Payload<'py>(Bound<'py, PyAny>);

impl<'de> de::VariantAccess<'de> for Payload<'_> {
    type Error = PythonizeError;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(De::new(&self.0))
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(De::new(&self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        De::new(&self.0).deserialize_tuple(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        De::new(&self.0).deserialize_struct("", fields, visitor)
    }
}
