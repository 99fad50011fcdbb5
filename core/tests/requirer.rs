//! The requirer side against an in-memory Juju, with bytes captured from dpcharmlibs.interfaces 1.2.2.

mod support;

use data_interfaces_core::env::Bag;
use data_interfaces_core::error::Error;
use data_interfaces_core::model::{
    EntityPermission, EntityType, FieldSpec, Hook, RelationEvent, Request, RequirerConfig,
    RequirerEventKind, SecretEvent,
};
use data_interfaces_core::requirer::Requirer;
use support::FakeEnv;

fn created(relation: i32) -> Hook {
    Hook::RelationCreated(RelationEvent {
        relation_id: relation,
        app: Some("db".into()),
        unit: None,
    })
}

fn changed(relation: i32) -> Hook {
    Hook::RelationChanged(RelationEvent {
        relation_id: relation,
        app: Some("db".into()),
        unit: Some("db/0".into()),
    })
}

fn request(resource: &str, salt: &str) -> Request {
    Request {
        resource: resource.into(),
        salt: salt.into(),
        ..Request::default()
    }
}

fn config(requests: Vec<Request>) -> RequirerConfig {
    RequirerConfig {
        endpoint: "database".into(),
        requests,
        ..RequirerConfig::default()
    }
}

fn env_with_relation(leader: bool) -> FakeEnv {
    let mut env = FakeEnv::new("client", leader);
    env.add_relation(3, "database", "db");
    env
}

const NULLS: &str = r#""extra-user-roles": null, "extra-group-roles": null, "external-node-connectivity": false, "entity-type": null, "entity-permissions": null, "secret-mtls": null, "mtls-cert": null, "secret-requested-entity": null, "entity-name": null, "password": null, "prefix-matching": null"#;

#[test]
fn relation_created_writes_version_and_the_requests_exactly_as_dpc() {
    let mut env = env_with_relation(true);
    let mut entity = request("", "xxxxxxxx");
    entity.entity_type = Some(EntityType::User);
    let config = config(vec![
        request("clientdb", "kkkkkkkk"),
        request("clientbis", "zzzzzzzz"),
        entity,
    ]);
    let events = Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap()
        .events;
    assert!(events.is_empty());
    assert_eq!(env.get(3, Bag::LocalApp, "version").as_deref(), Some("v1"));
    // Captured from dpcharmlibs.interfaces 1.2.2 under ops.testing.
    let expected = format!(
        "[{{\"resource\": \"clientdb\", \"request-id\": \"b7bf5c83ca2cd3de\", \"salt\": \"kkkkkkkk\", {NULLS}, \"entity-password\": null}}, \
         {{\"resource\": \"clientbis\", \"request-id\": \"3579f4f0c6d67f8b\", \"salt\": \"zzzzzzzz\", {NULLS}, \"entity-password\": null}}, \
         {{\"resource\": \"\", \"request-id\": \"9ecfabfbb5258f88\", \"salt\": \"xxxxxxxx\", {}, \"entity-password\": null}}]",
        NULLS.replace(r#""entity-type": null"#, r#""entity-type": "USER""#)
    );
    assert_eq!(env.get(3, Bag::LocalApp, "requests").unwrap(), expected);
    assert_eq!(
        env.applies, 1,
        "one apply for the app bag, none for an unchanged unit bag"
    );
}

#[test]
fn relation_created_writes_set_fields_nested_permissions_and_ensure_ascii() {
    let mut env = env_with_relation(true);
    let mut full = request("clientdb", "kkkkkkkk");
    full.extra_user_roles = Some("CREATEDB".into());
    full.external_node_connectivity = true;
    full.prefix_matching = Some("all".into());
    full.entity_permissions = Some(vec![EntityPermission {
        resource_name: "t".into(),
        resource_type: "table".into(),
        privileges: vec!["SELECT".into(), "é".into()],
    }]);
    Requirer::new(config(vec![full]))
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    let expected = r#"[{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "extra-user-roles": "CREATEDB", "extra-group-roles": null, "external-node-connectivity": true, "entity-type": null, "entity-permissions": [{"resource_name": "t", "resource_type": "table", "privileges": ["SELECT", "\u00e9"]}], "secret-mtls": null, "mtls-cert": null, "secret-requested-entity": null, "entity-name": null, "password": null, "prefix-matching": "all", "entity-password": null}]"#;
    assert_eq!(env.get(3, Bag::LocalApp, "requests").unwrap(), expected);
}

#[test]
fn request_model_fields_come_after_the_standard_ones_and_before_entity_password() {
    let fields = vec![FieldSpec {
        key: "consumer-group-prefix".into(),
        secret_group: None,
    }];
    let mut kafka = request("topic1", "kkkkkkkk");
    kafka.extra = vec![
        ("consumer-group-prefix".into(), "\"grp-\"".into()),
        ("unknownkey".into(), "\"x\"".into()),
    ];
    let mut env = env_with_relation(true);
    let config_set = RequirerConfig {
        request_fields: fields.clone(),
        ..config(vec![kafka])
    };
    Requirer::new(config_set.clone())
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    let expected = format!(
        "[{{\"resource\": \"topic1\", \"request-id\": \"08b995c5ea148a45\", \"salt\": \"kkkkkkkk\", {NULLS}, \"consumer-group-prefix\": \"grp-\", \"unknownkey\": \"x\", \"entity-password\": null}}]"
    );
    assert_eq!(env.get(3, Bag::LocalApp, "requests").unwrap(), expected);

    // A declared field left unset is written as null.
    let mut env = env_with_relation(true);
    let config_unset = RequirerConfig {
        request_fields: fields,
        ..config(vec![request("topic1", "kkkkkkkk")])
    };
    Requirer::new(config_unset.clone())
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    let expected = format!(
        "[{{\"resource\": \"topic1\", \"request-id\": \"08b995c5ea148a45\", \"salt\": \"kkkkkkkk\", {NULLS}, \"consumer-group-prefix\": null, \"entity-password\": null}}]"
    );
    assert_eq!(env.get(3, Bag::LocalApp, "requests").unwrap(), expected);
}

#[test]
fn non_leader_relation_created_writes_nothing_to_the_app_bag() {
    let mut env = env_with_relation(false);
    Requirer::new(config(vec![request("clientdb", "kkkkkkkk")]))
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    assert!(env.bag(3, Bag::LocalApp).is_empty());
    assert_eq!(env.applies, 0);
}

#[test]
fn empty_salt_gets_a_generated_one_and_the_matching_request_id() {
    let mut env = env_with_relation(true);
    Requirer::new(config(vec![request("clientdb", "")]))
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    let requests: serde_json::Value =
        serde_json::from_str(&env.get(3, Bag::LocalApp, "requests").unwrap()).unwrap();
    let salt = requests[0]["salt"].as_str().unwrap();
    assert_eq!(salt.len(), 16);
    assert_eq!(
        requests[0]["request-id"].as_str().unwrap(),
        data_interfaces_core::ids::gen_hash("clientdb", salt)
    );
}

#[test]
fn aliases_are_assigned_first_free_in_the_unit_bag_and_by_the_leader_in_the_app_bag() {
    let mut env = env_with_relation(true);
    env.add_relation(4, "database", "other");
    let config = RequirerConfig {
        relation_aliases: vec!["cluster1".into(), "cluster2".into()],
        relation_limit: Some(2),
        ..config(vec![request("clientdb", "kkkkkkkk")])
    };
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &created(4)))
        .unwrap();
    assert_eq!(
        env.get(3, Bag::LocalUnit, "alias").as_deref(),
        Some("cluster1")
    );
    assert_eq!(
        env.get(3, Bag::LocalApp, "alias").as_deref(),
        Some("cluster1")
    );
    assert_eq!(
        env.get(4, Bag::LocalUnit, "alias").as_deref(),
        Some("cluster2")
    );
}

#[test]
fn mtls_cert_goes_into_a_requirer_owned_secret_granted_to_the_relation() {
    let mut env = env_with_relation(true);
    let mut with_cert = request("clientdb", "kkkkkkkk");
    with_cert.mtls_cert = Some("CERT".into());
    Requirer::new(config(vec![with_cert]))
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    let secret = env
        .secret_by_label("database.3.b7bf5c83ca2cd3de.mtls.secret")
        .unwrap()
        .clone();
    assert_eq!(
        secret.content(),
        vec![("mtls-cert".to_string(), "CERT".to_string())]
    );
    assert_eq!(secret.granted, vec![3]);
    let requests = env.get(3, Bag::LocalApp, "requests").unwrap();
    assert!(
        requests.contains(&format!(
            "\"secret-mtls\": \"{}\", \"mtls-cert\": null",
            secret.id
        )),
        "{requests}"
    );
    assert!(!requests.contains("CERT"));
}

#[test]
fn relation_created_with_plain_requests_asks_nothing_of_secrets_or_the_remote_model() {
    let mut env = env_with_relation(true);
    Requirer::new(config(vec![request("clientdb", "kkkkkkkk")]))
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    assert_eq!((env.secret_gets, env.remote_model_asks.get()), (0, 0));
    assert!(env.get(3, Bag::LocalApp, "requests").is_some());
}

#[test]
fn a_request_secret_is_looked_up_again_once_its_uri_is_written() {
    let mut env = env_with_relation(true);
    let mut with_cert = request("clientdb", "kkkkkkkk");
    with_cert.mtls_cert = Some("CERT".into());
    let handler = Requirer::new(config(vec![with_cert])).unwrap();
    handler.handle(&mut env, &created(3)).unwrap();
    let gets = env.secret_gets;
    handler.handle(&mut env, &created(3)).unwrap();
    assert!(env.secret_gets > gets);
    assert_eq!(env.secrets.len(), 1);
}

const RESPONSE: &str = r#"[{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "endpoints": "10.0.0.1:5432", "read-only-endpoints": null, "secret-user": "secret:user0000000000000000", "secret-tls": null, "secret-extra": null, "secret-entity": null, "version": "1234", "prefix-resources": null, "mtls-cert": null, "entity-name": null, "entity-password": null, "password": null}]"#;
const PROVIDER_DATA: &str = r#"{"b7bf5c83ca2cd3de": {"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk"}}"#;

fn env_with_response(leader: bool) -> FakeEnv {
    let mut env = env_with_relation(leader);
    env.put(3, Bag::RemoteApp, "version", "v1");
    env.put(3, Bag::RemoteApp, "requests", RESPONSE);
    env.put(3, Bag::RemoteApp, "data", PROVIDER_DATA);
    env.remote_secret(
        "secret:user0000000000000000",
        &[("username", "u1"), ("password", "p1")],
    );
    env
}

#[test]
fn relation_changed_emits_resource_created_with_credentials_on_every_unit() {
    for leader in [true, false] {
        let mut env = env_with_response(leader);
        let events = Requirer::new(config(vec![request("clientdb", "kkkkkkkk")]))
            .and_then(|handler| handler.handle(&mut env, &changed(3)))
            .unwrap()
            .events;
        assert_eq!(events.len(), 1);
        let event = &events[0];
        assert_eq!(event.kind, RequirerEventKind::ResourceCreated);
        assert_eq!(
            (event.app.as_deref(), event.unit.as_deref()),
            (Some("db"), Some("db/0"))
        );
        let response = event.response.as_ref().unwrap();
        assert_eq!(response.username.as_deref(), Some("u1"));
        assert_eq!(response.password.as_deref(), Some("p1"));
        assert_eq!(
            response.version.as_deref(),
            Some("1234"),
            "a numeric-looking string stays a string"
        );
        // Captured from dpcharmlibs.interfaces 1.2.2.
        assert_eq!(
            env.get(3, Bag::LocalUnit, "data").unwrap(),
            r#"{"b7bf5c83ca2cd3de": {"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "endpoints": "10.0.0.1:5432", "secret-user": "secret:user0000000000000000", "version": "1234"}}"#
        );
        let secret = env.secret("secret:user0000000000000000").unwrap();
        assert_eq!(
            secret.consumer_label.as_deref(),
            Some("database.3.b7bf5c83ca2cd3de.user.secret")
        );
    }
}

#[test]
fn endpoints_change_emits_endpoints_changed_only_and_a_rerun_emits_nothing() {
    let mut env = env_with_response(false);
    let config = config(vec![request("clientdb", "kkkkkkkk")]);
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap();
    env.put(
        3,
        Bag::RemoteApp,
        "requests",
        &RESPONSE.replace("10.0.0.1", "10.0.0.9"),
    );
    let events = Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events;
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![RequirerEventKind::EndpointsChanged]);
    let applies = env.applies;
    assert!(Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events
        .is_empty());
    assert_eq!(env.applies, applies, "an unchanged state makes no write");
}

#[test]
fn entity_response_emits_resource_entity_created() {
    let mut env = env_with_relation(true);
    env.put(3, Bag::RemoteApp, "version", "v1");
    env.put(
        3,
        Bag::RemoteApp,
        "requests",
        r#"[{"resource": "", "request-id": "9ecfabfbb5258f88", "salt": "xxxxxxxx", "secret-entity": "secret:ent"}]"#,
    );
    env.put(3, Bag::RemoteApp, "data", r#"{"9ecfabfbb5258f88": {"request-id": "9ecfabfbb5258f88", "salt": "xxxxxxxx", "entity-type": "USER"}}"#);
    env.remote_secret(
        "secret:ent",
        &[("entity-name", "bob"), ("entity-password", "pw")],
    );
    let events = Requirer::new(config(vec![]))
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events;
    assert_eq!(events[0].kind, RequirerEventKind::ResourceEntityCreated);
    assert_eq!(
        events[0].response.as_ref().unwrap().entity_name.as_deref(),
        Some("bob")
    );
}

#[test]
fn tls_secret_fills_a_boolean_and_emits_authentication_updated() {
    let mut env = env_with_response(true);
    let config = config(vec![request("clientdb", "kkkkkkkk")]);
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap();
    env.remote_secret("secret:tls", &[("tls", "true"), ("tls-ca", "CA")]);
    env.put(
        3,
        Bag::RemoteApp,
        "requests",
        &RESPONSE.replace(r#""secret-tls": null"#, r#""secret-tls": "secret:tls""#),
    );
    let events = Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events;
    assert_eq!(events[0].kind, RequirerEventKind::AuthenticationUpdated);
    let response = events[0].response.as_ref().unwrap();
    assert_eq!(
        (response.tls, response.tls_ca.as_deref()),
        (Some(true), Some("CA"))
    );
}

#[test]
fn malformed_requests_json_is_an_invalid_databag_error_naming_relation_bag_and_key() {
    let mut env = env_with_relation(true);
    env.put(3, Bag::RemoteApp, "requests", "[{not json");
    let error = Requirer::new(config(vec![]))
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap_err();
    match error {
        Error::InvalidDatabag(e) => {
            assert_eq!(
                (e.relation_id, e.bag, e.key.as_deref()),
                (3, Bag::RemoteApp, Some("requests"))
            );
            assert!(e.reason.contains("JSON"), "{}", e.reason);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(env.applies, 0);
}

#[test]
fn a_wrongly_typed_response_is_rejected_and_nothing_is_written() {
    let mut env = env_with_response(true);
    env.put(
        3,
        Bag::RemoteApp,
        "requests",
        &RESPONSE.replace(r#""version": "1234""#, r#""version": 1234"#),
    );
    let handled = Requirer::new(config(vec![]))
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap();
    assert!(handled.events.is_empty());
    assert_eq!(handled.rejections.len(), 1);
    assert_eq!(
        handled.rejections[0].request_id.as_deref(),
        Some("b7bf5c83ca2cd3de")
    );
    let error = &handled.rejections[0].error;
    assert!(
        matches!(error, Error::InvalidDatabag(e) if e.key.as_deref() == Some("requests") && e.reason.contains("`version`")),
        "{error:?}"
    );
    assert_eq!(env.applies, 0);
}

#[test]
fn the_other_responses_fire_next_to_a_malformed_one() {
    let mut env = env_with_response(true);
    let good = &RESPONSE[1..RESPONSE.len() - 1];
    env.put(
        3,
        Bag::RemoteApp,
        "requests",
        &format!(r#"[{{"resource": 7, "request-id": "0000000000000000"}}, {good}]"#),
    );
    let handled = Requirer::new(config(vec![]))
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap();
    let kinds: Vec<_> = handled.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [RequirerEventKind::ResourceCreated]);
    assert_eq!(handled.rejections.len(), 1);
    assert_eq!(
        handled.rejections[0].request_id.as_deref(),
        Some("0000000000000000")
    );
    let error = handled.rejections[0].error.to_string();
    assert!(error.contains("entry 0: "), "{error}");
}

#[test]
fn a_response_to_no_known_request_is_rejected_and_the_others_fire() {
    let mut env = env_with_response(true);
    let good = &RESPONSE[1..RESPONSE.len() - 1];
    let stray = good
        .replace("b7bf5c83ca2cd3de", "ffffffffffffffff")
        .replace("secret:user0000000000000000", "secret:nothere");
    env.put(3, Bag::RemoteApp, "requests", &format!("[{stray}, {good}]"));
    let handled = Requirer::new(config(vec![]))
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap();
    assert_eq!(handled.events.len(), 1);
    assert_eq!(handled.rejections.len(), 1);
    let error = handled.rejections[0].error.to_string();
    assert!(
        error.contains("No request matching the response with response_id ffffffffffffffff"),
        "{error}"
    );
}

#[test]
fn responses_and_is_resource_created() {
    let mut env = env_with_response(false);
    let config = config(vec![]);
    let responses = Requirer::new(config.clone())
        .and_then(|handler| handler.responses(&mut env, 3))
        .unwrap();
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].username.as_deref(), Some("u1"));
    assert!(Requirer::new(config.clone())
        .and_then(|handler| handler.is_resource_created(&mut env, 3, "b7bf5c83ca2cd3de"))
        .unwrap());
    assert!(!Requirer::new(config.clone())
        .and_then(|handler| handler.is_resource_created(&mut env, 3, "0000000000000000"))
        .unwrap());
    assert_eq!(
        Requirer::new(config.clone())
            .and_then(|handler| handler.responses(&mut env, 99))
            .unwrap_err(),
        Error::MissingRelation(99)
    );
}

#[test]
fn provider_statuses_raise_once_and_resolve_once() {
    let mut env = env_with_response(false);
    let config = config(vec![]);
    env.put(
        3,
        Bag::RemoteApp,
        "status",
        r#"[{"code": 4001, "message": "m", "resolution": "r"}]"#,
    );
    let events = Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events;
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            RequirerEventKind::ResourceCreated,
            RequirerEventKind::StatusRaised
        ]
    );
    assert!(Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events
        .is_empty());
    env.put(3, Bag::RemoteApp, "status", "[]");
    let events = Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events;
    assert_eq!(
        events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![RequirerEventKind::StatusResolved]
    );
    assert_eq!(events[0].status.as_ref().map(|s| s.code), Some(4001));
    assert!(Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events
        .is_empty());
}

#[test]
fn secret_changed_on_a_consumed_provider_secret_emits_authentication_updated() {
    let mut env = env_with_response(false);
    let config = config(vec![]);
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap();
    let hook = Hook::SecretChanged(SecretEvent {
        id: "secret:user0000000000000000".into(),
        label: Some("database.3.b7bf5c83ca2cd3de.user.secret".into()),
        revision: None,
    });
    let events = Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &hook))
        .unwrap()
        .events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, RequirerEventKind::AuthenticationUpdated);
    assert_eq!(events[0].app.as_deref(), Some("db"));
    assert_eq!(
        events[0].response.as_ref().unwrap().password.as_deref(),
        Some("p1")
    );
    let other = Hook::SecretChanged(SecretEvent {
        id: "secret:x".into(),
        label: Some("other.3.abc.user.secret".into()),
        revision: None,
    });
    assert!(Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &other))
        .unwrap()
        .events
        .is_empty());
}

#[test]
fn events_carry_the_relation_alias() {
    let mut env = env_with_response(true);
    let config = RequirerConfig {
        relation_aliases: vec!["cluster1".into(), "cluster2".into()],
        relation_limit: Some(2),
        ..config(vec![request("clientdb", "kkkkkkkk")])
    };
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    let events = Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events;
    assert_eq!(events[0].alias.as_deref(), Some("cluster1"));
}

#[test]
fn the_owner_drops_a_removed_revision_and_ignores_other_endpoints() {
    let mut env = env_with_relation(true);
    let mut with_cert = request("clientdb", "kkkkkkkk");
    with_cert.mtls_cert = Some("CERT".into());
    Requirer::new(config(vec![with_cert.clone()]))
        .and_then(|handler| handler.handle(&mut env, &created(3)))
        .unwrap();
    let id = env
        .secret_by_label("database.3.b7bf5c83ca2cd3de.mtls.secret")
        .unwrap()
        .id
        .clone();
    let remove = |label: &str| {
        Hook::SecretRemove(SecretEvent {
            id: id.clone(),
            label: Some(label.into()),
            revision: Some(1),
        })
    };
    let config = config(vec![with_cert]);
    assert!(Requirer::new(config.clone())
        .and_then(
            |handler| handler.handle(&mut env, &remove("other.3.b7bf5c83ca2cd3de.mtls.secret"))
        )
        .unwrap()
        .events
        .is_empty());
    assert!(env
        .logs
        .borrow()
        .iter()
        .all(|line| !line.starts_with("removed revision")));
    Requirer::new(config.clone())
        .and_then(|handler| {
            handler.handle(&mut env, &remove("database.3.b7bf5c83ca2cd3de.mtls.secret"))
        })
        .unwrap();
    assert!(env
        .logs
        .borrow()
        .iter()
        .any(|line| line == &format!("removed revision 1 of {id}")));
}

#[test]
fn relation_broken_emits_nothing() {
    let mut env = env_with_response(true);
    let hook = Hook::RelationBroken(RelationEvent {
        relation_id: 3,
        app: Some("db".into()),
        unit: None,
    });
    assert!(Requirer::new(config(vec![]))
        .and_then(|handler| handler.handle(&mut env, &hook))
        .unwrap()
        .events
        .is_empty());
    assert_eq!(env.applies, 0);
}

#[test]
fn a_hook_of_another_endpoint_is_ignored() {
    let mut env = env_with_response(true);
    let other = RequirerConfig {
        endpoint: "cache".into(),
        ..config(vec![])
    };
    assert!(Requirer::new(other.clone())
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap()
        .events
        .is_empty());
    assert_eq!(env.applies, 0);
}

#[test]
fn a_response_whose_secret_is_unreadable_is_rejected_and_not_cached() {
    let mut env = env_with_response(false);
    env.secrets[0].visible = false;
    let handled = Requirer::new(config(vec![]))
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap();
    assert!(handled.events.is_empty());
    assert_eq!(handled.rejections.len(), 1);
    let error = &handled.rejections[0].error;
    assert!(matches!(error, Error::Secret(_)), "{error:?}");
    assert_eq!(
        env.applies, 0,
        "the response is seen again once the secret can be read"
    );
    env.secrets[0].visible = true;
    let handled = Requirer::new(config(vec![]))
        .and_then(|handler| handler.handle(&mut env, &changed(3)))
        .unwrap();
    assert_eq!(handled.events.len(), 1);
    assert!(handled.rejections.is_empty());
}
