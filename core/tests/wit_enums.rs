//! The component lowers core's enums by their declaration order (`with:` in the guest maps the
//! contract's enums onto core's own), so each must list its cases in the WIT's order.

use data_interfaces_core::env::{HostErrorKind, LogLevel, Owner};
use data_interfaces_core::model::{EntityType, ProviderEventKind, RequirerEventKind};

const WIT: &str = include_str!("../../wit/data-interfaces.wit");

/// The cases of `enum {name}` in the WIT, in order.
fn wit_cases(name: &str) -> Vec<String> {
    let start = WIT
        .find(&format!("enum {name} {{"))
        .unwrap_or_else(|| panic!("enum {name} is not in the WIT"));
    let body = &WIT[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    body.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .map(|line| line.trim_end_matches(',').to_owned())
        .collect()
}

/// A Rust case name in the WIT's spelling (`NotFound` -> `not-found`).
fn kebab(case: &str) -> String {
    let mut out = String::new();
    for (i, c) in case.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn assert_in_wit_order<T: std::fmt::Debug + Copy>(name: &str, cases: &[T], index: fn(T) -> i32) {
    let wit = wit_cases(name);
    assert_eq!(wit.len(), cases.len(), "{name}: the WIT has {wit:?}");
    for case in cases {
        let position = wit.iter().position(|c| *c == kebab(&format!("{case:?}")));
        assert_eq!(
            position,
            usize::try_from(index(*case)).ok(),
            "{name}: {case:?}"
        );
    }
}

#[test]
fn owner_is_declared_in_the_wits_order() {
    assert_in_wit_order("owner", &[Owner::Application, Owner::Unit], |c| c as i32);
}

#[test]
fn log_level_is_declared_in_the_wits_order() {
    use LogLevel::*;
    assert_in_wit_order("log-level", &[Debug, Info, Warning, Error], |c| c as i32);
}

#[test]
fn host_error_kind_is_declared_in_the_wits_order() {
    use HostErrorKind::*;
    let cases = [
        NotFound,
        PermissionDenied,
        NotLeader,
        TooLarge,
        InvalidArgument,
        Backend,
    ];
    assert_in_wit_order("host-error-kind", &cases, |c| c as i32);
}

#[test]
fn entity_type_is_declared_in_the_wits_order() {
    use EntityType::*;
    assert_in_wit_order("entity-type", &[User, Group], |c| c as i32);
}

#[test]
fn requirer_event_kind_is_declared_in_the_wits_order() {
    use RequirerEventKind::*;
    let cases = [
        ResourceCreated,
        ResourceEntityCreated,
        EndpointsChanged,
        ReadOnlyEndpointsChanged,
        AuthenticationUpdated,
        PrefixResourcesChanged,
        StatusRaised,
        StatusResolved,
    ];
    assert_in_wit_order("requirer-event-kind", &cases, |c| c as i32);
}

#[test]
fn provider_event_kind_is_declared_in_the_wits_order() {
    use ProviderEventKind::*;
    let cases = [
        ResourceRequested,
        ResourceEntityRequested,
        ResourceEntityPermissionsChanged,
        MtlsCertUpdated,
        BulkResourcesRequested,
    ];
    assert_in_wit_order("provider-event-kind", &cases, |c| c as i32);
}
