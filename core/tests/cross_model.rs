//! Cross-model relations (spec §1.7): the provider's encryption key, the requirer's handshake,
//! requests encrypted inline instead of requirer secrets, and the provider decrypting them.

mod support;

use data_interfaces_core::env::Bag;
use data_interfaces_core::fernet::Key;
use data_interfaces_core::model::{
    EntityType, Hook, ProviderConfig, ProviderEventKind, RelationEvent, Request, RequirerConfig,
};
use data_interfaces_core::provider;
use data_interfaces_core::requirer::Requirer;
use serde_json::Value;
use support::{deliver, FakeEnv};

/// `base64.urlsafe_b64encode(bytes(range(32)))`.
const PYTHON_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB é\n";
/// Made by Python's `cryptography` 50.0.2:
/// `Fernet(PYTHON_KEY)._encrypt_from_parts(CERT.encode(), 1767225600, bytes(range(100, 116)))`.
const PYTHON_TOKEN: &str = "gAAAAABpVbkAZGVmZ2hpamtsbW5vcHFyc8EQNhDJFOs15wDtSa_QUZuvhFzSQD8IYuBg--1XV-fZk1FOKaLt3mxeg16RH9-CUZes6YMQCUpOH7acaE8hPtBt15yUvGsWj0qqk-O81U8B";

fn event(relation: i32, app: &str) -> RelationEvent {
    RelationEvent {
        relation_id: relation,
        app: Some(app.into()),
        unit: Some(format!("{app}/0")),
    }
}

fn created(relation: i32, app: &str) -> Hook {
    Hook::RelationCreated(event(relation, app))
}

fn changed(relation: i32, app: &str) -> Hook {
    Hook::RelationChanged(event(relation, app))
}

/// The requirer `client` (relation 3) and the provider `db` (relation 1), in two models.
fn pair() -> (FakeEnv, FakeEnv) {
    let mut client = FakeEnv::new("client", true);
    client.add_relation(3, "database", "db");
    client.cross_model();
    let mut db = FakeEnv::new("db", true);
    db.add_relation(1, "database", "client");
    db.cross_model();
    (client, db)
}

fn mtls_request() -> Request {
    Request {
        resource: "clientdb".into(),
        salt: "kkkkkkkk".into(),
        mtls_cert: Some(CERT.into()),
        ..Request::default()
    }
}

fn entity_request() -> Request {
    Request {
        salt: "xxxxxxxx".into(),
        entity_type: Some(EntityType::User),
        entity_name: Some("bob".into()),
        entity_password: Some("pw-value".into()),
        ..Request::default()
    }
}

fn requirer_config(requests: Vec<Request>) -> RequirerConfig {
    RequirerConfig {
        endpoint: "database".into(),
        requests,
        ..RequirerConfig::default()
    }
}

fn provider_config() -> ProviderConfig {
    ProviderConfig {
        endpoint: "database".into(),
        mtls_enabled: true,
        ..ProviderConfig::default()
    }
}

fn requests_of(env: &FakeEnv, relation: i32) -> Vec<Value> {
    let text = env.get(relation, Bag::LocalApp, "requests").unwrap();
    match serde_json::from_str(&text).unwrap() {
        Value::Array(items) => items,
        other => panic!("not a list: {other}"),
    }
}

/// The provider's key, from the secret it created.
fn provider_key(db: &FakeEnv) -> Key {
    let secret = db.secret_by_label("database.1.encryption.secret").unwrap();
    let content = secret.content();
    assert_eq!(content.len(), 1);
    assert_eq!(content[0].0, "encryption-key");
    Key::parse(&content[0].1).unwrap()
}

#[test]
fn provider_relation_created_publishes_a_granted_encryption_key_on_a_cross_model_relation() {
    let (_, mut db) = pair();
    provider::handle(&mut db, &provider_config(), &created(1, "client")).unwrap();
    let secret = db
        .secret_by_label("database.1.encryption.secret")
        .unwrap()
        .clone();
    assert_eq!(secret.granted, vec![1]);
    assert_eq!(
        db.get(1, Bag::LocalApp, "encryption-secret"),
        Some(secret.id.clone())
    );
    let key = provider_key(&db);
    assert_eq!(key.to_text().len(), 44, "URL-safe base64 of 32 bytes");

    provider::handle(&mut db, &provider_config(), &created(1, "client")).unwrap();
    assert_eq!(
        db.secrets.len(),
        1,
        "a second relation-created keeps the key"
    );
}

#[test]
fn provider_relation_created_makes_no_key_on_a_same_model_relation_or_a_non_leader() {
    let mut same = FakeEnv::new("db", true);
    same.add_relation(1, "database", "client");
    provider::handle(&mut same, &provider_config(), &created(1, "client")).unwrap();
    let (_, mut follower) = pair();
    follower.leader = false;
    provider::handle(&mut follower, &provider_config(), &created(1, "client")).unwrap();
    for env in [same, follower] {
        assert!(env.secrets.is_empty());
        assert_eq!(env.applies, 0);
    }
}

#[test]
fn requirer_writes_sensitive_fields_as_null_and_creates_no_secret_before_the_handshake() {
    let (mut client, _) = pair();
    let config = requirer_config(vec![mtls_request()]);
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut client, &created(3, "db")))
        .unwrap();
    let requests = requests_of(&client, 3);
    for key in [
        "secret-mtls",
        "mtls-cert",
        "entity-name",
        "password",
        "entity-password",
    ] {
        assert_eq!(requests[0][key], Value::Null, "{key}");
    }
    assert!(client.secrets.is_empty(), "no requirer secret cross-model");
}

#[test]
fn requirer_with_an_entity_name_waits_for_the_key_before_writing_requests() {
    let (mut client, _) = pair();
    let config = requirer_config(vec![mtls_request(), entity_request()]);
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut client, &created(3, "db")))
        .unwrap();
    assert!(client.get(3, Bag::LocalApp, "requests").is_none());
    assert!(client.secrets.is_empty());
}

#[test]
fn requirer_copies_the_encryption_secret_and_rewrites_its_requests_encrypted_with_the_same_ids() {
    let (mut client, mut db) = pair();
    let unsalted = Request {
        salt: String::new(),
        ..mtls_request()
    };
    let config = requirer_config(vec![unsalted]);
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut client, &created(3, "db")))
        .unwrap();
    let before = requests_of(&client, 3);
    provider::handle(&mut db, &provider_config(), &created(1, "client")).unwrap();
    deliver(&db, 1, &mut client, 3);

    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut client, &changed(3, "db")))
        .unwrap();
    assert_eq!(
        client.get(3, Bag::LocalApp, "encryption-secret"),
        db.get(1, Bag::LocalApp, "encryption-secret")
    );
    let after = requests_of(&client, 3);
    assert_eq!(after[0]["request-id"], before[0]["request-id"]);
    assert_eq!(after[0]["salt"], before[0]["salt"]);
    let token = after[0]["mtls-cert"].as_str().unwrap();
    assert_eq!(provider_key(&db).decrypt_text(token).unwrap(), CERT);
    assert_eq!(after[0]["secret-mtls"], Value::Null);
    assert_eq!(after[0]["entity-password"], Value::Null);
    assert_eq!(
        client
            .secret(&db.get(1, Bag::LocalApp, "encryption-secret").unwrap())
            .unwrap()
            .consumer_label
            .as_deref(),
        Some("database.3.encryption.secret")
    );

    let applies = client.applies;
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut client, &changed(3, "db")))
        .unwrap();
    assert_eq!(client.applies, applies, "the handshake happens once");
}

#[test]
fn the_whole_handshake_delivers_decrypted_requests_and_an_encrypted_provider_cache() {
    let (mut client, mut db) = pair();
    let config = requirer_config(vec![mtls_request(), entity_request()]);
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut client, &created(3, "db")))
        .unwrap();
    provider::handle(&mut db, &provider_config(), &created(1, "client")).unwrap();
    deliver(&db, 1, &mut client, 3);
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut client, &changed(3, "db")))
        .unwrap();
    deliver(&client, 3, &mut db, 1);

    let events = provider::handle(&mut db, &provider_config(), &changed(1, "client"))
        .unwrap()
        .events;
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ProviderEventKind::MtlsCertUpdated,
            ProviderEventKind::ResourceEntityRequested
        ]
    );
    assert_eq!(events[0].requests[0].mtls_cert.as_deref(), Some(CERT));
    assert_eq!(events[0].old_mtls_cert, None);
    let entity = &events[1].requests[0];
    assert_eq!(entity.entity_name.as_deref(), Some("bob"));
    assert_eq!(entity.entity_password.as_deref(), Some("pw-value"));

    // The cache holds tokens under the keys the library uses (`password`, not `entity-password`).
    let key = provider_key(&db);
    let data: Value = serde_json::from_str(&db.get(1, Bag::LocalApp, "data").unwrap()).unwrap();
    let open = |id: &str, field: &str| key.decrypt_text(data[id][field].as_str().unwrap()).unwrap();
    assert_eq!(open("b7bf5c83ca2cd3de", "mtls-cert"), CERT);
    assert_eq!(open("9ecfabfbb5258f88", "entity-name"), "bob");
    assert_eq!(open("9ecfabfbb5258f88", "password"), "pw-value");
    assert!(data["9ecfabfbb5258f88"].get("entity-password").is_none());

    let applies = db.applies;
    assert!(
        provider::handle(&mut db, &provider_config(), &changed(1, "client"))
            .unwrap()
            .events
            .is_empty()
    );
    assert_eq!(
        db.applies, applies,
        "an unchanged request rewrites no token"
    );

    for env in [&client, &db] {
        for bag in env.bags.values() {
            for value in bag.values() {
                assert!(
                    !value.contains("pw-value") && !value.contains("BEGIN"),
                    "{value}"
                );
            }
        }
    }
}

/// A provider whose key is [`PYTHON_KEY`], facing a requirer that copied its URI.
fn provider_with_python_key(requests: &str) -> FakeEnv {
    let (_, mut db) = pair();
    db.put(1, Bag::RemoteApp, "version", "v1");
    db.put(1, Bag::RemoteApp, "encryption-secret", "secret:key");
    db.put(1, Bag::RemoteApp, "requests", requests);
    db.secrets.push(support::FakeSecret {
        id: "secret:key".into(),
        ours: true,
        owner: data_interfaces_core::env::Owner::Application,
        owner_label: Some("database.1.encryption.secret".into()),
        consumer_label: None,
        revisions: vec![vec![("encryption-key".into(), PYTHON_KEY.into())]],
        granted: vec![1],
        visible: true,
    });
    db
}

#[test]
fn provider_decrypts_a_request_token_made_by_python() {
    let requests = format!(
        r#"[{{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "mtls-cert": "{PYTHON_TOKEN}"}}]"#
    );
    let mut db = provider_with_python_key(&requests);
    let requests = provider::requests(&mut db, &provider_config(), 1).unwrap();
    assert_eq!(requests[0].mtls_cert.as_deref(), Some(CERT));
}

#[test]
fn a_value_that_does_not_decrypt_is_dropped_with_a_warning_naming_the_key_not_the_value() {
    let bogus = PYTHON_TOKEN.replace("gAAAAABpVbkA", "gAAAAABpVbkB");
    let requests = format!(
        r#"[{{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "mtls-cert": "{bogus}"}}]"#
    );
    let mut db = provider_with_python_key(&requests);
    let requests = provider::requests(&mut db, &provider_config(), 1).unwrap();
    assert_eq!(requests[0].mtls_cert, None);
    let logs = db.logs.borrow();
    assert!(
        logs.iter().any(|line| line.contains("`mtls-cert`")),
        "{logs:?}"
    );
    assert!(logs.iter().all(|line| !line.contains("gAAAA")), "{logs:?}");
}

#[test]
fn a_changed_certificate_emits_mtls_cert_updated_with_the_old_one() {
    let key = Key::parse(PYTHON_KEY).unwrap();
    let request = |cert: &str| {
        format!(
            r#"[{{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "mtls-cert": "{}"}}]"#,
            key.encrypt_text(cert).unwrap()
        )
    };
    let mut db = provider_with_python_key(&request("OLD"));
    provider::handle(&mut db, &provider_config(), &changed(1, "client")).unwrap();
    db.put(1, Bag::RemoteApp, "requests", &request("NEW"));
    let events = provider::handle(&mut db, &provider_config(), &changed(1, "client"))
        .unwrap()
        .events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, ProviderEventKind::MtlsCertUpdated);
    assert_eq!(events[0].requests[0].mtls_cert.as_deref(), Some("NEW"));
    assert_eq!(events[0].old_mtls_cert.as_deref(), Some("OLD"));
}

#[test]
fn a_v0_requirer_bag_is_decrypted_key_by_key() {
    let mut db = provider_with_python_key("");
    db.bags.remove(&(1, Bag::RemoteApp));
    db.put(1, Bag::RemoteApp, "database", "legacydb");
    db.put(1, Bag::RemoteApp, "encryption-secret", "secret:key");
    db.put(1, Bag::RemoteApp, "mtls-cert", PYTHON_TOKEN);
    let requests = provider::requests(&mut db, &provider_config(), 1).unwrap();
    assert_eq!(requests[0].resource, "legacydb");
    assert_eq!(requests[0].mtls_cert.as_deref(), Some(CERT));
}

#[test]
fn a_missing_encryption_key_secret_is_a_secret_error() {
    let mut db = provider_with_python_key("[]");
    db.secrets.clear();
    let error = provider::requests(&mut db, &provider_config(), 1).unwrap_err();
    assert!(
        matches!(error, data_interfaces_core::error::Error::Secret(_)),
        "{error:?}"
    );
}
