//! A serde `Serializer` to Python objects, for the contract's generated types.
//!
//! The contract's types derive `serde::Serialize` (host-rust's bindings); this serializer
//! makes the objects the Python side reads, by shape, never by field:
//!
//! * a record is a `dict` keyed by its field names, every field present (`None` for an absent
//!   option);
//! * a record field of the WIT's `list<tuple<string, string>>` type (`extra`, databag
//!   entries) is a `dict` of its pairs, in their order: a map the WIT spells as a list;
//! * any other list is a `list`, a tuple a `tuple`, an enum case its serde name (a `str`), a
//!   variant with a payload a one-entry `{case: payload}` dict;
//! * scalars are made by [`pythonize`]'s `Pythonizer`.
//!
//! The pairs rule is decided by the field's Rust type, not by its content, so an empty `extra`
//! is an empty `dict` as a full one is.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use pythonize::{PythonizeError, Pythonizer};
use serde::ser::{self, Impossible, Serialize, Serializer};

type Result<T> = std::result::Result<T, PythonizeError>;

/// The WIT's `list<tuple<string, string>>` (`entries`, `extra-fields`), as Rust spells it.
type Pairs = Vec<(String, String)>;

/// Whether `T` is [`Pairs`] (a map the WIT spells as a list of pairs).
fn is_pairs<T: ?Sized>() -> bool {
    std::any::type_name::<T>() == std::any::type_name::<Pairs>()
}

/// A value of a serde type as a Python object.
pub fn to_py<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> Result<Bound<'py, PyAny>> {
    value.serialize(ToPy { py })
}

/// The serializer (see the module doc).
#[derive(Clone, Copy)]
pub struct ToPy<'py> {
    py: Python<'py>,
}

impl<'py> ToPy<'py> {
    fn scalar(self) -> Pythonizer<'py, pythonize::PythonizeDefault> {
        Pythonizer::new(self.py)
    }
}

/// Scalars: made by pythonize.
macro_rules! scalars {
    ($($method:ident($type:ty)),* $(,)?) => {
        $(
            fn $method(self, value: $type) -> Result<Bound<'py, PyAny>> {
                self.scalar().$method(value)
            }
        )*
    };
}

impl<'py> Serializer for ToPy<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PythonizeError;
    type SerializeSeq = Collection<'py>;
    type SerializeTuple = Collection<'py>;
    type SerializeTupleStruct = Collection<'py>;
    type SerializeTupleVariant = Impossible<Bound<'py, PyAny>, PythonizeError>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Record<'py>;
    type SerializeStructVariant = Impossible<Bound<'py, PyAny>, PythonizeError>;

    scalars!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
    );

    fn serialize_none(self) -> Result<Bound<'py, PyAny>> {
        self.scalar().serialize_none()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Bound<'py, PyAny>> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Bound<'py, PyAny>> {
        self.scalar().serialize_unit()
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<Bound<'py, PyAny>> {
        self.scalar().serialize_unit_struct(name)
    }

    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<Bound<'py, PyAny>> {
        self.scalar().serialize_unit_variant(name, index, variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Bound<'py, PyAny>> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Bound<'py, PyAny>> {
        let dict = PyDict::new(self.py);
        dict.set_item(variant, value.serialize(self)?)?;
        Ok(dict.into_any())
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Collection<'py>> {
        Ok(Collection::new(self, len.unwrap_or(0), false))
    }

    fn serialize_tuple(self, len: usize) -> Result<Collection<'py>> {
        Ok(Collection::new(self, len, true))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Collection<'py>> {
        Ok(Collection::new(self, len, true))
    }

    /// The contract's variants have at most one payload (a newtype variant).
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(ser::Error::custom(format!(
            "{name}::{variant}: a variant with several payloads is not in the contract"
        )))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'py>> {
        Ok(Map {
            to: self,
            dict: PyDict::new(self.py),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Record<'py>> {
        Ok(Record {
            to: self,
            dict: PyDict::new(self.py),
        })
    }

    /// The contract's variants have at most one payload (a newtype variant).
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(ser::Error::custom(format!(
            "{name}::{variant}: a variant with named payloads is not in the contract"
        )))
    }
}

/// A list or a tuple, its items made one by one.
pub struct Collection<'py> {
    to: ToPy<'py>,
    items: Vec<Bound<'py, PyAny>>,
    tuple: bool,
}

impl<'py> Collection<'py> {
    fn new(to: ToPy<'py>, len: usize, tuple: bool) -> Self {
        Collection {
            to,
            items: Vec::with_capacity(len),
            tuple,
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(self.to)?);
        Ok(())
    }

    fn finish(self) -> Result<Bound<'py, PyAny>> {
        Ok(if self.tuple {
            PyTuple::new(self.to.py, self.items)?.into_any()
        } else {
            PyList::new(self.to.py, self.items)?.into_any()
        })
    }
}

/// Sequences, tuples and tuple structs all collect their items the same way.
macro_rules! collects {
    ($($trait:ident :: $method:ident),*) => {$(
        impl<'py> ser::$trait for Collection<'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = PythonizeError;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.push(value)
            }

            fn end(self) -> Result<Bound<'py, PyAny>> {
                self.finish()
            }
        }
    )*};
}

collects!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

/// A map, as a dict.
pub struct Map<'py> {
    to: ToPy<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

impl<'py> ser::SerializeMap for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PythonizeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(self.to)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self.key.take().ok_or_else(|| {
            <PythonizeError as ser::Error>::custom("a map value came before its key")
        })?;
        self.dict.set_item(key, value.serialize(self.to)?)?;
        Ok(())
    }

    fn end(self) -> Result<Bound<'py, PyAny>> {
        Ok(self.dict.into_any())
    }
}

/// A record, as a dict keyed by its field names.
pub struct Record<'py> {
    to: ToPy<'py>,
    dict: Bound<'py, PyDict>,
}

impl<'py> ser::SerializeStruct for Record<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PythonizeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        let made = value.serialize(self.to)?;
        let made = if is_pairs::<T>() {
            PyDict::from_sequence(&made)?.into_any()
        } else {
            made
        };
        self.dict.set_item(key, made)?;
        Ok(())
    }

    fn end(self) -> Result<Bound<'py, PyAny>> {
        Ok(self.dict.into_any())
    }
}
