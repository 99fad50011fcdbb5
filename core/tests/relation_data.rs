//! Relation data as the library's relation repository (`OpsRelationRepository`) lays it out,
//! against an in-memory Juju: plain keys in the databag, secret fields in one secret per group
//! labelled `{endpoint}.{relation}[.{short_uuid}].{group}.secret`, its URI under
//! `secret-{group}`.

mod support;

use data_interfaces_core::env::{Bag, Owner};
use data_interfaces_core::error::Error;
use data_interfaces_core::model::FieldSpec;
use data_interfaces_core::relation_data::{self, RelationDataConfig, RelationValue};
use support::FakeEnv;

const REL: i32 = 7;

fn config() -> RelationDataConfig {
    RelationDataConfig {
        endpoint: "database".into(),
        fields: vec![
            FieldSpec {
                key: "username".into(),
                secret_group: Some("user".into()),
            },
            FieldSpec {
                key: "password".into(),
                secret_group: Some("user".into()),
            },
            FieldSpec {
                key: "tls-ca".into(),
                secret_group: Some("tls".into()),
            },
        ],
        short_uuid: None,
        secret_uris: Vec::new(),
    }
}

/// `postgresql/0` related to `client` on `database`.
fn env(leader: bool) -> FakeEnv {
    let mut env = FakeEnv::new("postgresql", leader);
    env.add_relation(REL, "database", "client");
    env
}

fn set(pairs: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect()
}

fn keys(items: &[&str]) -> Vec<String> {
    items.iter().map(|k| k.to_string()).collect()
}

fn bag(env: &FakeEnv, bag: Bag) -> Vec<(String, String)> {
    env.bag(REL, bag).into_iter().collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn keyed(values: &[RelationValue]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.key.clone(), v.raw.clone()))
        .collect()
}

#[test]
fn plain_keys_are_written_as_given_and_read_raw_and_as_json() {
    let mut env = env(true);
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &set(&[("endpoints", "10.0.0.1:5432"), ("data", r#"{"a": 1}"#)]),
    )
    .unwrap();
    assert_eq!(
        bag(&env, Bag::LocalApp),
        pairs(&[("endpoints", "10.0.0.1:5432"), ("data", r#"{"a": 1}"#)])
    );
    let data = relation_data::read(&mut env, &config(), REL, &Bag::LocalApp).unwrap();
    assert_eq!(
        data.bag,
        vec![
            RelationValue {
                key: "endpoints".into(),
                raw: "10.0.0.1:5432".into(),
                json: r#""10.0.0.1:5432""#.into()
            },
            RelationValue {
                key: "data".into(),
                raw: r#"{"a": 1}"#.into(),
                json: r#"{"a": 1}"#.into()
            },
        ]
    );
}

#[test]
fn an_empty_or_missing_value_deletes_the_key() {
    let mut env = env(true);
    env.put(REL, Bag::LocalUnit, "a", "1");
    env.put(REL, Bag::LocalUnit, "b", "2");
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalUnit,
        &[("a".into(), Some(String::new())), ("b".into(), None)],
    )
    .unwrap();
    assert!(bag(&env, Bag::LocalUnit).is_empty());
}

#[test]
fn delete_removes_only_the_given_keys() {
    let mut env = env(true);
    env.put(REL, Bag::LocalUnit, "a", "1");
    env.put(REL, Bag::LocalUnit, "b", "2");
    relation_data::delete(&mut env, &config(), REL, &Bag::LocalUnit, &keys(&["a"])).unwrap();
    assert_eq!(bag(&env, Bag::LocalUnit), pairs(&[("b", "2")]));
}

#[test]
fn writing_the_same_values_makes_no_databag_write() {
    let mut env = env(true);
    env.put(REL, Bag::LocalApp, "endpoints", "h:1");
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &set(&[("endpoints", "h:1")]),
    )
    .unwrap();
    assert_eq!(env.applies, 0);
}

#[test]
fn a_first_secret_field_creates_the_group_secret_granted_with_its_uri_in_the_bag() {
    let mut env = env(true);
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &set(&[("username", "u"), ("password", "p")]),
    )
    .unwrap();
    let secret = env
        .secret_by_label("database.7.user.secret")
        .unwrap()
        .clone();
    assert_eq!(
        secret.content(),
        pairs(&[("username", "u"), ("password", "p")])
    );
    assert_eq!(secret.owner, Owner::Application);
    assert_eq!(secret.granted, vec![REL]);
    assert_eq!(secret.revisions.len(), 1);
    assert_eq!(
        bag(&env, Bag::LocalApp),
        pairs(&[("secret-user", secret.id.as_str())])
    );
}

#[test]
fn the_short_uuid_goes_into_the_label() {
    let mut env = env(true);
    let config = RelationDataConfig {
        short_uuid: Some("4fe3b1c0a2d5e6f7".into()),
        ..config()
    };
    relation_data::write(
        &mut env,
        &config,
        REL,
        &Bag::LocalApp,
        &set(&[("tls-ca", "ca")]),
    )
    .unwrap();
    assert!(env
        .secret_by_label("database.7.4fe3b1c0a2d5e6f7.tls.secret")
        .is_some());
}

#[test]
fn a_unit_scope_secret_is_owned_by_the_unit() {
    let mut env = env(false);
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalUnit,
        &set(&[("password", "p")]),
    )
    .unwrap();
    let secret = env.secret_by_label("database.7.user.secret").unwrap();
    assert_eq!(secret.owner, Owner::Unit);
    assert!(bag(&env, Bag::LocalUnit)
        .iter()
        .any(|(k, _)| k == "secret-user"));
}

#[test]
fn a_peer_relation_secret_is_not_granted() {
    let mut env = FakeEnv::new("postgresql", true);
    env.add_relation(REL, "database", "postgresql");
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &set(&[("password", "p")]),
    )
    .unwrap();
    assert!(env
        .secret_by_label("database.7.user.secret")
        .unwrap()
        .granted
        .is_empty());
}

#[test]
fn a_changed_secret_field_makes_one_revision_and_the_same_value_none() {
    let mut env = env(true);
    let write = |env: &mut FakeEnv, value: &str| {
        relation_data::write(
            env,
            &config(),
            REL,
            &Bag::LocalApp,
            &set(&[("password", value)]),
        )
        .unwrap()
    };
    write(&mut env, "p");
    write(&mut env, "p");
    assert_eq!(
        env.secret_by_label("database.7.user.secret")
            .unwrap()
            .revisions
            .len(),
        1
    );
    write(&mut env, "q");
    let secret = env.secret_by_label("database.7.user.secret").unwrap();
    assert_eq!(secret.revisions.len(), 2);
    assert_eq!(secret.content(), pairs(&[("password", "q")]));
}

#[test]
fn deleting_a_secret_field_keeps_the_others() {
    let mut env = env(true);
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &set(&[("username", "u"), ("password", "p")]),
    )
    .unwrap();
    relation_data::delete(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &keys(&["password"]),
    )
    .unwrap();
    assert_eq!(
        env.secret_by_label("database.7.user.secret")
            .unwrap()
            .content(),
        pairs(&[("username", "u")])
    );
}

#[test]
fn deleting_the_last_secret_field_removes_the_secret_and_its_uri_key() {
    let mut env = env(true);
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &set(&[("password", "p"), ("endpoints", "h:1")]),
    )
    .unwrap();
    relation_data::delete(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &keys(&["password"]),
    )
    .unwrap();
    assert!(env.secret_by_label("database.7.user.secret").is_none());
    assert_eq!(bag(&env, Bag::LocalApp), pairs(&[("endpoints", "h:1")]));
}

#[test]
fn local_secret_fields_read_from_the_labelled_secret() {
    let mut env = env(true);
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &set(&[("password", "p"), ("tls-ca", r#"["ca"]"#)]),
    )
    .unwrap();
    let data = relation_data::read(&mut env, &config(), REL, &Bag::LocalApp).unwrap();
    assert_eq!(
        keyed(&data.secrets),
        pairs(&[("password", "p"), ("tls-ca", r#"["ca"]"#)])
    );
    assert_eq!(data.secrets[1].json, r#"["ca"]"#);
}

#[test]
fn remote_secret_fields_read_through_the_uri_in_the_remote_bag_attaching_the_label() {
    let mut env = env(true);
    env.remote_secret("secret:remote1", &[("username", "u"), ("password", "p")]);
    env.put(REL, Bag::RemoteApp, "secret-user", "secret:remote1");
    let data = relation_data::read(&mut env, &config(), REL, &Bag::RemoteApp).unwrap();
    assert_eq!(
        keyed(&data.secrets),
        pairs(&[("username", "u"), ("password", "p")])
    );
    assert_eq!(
        env.secret("secret:remote1")
            .unwrap()
            .consumer_label
            .as_deref(),
        Some("database.7.user.secret")
    );
}

#[test]
fn a_uri_given_by_the_caller_is_used_before_the_bag() {
    let mut env = env(true);
    env.remote_secret("secret:given", &[("password", "given")]);
    env.put(
        REL,
        Bag::RemoteUnit("client/0".into()),
        "secret-user",
        "secret:other",
    );
    let config = RelationDataConfig {
        secret_uris: vec![("user".into(), "secret:given".into())],
        ..config()
    };
    let data =
        relation_data::read(&mut env, &config, REL, &Bag::RemoteUnit("client/0".into())).unwrap();
    assert_eq!(keyed(&data.secrets), pairs(&[("password", "given")]));
}

#[test]
fn a_remote_group_without_a_uri_has_no_values() {
    let mut env = env(true);
    env.remote_secret("secret:remote1", &[("password", "p")]);
    let data = relation_data::read(&mut env, &config(), REL, &Bag::RemoteApp).unwrap();
    assert!(data.secrets.is_empty());
}

#[test]
fn an_unreadable_remote_secret_reads_as_no_values() {
    let mut env = env(true);
    env.remote_secret("secret:remote1", &[("password", "p")]);
    env.secrets[0].visible = false;
    env.put(REL, Bag::RemoteApp, "secret-user", "secret:remote1");
    let data = relation_data::read(&mut env, &config(), REL, &Bag::RemoteApp).unwrap();
    assert!(data.secrets.is_empty());
}

#[test]
fn the_application_data_needs_leadership_to_read_and_to_write() {
    let mut env = env(false);
    assert!(matches!(
        relation_data::read(&mut env, &config(), REL, &Bag::LocalApp),
        Err(Error::NotLeader(_))
    ));
    assert!(matches!(
        relation_data::write(
            &mut env,
            &config(),
            REL,
            &Bag::LocalApp,
            &set(&[("a", "1")])
        ),
        Err(Error::NotLeader(_))
    ));
}

#[test]
fn a_non_leader_reads_the_remote_application_data() {
    let mut env = env(false);
    env.put(REL, Bag::RemoteApp, "endpoints", "h:1");
    let data = relation_data::read(&mut env, &config(), REL, &Bag::RemoteApp).unwrap();
    assert_eq!(keyed(&data.bag), pairs(&[("endpoints", "h:1")]));
}

#[test]
fn remote_data_is_read_only() {
    let mut env = env(true);
    for scope in [Bag::RemoteApp, Bag::RemoteUnit("client/0".into())] {
        assert!(matches!(
            relation_data::write(&mut env, &config(), REL, &scope, &set(&[("a", "1")])),
            Err(Error::InvalidModel(_))
        ));
    }
    assert!(env.bags.is_empty());
}

#[test]
fn a_unit_not_in_the_relation_is_an_error() {
    let mut env = env(true);
    assert!(matches!(
        relation_data::read(&mut env, &config(), REL, &Bag::RemoteUnit("other/3".into())),
        Err(Error::InvalidModel(_))
    ));
}

#[test]
fn an_unknown_relation_is_a_missing_relation() {
    let mut env = env(true);
    assert_eq!(
        relation_data::read(&mut env, &config(), 99, &Bag::LocalUnit),
        Err(Error::MissingRelation(99))
    );
}

#[test]
fn an_empty_key_is_refused_before_anything_is_written() {
    let mut env = env(true);
    assert!(matches!(
        relation_data::write(
            &mut env,
            &config(),
            REL,
            &Bag::LocalUnit,
            &set(&[("a", "1"), ("", "x")])
        ),
        Err(Error::InvalidModel(_))
    ));
    assert_eq!(env.applies, 0);
}

#[test]
fn no_secret_value_reaches_the_log() {
    let mut env = env(true);
    relation_data::write(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &set(&[("password", "hunter2-value")]),
    )
    .unwrap();
    relation_data::delete(
        &mut env,
        &config(),
        REL,
        &Bag::LocalApp,
        &keys(&["password"]),
    )
    .unwrap();
    assert!(env
        .logs
        .borrow()
        .iter()
        .all(|line| !line.contains("hunter2-value")));
}
