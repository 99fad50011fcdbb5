//! Printing events and databags for people, without secret values.
//!
//! Secret URIs are shown; the values of secret fields (credentials, certificates, keys) never
//! are: they print as `<redacted>`.

use crate::bindings::wit::{
    EntityType, ProviderEvent, ProviderEventKind, Request, RequirerEvent, RequirerEventKind,
    Response,
};
use std::fmt::Write;

const REDACTED: &str = "<redacted>";

fn field(out: &mut String, name: &str, value: &Option<String>) {
    if let Some(value) = value {
        let _ = write!(out, " {name}={value:?}");
    }
}

fn secret(out: &mut String, name: &str, present: bool) {
    if present {
        let _ = write!(out, " {name}={REDACTED}");
    }
}

/// A response, secret values redacted.
pub fn response(r: &Response) -> String {
    let mut out = format!("resource={:?}", r.resource);
    field(&mut out, "request-id", &r.request_id);
    field(&mut out, "endpoints", &r.endpoints);
    field(&mut out, "read-only-endpoints", &r.read_only_endpoints);
    field(&mut out, "version", &r.version);
    field(&mut out, "secret-user", &r.secret_user);
    field(&mut out, "secret-tls", &r.secret_tls);
    field(&mut out, "secret-entity", &r.secret_entity);
    field(&mut out, "secret-extra", &r.secret_extra);
    secret(&mut out, "username", r.username.is_some());
    secret(&mut out, "password", r.password.is_some());
    secret(&mut out, "uris", r.uris.is_some());
    secret(&mut out, "read-only-uris", r.read_only_uris.is_some());
    if let Some(tls) = r.tls {
        let _ = write!(out, " tls={tls}");
    }
    secret(&mut out, "tls-ca", r.tls_ca.is_some());
    secret(&mut out, "entity-name", r.entity_name.is_some());
    secret(&mut out, "entity-password", r.entity_password.is_some());
    for (key, _) in &r.extra {
        let _ = write!(out, " {key}={REDACTED}");
    }
    for key in &r.cleared {
        let _ = write!(out, " {key}=<cleared>");
    }
    out
}

/// A request, secret values redacted.
pub fn request(r: &Request) -> String {
    let mut out = format!("resource={:?}", r.resource);
    field(&mut out, "request-id", &r.request_id);
    field(&mut out, "extra-user-roles", &r.extra_user_roles);
    field(&mut out, "extra-group-roles", &r.extra_group_roles);
    if let Some(entity) = r.entity_type {
        let name = match entity {
            EntityType::User => "USER",
            EntityType::Group => "GROUP",
        };
        let _ = write!(out, " entity-type={name}");
    }
    field(&mut out, "secret-mtls", &r.secret_mtls);
    secret(&mut out, "mtls-cert", r.mtls_cert.is_some());
    secret(&mut out, "entity-name", r.entity_name.is_some());
    secret(&mut out, "entity-password", r.entity_password.is_some());
    for (key, _) in &r.extra {
        let _ = write!(out, " {key}={REDACTED}");
    }
    out
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
