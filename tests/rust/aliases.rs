//! Relation aliases through the Rust host: the alias a rejection carries (and shows), and the
//! requirer's `relation_alias` / `assign_alias` over the component.

use data_interfaces_host::memory::Juju;
use data_interfaces_host::wit;
use data_interfaces_host::{
    relation_changed, relation_created, Backend, DataInterfaces, LoadOptions, ProviderBuilder,
    Request, RequirerBuilder,
};
use std::sync::OnceLock;

fn engine() -> DataInterfaces {
    static ENGINE: OnceLock<DataInterfaces> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            DataInterfaces::load_with(&LoadOptions {
                cache_dir: Some(std::env::temp_dir().join("data-interfaces-test-cache")),
                ..LoadOptions::default()
            })
            .expect("the component loads")
        })
        .clone()
}

/// A requirer of `database` with two relation aliases.
fn aliased() -> RequirerBuilder {
    RequirerBuilder::new("database")
        .request(Request::new("clientdb").salt("kkkkkkkk"))
        .relation_alias("cluster1")
        .relation_alias("cluster2")
        .relation_limit(2)
}

/// Writes an application's bag by hand (a hostile or broken remote side).
fn write_app_bag(juju: &Juju, unit: &str, relation: i32, key: &str, value: &str) {
    juju.unit(unit)
        .apply(
            relation,
            &wit::Bag::LocalApp,
            &wit::ChangeSet {
                set: vec![(key.to_owned(), value.to_owned())],
                delete: Vec::new(),
            },
        )
        .expect("the leader writes its app bag");
}

#[test]
fn a_rejected_response_carries_the_relations_alias_and_shows_it() {
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("postgresql", 1);
    let relation = juju.relate("client", "database", "postgresql", "database");
    let mut client = aliased().build(&engine(), juju.unit("client/0")).unwrap();
    client
        .handle(&relation_created(relation, "postgresql"))
        .unwrap();
    write_app_bag(&juju, "postgresql/0", relation, "version", "v1");
    write_app_bag(
        &juju,
        "postgresql/0",
        relation,
        "requests",
        r#"[{"resource": 7, "request-id": "0000000000000000"}]"#,
    );
    let handled = client
        .handle(&relation_changed(relation, "postgresql"))
        .unwrap();
    let [rejection] = &handled.rejections[..] else {
        panic!("one rejection: {handled:?}");
    };
    assert_eq!(rejection.alias.as_deref(), Some("cluster1"));
    assert_eq!(
        rejection.to_string(),
        format!(
            "request 0000000000000000 rejected on cluster1: relation {relation}: remote app bag key \"requests\": entry 0: `resource`: expected a string or null, found a number"
        )
    );
    assert!(format!("{rejection:?}").contains("alias: Some(\"cluster1\")"));
}

#[test]
fn a_rejected_request_on_the_provider_carries_no_alias() {
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("postgresql", 1);
    let relation = juju.relate("client", "database", "postgresql", "database");
    write_app_bag(&juju, "client/0", relation, "version", "v1");
    write_app_bag(
        &juju,
        "client/0",
        relation,
        "requests",
        r#"[{"resource": 7, "request-id": "0000000000000000"}]"#,
    );
    write_app_bag(&juju, "client/0", relation, "alias", "cluster1");
    let mut db = ProviderBuilder::new("database")
        .build(&engine(), juju.unit("postgresql/0"))
        .unwrap();
    let handled = db.handle(&relation_changed(relation, "client")).unwrap();
    let [rejection] = &handled.rejections[..] else {
        panic!("one rejection: {handled:?}");
    };
    assert_eq!(rejection.alias, None);
    assert!(rejection
        .to_string()
        .starts_with("request 0000000000000000 rejected: "));
}

#[test]
fn assign_alias_gives_each_relation_the_first_free_alias_and_relation_alias_reads_it() {
    let juju = Juju::new();
    juju.deploy("client", 2);
    juju.deploy("postgresql", 1);
    juju.deploy("mysql", 1);
    let first = juju.relate("client", "database", "postgresql", "database");
    let second = juju.relate("client", "database", "mysql", "database");
    let mut leader = aliased().build(&engine(), juju.unit("client/0")).unwrap();
    assert_eq!(leader.relation_alias(second).unwrap(), None);
    assert_eq!(
        leader.assign_alias(second).unwrap().as_deref(),
        Some("cluster1")
    );
    assert_eq!(
        leader.assign_alias(first).unwrap().as_deref(),
        Some("cluster2")
    );
    assert_eq!(
        leader.assign_alias(second).unwrap().as_deref(),
        Some("cluster1"),
        "a relation keeps its alias"
    );
    assert_eq!(
        leader.relation_alias(first).unwrap().as_deref(),
        Some("cluster2")
    );
    assert_eq!(
        juju.unit_bag(first, "client/0")
            .get("alias")
            .map(String::as_str),
        Some("cluster2")
    );
    assert_eq!(
        juju.app_bag(first, "client")
            .get("alias")
            .map(String::as_str),
        Some("cluster2"),
        "the leader also shows it in the app bag"
    );

    let mut other = aliased().build(&engine(), juju.unit("client/1")).unwrap();
    assert_eq!(
        other.assign_alias(first).unwrap().as_deref(),
        Some("cluster1"),
        "each unit assigns from its own bags"
    );
    assert_eq!(
        juju.app_bag(first, "client")
            .get("alias")
            .map(String::as_str),
        Some("cluster2"),
        "a non-leader leaves the app bag alone"
    );
}

#[test]
fn without_aliases_or_for_an_unknown_relation_assign_alias_returns_none() {
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("postgresql", 1);
    let relation = juju.relate("client", "database", "postgresql", "database");
    let mut plain = RequirerBuilder::new("database")
        .request(Request::new("clientdb").salt("kkkkkkkk"))
        .build(&engine(), juju.unit("client/0"))
        .unwrap();
    assert_eq!(plain.assign_alias(relation).unwrap(), None);
    assert!(juju.unit_bag(relation, "client/0").is_empty());
    let mut client = aliased().build(&engine(), juju.unit("client/0")).unwrap();
    assert_eq!(client.assign_alias(relation + 100).unwrap(), None);
    assert_eq!(client.relation_alias(relation + 100).unwrap(), None);
}
