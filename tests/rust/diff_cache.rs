//! The component's `diff-cache` export and the label and cross-model helpers of `util`, through
//! the Rust host's [`Session`] over the in-memory Juju. The protocol's own tests
//! (`core/tests/diff.rs`) pin the bytes against `dpcharmlibs.interfaces` 1.2.2; these check
//! that the exports reach them and that the host moves the bytes unchanged.

use data_interfaces_host::memory::Juju;
use data_interfaces_host::wit::{Bag, Diff, PeerScope, RelationId};
use data_interfaces_host::{Error, LoadOptions, Runtime, Session};

fn runtime() -> Runtime {
    Runtime::load_with(&LoadOptions {
        cache_dir: Some(std::env::temp_dir().join("data-interfaces-test-cache")),
        ..LoadOptions::default()
    })
    .expect("the component loads")
}

/// `postgresql` (one unit, the leader) related to `client` (one unit).
fn model() -> (Juju, RelationId) {
    let juju = Juju::new();
    juju.deploy("postgresql", 1);
    juju.deploy("client", 1);
    let relation = juju.relate("postgresql", "database", "client", "database");
    (juju, relation)
}

fn session(runtime: &Runtime, juju: &Juju, unit: &str) -> Session {
    runtime
        .session(Box::new(juju.unit(unit)))
        .expect("a session opens")
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn compute_diff_stores_the_entry_and_reports_the_diff() {
    let runtime = runtime();
    let (juju, relation) = model();
    let mut provider = session(&runtime, &juju, "postgresql/0");
    let model = pairs(&[
        ("resource", r#""blah""#),
        ("request-id", r#""abc""#),
        ("password", r#""pw""#),
    ]);
    let diff = provider
        .compute_diff(
            "database",
            relation,
            &Bag::LocalApp,
            &model,
            Some("abc"),
            true,
        )
        .expect("compute-diff");
    assert_eq!(diff.added, ["resource", "request-id", "password"]);
    assert_eq!(
        juju.app_bag(relation, "postgresql")["data"],
        r#"{"abc": {"resource": "blah", "request-id": "abc", "password": ""}}"#
    );
    let again = provider
        .compute_diff(
            "database",
            relation,
            &Bag::LocalApp,
            &model,
            Some("abc"),
            false,
        )
        .expect("compute-diff");
    assert!(again.added.is_empty() && again.changed.is_empty() && again.deleted.is_empty());
    match provider.compute_diff("database", relation, &Bag::RemoteApp, &model, None, true) {
        Err(Error::Protocol(_)) => {}
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[test]
fn store_new_data_gives_the_flat_v0_form_with_truthy_global_data() {
    let runtime = runtime();
    let (juju, _) = model();
    let mut requirer = session(&runtime, &juju, "client/0");
    let text = requirer
        .store_new_data(
            Some(r#"{"old": 1}"#),
            &pairs(&[("resource", r#""db""#), ("mtls-cert", r#""C""#)]),
            Some(""),
            &pairs(&[("status", "{}"), ("x", "1")]),
            None,
        )
        .expect("store-new-data");
    assert_eq!(text, r#"{"resource": "db", "mtls-cert": "", "x": 1}"#);
}

#[test]
fn resource_aliases_and_resource_added() {
    let runtime = runtime();
    let (juju, _) = model();
    let mut session = session(&runtime, &juju, "client/0");
    let aliases = session.resource_aliases().expect("resource-aliases");
    assert_eq!(
        aliases,
        [
            "database",
            "subject",
            "topic",
            "index",
            "plugin-url",
            "prefix"
        ]
    );
    let diff = Diff {
        added: vec!["bucket".into()],
        changed: vec!["resource".into()],
        deleted: Vec::new(),
    };
    assert!(!session.resource_added(&diff, &[]).expect("resource-added"));
    assert!(session
        .resource_added(&diff, &["bucket".into()])
        .expect("resource-added"));
}

#[test]
fn labels_and_cross_model() {
    let runtime = runtime();
    let juju = Juju::new();
    juju.deploy("postgresql", 1);
    juju.deploy("client", 1);
    let local = juju.relate("postgresql", "database", "client", "database");
    let remote =
        juju.relate_cross_model("postgresql", "database", "far", "database", "other-model");
    let mut session = session(&runtime, &juju, "postgresql/0");
    assert_eq!(
        session
            .relation_secret_label("database", 3, Some("abc"), "user")
            .expect("label"),
        "database.3.abc.user.secret"
    );
    assert_eq!(
        session
            .relation_secret_label("database", 3, None, "tls")
            .expect("label"),
        "database.3.tls.secret"
    );
    assert_eq!(
        session
            .peer_secret_label("peers", &PeerScope::App, "extra")
            .expect("label"),
        "peers.postgresql.app"
    );
    assert_eq!(
        session
            .peer_secret_label("peers", &PeerScope::OtherUnit("postgresql/1".into()), "tls")
            .expect("label"),
        "peers.postgresql.unit.tls"
    );
    assert!(!session
        .is_cross_model("database", local)
        .expect("same model"));
    assert!(session
        .is_cross_model("database", remote)
        .expect("cross-model"));
    match session.is_cross_model("database", 99) {
        Err(Error::Protocol(_)) => {}
        other => panic!("expected missing-relation, got {other:?}"),
    }
}
