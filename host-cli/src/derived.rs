//! What the command line reads from a record's serde derive rather than spelling it: the
//! record's field names ([`data_interfaces_host::shape`]), the wire key of a field (its name,
//! dashed), and errors that name the field.
//!
//! The JSON forms of [`crate::records`] are built on these, so a field added to the WIT's
//! `request` or `response` travels on the command line with no edit here.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

/// The field names of a record with a derived `Deserialize` (Rust names, snake case), in
/// declaration order; empty for a type that is not a struct.
pub fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    data_interfaces_host::shape::record_fields::<T>().unwrap_or(&[])
}

/// A field's wire key: its name, dashed (`read_only_uris` is `read-only-uris`).
pub fn wire_key(field: &str) -> String {
    field.replace('_', "-")
}

/// The field a wire key names: the key, snake case.
pub fn field_of(wire_key: &str) -> String {
    wire_key.replace('-', "_")
}

/// A record from its derived JSON form (field names as keys); an error names the field at
/// fault by its wire key and says what was expected, never the value.
pub fn from_derived<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let segments: Vec<&Segment> = error.path().iter().collect();
        let path = key_path(&segments, true);
        let message = error.inner().to_string();
        if let Some(field) = quoted(&message, "missing field `") {
            located(&path, &format!("{:?} is required", wire_key(&field)))
        } else if let Some((_, expected)) = message.split_once(", expected ") {
            // "invalid type: string \"...\", expected a boolean": the first half quotes the value.
            format!("{path} must be {expected}")
        } else {
            located(&path, "is malformed")
        }
    })
}

/// The name serde quotes after `prefix` in its message (`missing field \`salt\``), if the
/// message starts so.
pub fn quoted(message: &str, prefix: &str) -> Option<String> {
    message
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('`').next())
        .map(str::to_owned)
}

/// `text` prefixed with the key path it is about, when it is not the top level.
pub fn located(path: &str, text: &str) -> String {
    if path.is_empty() {
        text.to_owned()
    } else {
        format!("{path}: {text}")
    }
}

/// A key path for people: `"entity-permissions"[0]."privileges"`. With `dash_top`, the keys of
/// the outer record are field names, shown as their wire keys (dashed).
pub fn key_path(segments: &[&Segment], dash_top: bool) -> String {
    let mut text = String::new();
    for (depth, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !text.is_empty() {
                    text.push('.');
                }
                let key = if dash_top && depth == 0 {
                    wire_key(key)
                } else {
                    key.clone()
                };
                text.push_str(&format!("{key:?}"));
            }
            Segment::Unknown => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use data_interfaces_host::wit::{EntityPermission, Response};

    #[test]
    fn a_records_field_names_come_from_its_derive() {
        assert_eq!(
            field_names::<EntityPermission>(),
            ["resource_name", "resource_type", "privileges"]
        );
        assert!(field_names::<Response>().contains(&"read_only_uris"));
        assert!(field_names::<String>().is_empty());
    }

    #[test]
    fn a_wire_key_is_the_field_name_dashed_and_back() {
        assert_eq!(wire_key("read_only_uris"), "read-only-uris");
        assert_eq!(field_of("read-only-uris"), "read_only_uris");
    }

    #[test]
    fn an_error_names_the_wire_key_and_what_was_expected_not_the_value() {
        let value = serde_json::json!({
            "resource_name": "db", "resource_type": 12345678, "privileges": []
        });
        let error = from_derived::<EntityPermission>(value).unwrap_err();
        assert_eq!(error, "\"resource-type\" must be a string");
    }

    #[test]
    fn a_missing_field_is_named_by_its_wire_key() {
        let value = serde_json::json!({"resource_name": "db", "privileges": []});
        let error = from_derived::<EntityPermission>(value).unwrap_err();
        assert_eq!(error, "\"resource-type\" is required");
    }
}
