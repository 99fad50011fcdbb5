//! The fields of a request and of a response, declared once: `wire_record!` defines the
//! struct and, next to it, a static table of [`Field`]s (Rust name, wire key, [`Kind`], secret
//! group and content key, how a later response updates it). Merging, clearing, the secret
//! groups, dumping and reading the wire objects and the redacting `Debug` walk the tables
//! ([`crate::model::REQUEST_FIELDS`], [`crate::model::RESPONSE_FIELDS`]) instead of naming
//! fields, so a new field is one line of the declaration.

use std::fmt;

use serde_json::Value;

use crate::json;
use crate::model::{EntityPermission, EntityType};
use crate::wire;

/// What a field holds, as its Rust type says ([`FieldType::KIND`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `String`: empty means unset; a JSON string on the wire.
    Text,
    /// `Option<String>`: a JSON string or null; in a secret, the string itself.
    OptText,
    /// `bool`: false means unset; a JSON boolean on the wire (strings such as `"yes"` read
    /// too).
    Flag,
    /// `Option<bool>`: in a secret, the text `"true"` or `"false"` (read in any case).
    OptFlag,
    /// `Option<EntityType>`: the string `USER` or `GROUP`.
    EntityType,
    /// `Option<Vec<EntityPermission>>`: a JSON array of permission objects.
    Permissions,
}

/// How a field is tied to a secret group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secrecy {
    /// An ordinary field.
    Plain,
    /// The URI of the group's secret (`secret-{group}`), itself an ordinary field.
    UriOf(&'static str),
    /// A value that belongs to the group's secret (the provider never writes it in the
    /// databag); redacted by `Debug`.
    InGroup(&'static str),
}

/// What clearing a field of a response does (its key in the response's `cleared`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clear {
    /// The field becomes unset (a secret field leaves its group's secret).
    Unsets,
    /// Nothing: the key is accepted and ignored (a stored response's request id stays).
    Ignored,
    /// The response is refused (`invalid-model`): the library's model refuses `None` there.
    Refused,
}

/// What a field is, apart from how to reach it in its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The Rust field name.
    pub name: &'static str,
    /// The wire key, as the WIT spells the field (dashed).
    pub key: &'static str,
    /// What the field holds.
    pub kind: Kind,
    /// How the field is tied to a secret group.
    pub secret: Secrecy,
    /// The key of the value in the group's secret, when it is not [`Spec::key`].
    pub content: Option<&'static str>,
    /// The key the field is dumped under, when it is not [`Spec::key`].
    pub dump: Option<&'static str>,
    /// The keys the field is read from, in order (the first present, non-null one wins, every
    /// one is consumed); empty for [`Spec::key`] alone.
    pub read: &'static [&'static str],
    /// Whether a later response's value (when set) replaces the stored one.
    pub merge: bool,
    /// What clearing the field in a response does.
    pub clear: Clear,
}

impl Spec {
    /// An ordinary field, merged and clearable: the defaults of a declaration. Its name, key and
    /// kind are placeholders the declaration always replaces.
    pub const PLAIN: Spec = Spec {
        name: "",
        key: "",
        kind: Kind::OptText,
        secret: Secrecy::Plain,
        content: None,
        dump: None,
        read: &[],
        merge: true,
        clear: Clear::Unsets,
    };

    /// The key of the value in the group's secret.
    pub fn content_key(&self) -> &'static str {
        self.content.unwrap_or(self.key)
    }

    /// The key the field is dumped under.
    pub fn dump_key(&self) -> &'static str {
        self.dump.unwrap_or(self.key)
    }

    /// The keys the field is read from, in order.
    pub fn read_keys(&self) -> &[&'static str] {
        if self.read.is_empty() {
            std::slice::from_ref(&self.key)
        } else {
            self.read
        }
    }

    /// The secret group the field's value belongs to.
    pub fn group(&self) -> Option<&'static str> {
        match self.secret {
            Secrecy::InGroup(group) => Some(group),
            _ => None,
        }
    }

    /// The group whose secret URI the field holds.
    pub fn uri_of(&self) -> Option<&'static str> {
        match self.secret {
            Secrecy::UriOf(group) => Some(group),
            _ => None,
        }
    }
}

/// A field's value, borrowed, whatever its type.
#[derive(Clone, Copy)]
pub enum FieldRef<'a> {
    /// [`Kind::Text`].
    Text(&'a String),
    /// [`Kind::OptText`].
    OptText(&'a Option<String>),
    /// [`Kind::Flag`].
    Flag(&'a bool),
    /// [`Kind::OptFlag`].
    OptFlag(&'a Option<bool>),
    /// [`Kind::EntityType`].
    EntityType(&'a Option<EntityType>),
    /// [`Kind::Permissions`].
    Permissions(&'a Option<Vec<EntityPermission>>),
}

impl FieldRef<'_> {
    /// Whether the field is set: an option is some, a string not empty, a flag true.
    pub fn is_set(self) -> bool {
        match self {
            FieldRef::Text(text) => !text.is_empty(),
            FieldRef::OptText(value) => value.is_some(),
            FieldRef::Flag(flag) => *flag,
            FieldRef::OptFlag(value) => value.is_some(),
            FieldRef::EntityType(value) => value.is_some(),
            FieldRef::Permissions(value) => value.is_some(),
        }
    }

    /// The value as the text a secret holds (a boolean as `"true"` or `"false"`, a JSON value
    /// as JSON text); none when unset.
    pub fn text(self) -> Option<String> {
        match self {
            FieldRef::Text(text) => Some(text.clone()).filter(|text| !text.is_empty()),
            FieldRef::OptText(value) => value.clone(),
            FieldRef::Flag(flag) => flag.then(|| "true".to_string()),
            FieldRef::OptFlag(value) => value.map(|flag| flag.to_string()),
            FieldRef::EntityType(value) => value.map(|kind| kind.as_str().to_string()),
            FieldRef::Permissions(value) => value.as_ref().map(|_| json::dumps(&self.dump())),
        }
    }

    /// The value as the library's JSON-mode dump writes it (null when unset).
    pub fn dump(self) -> Value {
        let opt = |value: &Option<String>| value.clone().map_or(Value::Null, Value::String);
        match self {
            FieldRef::Text(text) => Value::String(text.clone()),
            FieldRef::OptText(value) => opt(value),
            FieldRef::Flag(flag) => Value::Bool(*flag),
            FieldRef::OptFlag(value) => value.map_or(Value::Null, Value::Bool),
            FieldRef::EntityType(value) => {
                value.map_or(Value::Null, |kind| Value::String(kind.as_str().into()))
            }
            FieldRef::Permissions(value) => value.as_ref().map_or(Value::Null, |permissions| {
                Value::Array(permissions.iter().map(wire::permission_value).collect())
            }),
        }
    }

    /// What `Debug` shows for a secret field: `Some("<redacted>")` when set, else `None`.
    pub fn redacted(self) -> Option<&'static str> {
        self.is_set().then_some("<redacted>")
    }
}

impl fmt::Debug for FieldRef<'_> {
    /// The value's own `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldRef::Text(value) => value.fmt(f),
            FieldRef::OptText(value) => value.fmt(f),
            FieldRef::Flag(value) => value.fmt(f),
            FieldRef::OptFlag(value) => value.fmt(f),
            FieldRef::EntityType(value) => value.fmt(f),
            FieldRef::Permissions(value) => value.fmt(f),
        }
    }
}

/// The types a declared field may have: how each is viewed, decoded from the wire and set from
/// a secret's text.
pub trait FieldType: Clone + Default {
    /// The kind this type is.
    const KIND: Kind;

    /// The value, borrowed.
    fn view(&self) -> FieldRef<'_>;

    /// Decodes one present, non-null wire value; the error names `key`.
    fn decode(key: &str, value: &Value) -> Result<Self, String>;

    /// The value a secret's text gives (none unsets the field).
    fn from_text(text: Option<String>) -> Self;

    /// Reads the field from the values of its read keys, in order: the first non-null one
    /// wins, every one must decode, none gives the default.
    fn read(values: &[KeyValue<'_>]) -> Result<Self, String> {
        let mut found = None;
        for (key, value) in values {
            if value.is_null() {
                continue;
            }
            let decoded = Self::decode(key, value)?;
            if found.is_none() {
                found = Some(decoded);
            }
        }
        Ok(found.unwrap_or_default())
    }
}

fn decode_str(key: &str, value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(format!(
            "`{key}`: expected a string or null, found {}",
            wire::kind(other)
        )),
    }
}

fn decode_bool(key: &str, value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" | "t" | "y" => Ok(true),
            "false" | "no" | "off" | "0" | "f" | "n" | "" => Ok(false),
            _ => Err(format!(
                "`{key}`: expected a boolean, found the string {}",
                json::dumps_str(text)
            )),
        },
        other => Err(format!(
            "`{key}`: expected a boolean, found {}",
            wire::kind(other)
        )),
    }
}

/// A boolean as a secret holds it: `true` or `false` in any case, anything else unset.
fn flag_of_text(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

impl FieldType for String {
    const KIND: Kind = Kind::Text;
    fn view(&self) -> FieldRef<'_> {
        FieldRef::Text(self)
    }
    fn decode(key: &str, value: &Value) -> Result<Self, String> {
        decode_str(key, value)
    }
    fn from_text(text: Option<String>) -> Self {
        text.unwrap_or_default()
    }
}

impl FieldType for Option<String> {
    const KIND: Kind = Kind::OptText;
    fn view(&self) -> FieldRef<'_> {
        FieldRef::OptText(self)
    }
    fn decode(key: &str, value: &Value) -> Result<Self, String> {
        decode_str(key, value).map(Some)
    }
    fn from_text(text: Option<String>) -> Self {
        text
    }
}

impl FieldType for bool {
    const KIND: Kind = Kind::Flag;
    fn view(&self) -> FieldRef<'_> {
        FieldRef::Flag(self)
    }
    fn decode(key: &str, value: &Value) -> Result<Self, String> {
        decode_bool(key, value)
    }
    fn from_text(text: Option<String>) -> Self {
        text.as_deref().and_then(flag_of_text).unwrap_or_default()
    }
}

impl FieldType for Option<bool> {
    const KIND: Kind = Kind::OptFlag;
    fn view(&self) -> FieldRef<'_> {
        FieldRef::OptFlag(self)
    }
    fn decode(key: &str, value: &Value) -> Result<Self, String> {
        decode_bool(key, value).map(Some)
    }
    fn from_text(text: Option<String>) -> Self {
        text.as_deref().and_then(flag_of_text)
    }
}

impl FieldType for Option<EntityType> {
    const KIND: Kind = Kind::EntityType;
    fn view(&self) -> FieldRef<'_> {
        FieldRef::EntityType(self)
    }
    fn decode(key: &str, value: &Value) -> Result<Self, String> {
        let text = decode_str(key, value)?;
        EntityType::parse(&text).map(Some).ok_or_else(|| {
            format!(
                "`{key}`: expected USER or GROUP, found {}",
                json::dumps_str(&text)
            )
        })
    }
    fn from_text(text: Option<String>) -> Self {
        text.as_deref().and_then(EntityType::parse)
    }
}

impl FieldType for Option<Vec<EntityPermission>> {
    const KIND: Kind = Kind::Permissions;
    fn view(&self) -> FieldRef<'_> {
        FieldRef::Permissions(self)
    }
    fn decode(_key: &str, value: &Value) -> Result<Self, String> {
        wire::parse_permissions(value).map(Some)
    }
    fn from_text(text: Option<String>) -> Self {
        text.and_then(|text| wire::parse_permissions(&Value::String(text)).ok())
    }
}

/// A present wire value and the key it was read from.
pub type KeyValue<'a> = (&'a str, &'a Value);

/// One declared field of a record `R`: its [`Spec`] and how to reach it in a record.
pub struct Field<R: 'static> {
    /// What the field is.
    pub spec: Spec,
    pub(crate) view: for<'a> fn(&'a R) -> FieldRef<'a>,
    pub(crate) copy: fn(&mut R, &R),
    pub(crate) set_text: fn(&mut R, Option<String>),
    pub(crate) read: fn(&mut R, &[KeyValue<'_>]) -> Result<(), String>,
}

impl<R> Field<R> {
    /// The field's value in a record.
    pub fn view<'a>(&self, record: &'a R) -> FieldRef<'a> {
        (self.view)(record)
    }

    /// Whether a record sets the field.
    pub fn is_set(&self, record: &R) -> bool {
        self.view(record).is_set()
    }

    /// Copies the field from `new` into `old` when `new` sets it and the field merges.
    pub fn merge(&self, old: &mut R, new: &R) {
        if self.spec.merge && self.is_set(new) {
            (self.copy)(old, new);
        }
    }

    /// Unsets the field (whatever [`Spec::clear`] says: the caller decides).
    pub fn unset(&self, record: &mut R) {
        (self.set_text)(record, None);
    }

    /// Sets the field from a secret's text or a URI; none unsets it.
    pub fn set_text(&self, record: &mut R, text: Option<String>) {
        (self.set_text)(record, text);
    }

    /// Reads the field from the values of its read keys (present ones, in order).
    pub fn read(&self, record: &mut R, values: &[KeyValue<'_>]) -> Result<(), String> {
        (self.read)(record, values)
    }
}

/// A record declared by `wire_record!`: its table of fields and its extras (the fields of a
/// model subclass and unknown keys, as JSON text).
pub trait Record: Sized + 'static {
    /// The declared fields, in declaration order.
    const FIELDS: &'static [Field<Self>];

    /// The extras.
    fn extra(&self) -> &[(String, String)];

    /// The extras, to change.
    fn extra_mut(&mut self) -> &mut Vec<(String, String)>;
}

/// The field of a table with a wire key.
pub fn find<'a, R>(table: &'a [Field<R>], key: &str) -> Option<&'a Field<R>> {
    table.iter().find(|field| field.spec.key == key)
}

/// The standard secret groups of a table: the groups of its secret fields in the order of
/// their first field, then groups that only have a URI field, in declaration order.
pub fn groups<R>(table: &[Field<R>]) -> Vec<&'static str> {
    let mut groups: Vec<&'static str> = Vec::new();
    let in_group = table.iter().filter_map(|field| field.spec.group());
    let uri_only = table.iter().filter_map(|field| field.spec.uri_of());
    for group in in_group.chain(uri_only) {
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    groups
}

/// The secret fields of a group, in declaration order (none for a custom group).
pub fn group_fields<'a, R>(
    table: &'a [Field<R>],
    group: &'a str,
) -> impl Iterator<Item = &'a Field<R>> + 'a {
    table
        .iter()
        .filter(move |field| field.spec.group() == Some(group))
}

/// The field holding a standard group's secret URI.
pub fn uri_field<'a, R>(table: &'a [Field<R>], group: &str) -> Option<&'a Field<R>> {
    table
        .iter()
        .find(|field| field.spec.uri_of() == Some(group))
}

/// Starts a record's `Debug`: every declared field in order, secret values redacted.
pub fn debug_fields<'a, 'b, R>(
    f: &'a mut fmt::Formatter<'b>,
    name: &str,
    table: &[Field<R>],
    record: &R,
) -> fmt::DebugStruct<'a, 'b> {
    let mut out = f.debug_struct(name);
    for field in table {
        let value = field.view(record);
        match field.spec.secret {
            Secrecy::InGroup(_) => out.field(field.spec.name, &value.redacted()),
            _ => out.field(field.spec.name, &value),
        };
    }
    out
}

/// Declares a record of the protocol once: the struct (each field `pub`, with its docs) and a
/// static table of its fields, in declaration order.
///
/// ```text
/// wire_record! {
///     /// Docs of the struct.
///     #[derive(Clone, Default)]
///     pub struct Response in RESPONSE_FIELDS {
///         /// Docs of the field.
///         name: Type = "wire-key" { spec_field: value, ... },   // the braces are optional
///     }
///     and {
///         /// The extras (first, always), then fields that are not on the table.
///         extra: ExtraFields,
///     }
/// }
/// ```
///
/// The braces set [`Spec`] fields other than the name, key and kind (the kind comes from the
/// type); the rest default to [`Spec::PLAIN`]. The record implements [`Record`].
macro_rules! wire_record {
    (
        $(#[$meta:meta])*
        pub struct $record:ident in $table:ident {
            $(
                $(#[$field_meta:meta])*
                $name:ident: $ty:ty = $key:literal $({ $($attr:ident: $value:expr),* $(,)? })?
            ),* $(,)?
        }
        and {
            $(#[$extra_meta:meta])*
            extra: $extra_ty:ty
            $(,
                $(#[$rest_meta:meta])*
                $rest:ident: $rest_ty:ty
            )* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $record {
            $($(#[$field_meta])* pub $name: $ty,)*
            $(#[$extra_meta])*
            pub extra: $extra_ty,
            $($(#[$rest_meta])* pub $rest: $rest_ty,)*
        }

        impl $crate::fields::Record for $record {
            const FIELDS: &'static [$crate::fields::Field<Self>] = $table;

            fn extra(&self) -> &[(String, String)] {
                &self.extra
            }

            fn extra_mut(&mut self) -> &mut Vec<(String, String)> {
                &mut self.extra
            }
        }

        #[doc = concat!(
            "The declared fields of [`", stringify!($record), "`], in declaration order."
        )]
        pub static $table: &[$crate::fields::Field<$record>] = &[$(
            $crate::fields::Field {
                spec: $crate::fields::Spec {
                    name: stringify!($name),
                    key: $key,
                    kind: <$ty as $crate::fields::FieldType>::KIND,
                    $($($attr: $value,)*)?
                    ..$crate::fields::Spec::PLAIN
                },
                view: |record| $crate::fields::FieldType::view(&record.$name),
                copy: |to, from| to.$name.clone_from(&from.$name),
                set_text: |record, text| {
                    record.$name = <$ty as $crate::fields::FieldType>::from_text(text)
                },
                read: |record, values| {
                    record.$name = <$ty as $crate::fields::FieldType>::read(values)?;
                    Ok(())
                },
            }
        ),*];
    };
}

pub(crate) use wire_record;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Request, Response, REQUEST_FIELDS, RESPONSE_FIELDS};

    fn keys<R>(table: &[Field<R>]) -> Vec<&'static str> {
        table.iter().map(|field| field.spec.key).collect()
    }

    #[test]
    fn wire_keys_are_unique_in_each_record() {
        for table in [keys(REQUEST_FIELDS), keys(RESPONSE_FIELDS)] {
            let mut unique = table.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), table.len(), "{table:?}");
        }
    }

    #[test]
    fn secret_fields_are_text_or_flags() {
        let specs = REQUEST_FIELDS
            .iter()
            .map(|field| field.spec)
            .chain(RESPONSE_FIELDS.iter().map(|field| field.spec));
        for spec in specs.filter(|spec| spec.secret != Secrecy::Plain) {
            assert!(
                matches!(spec.kind, Kind::OptText | Kind::OptFlag),
                "{spec:?}"
            );
        }
    }

    #[test]
    fn every_standard_group_has_a_uri_field() {
        for group in groups(REQUEST_FIELDS) {
            assert!(uri_field(REQUEST_FIELDS, group).is_some(), "{group}");
        }
        for group in groups(RESPONSE_FIELDS) {
            assert!(uri_field(RESPONSE_FIELDS, group).is_some(), "{group}");
        }
    }

    #[test]
    fn response_groups_are_in_the_order_their_secrets_are_written() {
        assert_eq!(groups(RESPONSE_FIELDS), ["user", "tls", "entity", "extra"]);
        assert_eq!(groups(REQUEST_FIELDS), ["mtls", "requested-entity"]);
    }

    #[test]
    fn a_tls_flag_is_stored_as_true_or_false_and_read_in_any_case() {
        let Some(field) = find(RESPONSE_FIELDS, "tls") else {
            panic!("a response has no `tls` field");
        };
        assert_eq!(field.spec.kind, Kind::OptFlag);
        let mut response = Response {
            tls: Some(false),
            ..Response::default()
        };
        assert_eq!(field.view(&response).text().as_deref(), Some("false"));
        field.set_text(&mut response, Some("TRUE".into()));
        assert_eq!(response.tls, Some(true));
        field.set_text(&mut response, Some("maybe".into()));
        assert_eq!(response.tls, None);
    }

    #[test]
    fn the_request_entity_password_is_stored_and_dumped_as_password() {
        let spec = find(REQUEST_FIELDS, "entity-password").map(|field| field.spec);
        assert_eq!(spec.map(|spec| spec.content_key()), Some("password"));
        assert_eq!(spec.map(|spec| spec.dump_key()), Some("password"));
    }

    #[test]
    fn debug_shows_every_field_in_order_with_secret_values_redacted() {
        let request = Request {
            resource: "db".into(),
            mtls_cert: Some("cert".into()),
            ..Request::default()
        };
        assert_eq!(
            format!("{request:?}"),
            "Request { resource: \"db\", request_id: None, salt: \"\", \
             extra_user_roles: None, extra_group_roles: None, \
             external_node_connectivity: false, entity_type: None, \
             entity_permissions: None, secret_mtls: None, mtls_cert: Some(\"<redacted>\"), \
             secret_requested_entity: None, entity_name: None, entity_password: None, \
             prefix_matching: None, extra_keys: [] }"
        );
    }

    #[test]
    fn a_response_flag_is_redacted_in_debug() {
        let response = Response {
            tls: Some(true),
            ..Response::default()
        };
        let shown = format!("{response:?}");
        assert!(shown.contains("tls: Some(\"<redacted>\")"), "{shown}");
        assert!(shown.ends_with("extra_keys: [], cleared: [] }"), "{shown}");
    }
}
