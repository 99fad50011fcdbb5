//! Peer relation data against an in-memory Juju, with databag bytes, labels and secret contents
//! captured from dpcharmlibs.interfaces 1.2.2 (`OpsPeerRepositoryInterface`,
//! `OpsPeerUnitRepositoryInterface`, `OpsOtherPeerUnitRepositoryInterface` under ops.testing).

mod support;

use data_interfaces_core::env::{Bag, Env, Owner};
use data_interfaces_core::error::Error;
use data_interfaces_core::model::FieldSpec;
use data_interfaces_core::peer::{self, PeerConfig, PeerScope, OTHER_UNIT_READ_ONLY};
use support::FakeEnv;

const PEERS: i32 = 7;

fn plain(key: &str) -> FieldSpec {
    FieldSpec {
        key: key.into(),
        secret_group: None,
    }
}

fn secret(key: &str, group: &str) -> FieldSpec {
    FieldSpec {
        key: key.into(),
        secret_group: Some(group.into()),
    }
}

/// The peer model of the captures: four plain fields, one `extra` secret field and three
/// fields of the custom group `mygroup`.
fn config() -> PeerConfig {
    PeerConfig {
        endpoint: "peers".into(),
        fields: vec![
            plain("plain-text"),
            plain("plain-num"),
            plain("plain-list"),
            plain("plain-obj"),
            secret("admin-password", "extra"),
            secret("operator-password", "mygroup"),
            secret("monitor-password", "mygroup"),
            secret("tls-flag", "mygroup"),
        ],
    }
}

/// `myapp/0` with a peer relation to `myapp/1`.
fn env(leader: bool) -> FakeEnv {
    let mut env = FakeEnv::new("myapp", leader);
    env.add_relation(PEERS, "peers", "myapp");
    env.relations[0].remote_units = vec!["myapp/1".into()];
    env
}

fn set(pairs: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect()
}

fn unset(keys: &[&str]) -> Vec<(String, Option<String>)> {
    keys.iter().map(|k| (k.to_string(), None)).collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn bag(env: &FakeEnv, bag: Bag) -> Vec<(String, String)> {
    env.bag(PEERS, bag).into_iter().collect()
}

fn content(env: &FakeEnv, label: &str) -> Option<Vec<(String, String)>> {
    env.secret_by_label(label).map(|s| s.content())
}

fn revisions(env: &FakeEnv, label: &str) -> usize {
    env.secret_by_label(label).map_or(0, |s| s.revisions.len())
}

const PLAIN: [(&str, &str); 4] = [
    ("plain-text", r#""hello é""#),
    ("plain-num", "5"),
    ("plain-list", r#"["a","b"]"#),
    ("plain-obj", r#"{"k":1.5,"z":null}"#),
];

#[test]
fn app_plain_fields_round_trip_with_the_librarys_bytes() {
    let mut env = env(true);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &set(&PLAIN)).unwrap();
    // Captured: strings as they are, anything else as json.dumps.
    assert_eq!(
        bag(&env, Bag::LocalApp),
        pairs(&[
            ("plain-text", "hello é"),
            ("plain-num", "5"),
            ("plain-list", r#"["a", "b"]"#),
            ("plain-obj", r#"{"k": 1.5, "z": null}"#),
        ])
    );
    assert_eq!(env.applies, 1);
    let read = peer::read(&mut env, &config(), PEERS, &PeerScope::App).unwrap();
    assert_eq!(
        read,
        pairs(&[
            ("plain-text", r#""hello \u00e9""#),
            ("plain-num", "5"),
            ("plain-list", r#"["a", "b"]"#),
            ("plain-obj", r#"{"k": 1.5, "z": null}"#),
        ])
    );
}

#[test]
fn unit_plain_fields_round_trip_in_the_unit_bag() {
    let mut env = env(false);
    let values = set(&[("plain-text", r#""hi""#), ("plain-num", "7")]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::Unit, &values).unwrap();
    assert_eq!(
        bag(&env, Bag::LocalUnit),
        pairs(&[("plain-text", "hi"), ("plain-num", "7")])
    );
    assert!(bag(&env, Bag::LocalApp).is_empty());
    let read = peer::read(&mut env, &config(), PEERS, &PeerScope::Unit).unwrap();
    assert_eq!(
        read,
        pairs(&[("plain-text", r#""hi""#), ("plain-num", "7")])
    );
}

#[test]
fn unknown_bag_keys_are_read_after_the_declared_fields() {
    let mut env = env(true);
    env.put(PEERS, Bag::LocalApp, "foo", "1234");
    env.put(PEERS, Bag::LocalApp, "plain-num", "5");
    let read = peer::read(&mut env, &config(), PEERS, &PeerScope::App).unwrap();
    assert_eq!(read, pairs(&[("plain-num", "5"), ("foo", "1234")]));
}

#[test]
fn a_null_or_empty_plain_value_deletes_the_key() {
    let mut env = env(true);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &set(&PLAIN)).unwrap();
    let mut values = set(&[("plain-text", r#""""#), ("plain-num", "null")]);
    values.extend(unset(&["plain-list"]));
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    assert_eq!(
        bag(&env, Bag::LocalApp),
        pairs(&[("plain-obj", r#"{"k": 1.5, "z": null}"#)])
    );
}

#[test]
fn writing_unchanged_plain_values_makes_no_databag_write() {
    let mut env = env(true);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &set(&PLAIN)).unwrap();
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &set(&PLAIN)).unwrap();
    peer::delete(
        &mut env,
        &config(),
        PEERS,
        &PeerScope::App,
        &["absent".into()],
    )
    .unwrap();
    assert_eq!(env.applies, 1);
}

#[test]
fn an_extra_secret_field_is_stored_under_the_scope_label_and_read_back() {
    let mut env = env(true);
    let values = set(&[("admin-password", r#""s3cret""#)]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    // Captured label and content; no URI and no value in the databag.
    assert_eq!(
        content(&env, "peers.myapp.app"),
        Some(pairs(&[("admin-password", "s3cret")]))
    );
    let stored = env.secret_by_label("peers.myapp.app").unwrap();
    assert_eq!(stored.owner, Owner::Application);
    assert!(stored.granted.is_empty(), "peers share an application");
    assert!(bag(&env, Bag::LocalApp).is_empty());
    let read = peer::read(&mut env, &config(), PEERS, &PeerScope::App).unwrap();
    assert_eq!(read, pairs(&[("admin-password", r#""s3cret""#)]));
}

#[test]
fn custom_group_fields_share_one_secret_under_a_group_label() {
    let mut env = env(true);
    let values = set(&[("operator-password", r#""op""#), ("tls-flag", "true")]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    // Captured: `peers.myapp.app.mygroup` holding both keys, the bool as JSON text.
    assert_eq!(
        content(&env, "peers.myapp.app.mygroup"),
        Some(pairs(&[("operator-password", "op"), ("tls-flag", "true")]))
    );
    assert_eq!(revisions(&env, "peers.myapp.app.mygroup"), 1);
    assert!(env.secret_by_label("peers.myapp.app").is_none());
    let read = peer::read(&mut env, &config(), PEERS, &PeerScope::App).unwrap();
    assert_eq!(
        read,
        pairs(&[("operator-password", r#""op""#), ("tls-flag", r#""true""#)])
    );
}

#[test]
fn unit_scope_secrets_are_owned_by_the_unit_under_unit_labels() {
    let mut env = env(false);
    let values = set(&[
        ("admin-password", r#""unitpw""#),
        ("operator-password", r#""uop""#),
    ]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::Unit, &values).unwrap();
    assert_eq!(
        content(&env, "peers.myapp.unit"),
        Some(pairs(&[("admin-password", "unitpw")]))
    );
    assert_eq!(
        content(&env, "peers.myapp.unit.mygroup"),
        Some(pairs(&[("operator-password", "uop")]))
    );
    for label in ["peers.myapp.unit", "peers.myapp.unit.mygroup"] {
        assert_eq!(env.secret_by_label(label).unwrap().owner, Owner::Unit);
    }
    let read = peer::read(&mut env, &config(), PEERS, &PeerScope::Unit).unwrap();
    assert_eq!(
        read,
        pairs(&[
            ("admin-password", r#""unitpw""#),
            ("operator-password", r#""uop""#)
        ])
    );
}

#[test]
fn writing_the_same_secret_value_again_makes_no_new_revision() {
    let mut env = env(true);
    let values = set(&[("admin-password", r#""s3cret""#), ("tls-flag", "true")]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    assert_eq!(revisions(&env, "peers.myapp.app"), 1);
    assert_eq!(revisions(&env, "peers.myapp.app.mygroup"), 1);
}

#[test]
fn a_new_secret_value_makes_exactly_one_new_revision() {
    let mut env = env(true);
    let values = set(&[("operator-password", r#""op""#), ("tls-flag", "true")]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    let values = set(&[
        ("operator-password", r#""op2""#),
        ("monitor-password", r#""m""#),
    ]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    assert_eq!(revisions(&env, "peers.myapp.app.mygroup"), 2);
    assert_eq!(
        content(&env, "peers.myapp.app.mygroup"),
        Some(pairs(&[
            ("operator-password", "op2"),
            ("tls-flag", "true"),
            ("monitor-password", "m")
        ]))
    );
}

#[test]
fn deleting_one_secret_key_keeps_the_others() {
    let mut env = env(true);
    let values = set(&[("operator-password", r#""op""#), ("tls-flag", "true")]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    let keys = ["operator-password".to_string()];
    peer::delete(&mut env, &config(), PEERS, &PeerScope::App, &keys).unwrap();
    // Captured after setting operator_password to None: only `tls-flag` is left.
    assert_eq!(
        content(&env, "peers.myapp.app.mygroup"),
        Some(pairs(&[("tls-flag", "true")]))
    );
    assert_eq!(revisions(&env, "peers.myapp.app.mygroup"), 2);
}

#[test]
fn deleting_the_last_secret_key_removes_the_secret() {
    let mut env = env(true);
    let values = set(&[("operator-password", r#""op""#), ("tls-flag", "true")]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    let mut values = unset(&["operator-password"]);
    values.extend(set(&[("tls-flag", "null")]));
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    assert!(env.secret_by_label("peers.myapp.app.mygroup").is_none());
    assert!(env.secrets.is_empty());
    let read = peer::read(&mut env, &config(), PEERS, &PeerScope::App).unwrap();
    assert!(read.is_empty());
}

#[test]
fn deleting_a_secret_field_that_was_never_set_creates_nothing() {
    let mut env = env(true);
    let keys = ["admin-password".to_string()];
    peer::delete(&mut env, &config(), PEERS, &PeerScope::App, &keys).unwrap();
    assert!(env.secrets.is_empty());
    assert_eq!(env.applies, 0);
}

#[test]
fn another_units_plain_fields_are_read_without_secrets() {
    let mut env = env(true);
    let other = Bag::RemoteUnit("myapp/1".into());
    env.put(PEERS, other.clone(), "plain-text", "other");
    env.put(PEERS, other, "foo", "1234");
    let values = set(&[("admin-password", r#""unitpw""#)]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::Unit, &values).unwrap();
    let scope = PeerScope::OtherUnit("myapp/1".into());
    let read = peer::read(&mut env, &config(), PEERS, &scope).unwrap();
    // The library would fill `admin-password` from this unit's own secret; we do not.
    assert_eq!(
        read,
        pairs(&[("plain-text", r#""other""#), ("foo", "1234")])
    );
}

#[test]
fn writing_another_units_data_is_refused_as_read_only() {
    let mut env = env(true);
    let scope = PeerScope::OtherUnit("myapp/1".into());
    let values = set(&[("plain-text", r#""x""#), ("admin-password", r#""pw""#)]);
    let error = peer::write(&mut env, &config(), PEERS, &scope, &values).unwrap_err();
    assert_eq!(error, Error::ReadOnly(OTHER_UNIT_READ_ONLY.into()));
    let keys = ["plain-text".to_string()];
    let error = peer::delete(&mut env, &config(), PEERS, &scope, &keys).unwrap_err();
    assert_eq!(error, Error::ReadOnly(OTHER_UNIT_READ_ONLY.into()));
    assert_eq!(env.applies, 0);
    assert!(env.secrets.is_empty());
}

#[test]
fn the_local_unit_is_not_another_unit() {
    let mut env = env(true);
    let scope = PeerScope::OtherUnit("myapp/0".into());
    let error = peer::read(&mut env, &config(), PEERS, &scope).unwrap_err();
    assert!(matches!(error, Error::InvalidModel(_)), "{error:?}");
}

#[test]
fn a_non_leader_app_write_is_not_leader_and_writes_nothing() {
    let mut env = env(false);
    let values = set(&[("plain-text", r#""x""#), ("admin-password", r#""pw""#)]);
    let error = peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap_err();
    assert!(matches!(error, Error::NotLeader(_)), "{error:?}");
    let keys = ["plain-text".to_string()];
    let error = peer::delete(&mut env, &config(), PEERS, &PeerScope::App, &keys).unwrap_err();
    assert!(matches!(error, Error::NotLeader(_)), "{error:?}");
    assert_eq!(env.applies, 0);
    assert!(env.secrets.is_empty());
}

#[test]
fn a_non_leader_reads_the_app_data_through_the_peer_view() {
    let mut env = env(false);
    // In a peer relation the remote application is the local one: every unit may read it.
    env.put(PEERS, Bag::RemoteApp, "plain-num", "5");
    let read = peer::read(&mut env, &config(), PEERS, &PeerScope::App).unwrap();
    assert_eq!(read, pairs(&[("plain-num", "5")]));
}

#[test]
fn a_relation_with_another_application_is_not_a_peer_relation() {
    let mut env = FakeEnv::new("myapp", true);
    env.add_relation(PEERS, "peers", "other");
    let error = peer::read(&mut env, &config(), PEERS, &PeerScope::App).unwrap_err();
    assert!(matches!(error, Error::InvalidModel(_)), "{error:?}");
}

#[test]
fn an_unknown_relation_is_missing() {
    let mut env = env(true);
    let error = peer::read(&mut env, &config(), 99, &PeerScope::App).unwrap_err();
    assert_eq!(error, Error::MissingRelation(99));
    let error = peer::write(&mut env, &config(), 99, &PeerScope::Unit, &[]).unwrap_err();
    assert_eq!(error, Error::MissingRelation(99));
}

#[test]
fn secret_values_never_reach_the_databag_errors_logs_or_debug_output() {
    const VALUE: &str = "hunter2-peer-secret";
    let mut env = env(true);
    let json = format!("\"{VALUE}\"");
    let values = set(&[
        ("admin-password", json.as_str()),
        ("operator-password", json.as_str()),
        ("plain-num", "1"),
    ]);
    peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap();
    peer::write(&mut env, &config(), PEERS, &PeerScope::Unit, &values).unwrap();
    let keys = ["operator-password".to_string()];
    peer::delete(&mut env, &config(), PEERS, &PeerScope::App, &keys).unwrap();
    // A malformed value and refused writes report without the value.
    let broken = format!("{{\"{VALUE}\"");
    let bad = set(&[("admin-password", broken.as_str())]);
    let mut errors = Vec::new();
    errors.push(peer::write(&mut env, &config(), PEERS, &PeerScope::App, &bad).unwrap_err());
    let other = PeerScope::OtherUnit("myapp/1".into());
    errors.push(peer::write(&mut env, &config(), PEERS, &other, &values).unwrap_err());
    env.leader = false;
    errors.push(peer::write(&mut env, &config(), PEERS, &PeerScope::App, &values).unwrap_err());
    for error in &errors {
        assert!(!format!("{error} {error:?}").contains(VALUE), "{error:?}");
    }
    for bag_kind in [Bag::LocalApp, Bag::LocalUnit] {
        assert!(!format!("{:?}", env.bag(PEERS, bag_kind)).contains(VALUE));
    }
    assert!(!env.logs.borrow().join("\n").contains(VALUE));
    let secret = env
        .secret_get(None, Some("peers.myapp.unit"), false)
        .unwrap();
    assert!(!format!("{secret:?}").contains(VALUE));
    let config = config();
    assert!(!format!("{config:?} {other:?}").contains(VALUE));
}
