//! Printing events and databags for people, without secret values.
//!
//! Secret URIs are shown; the values of secret fields (credentials, certificates, keys) never
//! are: they print as `<redacted>`. A request or response prints as `key=value` pairs, its
//! `resource` first, then each field that is set in the WIT's order; a field whose WIT docs say
//! "Secret group `g`." prints `<redacted>` unless it is a flag (`tls=true` says nothing secret),
//! an `extra` field always does, a cleared key prints `<cleared>`.

use crate::bindings::wit::{
    ProviderEvent, ProviderEventKind, Request, RequirerEvent, RequirerEventKind, Response,
};
use serde::Serialize;
use std::fmt::Write;

const REDACTED: &str = "<redacted>";

fn field(out: &mut String, name: &str, value: &Option<String>) {
    if let Some(value) = value {
        let _ = write!(out, " {name}={value:?}");
    }
}

// `request` and `response`: one line per field of the WIT record, generated from the WIT by
// the build script (`build/records.rs`) over the helpers below.
include!(concat!(env!("OUT_DIR"), "/display_records.rs"));

/// Appends ` key=value`.
fn shown(out: &mut String, key: &str, value: String) {
    let _ = write!(out, " {key}={value}");
}

/// The wire value of an enum (its serde form, unquoted: `USER`).
fn wire<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => REDACTED.to_owned(),
    }
}

/// A value as compact JSON (its serde form).
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| REDACTED.to_owned())
}

/// Whether a field that is not an option holds nothing worth printing (empty, false, zero).
fn is_empty<T: Serialize>(value: &T) -> bool {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.is_empty(),
        Ok(serde_json::Value::Bool(b)) => !b,
        Ok(serde_json::Value::Array(items)) => items.is_empty(),
        Ok(serde_json::Value::Null) => true,
        Ok(serde_json::Value::Number(n)) => n.as_f64() == Some(0.0),
        Ok(serde_json::Value::Object(map)) => map.is_empty(),
        Err(_) => false,
    }
}

/// A record's `extra` fields: their keys, values redacted (a subclass field may be secret).
fn extra(out: &mut String, extra: &[(String, String)]) {
    for (key, _) in extra {
        let _ = write!(out, " {key}={REDACTED}");
    }
}

/// A response's cleared keys.
fn cleared(out: &mut String, cleared: &[String]) {
    for key in cleared {
        let _ = write!(out, " {key}=<cleared>");
    }
}

/// The name a charm observes for a requirer event kind.
pub fn requirer_kind(kind: RequirerEventKind) -> &'static str {
    match kind {
        RequirerEventKind::ResourceCreated => "resource_created",
        RequirerEventKind::ResourceEntityCreated => "resource_entity_created",
        RequirerEventKind::EndpointsChanged => "endpoints_changed",
        RequirerEventKind::ReadOnlyEndpointsChanged => "read_only_endpoints_changed",
        RequirerEventKind::AuthenticationUpdated => "authentication_updated",
        RequirerEventKind::PrefixResourcesChanged => "prefix_resources_changed",
        RequirerEventKind::StatusRaised => "status_raised",
        RequirerEventKind::StatusResolved => "status_resolved",
    }
}

/// The name a charm observes for a provider event kind.
pub fn provider_kind(kind: ProviderEventKind) -> &'static str {
    match kind {
        ProviderEventKind::ResourceRequested => "resource_requested",
        ProviderEventKind::ResourceEntityRequested => "resource_entity_requested",
        ProviderEventKind::ResourceEntityPermissionsChanged => {
            "resource_entity_permissions_changed"
        }
        ProviderEventKind::MtlsCertUpdated => "mtls_cert_updated",
        ProviderEventKind::BulkResourcesRequested => "bulk_resources_requested",
    }
}

/// A requirer event, secret values redacted.
pub fn requirer_event(e: &RequirerEvent) -> String {
    let mut out = format!("{} (relation {}", requirer_kind(e.kind), e.relation_id);
    field(&mut out, "app", &e.app);
    field(&mut out, "unit", &e.unit);
    field(&mut out, "alias", &e.alias);
    out.push(')');
    if let Some(r) = &e.response {
        let _ = write!(out, " response: {}", response(r));
    }
    if let Some(s) = &e.status {
        let _ = write!(out, " status: {} {:?}", s.code, s.message);
    }
    out
}

/// A provider event, secret values redacted.
pub fn provider_event(e: &ProviderEvent) -> String {
    let mut out = format!("{} (relation {}", provider_kind(e.kind), e.relation_id);
    field(&mut out, "app", &e.app);
    field(&mut out, "unit", &e.unit);
    out.push(')');
    for r in &e.requests {
        let _ = write!(out, " request: {}", request(r));
    }
    if e.old_mtls_cert.is_some() {
        let _ = write!(out, " old-mtls-cert={REDACTED}");
    }
    out
}

/// A databag value, indented under its key: JSON is pretty-printed, anything else as is.
pub fn value(raw: &str, indent: &str) -> String {
    let pretty = match raw.trim_start().chars().next() {
        Some('{') | Some('[') => pretty_json(raw),
        _ => None,
    };
    match pretty {
        Some(text) => text.replace('\n', &format!("\n{indent}")),
        None => raw.to_owned(),
    }
}

/// A compact JSON pretty-printer (no dependency): one object member or array item a line.
fn pretty_json(raw: &str) -> Option<String> {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(c);
                    out.push(close);
                    chars.next();
                    continue;
                }
                depth += 1;
                out.push(c);
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
            }
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
                out.push(c);
            }
            ',' => {
                out.push(',');
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    (depth == 0 && !in_string).then_some(out)
}
