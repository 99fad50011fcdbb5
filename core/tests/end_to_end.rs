//! Both sides of a relation, each in its own in-memory Juju, passing databags and secrets across;
//! and the rule that no secret value ever reaches a databag, a log line, an error or a `Debug`.

mod support;

use data_interfaces_core::env::Bag;
use data_interfaces_core::model::{
    Hook, ProviderConfig, ProviderEventKind, RelationEvent, Request, RequirerConfig,
    RequirerEventKind, Response,
};
use data_interfaces_core::provider;
use data_interfaces_core::requirer::Requirer;
use support::{deliver, FakeEnv};

const PASSWORD: &str = "s3cr3t-PASSWORD-value";
const URIS: &str = "postgresql://u1:s3cr3t-PASSWORD-value@10.0.0.1:5432/clientdb";

fn hook(created: bool, relation: i32, app: &str) -> Hook {
    let event = RelationEvent {
        relation_id: relation,
        app: Some(app.into()),
        unit: Some(format!("{app}/0")),
    };
    if created {
        Hook::RelationCreated(event)
    } else {
        Hook::RelationChanged(event)
    }
}

#[test]
fn a_request_travels_to_the_provider_and_credentials_come_back() {
    let mut client = FakeEnv::new("client", true);
    client.add_relation(3, "database", "db");
    let mut db = FakeEnv::new("db", true);
    db.add_relation(1, "database", "client");
    let requirer_config = RequirerConfig {
        endpoint: "database".into(),
        requests: vec![Request {
            resource: "clientdb".into(),
            ..Request::default()
        }],
        ..RequirerConfig::default()
    };
    let provider_config = ProviderConfig {
        endpoint: "database".into(),
        ..ProviderConfig::default()
    };

    Requirer::new(requirer_config.clone())
        .and_then(|handler| handler.handle(&mut client, &hook(true, 3, "db")))
        .unwrap();
    deliver(&client, 3, &mut db, 1);
    let events = provider::handle(&mut db, &provider_config, &hook(false, 1, "client"))
        .unwrap()
        .events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, ProviderEventKind::ResourceRequested);
    let request = &events[0].requests[0];
    let response = Response {
        resource: request.resource.clone(),
        request_id: request.request_id.clone(),
        salt: request.salt.clone(),
        endpoints: Some("10.0.0.1:5432".into()),
        username: Some("u1".into()),
        password: Some(PASSWORD.into()),
        uris: Some(URIS.into()),
        ..Response::default()
    };
    provider::set_response(&mut db, &provider_config, 1, &response).unwrap();
    deliver(&db, 1, &mut client, 3);

    let events = Requirer::new(requirer_config.clone())
        .and_then(|handler| handler.handle(&mut client, &hook(false, 3, "db")))
        .unwrap()
        .events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, RequirerEventKind::ResourceCreated);
    let got = events[0].response.as_ref().unwrap();
    assert_eq!(got.password.as_deref(), Some(PASSWORD));
    assert_eq!(got.uris.as_deref(), Some(URIS));
    assert_eq!(got.endpoints.as_deref(), Some("10.0.0.1:5432"));

    // Secret values appear nowhere but in secrets and in the event's typed fields.
    for env in [&client, &db] {
        for ((_, _), bag) in &env.bags {
            for value in bag.values() {
                assert!(
                    !value.contains("s3cr3t"),
                    "a secret value reached a databag: {value}"
                );
            }
        }
        for line in env.logs.borrow().iter() {
            assert!(
                !line.contains("s3cr3t"),
                "a secret value reached the log: {line}"
            );
        }
    }
    let debug = format!(
        "{events:?} {response:?} {:?}",
        client
            .secrets
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
    );
    assert!(
        !debug.contains("s3cr3t"),
        "a secret value reached Debug output: {debug}"
    );
    let secret_debug = format!(
        "{:?}",
        data_interfaces_core::env::Secret {
            id: "secret:x".into(),
            label: None,
            content: vec![("password".into(), PASSWORD.into())]
        }
    );
    assert!(!secret_debug.contains("s3cr3t"), "{secret_debug}");
}

#[test]
fn errors_never_carry_secret_values() {
    let mut db = FakeEnv::new("db", true);
    db.add_relation(1, "database", "client");
    db.put(1, Bag::RemoteApp, "version", "v1");
    db.put(1, Bag::RemoteApp, "requests", "[]");
    let config = ProviderConfig {
        endpoint: "database".into(),
        response_fields: vec![data_interfaces_core::model::FieldSpec {
            key: "token".into(),
            secret_group: Some("extra".into()),
        }],
        ..ProviderConfig::default()
    };
    let response = Response {
        request_id: Some("r".into()),
        password: Some(PASSWORD.into()),
        extra: vec![("token".into(), format!("{{{PASSWORD}"))],
        ..Response::default()
    };
    let error = provider::set_response(&mut db, &config, 1, &response).unwrap_err();
    assert!(
        !format!("{error} {error:?}").contains("s3cr3t"),
        "{error:?}"
    );
    assert!(
        db.secrets.is_empty(),
        "nothing is created when the response is invalid"
    );
}
