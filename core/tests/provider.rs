//! The provider side against an in-memory Juju, with bytes captured from dpcharmlibs.interfaces 1.2.2.

mod support;

use data_interfaces_core::env::Bag;
use data_interfaces_core::error::Error;
use data_interfaces_core::model::{
    FieldSpec, Hook, ProviderConfig, ProviderEventKind, RelationEvent, Response,
};
use data_interfaces_core::provider;
use support::FakeEnv;

const REQUESTS: &str = r#"[{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "extra-user-roles": "CREATEDB", "extra-group-roles": null, "external-node-connectivity": false, "entity-type": null, "entity-permissions": null, "secret-mtls": null, "mtls-cert": null, "secret-requested-entity": null, "entity-name": null, "password": null, "prefix-matching": null, "entity-password": null}, {"resource": "", "request-id": "9ecfabfbb5258f88", "salt": "xxxxxxxx", "entity-type": "USER"}, {"resource": "otherdb", "request-id": "44f06fc96531586c", "salt": "zzzzzzzz", "entity-type": "GROUP", "entity-permissions": [{"resource_name": "t", "resource_type": "table", "privileges": ["SELECT"]}]}]"#;

/// The provider's `data` after the first relation-changed (captured from DPC 1.2.2).
const DATA: &str = r#"{"b7bf5c83ca2cd3de": {"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "extra-user-roles": "CREATEDB"}, "9ecfabfbb5258f88": {"request-id": "9ecfabfbb5258f88", "salt": "xxxxxxxx", "entity-type": "USER"}, "44f06fc96531586c": {"resource": "otherdb", "request-id": "44f06fc96531586c", "salt": "zzzzzzzz", "entity-type": "GROUP", "entity-permissions": [{"resource_name": "t", "resource_type": "table", "privileges": ["SELECT"]}]}}"#;

fn changed() -> Hook {
    Hook::RelationChanged(RelationEvent {
        relation_id: 1,
        app: Some("client".into()),
        unit: Some("client/0".into()),
    })
}

fn config() -> ProviderConfig {
    ProviderConfig {
        endpoint: "database".into(),
        ..ProviderConfig::default()
    }
}

fn env(leader: bool, requests: &str) -> FakeEnv {
    let mut env = FakeEnv::new("db", leader);
    env.add_relation(1, "database", "client");
    env.put(1, Bag::RemoteApp, "version", "v1");
    env.put(1, Bag::RemoteApp, "requests", requests);
    env
}

fn user_response() -> Response {
    Response {
        resource: "clientdb".into(),
        request_id: Some("b7bf5c83ca2cd3de".into()),
        salt: "kkkkkkkk".into(),
        username: Some("u1".into()),
        password: Some("péss".into()),
        endpoints: Some("10.0.0.1:5432".into()),
        ..Response::default()
    }
}

#[test]
fn relation_changed_emits_one_event_per_new_request_and_caches_it_like_dpc() {
    let mut env = env(true, REQUESTS);
    let events = provider::handle(&mut env, &config(), &changed())
        .unwrap()
        .events;
    let summary: Vec<_> = events
        .iter()
        .map(|e| (e.kind, e.requests[0].request_id.clone().unwrap()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                ProviderEventKind::ResourceRequested,
                "b7bf5c83ca2cd3de".to_string()
            ),
            // dpcharmlibs never fires for an entity-only request (empty resource); we do.
            (
                ProviderEventKind::ResourceEntityRequested,
                "9ecfabfbb5258f88".to_string()
            ),
            (
                ProviderEventKind::ResourceEntityRequested,
                "44f06fc96531586c".to_string()
            ),
        ]
    );
    assert_eq!(
        (events[0].app.as_deref(), events[0].unit.as_deref()),
        (Some("client"), Some("client/0"))
    );
    assert_eq!(
        events[0].requests[0].extra_user_roles.as_deref(),
        Some("CREATEDB")
    );
    assert_eq!(env.get(1, Bag::LocalApp, "data").unwrap(), DATA);
}

#[test]
fn an_unchanged_rerun_emits_nothing_and_writes_nothing() {
    let mut env = env(true, REQUESTS);
    provider::handle(&mut env, &config(), &changed()).unwrap();
    let applies = env.applies;
    assert!(provider::handle(&mut env, &config(), &changed())
        .unwrap()
        .events
        .is_empty());
    assert_eq!(env.applies, applies);
}

#[test]
fn changed_permissions_emit_permissions_changed_and_statuses_join_the_cache() {
    let mut env = env(true, REQUESTS);
    provider::handle(&mut env, &config(), &changed()).unwrap();
    env.put(
        1,
        Bag::LocalApp,
        "status",
        r#"[{"code": 4001, "message": "m", "resolution": "r"}]"#,
    );
    env.put(
        1,
        Bag::RemoteApp,
        "requests",
        &REQUESTS.replace(r#"["SELECT"]"#, r#"["SELECT", "INSERT"]"#),
    );
    let events = provider::handle(&mut env, &config(), &changed())
        .unwrap()
        .events;
    assert_eq!(
        events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![ProviderEventKind::ResourceEntityPermissionsChanged]
    );
    // Captured from DPC 1.2.2.
    let expected = DATA.replace(r#"["SELECT"]}]}}"#, r#"["SELECT", "INSERT"]}]}, "status": {"4001": {"code": 4001, "message": "m", "resolution": "r"}}}"#);
    assert_eq!(env.get(1, Bag::LocalApp, "data").unwrap(), expected);
}

#[test]
fn changing_an_immutable_key_rejects_that_request_and_writes_nothing() {
    let mut env = env(true, REQUESTS);
    provider::handle(&mut env, &config(), &changed()).unwrap();
    env.put(
        1,
        Bag::RemoteApp,
        "requests",
        &REQUESTS.replace("CREATEDB", "SUPERUSER"),
    );
    let applies = env.applies;
    let handled = provider::handle(&mut env, &config(), &changed()).unwrap();
    assert!(handled.events.is_empty());
    assert_eq!(handled.rejections.len(), 1);
    assert_eq!(
        handled.rejections[0].request_id.as_deref(),
        Some("b7bf5c83ca2cd3de")
    );
    assert_eq!(
        handled.rejections[0].error,
        Error::InvalidModel(
            "Cannot change extra-user-roles after relation has already been created".into()
        )
    );
    assert_eq!(env.applies, applies);
    assert_eq!(env.get(1, Bag::LocalApp, "data").unwrap(), DATA);
}

#[test]
fn non_leader_relation_changed_does_nothing_and_set_response_is_refused() {
    let mut env = env(false, REQUESTS);
    assert!(provider::handle(&mut env, &config(), &changed())
        .unwrap()
        .events
        .is_empty());
    assert_eq!(env.applies, 0);
    assert!(matches!(
        provider::set_response(&mut env, &config(), 1, &user_response()),
        Err(Error::NotLeader(_))
    ));
    assert!(env.secrets.is_empty());
}

#[test]
fn empty_requirer_bag_does_nothing() {
    let mut env = FakeEnv::new("db", true);
    env.add_relation(1, "database", "client");
    assert!(provider::handle(&mut env, &config(), &changed())
        .unwrap()
        .events
        .is_empty());
    assert_eq!(env.applies, 0);
}

#[test]
fn bulk_mode_emits_one_event_with_every_request() {
    let mut env = env(true, REQUESTS);
    let bulk = ProviderConfig {
        bulk_event: true,
        ..config()
    };
    let events = provider::handle(&mut env, &bulk, &changed())
        .unwrap()
        .events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, ProviderEventKind::BulkResourcesRequested);
    assert_eq!(events[0].requests.len(), 3);
    assert_eq!(env.get(1, Bag::LocalApp, "data").unwrap(), DATA);
}

#[test]
fn relation_changed_without_request_secrets_never_asks_for_the_remote_model() {
    let mut env = env(true, REQUESTS);
    provider::handle(&mut env, &config(), &changed()).unwrap();
    assert_eq!(env.remote_model_asks.get(), 0);
}

#[test]
fn a_new_response_secret_is_added_and_granted_without_a_lookup() {
    let mut env = env(true, REQUESTS);
    provider::set_response(&mut env, &config(), 1, &user_response()).unwrap();
    assert_eq!(env.secret_gets, 0);
    assert_eq!(env.secrets.len(), 1);
    assert_eq!(env.secrets[0].granted, vec![1]);
}

#[test]
fn a_response_secret_already_labelled_is_updated_when_its_add_is_refused() {
    let mut env = env(true, REQUESTS);
    provider::set_response(&mut env, &config(), 1, &user_response()).unwrap();
    // The bag loses the response (written by hand), the labelled secret stays.
    env.put(1, Bag::LocalApp, "requests", "[]");
    let mut again = user_response();
    again.password = Some("new".into());
    provider::set_response(&mut env, &config(), 1, &again).unwrap();
    assert_eq!(env.secrets.len(), 1);
    assert_eq!(env.secrets[0].revisions.len(), 2);
    let requests = env.get(1, Bag::LocalApp, "requests").unwrap();
    assert!(requests.contains(&env.secrets[0].id), "{requests}");
}

#[test]
fn set_response_creates_the_user_secret_and_writes_the_dpc_response_bytes() {
    let mut env = env(true, REQUESTS);
    provider::set_response(&mut env, &config(), 1, &user_response()).unwrap();
    let secret = env
        .secret_by_label("database.1.b7bf5c83ca2cd3de.user.secret")
        .unwrap()
        .clone();
    assert_eq!(
        secret.content(),
        vec![
            ("username".to_string(), "u1".to_string()),
            ("password".to_string(), "péss".to_string())
        ]
    );
    assert_eq!(secret.granted, vec![1]);
    assert_eq!(env.get(1, Bag::LocalApp, "version").as_deref(), Some("v1"));
    // Captured from DPC 1.2.2 (secret id substituted).
    let expected = format!(
        r#"[{{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "endpoints": "10.0.0.1:5432", "read-only-endpoints": null, "secret-user": "{}", "secret-tls": null, "secret-extra": null, "secret-entity": null, "version": null, "prefix-resources": null, "mtls-cert": null, "entity-name": null, "entity-password": null, "password": null}}]"#,
        secret.id
    );
    assert_eq!(env.get(1, Bag::LocalApp, "requests").unwrap(), expected);
}

#[test]
fn the_same_response_again_makes_no_secret_revision_and_no_write() {
    let mut env = env(true, REQUESTS);
    provider::set_response(&mut env, &config(), 1, &user_response()).unwrap();
    let applies = env.applies;
    provider::set_response(&mut env, &config(), 1, &user_response()).unwrap();
    assert_eq!(env.applies, applies);
    assert_eq!(env.secrets.len(), 1);
    assert_eq!(env.secrets[0].revisions.len(), 1);
}

#[test]
fn set_response_merges_only_the_fields_that_are_set() {
    let mut env = env(true, REQUESTS);
    provider::set_response(&mut env, &config(), 1, &user_response()).unwrap();
    let update = Response {
        request_id: Some("b7bf5c83ca2cd3de".into()),
        endpoints: Some("h:1".into()),
        version: Some("16".into()),
        ..Response::default()
    };
    provider::set_response(&mut env, &config(), 1, &update).unwrap();
    let requests = env.get(1, Bag::LocalApp, "requests").unwrap();
    assert!(requests.starts_with(r#"[{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "endpoints": "h:1", "#), "{requests}");
    assert!(requests.contains(r#""version": "16""#));
    assert_eq!(
        env.secrets[0].revisions.len(),
        1,
        "the user secret is untouched"
    );

    let entity = Response {
        request_id: Some("9ecfabfbb5258f88".into()),
        salt: "xxxxxxxx".into(),
        entity_name: Some("bob".into()),
        entity_password: Some("pw".into()),
        ..Response::default()
    };
    provider::set_response(&mut env, &config(), 1, &entity).unwrap();
    let secret = env
        .secret_by_label("database.1.9ecfabfbb5258f88.entity.secret")
        .unwrap()
        .clone();
    assert_eq!(
        secret.content(),
        vec![
            ("entity-name".to_string(), "bob".to_string()),
            ("entity-password".to_string(), "pw".to_string())
        ]
    );
    let requests = env.get(1, Bag::LocalApp, "requests").unwrap();
    let second = format!(
        r#"{{"resource": "", "request-id": "9ecfabfbb5258f88", "salt": "xxxxxxxx", "endpoints": null, "read-only-endpoints": null, "secret-user": null, "secret-tls": null, "secret-extra": null, "secret-entity": "{}", "version": null, "prefix-resources": null, "mtls-cert": null, "entity-name": null, "entity-password": null, "password": null}}]"#,
        secret.id
    );
    assert!(requests.ends_with(&second), "{requests}");
}

#[test]
fn a_changed_password_makes_exactly_one_new_revision() {
    let mut env = env(true, REQUESTS);
    provider::set_response(&mut env, &config(), 1, &user_response()).unwrap();
    let rotate = Response {
        request_id: Some("b7bf5c83ca2cd3de".into()),
        password: Some("new".into()),
        ..Response::default()
    };
    let applies = env.applies;
    provider::set_response(&mut env, &config(), 1, &rotate).unwrap();
    assert_eq!(env.secrets[0].revisions.len(), 2);
    assert_eq!(
        env.secrets[0].content(),
        vec![
            ("username".to_string(), "u1".to_string()),
            ("password".to_string(), "new".to_string())
        ]
    );
    assert_eq!(env.applies, applies, "the databag does not change");
}

#[test]
fn response_model_fields_tls_and_extra_secrets_are_written_like_dpc() {
    let mut env = env(true, REQUESTS);
    let fields = vec![
        FieldSpec {
            key: "sentinel-endpoints".into(),
            secret_group: None,
        },
        FieldSpec {
            key: "mode".into(),
            secret_group: None,
        },
        FieldSpec {
            key: "zookeeper-uris".into(),
            secret_group: Some("extra".into()),
        },
    ];
    let config = ProviderConfig {
        response_fields: fields,
        ..config()
    };
    let response = Response {
        resource: "clientdb".into(),
        request_id: Some("b7bf5c83ca2cd3de".into()),
        salt: "kkkkkkkk".into(),
        username: Some("u1".into()),
        password: Some("p".into()),
        tls: Some(true),
        tls_ca: Some("CA".into()),
        extra: vec![
            ("mode".into(), "\"sentinel\"".into()),
            ("zzz".into(), "\"1\"".into()),
            ("zookeeper-uris".into(), "\"zk\"".into()),
        ],
        ..Response::default()
    };
    provider::set_response(&mut env, &config, 1, &response).unwrap();
    let id = |label: &str| env.secret_by_label(label).unwrap().id.clone();
    let tls = env
        .secret_by_label("database.1.b7bf5c83ca2cd3de.tls.secret")
        .unwrap();
    assert_eq!(
        tls.content(),
        vec![
            ("tls".to_string(), "true".to_string()),
            ("tls-ca".to_string(), "CA".to_string())
        ]
    );
    let extra = env
        .secret_by_label("database.1.b7bf5c83ca2cd3de.extra.secret")
        .unwrap();
    assert_eq!(
        extra.content(),
        vec![("zookeeper-uris".to_string(), "zk".to_string())]
    );
    // Captured from DPC 1.2.2 (ValkeyResponseModel; secret ids substituted).
    let expected = format!(
        r#"[{{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "endpoints": null, "read-only-endpoints": null, "secret-user": "{}", "secret-tls": "{}", "secret-extra": "{}", "secret-entity": null, "version": null, "prefix-resources": null, "sentinel-endpoints": null, "mode": "sentinel", "zzz": "1", "mtls-cert": null, "entity-name": null, "entity-password": null, "password": null}}]"#,
        id("database.1.b7bf5c83ca2cd3de.user.secret"),
        id("database.1.b7bf5c83ca2cd3de.tls.secret"),
        id("database.1.b7bf5c83ca2cd3de.extra.secret"),
    );
    assert_eq!(env.get(1, Bag::LocalApp, "requests").unwrap(), expected);
}

#[test]
fn set_responses_merges_by_request_id_and_refuses_an_empty_list() {
    let mut env = env(true, REQUESTS);
    assert_eq!(
        provider::set_responses(&mut env, &config(), 1, &[]),
        Err(Error::InvalidModel("List of responses is empty".into()))
    );
    let second = Response {
        request_id: Some("44f06fc96531586c".into()),
        salt: "zzzzzzzz".into(),
        resource: "otherdb".into(),
        ..Response::default()
    };
    provider::set_responses(&mut env, &config(), 1, &[user_response(), second]).unwrap();
    let value: serde_json::Value =
        serde_json::from_str(&env.get(1, Bag::LocalApp, "requests").unwrap()).unwrap();
    assert_eq!(value.as_array().map(Vec::len), Some(2));
    assert_eq!(value[1]["resource"], "otherdb");
}

/// Three answers a charm gives one by one: two to the same request, one to another.
fn answers_in_turn() -> Vec<Response> {
    let entity = Response {
        request_id: Some("9ecfabfbb5258f88".into()),
        salt: "xxxxxxxx".into(),
        entity_name: Some("bob".into()),
        entity_password: Some("pw".into()),
        ..Response::default()
    };
    let update = Response {
        request_id: Some("b7bf5c83ca2cd3de".into()),
        endpoints: Some("h:1".into()),
        ..Response::default()
    };
    vec![user_response(), entity, update]
}

#[test]
fn set_response_each_writes_the_bytes_and_secrets_of_set_response_called_in_turn() {
    let mut one_by_one = env(true, REQUESTS);
    for response in answers_in_turn() {
        provider::set_response(&mut one_by_one, &config(), 1, &response).unwrap();
    }
    let mut each = env(true, REQUESTS);
    provider::set_response_each(&mut each, &config(), 1, &answers_in_turn()).unwrap();
    assert_eq!(each.bag(1, Bag::LocalApp), one_by_one.bag(1, Bag::LocalApp));
    let secrets = |env: &FakeEnv| -> Vec<_> {
        env.secrets
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    s.owner_label.clone(),
                    s.content(),
                    s.granted.clone(),
                )
            })
            .collect()
    };
    assert_eq!(secrets(&each), secrets(&one_by_one));
}

#[test]
fn set_response_each_applies_the_bag_once() {
    let mut env = env(true, REQUESTS);
    provider::set_response_each(&mut env, &config(), 1, &answers_in_turn()).unwrap();
    assert_eq!(env.applies, 1);
}

#[test]
fn set_response_each_keeps_responses_without_a_request_id_as_set_response_does() {
    let mut env = env(true, REQUESTS);
    let anonymous = Response {
        resource: "clientdb".into(),
        salt: "kkkkkkkk".into(),
        endpoints: Some("h:1".into()),
        ..Response::default()
    };
    provider::set_response_each(&mut env, &config(), 1, &[anonymous.clone(), anonymous]).unwrap();
    let requests = env.get(1, Bag::LocalApp, "requests").unwrap();
    let written: serde_json::Value = serde_json::from_str(&requests).unwrap();
    assert_eq!(written.as_array().map(Vec::len), Some(1), "{requests}");
}

#[test]
fn set_response_each_with_no_response_writes_nothing() {
    let mut env = env(true, REQUESTS);
    provider::set_response_each(&mut env, &config(), 1, &[]).unwrap();
    assert_eq!(env.applies, 0);
}

#[test]
fn set_response_each_on_a_non_leader_is_refused_and_writes_nothing() {
    let mut env = env(false, REQUESTS);
    assert!(matches!(
        provider::set_response_each(&mut env, &config(), 1, &answers_in_turn()),
        Err(Error::NotLeader(_))
    ));
    assert_eq!(env.applies, 0);
    assert!(env.secrets.is_empty());
}

#[test]
fn set_response_each_merges_every_answer_into_a_v0_requirers_flat_response() {
    let mut one_by_one = v0_env();
    let mut each = v0_env();
    let answers = [
        Response {
            resource: "legacydb".into(),
            salt: "kkkkkkkk".into(),
            username: Some("relation_1".into()),
            password: Some("p1".into()),
            ..Response::default()
        },
        Response {
            endpoints: Some("h:1".into()),
            ..Response::default()
        },
    ];
    for response in &answers {
        provider::set_response(&mut one_by_one, &config(), 1, response).unwrap();
    }
    provider::set_response_each(&mut each, &config(), 1, &answers).unwrap();
    assert_eq!(each.bag(1, Bag::LocalApp), one_by_one.bag(1, Bag::LocalApp));
}

#[test]
fn requests_lists_the_parsed_requests_and_keeps_numeric_strings() {
    let mut env = env(true, &REQUESTS.replace("\"clientdb\"", "\"1234\""));
    let requests = provider::requests(&mut env, &config(), 1).unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].resource, "1234");
    assert_eq!(
        provider::requests(&mut env, &config(), 7).unwrap_err(),
        Error::MissingRelation(7)
    );
}

#[test]
fn a_malformed_request_is_rejected_naming_the_relation_bag_key_and_entry() {
    let mut env = env(true, r#"[{"resource": 5}]"#);
    let handled = provider::handle(&mut env, &config(), &changed()).unwrap();
    assert!(handled.events.is_empty());
    assert_eq!(handled.rejections.len(), 1);
    assert_eq!(handled.rejections[0].relation_id, 1);
    match &handled.rejections[0].error {
        Error::InvalidDatabag(e) => {
            assert_eq!(
                (e.relation_id, &e.bag, e.key.as_deref()),
                (1, &Bag::RemoteApp, Some("requests"))
            );
            assert!(e.reason.starts_with("entry 0: "), "{}", e.reason);
            assert!(e.reason.contains("`resource`"), "{}", e.reason);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn the_other_requests_of_the_hook_are_handled_next_to_a_malformed_one() {
    let requests = REQUESTS.replacen(
        r#"{"resource": "", "request-id": "9ecfabfbb5258f88""#,
        r#"{"resource": ["not", "a", "string"], "request-id": "9ecfabfbb5258f88""#,
        1,
    );
    let mut env = env(true, &requests);
    let handled = provider::handle(&mut env, &config(), &changed()).unwrap();
    let handled_ids: Vec<_> = handled
        .events
        .iter()
        .map(|e| e.requests[0].request_id.clone().unwrap())
        .collect();
    assert_eq!(handled_ids, ["b7bf5c83ca2cd3de", "44f06fc96531586c"]);
    assert_eq!(handled.rejections.len(), 1);
    assert_eq!(
        handled.rejections[0].request_id.as_deref(),
        Some("9ecfabfbb5258f88")
    );
    let data = env.get(1, Bag::LocalApp, "data").unwrap();
    assert!(data.contains("b7bf5c83ca2cd3de") && data.contains("44f06fc96531586c"));
    assert!(!data.contains("9ecfabfbb5258f88"), "{data}");
}

#[test]
fn a_later_request_with_an_earlier_request_id_is_rejected_as_a_duplicate() {
    let requests = r#"[{"resource": "a", "request-id": "1111111111111111", "salt": "aaaaaaaa"}, {"resource": "b", "request-id": "1111111111111111", "salt": "bbbbbbbb"}]"#;
    let mut env = env(true, requests);
    let handled = provider::handle(&mut env, &config(), &changed()).unwrap();
    assert_eq!(handled.events.len(), 1);
    assert_eq!(handled.events[0].requests[0].resource, "a");
    assert_eq!(handled.rejections.len(), 1);
    let message = handled.rejections[0].error.to_string();
    assert!(
        message.contains("entry 1: duplicate request id 1111111111111111 (first in entry 0)"),
        "{message}"
    );
}

#[test]
fn the_requests_call_fails_on_the_first_malformed_entry() {
    let mut env = env(
        true,
        r#"[{"resource": "a", "salt": "aaaaaaaa"}, {"resource": 5}]"#,
    );
    match provider::requests(&mut env, &config(), 1).unwrap_err() {
        Error::InvalidDatabag(e) => assert!(e.reason.starts_with("entry 1: "), "{}", e.reason),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_rejected_request_is_logged_as_an_error() {
    let mut env = env(true, r#"[{"resource": 5}]"#);
    provider::handle(&mut env, &config(), &changed()).unwrap();
    let logs = env.logs.borrow();
    assert!(
        logs.iter()
            .any(|line| line.starts_with("Error: request rejected: ")),
        "{logs:?}"
    );
}

#[test]
fn requested_entity_and_mtls_secrets_are_read_with_the_providers_label() {
    let mut env = env(
        true,
        &REQUESTS.replace(r#""secret-mtls": null"#, r#""secret-mtls": "secret:mtls""#),
    );
    env.remote_secret("secret:mtls", &[("mtls-cert", "CERT")]);
    let mtls = ProviderConfig {
        mtls_enabled: true,
        ..config()
    };
    let events = provider::handle(&mut env, &mtls, &changed())
        .unwrap()
        .events;
    assert_eq!(events[0].kind, ProviderEventKind::MtlsCertUpdated);
    assert_eq!(events[0].requests[0].mtls_cert.as_deref(), Some("CERT"));
    assert_eq!(
        env.secret("secret:mtls").unwrap().consumer_label.as_deref(),
        Some("database.1.b7bf5c83ca2cd3de.mtls.secret")
    );
    let data = env.get(1, Bag::LocalApp, "data").unwrap();
    assert!(
        data.contains(r#""secret-mtls": "secret:mtls", "mtls-cert": """#),
        "{data}"
    );
    assert!(
        provider::handle(&mut env, &mtls, &changed())
            .unwrap()
            .events
            .is_empty(),
        "a secret-backed value is not seen as changed"
    );
}

fn v0_env() -> FakeEnv {
    let mut env = FakeEnv::new("db", true);
    env.add_relation(1, "database", "client");
    env.put(1, Bag::RemoteApp, "database", "legacydb");
    env.put(1, Bag::RemoteApp, "extra-user-roles", "SUPERUSER");
    env.put(1, Bag::RemoteApp, "external-node-connectivity", "true");
    env.put(
        1,
        Bag::RemoteApp,
        "requested-secrets",
        r#"["username", "password", "tls", "tls-ca", "uris", "read-only-uris"]"#,
    );
    env.put(1, Bag::RemoteApp, "alias", "cluster1");
    env
}

#[test]
fn a_v0_requirer_gets_resource_requested_a_flat_cache_and_its_resource_key_back() {
    let mut env = v0_env();
    let events = provider::handle(&mut env, &config(), &changed())
        .unwrap()
        .events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, ProviderEventKind::ResourceRequested);
    let request = &events[0].requests[0];
    assert_eq!(
        (request.resource.as_str(), request.request_id.as_deref()),
        ("legacydb", None)
    );
    assert!(request.external_node_connectivity);
    let data = env.get(1, Bag::LocalApp, "data").unwrap();
    let value: serde_json::Value = serde_json::from_str(&data).unwrap();
    let salt = value["salt"].as_str().unwrap().to_string();
    // The shape DPC 1.2.2 writes (its salt is random on every hook; ours is kept).
    let expected = format!(
        r#"{{"resource": "legacydb", "salt": "{salt}", "extra-user-roles": "SUPERUSER", "external-node-connectivity": true, "requested-secrets": ["username", "password", "tls", "tls-ca", "uris", "read-only-uris"], "alias": "cluster1"}}"#
    );
    assert_eq!(data, expected);
    assert_eq!(
        env.get(1, Bag::LocalApp, "database").as_deref(),
        Some("legacydb")
    );
    let applies = env.applies;
    assert!(provider::handle(&mut env, &config(), &changed())
        .unwrap()
        .events
        .is_empty());
    assert_eq!(
        env.applies, applies,
        "an unchanged v0 request rewrites nothing"
    );
}

#[test]
fn a_v0_database_named_1234_stays_a_string() {
    let mut env = FakeEnv::new("db", true);
    env.add_relation(1, "database", "client");
    env.put(1, Bag::RemoteApp, "database", "1234");
    let events = provider::handle(&mut env, &config(), &changed())
        .unwrap()
        .events;
    assert_eq!(events[0].requests[0].resource, "1234");
    assert!(env
        .get(1, Bag::LocalApp, "data")
        .unwrap()
        .starts_with(r#"{"resource": "1234", "salt": ""#));
    assert_eq!(
        provider::requests(&mut env, &config(), 1).unwrap()[0].resource,
        "1234"
    );
}

#[test]
fn a_v0_response_is_written_flat_with_v0_labels_and_prefix_databases() {
    let mut env = v0_env();
    let response = Response {
        resource: "legacydb".into(),
        salt: "kkkkkkkk".into(),
        username: Some("relation_1".into()),
        password: Some("p1".into()),
        endpoints: Some("h:1".into()),
        version: Some("14.9".into()),
        tls: Some(false),
        prefix_resources: Some("a,b".into()),
        ..Response::default()
    };
    provider::set_response(&mut env, &config(), 1, &response).unwrap();
    let user = env
        .secret_by_label("database.1.user.secret")
        .unwrap()
        .clone();
    assert_eq!(
        user.content(),
        vec![
            ("username".to_string(), "relation_1".to_string()),
            ("password".to_string(), "p1".to_string())
        ]
    );
    let tls = env
        .secret_by_label("database.1.tls.secret")
        .unwrap()
        .clone();
    assert_eq!(
        tls.content(),
        vec![("tls".to_string(), "false".to_string())]
    );
    // The keys DPC 1.2.2 writes for a v0 requirer.
    let bag = env.bag(1, Bag::LocalApp);
    let get = |key: &str| bag.get(key).map(String::as_str);
    assert_eq!(get("resource"), Some("legacydb"));
    assert_eq!(get("salt"), Some("kkkkkkkk"));
    assert_eq!(get("endpoints"), Some("h:1"));
    assert_eq!(get("secret-user"), Some(user.id.as_str()));
    assert_eq!(get("secret-tls"), Some(tls.id.as_str()));
    assert_eq!(get("version"), Some("14.9"));
    assert_eq!(get("prefix-resources"), Some("a,b"));
    assert_eq!(get("prefix-databases"), Some("a,b"));
    assert_eq!(get("requests"), None);
    assert_eq!(get("password"), None);
    // Merging: a later call that only sets the endpoints keeps the credentials.
    let applies = env.applies;
    let update = Response {
        endpoints: Some("h:2".into()),
        ..Response::default()
    };
    provider::set_response(&mut env, &config(), 1, &update).unwrap();
    assert_eq!(env.applies, applies + 1);
    assert_eq!(
        env.get(1, Bag::LocalApp, "endpoints").as_deref(),
        Some("h:2")
    );
    assert_eq!(
        env.get(1, Bag::LocalApp, "secret-user").as_deref(),
        Some(user.id.as_str())
    );
    assert_eq!(env.secrets.len(), 2);
    assert!(env.secrets.iter().all(|s| s.revisions.len() == 1));
}

#[test]
fn an_unknown_contract_version_is_an_invalid_databag_error() {
    let mut env = env(true, REQUESTS);
    env.put(1, Bag::RemoteApp, "version", "v2");
    match provider::handle(&mut env, &config(), &changed()).unwrap_err() {
        Error::InvalidDatabag(e) => assert_eq!(e.key.as_deref(), Some("version")),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn responses_read_back_what_set_response_wrote_with_secret_fields_from_own_secrets() {
    let mut env = env(true, REQUESTS);
    provider::set_response(&mut env, &config(), 1, &user_response()).unwrap();
    let responses = provider::responses(&mut env, &config(), 1).unwrap();
    assert_eq!(responses.len(), 1);
    let response = &responses[0];
    assert_eq!(response.request_id.as_deref(), Some("b7bf5c83ca2cd3de"));
    assert_eq!(response.endpoints.as_deref(), Some("10.0.0.1:5432"));
    assert_eq!(response.username.as_deref(), Some("u1"));
    assert_eq!(response.password.as_deref(), Some("péss"));
    assert!(response.secret_user.is_some());
}

#[test]
fn responses_are_empty_before_any_response_is_written() {
    let mut env = env(true, REQUESTS);
    assert_eq!(
        provider::responses(&mut env, &config(), 1).unwrap(),
        Vec::new()
    );
}

#[test]
fn responses_on_a_v0_relation_read_the_flat_answer() {
    let mut env = FakeEnv::new("db", true);
    env.add_relation(1, "database", "legacy");
    env.put(1, Bag::RemoteApp, "database", "legacydb");
    let answer = Response {
        resource: "legacydb".into(),
        salt: "v0SaltFromCache1".into(),
        username: Some("legacy-user".into()),
        endpoints: Some("10.0.0.1:5432".into()),
        ..Response::default()
    };
    provider::set_response(&mut env, &config(), 1, &answer).unwrap();
    let responses = provider::responses(&mut env, &config(), 1).unwrap();
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].request_id, None);
    assert_eq!(responses[0].resource, "legacydb");
    assert_eq!(responses[0].username.as_deref(), Some("legacy-user"));
}

#[test]
fn responses_on_an_unknown_relation_are_a_missing_relation_error() {
    let mut env = env(true, REQUESTS);
    assert_eq!(
        provider::responses(&mut env, &config(), 9),
        Err(Error::MissingRelation(9))
    );
}
