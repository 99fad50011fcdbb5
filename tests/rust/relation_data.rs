//! Relation data through the component's `relation-data` export over the in-memory Juju: a
//! provider writes plain keys and secret fields in its application's data, and the requirer
//! reads them from the other side, the secrets through the URI in the provider's bag.

use data_interfaces_host::memory::{Juju, SecretOwner};
use data_interfaces_host::wit::{Bag, FieldSpec, RelationDataConfig, RelationId};
use data_interfaces_host::{Error, LoadOptions, Runtime, Session};

fn runtime() -> Runtime {
    Runtime::load_with(&LoadOptions {
        cache_dir: Some(std::env::temp_dir().join("data-interfaces-test-cache")),
        ..LoadOptions::default()
    })
    .expect("the component loads")
}

fn config(endpoint: &str) -> RelationDataConfig {
    RelationDataConfig {
        endpoint: endpoint.into(),
        fields: vec![FieldSpec {
            key: "password".into(),
            secret_group: Some("user".into()),
        }],
        short_uuid: None,
        secret_uris: Vec::new(),
    }
}

/// `postgresql` (two units, `/0` leads) related to `client` (one unit).
fn model() -> (Juju, RelationId) {
    let juju = Juju::new();
    juju.deploy("postgresql", 2);
    juju.deploy("client", 1);
    let relation = juju.relate("postgresql", "database", "client", "db");
    (juju, relation)
}

fn session(runtime: &Runtime, juju: &Juju, unit: &str) -> Session {
    runtime
        .session(Box::new(juju.unit(unit)))
        .expect("a session opens")
}

fn values(pairs: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect()
}

#[test]
fn a_providers_secret_field_is_read_by_the_requirer_through_the_uri_in_the_bag() {
    let runtime = runtime();
    let (juju, relation) = model();
    let mut provider = session(&runtime, &juju, "postgresql/0");
    let handler = provider.relation_data(&config("database")).unwrap();
    provider
        .relation_data_write(
            handler,
            relation,
            &Bag::LocalApp,
            &values(&[("endpoints", "10.0.0.1:5432"), ("password", "s3cr3t")]),
        )
        .expect("the leader writes its application's data");

    let bag = juju.app_bag(relation, "postgresql");
    let uri = bag
        .get("secret-user")
        .expect("the URI is in the bag")
        .clone();
    let record = juju.secret(&uri).expect("the secret exists");
    assert_eq!(record.owner, SecretOwner::App("postgresql".into()));
    assert_eq!(
        record.owner_label.as_deref(),
        Some(format!("database.{relation}.user.secret").as_str())
    );
    assert!(!bag.values().any(|value| value.contains("s3cr3t")));

    let mut requirer = session(&runtime, &juju, "client/0");
    let handler = requirer.relation_data(&config("db")).unwrap();
    let data = requirer
        .relation_data_read(handler, relation, &Bag::RemoteApp)
        .expect("the requirer reads the provider's data");
    let secrets: Vec<(String, String)> = data
        .secrets
        .into_iter()
        .map(|value| (value.key, value.raw))
        .collect();
    assert_eq!(
        secrets,
        vec![("password".to_string(), "s3cr3t".to_string())]
    );
    assert!(data
        .bag
        .iter()
        .any(|value| value.key == "endpoints" && value.json == "\"10.0.0.1:5432\""));
}

#[test]
fn a_non_leader_cannot_read_its_applications_data() {
    let runtime = runtime();
    let (juju, relation) = model();
    let mut follower = session(&runtime, &juju, "postgresql/1");
    let handler = follower.relation_data(&config("database")).unwrap();
    let result = follower.relation_data_read(handler, relation, &Bag::LocalApp);
    assert!(matches!(
        result,
        Err(Error::Protocol(
            data_interfaces_host::wit::Error::NotLeader(_)
        ))
    ));
}
