//! Core declares each field of a request and of a response once, in a table
//! ([`REQUEST_FIELDS`], [`RESPONSE_FIELDS`]); the WIT declares the same records for the hosts.
//! These tests hold the two together: the same wire keys both ways, the same kinds, and a field's
//! secret group in core is the group its WIT documentation names ("Secret group `g`.").

use data_interfaces_core::fields::{Field, Kind};
use data_interfaces_core::model::{REQUEST_FIELDS, RESPONSE_FIELDS};

const WIT: &str = include_str!("../../wit/data-interfaces.wit");

/// Members of the WIT records that are not wire fields, so not in core's tables: the extras
/// (unknown keys and a model subclass's fields) and the keys a response clears.
const NOT_WIRE_FIELDS: [&str; 2] = ["extra", "cleared"];

/// One field of a WIT record: its name, type and the group its documentation names.
#[derive(Debug)]
struct WitField {
    name: String,
    ty: String,
    group: Option<String>,
}

/// The wire fields of `record {name}` in the WIT, in order.
fn wit_fields(name: &str) -> Vec<WitField> {
    let start = WIT
        .find(&format!("record {name} {{"))
        .unwrap_or_else(|| panic!("record {name} is not in the WIT"));
    let body = &WIT[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    let mut fields = Vec::new();
    let mut group = None;
    for line in body.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if let Some(doc) = line.strip_prefix("///") {
            let named = doc
                .trim()
                .strip_prefix("Secret group `")
                .and_then(|rest| rest.strip_suffix("`."));
            if let Some(named) = named {
                group = Some(named.to_owned());
            }
            continue;
        }
        let (field, ty) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("record {name}: `{line}` is not a field"));
        let field = field.trim().trim_start_matches('%');
        if !NOT_WIRE_FIELDS.contains(&field) {
            fields.push(WitField {
                name: field.to_owned(),
                ty: ty.trim().trim_end_matches(',').to_owned(),
                group: group.take(),
            });
        }
        group = None;
    }
    fields
}

/// The WIT type a field of a kind has.
fn wit_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "string",
        Kind::OptText => "option<string>",
        Kind::Flag => "bool",
        Kind::OptFlag => "option<bool>",
        Kind::EntityType => "option<entity-type>",
        Kind::Permissions => "option<list<entity-permission>>",
    }
}

fn wit_field<'a>(wit: &'a [WitField], key: &str) -> Option<&'a WitField> {
    wit.iter().find(|field| field.name == key)
}

fn assert_every_wit_field_is_in_core<R>(record: &str, table: &[Field<R>]) {
    for field in wit_fields(record) {
        assert!(
            table.iter().any(|core| core.spec.key == field.name),
            "record {record}: the WIT field `{}` has no entry in core's table",
            field.name
        );
    }
}

fn assert_every_core_field_is_in_the_wit<R>(record: &str, table: &[Field<R>]) {
    let wit = wit_fields(record);
    for field in table {
        assert!(
            wit_field(&wit, field.spec.key).is_some(),
            "record {record}: core's `{}` (wire key `{}`) is not a field of the WIT",
            field.spec.name,
            field.spec.key
        );
    }
}

fn assert_secret_groups_match_the_wit_docs<R>(record: &str, table: &[Field<R>]) {
    let wit = wit_fields(record);
    for field in table {
        let Some(declared) = wit_field(&wit, field.spec.key) else {
            continue;
        };
        assert_eq!(
            field.spec.group(),
            declared.group.as_deref(),
            "record {record}: the secret group of `{}`",
            field.spec.key
        );
    }
    for declared in &wit {
        let core = table.iter().find(|field| field.spec.key == declared.name);
        if let Some(core) = core {
            assert_eq!(
                declared.group.as_deref(),
                core.spec.group(),
                "record {record}: the WIT's secret group of `{}`",
                declared.name
            );
        }
    }
}

fn assert_kinds_match_the_wit_types<R>(record: &str, table: &[Field<R>]) {
    let wit = wit_fields(record);
    for field in table {
        let Some(declared) = wit_field(&wit, field.spec.key) else {
            continue;
        };
        assert_eq!(
            wit_type(field.spec.kind),
            declared.ty,
            "record {record}: the type of `{}`",
            field.spec.key
        );
    }
}

#[test]
fn the_wit_marks_some_fields_of_each_record_with_a_secret_group() {
    // Guards the parser: the documentation lines it looks for are there.
    for record in ["request", "response"] {
        let fields = wit_fields(record);
        assert!(
            fields.iter().any(|field| field.group.is_some()),
            "record {record}: {fields:?}"
        );
    }
}

#[test]
fn every_wit_request_field_has_a_core_field_with_its_wire_key() {
    assert_every_wit_field_is_in_core("request", REQUEST_FIELDS);
}

#[test]
fn every_core_request_field_is_a_wit_request_field() {
    assert_every_core_field_is_in_the_wit("request", REQUEST_FIELDS);
}

#[test]
fn every_wit_response_field_has_a_core_field_with_its_wire_key() {
    assert_every_wit_field_is_in_core("response", RESPONSE_FIELDS);
}

#[test]
fn every_core_response_field_is_a_wit_response_field() {
    assert_every_core_field_is_in_the_wit("response", RESPONSE_FIELDS);
}

#[test]
fn request_secret_groups_are_the_groups_the_wit_docs_name() {
    assert_secret_groups_match_the_wit_docs("request", REQUEST_FIELDS);
}

#[test]
fn response_secret_groups_are_the_groups_the_wit_docs_name() {
    assert_secret_groups_match_the_wit_docs("response", RESPONSE_FIELDS);
}

#[test]
fn request_field_kinds_match_the_wit_types() {
    assert_kinds_match_the_wit_types("request", REQUEST_FIELDS);
}

#[test]
fn response_field_kinds_match_the_wit_types() {
    assert_kinds_match_the_wit_types("response", RESPONSE_FIELDS);
}
