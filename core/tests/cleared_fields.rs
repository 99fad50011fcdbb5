//! A response field the charm explicitly sets to `None` (the response's `cleared` keys), as
//! `dpcharmlibs.interfaces` 1.2.2 writes it: `set_response` copies it into the stored response
//! (`BaseCommonModel.update`), a plain field is dumped null, a secret field is popped from its
//! group's secret, and a secret left empty is removed with its `secret-{group}` URI.

mod support;

use data_interfaces_core::env::Bag;
use data_interfaces_core::error::Error;
use data_interfaces_core::model::{FieldSpec, ProviderConfig, Response};
use data_interfaces_core::provider;
use support::FakeEnv;

const REQUESTS: &str = r#"[{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk"}, {"resource": "clientbis", "request-id": "ef142b87b00e1ba6", "salt": "bbbbbbbb"}]"#;
const USER_LABEL: &str = "database.1.b7bf5c83ca2cd3de.user.secret";

fn config() -> ProviderConfig {
    ProviderConfig {
        endpoint: "database".into(),
        ..ProviderConfig::default()
    }
}

fn env() -> FakeEnv {
    let mut env = FakeEnv::new("db", true);
    env.add_relation(1, "database", "client");
    env.put(1, Bag::RemoteApp, "version", "v1");
    env.put(1, Bag::RemoteApp, "requests", REQUESTS);
    env
}

fn v0_env() -> FakeEnv {
    let mut env = FakeEnv::new("db", true);
    env.add_relation(1, "database", "legacy");
    env.put(1, Bag::RemoteApp, "database", "legacydb");
    env
}

/// The response to the first request, nothing set.
fn answer() -> Response {
    Response {
        resource: "clientdb".into(),
        request_id: Some("b7bf5c83ca2cd3de".into()),
        salt: "kkkkkkkk".into(),
        ..Response::default()
    }
}

fn first() -> Response {
    Response {
        username: Some("relation_1_clientdb".into()),
        password: Some("first-password".into()),
        endpoints: Some("10.0.0.1:5432".into()),
        ..answer()
    }
}

fn cleared(keys: &[&str]) -> Response {
    Response {
        cleared: keys.iter().map(|key| key.to_string()).collect(),
        ..answer()
    }
}

fn entries(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The stored response of the first request, as the databag holds it.
fn first_entry(env: &FakeEnv) -> serde_json::Value {
    let requests = env.get(1, Bag::LocalApp, "requests").unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(&requests).unwrap_or_default();
    value[0].clone()
}

#[test]
fn a_cleared_password_is_removed_from_the_user_secret_in_one_revision() {
    let mut env = env();
    provider::set_response(&mut env, &config(), 1, &first()).unwrap();
    let before = env.get(1, Bag::LocalApp, "requests");
    let applies = env.applies;
    provider::set_response(&mut env, &config(), 1, &cleared(&["password"])).unwrap();
    let secret = env.secret_by_label(USER_LABEL).unwrap();
    assert_eq!(
        secret.content(),
        entries(&[("username", "relation_1_clientdb")])
    );
    assert_eq!(secret.revisions.len(), 2);
    assert_eq!(env.get(1, Bag::LocalApp, "requests"), before);
    assert_eq!(env.applies, applies, "the databag does not change");
}

#[test]
fn clearing_every_field_of_a_group_removes_its_secret_and_nulls_its_uri() {
    let mut env = env();
    provider::set_response(&mut env, &config(), 1, &first()).unwrap();
    provider::set_response(&mut env, &config(), 1, &cleared(&["username", "password"])).unwrap();
    assert!(env.secret_by_label(USER_LABEL).is_none());
    let entry = first_entry(&env);
    assert_eq!(entry["secret-user"], serde_json::Value::Null);
    assert_eq!(entry["endpoints"], "10.0.0.1:5432");
    let requests = env.get(1, Bag::LocalApp, "requests").unwrap_or_default();
    assert_eq!(
        requests,
        r#"[{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "endpoints": "10.0.0.1:5432", "read-only-endpoints": null, "secret-user": null, "secret-tls": null, "secret-extra": null, "secret-entity": null, "version": null, "prefix-resources": null, "mtls-cert": null, "entity-name": null, "entity-password": null, "password": null}]"#
    );
}

#[test]
fn a_later_value_creates_the_group_secret_again_after_it_was_removed() {
    let mut env = env();
    provider::set_response(&mut env, &config(), 1, &first()).unwrap();
    provider::set_response(&mut env, &config(), 1, &cleared(&["username", "password"])).unwrap();
    let again = Response {
        password: Some("second-password".into()),
        ..answer()
    };
    provider::set_response(&mut env, &config(), 1, &again).unwrap();
    let secret = env.secret_by_label(USER_LABEL).unwrap();
    assert_eq!(
        secret.content(),
        entries(&[("password", "second-password")])
    );
    assert_eq!(first_entry(&env)["secret-user"], secret.id.as_str());
}

#[test]
fn a_cleared_plain_field_is_written_null() {
    let mut env = env();
    provider::set_response(&mut env, &config(), 1, &first()).unwrap();
    provider::set_response(&mut env, &config(), 1, &cleared(&["endpoints"])).unwrap();
    let entry = first_entry(&env);
    assert_eq!(entry["endpoints"], serde_json::Value::Null);
    assert!(entry["secret-user"].is_string());
    assert_eq!(env.secret_by_label(USER_LABEL).unwrap().revisions.len(), 1);
}

#[test]
fn a_cleared_key_the_model_does_not_declare_is_written_null() {
    let mut env = env();
    let with_extra = Response {
        extra: vec![("replicaset".into(), "\"rs0\"".into())],
        ..first()
    };
    provider::set_response(&mut env, &config(), 1, &with_extra).unwrap();
    assert_eq!(first_entry(&env)["replicaset"], "rs0");
    provider::set_response(&mut env, &config(), 1, &cleared(&["replicaset"])).unwrap();
    let requests = env.get(1, Bag::LocalApp, "requests").unwrap_or_default();
    assert!(
        requests.contains(r#""prefix-resources": null, "replicaset": null, "mtls-cert": null"#),
        "{requests}"
    );
}

#[test]
fn a_cleared_secret_field_of_a_custom_group_removes_the_emptied_secret_and_its_uri() {
    let token = FieldSpec {
        key: "vault-token".into(),
        secret_group: Some("vault".into()),
    };
    let uri = FieldSpec {
        key: "secret-vault".into(),
        secret_group: None,
    };
    // With or without the URI field declared, the library dumps it null once it is cleared.
    for response_fields in [vec![token.clone(), uri], vec![token]] {
        let mut env = env();
        let config = ProviderConfig {
            response_fields,
            ..config()
        };
        let with_token = Response {
            extra: vec![("vault-token".into(), "\"s.token\"".into())],
            ..first()
        };
        provider::set_response(&mut env, &config, 1, &with_token).unwrap();
        let label = "database.1.b7bf5c83ca2cd3de.vault.secret";
        let id = env.secret_by_label(label).unwrap().id.clone();
        assert_eq!(first_entry(&env)["secret-vault"], id.as_str());
        provider::set_response(&mut env, &config, 1, &cleared(&["vault-token"])).unwrap();
        assert!(env.secret_by_label(label).is_none());
        let requests = env.get(1, Bag::LocalApp, "requests").unwrap_or_default();
        assert!(
            requests.contains(r#""prefix-resources": null, "secret-vault": null, "mtls-cert""#),
            "{requests}"
        );
        assert!(
            env.secret_by_label(USER_LABEL).is_some(),
            "other groups stay"
        );
    }
}

#[test]
fn a_cleared_uri_key_is_written_null_and_its_secret_stays() {
    let mut env = env();
    provider::set_response(&mut env, &config(), 1, &first()).unwrap();
    provider::set_response(&mut env, &config(), 1, &cleared(&["secret-user"])).unwrap();
    assert_eq!(first_entry(&env)["secret-user"], serde_json::Value::Null);
    let secret = env.secret_by_label(USER_LABEL).unwrap();
    assert_eq!(secret.revisions.len(), 1);
}

#[test]
fn a_cleared_field_of_a_new_response_creates_nothing_for_it() {
    let mut env = env();
    let fresh = Response {
        username: Some("relation_1_clientdb".into()),
        cleared: vec!["password".into(), "endpoints".into()],
        ..answer()
    };
    provider::set_response(&mut env, &config(), 1, &fresh).unwrap();
    let secret = env.secret_by_label(USER_LABEL).unwrap();
    assert_eq!(
        secret.content(),
        entries(&[("username", "relation_1_clientdb")])
    );
    assert_eq!(first_entry(&env)["endpoints"], serde_json::Value::Null);
}

#[test]
fn a_cleared_request_id_writes_as_a_response_without_one() {
    let anonymous = Response {
        request_id: None,
        username: Some("relation_1_clientdb".into()),
        ..answer()
    };
    let mut plain = env();
    provider::set_response(&mut plain, &config(), 1, &first()).unwrap();
    provider::set_response(&mut plain, &config(), 1, &anonymous).unwrap();
    let mut with_cleared = env();
    provider::set_response(&mut with_cleared, &config(), 1, &first()).unwrap();
    let cleared_id = Response {
        cleared: vec!["request-id".into()],
        ..anonymous
    };
    provider::set_response(&mut with_cleared, &config(), 1, &cleared_id).unwrap();
    let bags = [&plain, &with_cleared].map(|env| {
        let mut bag = env.bag(1, Bag::LocalApp);
        // The secret ids differ between the two worlds.
        bag.shift_remove("requests").map(|r| r.len())
    });
    assert_eq!(bags[0], bags[1]);
    assert_eq!(
        plain
            .secrets
            .iter()
            .map(|s| s.content())
            .collect::<Vec<_>>(),
        with_cleared
            .secrets
            .iter()
            .map(|s| s.content())
            .collect::<Vec<_>>()
    );
}

#[test]
fn clearing_the_resource_the_salt_or_a_key_also_set_is_an_invalid_model_and_writes_nothing() {
    let mut env = env();
    provider::set_response(&mut env, &config(), 1, &first()).unwrap();
    let before = env.bag(1, Bag::LocalApp);
    let revisions = env.secret_by_label(USER_LABEL).unwrap().revisions.len();
    let both = Response {
        password: Some("x-password".into()),
        cleared: vec!["password".into()],
        ..answer()
    };
    let extra_both = Response {
        extra: vec![("replicaset".into(), "\"rs0\"".into())],
        cleared: vec!["replicaset".into()],
        ..answer()
    };
    for bad in [
        cleared(&["resource"]),
        cleared(&["salt"]),
        cleared(&[""]),
        both,
        extra_both,
    ] {
        let error = provider::set_response(&mut env, &config(), 1, &bad);
        assert!(matches!(error, Err(Error::InvalidModel(_))), "{error:?}");
        let message = error.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(!message.contains("x-password"), "{message}");
        // set-response-each checks every response before writing anything.
        let each = provider::set_response_each(&mut env, &config(), 1, &[cleared(&[]), bad]);
        assert!(matches!(each, Err(Error::InvalidModel(_))), "{each:?}");
    }
    assert_eq!(env.bag(1, Bag::LocalApp), before);
    assert_eq!(
        env.secret_by_label(USER_LABEL).unwrap().revisions.len(),
        revisions
    );
}

#[test]
fn an_extra_field_given_as_null_and_cleared_is_not_a_conflict() {
    let mut env = env();
    provider::set_response(&mut env, &config(), 1, &first()).unwrap();
    let response = Response {
        extra: vec![("replicaset".into(), "null".into())],
        cleared: vec!["replicaset".into()],
        ..answer()
    };
    provider::set_response(&mut env, &config(), 1, &response).unwrap();
    assert_eq!(first_entry(&env)["replicaset"], serde_json::Value::Null);
}

#[test]
fn set_response_each_ends_as_the_calls_one_by_one_when_a_key_is_cleared_then_set() {
    let calls = [
        first(),
        cleared(&["password", "endpoints"]),
        Response {
            password: Some("second-password".into()),
            ..answer()
        },
        cleared(&["username"]),
    ];
    let mut one_by_one = env();
    for call in &calls {
        provider::set_response(&mut one_by_one, &config(), 1, call).unwrap();
    }
    let mut each = env();
    provider::set_response_each(&mut each, &config(), 1, &calls).unwrap();
    for env in [&one_by_one, &each] {
        let secret = env.secret_by_label(USER_LABEL).unwrap();
        assert_eq!(
            secret.content(),
            entries(&[("password", "second-password")])
        );
        assert_eq!(first_entry(env)["endpoints"], serde_json::Value::Null);
        assert_eq!(first_entry(env)["secret-user"], secret.id.as_str());
    }
    assert_eq!(
        one_by_one.get(1, Bag::LocalApp, "requests"),
        each.get(1, Bag::LocalApp, "requests")
    );
}

#[test]
fn set_response_each_clears_a_key_set_by_an_earlier_response() {
    let mut env = env();
    provider::set_response_each(&mut env, &config(), 1, &[first(), cleared(&["password"])])
        .unwrap();
    let secret = env.secret_by_label(USER_LABEL).unwrap();
    assert_eq!(
        secret.content(),
        entries(&[("username", "relation_1_clientdb")])
    );
    assert_eq!(secret.revisions.len(), 1, "created with its final content");
}

#[test]
fn set_responses_clears_keys_in_every_response_it_updates() {
    let mut env = env();
    let second = Response {
        resource: "clientbis".into(),
        request_id: Some("ef142b87b00e1ba6".into()),
        salt: "bbbbbbbb".into(),
        username: Some("relation_1_clientbis".into()),
        password: Some("bis-password".into()),
        ..Response::default()
    };
    provider::set_responses(&mut env, &config(), 1, &[first(), second.clone()]).unwrap();
    let clear_second = Response {
        cleared: vec!["username".into(), "password".into()],
        username: None,
        password: None,
        ..second
    };
    provider::set_responses(
        &mut env,
        &config(),
        1,
        &[cleared(&["password"]), clear_second],
    )
    .unwrap();
    assert_eq!(
        env.secret_by_label(USER_LABEL).unwrap().content(),
        entries(&[("username", "relation_1_clientdb")])
    );
    assert!(env
        .secret_by_label("database.1.ef142b87b00e1ba6.user.secret")
        .is_none());
    let requests = env.get(1, Bag::LocalApp, "requests").unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(&requests).unwrap_or_default();
    assert!(value[0]["secret-user"].is_string());
    assert_eq!(value[1]["secret-user"], serde_json::Value::Null);
}

#[test]
fn a_cleared_password_on_a_v0_relation_is_removed_from_the_v0_user_secret() {
    let mut env = v0_env();
    let flat = Response {
        resource: "legacydb".into(),
        salt: "v0SaltFromCache1".into(),
        username: Some("relation_1_None".into()),
        password: Some("legacy-password".into()),
        endpoints: Some("10.0.0.1:5432".into()),
        ..Response::default()
    };
    provider::set_response(&mut env, &config(), 1, &flat).unwrap();
    let id = env
        .secret_by_label("database.1.user.secret")
        .unwrap()
        .id
        .clone();
    let clear = Response {
        resource: "legacydb".into(),
        cleared: vec!["password".into(), "endpoints".into()],
        ..Response::default()
    };
    provider::set_response(&mut env, &config(), 1, &clear).unwrap();
    let secret = env.secret_by_label("database.1.user.secret").unwrap();
    assert_eq!(
        secret.content(),
        entries(&[("username", "relation_1_None")])
    );
    assert_eq!(
        env.get(1, Bag::LocalApp, "secret-user").as_deref(),
        Some(id.as_str())
    );
    assert_eq!(env.get(1, Bag::LocalApp, "endpoints"), None);

    let clear_all = Response {
        resource: "legacydb".into(),
        cleared: vec!["username".into()],
        ..Response::default()
    };
    provider::set_response(&mut env, &config(), 1, &clear_all).unwrap();
    assert!(env.secret_by_label("database.1.user.secret").is_none());
    assert_eq!(env.get(1, Bag::LocalApp, "secret-user"), None);
    assert_eq!(
        env.get(1, Bag::LocalApp, "resource").as_deref(),
        Some("legacydb")
    );
}
