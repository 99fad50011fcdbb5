//! Relation aliases: assignment (at relation-created and through `assign_alias`, one rule),
//! the alias this unit records (`relation_alias`), and the alias rejections carry.

mod support;

use data_interfaces_core::alias;
use data_interfaces_core::env::Bag;
use data_interfaces_core::model::{Hook, ProviderConfig, RelationEvent, Request, RequirerConfig};
use data_interfaces_core::provider;
use data_interfaces_core::requirer::Requirer;
use support::FakeEnv;

const RESPONSE: &str = r#"[{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "endpoints": "10.0.0.1:5432", "secret-user": "secret:user0000000000000000"}]"#;
const PROVIDER_DATA: &str = r#"{"b7bf5c83ca2cd3de": {"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk"}}"#;

fn event(relation: i32) -> RelationEvent {
    RelationEvent {
        relation_id: relation,
        app: Some("db".into()),
        unit: Some("db/0".into()),
    }
}

fn config(aliases: &[&str]) -> RequirerConfig {
    RequirerConfig {
        endpoint: "database".into(),
        requests: vec![Request {
            resource: "clientdb".into(),
            salt: "kkkkkkkk".into(),
            ..Request::default()
        }],
        relation_aliases: aliases.iter().map(|a| a.to_string()).collect(),
        relation_limit: Some(aliases.len() as u32),
        ..RequirerConfig::default()
    }
}

/// `client` on `database`, with relations 3 (to `db`) and 4 (to `other`).
fn two_relations(leader: bool) -> FakeEnv {
    let mut env = FakeEnv::new("client", leader);
    env.add_relation(3, "database", "db");
    env.add_relation(4, "database", "other");
    env
}

/// Relation 3 with a response whose secret the unit can read.
fn with_response(env: &mut FakeEnv) {
    env.put(3, Bag::RemoteApp, "version", "v1");
    env.put(3, Bag::RemoteApp, "requests", RESPONSE);
    env.put(3, Bag::RemoteApp, "data", PROVIDER_DATA);
    env.remote_secret(
        "secret:user0000000000000000",
        &[("username", "u1"), ("password", "p1")],
    );
}

#[test]
fn assign_alias_gives_the_first_free_alias_to_the_unit_bag_and_the_leaders_app_bag() {
    let mut env = two_relations(true);
    env.put(4, Bag::LocalUnit, "alias", "cluster1");
    let config = config(&["cluster1", "cluster2"]);
    assert_eq!(
        alias::assign_alias(&mut env, &config, 3)
            .unwrap()
            .as_deref(),
        Some("cluster2")
    );
    assert_eq!(
        env.get(3, Bag::LocalUnit, "alias").as_deref(),
        Some("cluster2")
    );
    assert_eq!(
        env.get(3, Bag::LocalApp, "alias").as_deref(),
        Some("cluster2")
    );
    assert_eq!(env.applies, 2, "one write per bag");
}

#[test]
fn assign_alias_on_a_non_leader_writes_the_unit_bag_only() {
    let mut env = two_relations(false);
    let config = config(&["cluster1", "cluster2"]);
    assert_eq!(
        alias::assign_alias(&mut env, &config, 4)
            .unwrap()
            .as_deref(),
        Some("cluster1")
    );
    assert_eq!(
        env.get(4, Bag::LocalUnit, "alias").as_deref(),
        Some("cluster1")
    );
    assert!(env.bag(4, Bag::LocalApp).is_empty());
}

#[test]
fn assign_alias_keeps_the_alias_a_relation_has_and_writes_nothing() {
    let mut env = two_relations(true);
    env.put(3, Bag::LocalUnit, "alias", "cluster2");
    let applies = env.applies;
    assert_eq!(
        alias::assign_alias(&mut env, &config(&["cluster1", "cluster2"]), 3)
            .unwrap()
            .as_deref(),
        Some("cluster2")
    );
    assert_eq!(env.applies, applies);
    assert!(env.bag(3, Bag::LocalApp).is_empty());
}

#[test]
fn assign_alias_without_aliases_returns_none_and_writes_nothing() {
    let mut env = two_relations(true);
    env.put(3, Bag::LocalUnit, "alias", "cluster1");
    let applies = env.applies;
    assert_eq!(
        alias::assign_alias(&mut env, &config(&[]), 3).unwrap(),
        None
    );
    assert_eq!(env.applies, applies);
}

#[test]
fn assign_alias_for_a_relation_the_endpoint_does_not_have_returns_none() {
    let mut env = two_relations(true);
    let applies = env.applies;
    assert_eq!(
        alias::assign_alias(&mut env, &config(&["cluster1"]), 9).unwrap(),
        None
    );
    assert_eq!(env.applies, applies);
}

#[test]
fn assign_alias_with_every_alias_taken_returns_none_and_warns() {
    let mut env = two_relations(true);
    env.put(4, Bag::LocalUnit, "alias", "cluster1");
    assert_eq!(
        alias::assign_alias(&mut env, &config(&["cluster1"]), 3).unwrap(),
        None
    );
    assert!(env.bag(3, Bag::LocalUnit).is_empty());
    assert!(env
        .logs
        .borrow()
        .iter()
        .any(|line| line == "Warning: no free relation alias for relation 3"));
}

#[test]
fn assign_alias_and_relation_created_give_the_same_alias() {
    let config = config(&["cluster1", "cluster2"]);
    let mut created = two_relations(true);
    let mut assigned = two_relations(true);
    for relation in [4, 3] {
        Requirer::new(config.clone())
            .and_then(|handler| {
                handler.handle(&mut created, &Hook::RelationCreated(event(relation)))
            })
            .unwrap();
        alias::assign_alias(&mut assigned, &config, relation).unwrap();
    }
    for relation in [3, 4] {
        for bag in [Bag::LocalUnit, Bag::LocalApp] {
            assert_eq!(
                assigned.get(relation, bag.clone(), "alias"),
                created.get(relation, bag, "alias")
            );
        }
    }
    assert_eq!(
        created.get(4, Bag::LocalUnit, "alias").as_deref(),
        Some("cluster1")
    );
}

#[test]
fn relation_alias_is_what_this_units_bag_records() {
    let mut env = two_relations(false);
    env.put(3, Bag::LocalUnit, "alias", "cluster2");
    env.put(4, Bag::LocalApp, "alias", "cluster1");
    let aliased = config(&["cluster1", "cluster2"]);
    assert_eq!(
        alias::relation_alias(&env, &aliased, 3).unwrap().as_deref(),
        Some("cluster2")
    );
    assert_eq!(
        alias::relation_alias(&env, &aliased, 4).unwrap(),
        None,
        "the app bag's alias is not this unit's"
    );
    assert_eq!(
        alias::relation_alias(&env, &config(&[]), 3)
            .unwrap()
            .as_deref(),
        Some("cluster2"),
        "read whatever the handler's aliases"
    );
    assert_eq!(
        alias::relation_alias(&env, &aliased, 9).unwrap(),
        None,
        "none for a relation the endpoint does not have"
    );
}

#[test]
fn a_rejected_response_carries_the_relation_alias_next_to_the_aliased_events() {
    let mut env = two_relations(true);
    with_response(&mut env);
    env.put(3, Bag::LocalUnit, "alias", "cluster2");
    let good = &RESPONSE[1..RESPONSE.len() - 1];
    let stray = good.replace("b7bf5c83ca2cd3de", "ffffffffffffffff");
    env.put(3, Bag::RemoteApp, "requests", &format!("[{stray}, {good}]"));
    let handled = Requirer::new(config(&["cluster1", "cluster2"]))
        .and_then(|handler| handler.handle(&mut env, &Hook::RelationChanged(event(3))))
        .unwrap();
    assert_eq!(handled.events.len(), 1);
    assert_eq!(handled.events[0].alias.as_deref(), Some("cluster2"));
    assert_eq!(handled.rejections.len(), 1);
    assert_eq!(handled.rejections[0].alias.as_deref(), Some("cluster2"));
}

#[test]
fn a_rejection_in_a_hook_that_fires_nothing_carries_the_relation_alias() {
    let mut env = two_relations(false);
    env.put(3, Bag::LocalUnit, "alias", "cluster1");
    env.put(3, Bag::RemoteApp, "version", "v1");
    env.put(
        3,
        Bag::RemoteApp,
        "requests",
        r#"[{"resource": 7, "request-id": "0000000000000000"}]"#,
    );
    let handled = Requirer::new(config(&["cluster1", "cluster2"]))
        .and_then(|handler| handler.handle(&mut env, &Hook::RelationChanged(event(3))))
        .unwrap();
    assert!(handled.events.is_empty());
    assert_eq!(handled.rejections.len(), 1);
    assert_eq!(handled.rejections[0].alias.as_deref(), Some("cluster1"));
}

#[test]
fn a_rejection_on_an_unaliased_relation_or_on_the_provider_carries_no_alias() {
    let mut env = two_relations(true);
    env.put(3, Bag::RemoteApp, "version", "v1");
    env.put(
        3,
        Bag::RemoteApp,
        "requests",
        r#"[{"resource": 7, "request-id": "0000000000000000"}]"#,
    );
    let handled = Requirer::new(config(&[]))
        .and_then(|handler| handler.handle(&mut env, &Hook::RelationChanged(event(3))))
        .unwrap();
    assert_eq!(handled.rejections.len(), 1);
    assert_eq!(handled.rejections[0].alias, None);

    let mut env = FakeEnv::new("db", true);
    env.add_relation(1, "database", "client");
    env.put(1, Bag::LocalUnit, "alias", "cluster1");
    env.put(1, Bag::RemoteApp, "version", "v1");
    env.put(
        1,
        Bag::RemoteApp,
        "requests",
        r#"[{"resource": 7, "request-id": "0000000000000000"}]"#,
    );
    let provider_config = ProviderConfig {
        endpoint: "database".into(),
        ..ProviderConfig::default()
    };
    let handled = provider::handle(
        &mut env,
        &provider_config,
        &Hook::RelationChanged(RelationEvent {
            relation_id: 1,
            app: Some("client".into()),
            unit: Some("client/0".into()),
        }),
    )
    .unwrap();
    assert_eq!(handled.rejections.len(), 1);
    assert_eq!(handled.rejections[0].alias, None);
}

#[test]
fn aliases_fewer_than_the_relation_limit_are_refused_when_the_handler_is_made() {
    let config = RequirerConfig {
        relation_limit: Some(2),
        ..config(&["cluster1"])
    };
    let refused = Requirer::new(config).unwrap_err();
    assert_eq!(
        refused,
        data_interfaces_core::error::Error::InvalidModel(
            "Invalid number of aliases, expected 2, received 1".into()
        )
    );
}

#[test]
fn aliases_on_an_endpoint_without_a_relation_limit_are_refused() {
    let config = RequirerConfig {
        relation_limit: None,
        ..config(&["cluster1"])
    };
    let refused = Requirer::new(config).unwrap_err();
    assert_eq!(
        refused,
        data_interfaces_core::error::Error::InvalidModel(
            "Invalid number of aliases, expected None, received 1".into()
        )
    );
}

#[test]
fn a_relation_limit_without_aliases_asks_for_nothing() {
    let config = RequirerConfig {
        relation_limit: Some(3),
        ..config(&[])
    };
    assert!(Requirer::new(config).is_ok());
}
