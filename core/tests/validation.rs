//! The request model's validators (spec §2.2): on the requirer's configured requests before
//! anything is written, and on the requests a provider reads.

mod support;

use data_interfaces_core::env::Bag;
use data_interfaces_core::error::Error;
use data_interfaces_core::model::{
    EntityType, FieldSpec, Hook, ProviderConfig, RelationEvent, Request, RequirerConfig,
};
use data_interfaces_core::provider;
use data_interfaces_core::requirer::Requirer;
use support::FakeEnv;

fn kafka_fields() -> Vec<FieldSpec> {
    vec![FieldSpec {
        key: "consumer-group-prefix".into(),
        secret_group: None,
    }]
}

fn hook(created: bool, relation: i32) -> Hook {
    let event = RelationEvent {
        relation_id: relation,
        app: Some("other".into()),
        unit: None,
    };
    if created {
        Hook::RelationCreated(event)
    } else {
        Hook::RelationChanged(event)
    }
}

fn requirer_config(request: Request, request_fields: Vec<FieldSpec>) -> RequirerConfig {
    RequirerConfig {
        endpoint: "database".into(),
        requests: vec![request],
        request_fields,
        ..RequirerConfig::default()
    }
}

/// Every requirer call fails with this model error, and nothing is written or created.
fn every_requirer_call_fails(config: &RequirerConfig, message: &str) {
    let mut env = FakeEnv::new("client", true);
    env.add_relation(3, "database", "db");
    let expected = Err(Error::InvalidModel(message.into()));
    assert_eq!(
        Requirer::new(config.clone())
            .and_then(|handler| handler.handle(&mut env, &hook(true, 3)))
            .map(|_| ()),
        expected
    );
    assert_eq!(
        Requirer::new(config.clone())
            .and_then(|handler| handler.handle(&mut env, &hook(false, 3)))
            .map(|_| ()),
        expected
    );
    assert_eq!(
        Requirer::new(config.clone())
            .and_then(|handler| handler.responses(&mut env, 3))
            .map(|_| ()),
        expected
    );
    assert_eq!(
        Requirer::new(config.clone())
            .and_then(|handler| handler.is_resource_created(&mut env, 3, "x"))
            .map(|_| ()),
        expected
    );
    assert_eq!(
        Requirer::new(config.clone())
            .and_then(|handler| handler.are_all_resources_created(&mut env, 3))
            .map(|_| ()),
        expected
    );
    assert_eq!(
        Requirer::new(config.clone())
            .and_then(|handler| handler.statuses(&mut env, 3))
            .map(|_| ()),
        expected
    );
    assert_eq!(env.applies, 0);
    assert!(env.secrets.is_empty());
}

fn user_request() -> Request {
    Request {
        resource: "clientdb".into(),
        salt: "kkkkkkkk".into(),
        entity_type: Some(EntityType::User),
        ..Request::default()
    }
}

#[test]
fn a_user_request_with_group_roles_is_refused() {
    let request = Request {
        extra_group_roles: Some("admin".into()),
        mtls_cert: Some("CERT".into()),
        ..user_request()
    };
    every_requirer_call_fails(
        &requirer_config(request, vec![]),
        "Inconsistent entity information. Use extra_user_roles instead",
    );
}

#[test]
fn a_group_request_with_user_roles_is_refused() {
    let request = Request {
        entity_type: Some(EntityType::Group),
        extra_user_roles: Some("admin".into()),
        ..user_request()
    };
    every_requirer_call_fails(
        &requirer_config(request, vec![]),
        "Inconsistent entity information. Use extra_group_roles instead",
    );
}

#[test]
fn an_entity_password_without_an_entity_name_is_refused() {
    let request = Request {
        entity_password: Some("pw".into()),
        ..user_request()
    };
    every_requirer_call_fails(
        &requirer_config(request, vec![]),
        "Unable to set entity password without an entity name",
    );
}

#[test]
fn empty_roles_count_as_unset_as_in_the_library() {
    let request = Request {
        extra_group_roles: Some(String::new()),
        ..user_request()
    };
    let mut env = FakeEnv::new("client", true);
    env.add_relation(3, "database", "db");
    Requirer::new(requirer_config(request, vec![]))
        .and_then(|handler| handler.handle(&mut env, &hook(true, 3)))
        .unwrap();
    assert!(env.get(3, Bag::LocalApp, "requests").is_some());
}

fn kafka_request(prefix: &str) -> Request {
    Request {
        resource: "topic1".into(),
        salt: "kkkkkkkk".into(),
        extra: vec![(
            "consumer-group-prefix".into(),
            serde_json::Value::String(prefix.into()).to_string(),
        )],
        ..Request::default()
    }
}

#[test]
fn a_consumer_group_prefix_with_a_star_in_its_first_three_characters_is_refused() {
    for prefix in ["*", "a*", "ab*"] {
        every_requirer_call_fails(
            &requirer_config(kafka_request(prefix), kafka_fields()),
            &format!("Error on topic '{prefix}',, unacceptable value."),
        );
    }
}

#[test]
fn a_consumer_group_prefix_with_a_later_star_or_none_is_accepted() {
    for prefix in ["abc*", ""] {
        let mut env = FakeEnv::new("client", true);
        env.add_relation(3, "database", "db");
        let config = requirer_config(kafka_request(prefix), kafka_fields());
        Requirer::new(config.clone())
            .and_then(|handler| handler.handle(&mut env, &hook(true, 3)))
            .unwrap();
    }
}

#[test]
fn the_kafka_rule_applies_only_to_a_model_that_declares_the_field() {
    let mut env = FakeEnv::new("client", true);
    env.add_relation(3, "database", "db");
    let config = requirer_config(kafka_request("*"), vec![]);
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &hook(true, 3)))
        .unwrap();
}

fn provider_env(requests: &str) -> FakeEnv {
    let mut env = FakeEnv::new("db", true);
    env.add_relation(1, "database", "client");
    env.put(1, Bag::RemoteApp, "version", "v1");
    env.put(1, Bag::RemoteApp, "requests", requests);
    env
}

fn provider_config(request_fields: Vec<FieldSpec>) -> ProviderConfig {
    ProviderConfig {
        endpoint: "database".into(),
        request_fields,
        ..ProviderConfig::default()
    }
}

/// The provider's read fails naming relation 1, the requirer's bag, `requests` and the entry,
/// and its relation-changed writes nothing.
/// The `requests` call fails on the invalid entry; a hook rejects it and handles the others.
fn provider_refuses(requests: &str, fields: Vec<FieldSpec>, entry: usize, message: &str) {
    let mut env = provider_env(requests);
    let config = provider_config(fields);
    let call_error = provider::requests(&mut env, &config, 1).unwrap_err();
    let mut handled = provider::handle(&mut env, &config, &hook(false, 1)).unwrap();
    assert_eq!(handled.events.len(), 1, "the valid request is handled");
    assert_eq!(handled.rejections.len(), 1);
    for error in [call_error, handled.rejections.remove(0).error] {
        match error {
            Error::InvalidDatabag(e) => {
                assert_eq!(
                    (e.relation_id, e.bag, e.key.as_deref()),
                    (1, Bag::RemoteApp, Some("requests"))
                );
                assert_eq!(e.reason, format!("entry {entry}: {message}"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let data = env.get(1, Bag::LocalApp, "data").unwrap();
    assert!(
        !data.contains(r#""salt": "s""#),
        "the rejected request is not cached: {data}"
    );
}

const VALID: &str =
    r#"{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk"}"#;

#[test]
fn the_provider_refuses_an_inconsistent_request_naming_its_entry() {
    provider_refuses(
        &format!(
            r#"[{VALID}, {{"resource": "x", "salt": "s", "entity-type": "USER", "extra-group-roles": "g"}}]"#
        ),
        vec![],
        1,
        "Inconsistent entity information. Use extra_user_roles instead",
    );
}

#[test]
fn the_provider_refuses_an_unacceptable_consumer_group_prefix() {
    provider_refuses(
        &format!(r#"[{VALID}, {{"resource": "t", "salt": "s", "consumer-group-prefix": "a*"}}]"#),
        kafka_fields(),
        1,
        "Error on topic 'a*',, unacceptable value.",
    );
}

#[test]
fn the_kafka_rule_does_not_apply_to_a_v0_requirer() {
    let mut env = FakeEnv::new("db", true);
    env.add_relation(1, "database", "client");
    env.put(1, Bag::RemoteApp, "topic", "t");
    env.put(1, Bag::RemoteApp, "consumer-group-prefix", "*");
    let requests = provider::requests(&mut env, &provider_config(kafka_fields()), 1).unwrap();
    assert_eq!(requests[0].resource, "t");
}
