//! Relation statuses (spec §7): the provider's `status` key, byte for byte as
//! dpcharmlibs.interfaces 1.2.2 writes it, and the requirer's reads of it.

mod support;

use data_interfaces_core::env::Bag;
use data_interfaces_core::error::Error;
use data_interfaces_core::model::{
    Hook, ProviderConfig, RelationEvent, RequirerConfig, RequirerEventKind, Status,
};
use data_interfaces_core::requirer::Requirer;
use data_interfaces_core::{provider, status};
use support::FakeEnv;

fn status(code: i32, message: &str, resolution: &str) -> Status {
    Status {
        code,
        message: message.into(),
        resolution: resolution.into(),
    }
}

fn config() -> ProviderConfig {
    ProviderConfig {
        endpoint: "database".into(),
        status_schema: vec![status(5001, "Database is down", "Check the logs")],
        ..ProviderConfig::default()
    }
}

fn provider_env(leader: bool) -> FakeEnv {
    let mut env = FakeEnv::new("db", leader);
    env.add_relation(1, "database", "client");
    env
}

fn status_key(env: &FakeEnv) -> Option<String> {
    env.get(1, Bag::LocalApp, "status")
}

#[test]
fn raised_statuses_are_one_per_code_sorted_by_code_as_dpc_writes_them() {
    let mut env = provider_env(true);
    status::raise_status(&mut env, &config(), 1, &status(4001, "m é", "r")).unwrap();
    // Captured from dpcharmlibs.interfaces 1.2.2 (raise_status with a dict, then a RelationStatus).
    assert_eq!(
        status_key(&env).as_deref(),
        Some(r#"[{"code": 4001, "message": "m \u00e9", "resolution": "r"}]"#)
    );
    status::raise_status(&mut env, &config(), 1, &status(1002, "info", "none")).unwrap();
    status::raise_status(&mut env, &config(), 1, &status(4001, "m2", "r2")).unwrap();
    assert_eq!(
        status_key(&env).as_deref(),
        Some(
            r#"[{"code": 1002, "message": "info", "resolution": "none"}, {"code": 4001, "message": "m2", "resolution": "r2"}]"#
        )
    );
    assert_eq!(
        status::statuses(&mut env, &config(), 1).unwrap(),
        vec![status(1002, "info", "none"), status(4001, "m2", "r2")]
    );
}

#[test]
fn raise_status_code_takes_the_status_from_the_schema_and_an_unknown_code_is_named() {
    let mut env = provider_env(true);
    status::raise_status_code(&mut env, &config(), 1, 5001).unwrap();
    assert_eq!(
        status_key(&env).as_deref(),
        Some(r#"[{"code": 5001, "message": "Database is down", "resolution": "Check the logs"}]"#)
    );
    assert_eq!(
        status::raise_status_code(&mut env, &config(), 1, 1234),
        Err(Error::InvalidModel(
            "Status code [1234] not defined.".into()
        ))
    );
}

#[test]
fn resolving_removes_one_code_and_resolving_the_last_leaves_an_empty_list() {
    let mut env = provider_env(true);
    status::raise_status(&mut env, &config(), 1, &status(1002, "info", "none")).unwrap();
    status::raise_status(&mut env, &config(), 1, &status(4001, "m", "r")).unwrap();
    status::resolve_status(&mut env, &config(), 1, 1002).unwrap();
    assert_eq!(
        status_key(&env).as_deref(),
        Some(r#"[{"code": 4001, "message": "m", "resolution": "r"}]"#)
    );
    status::resolve_status(&mut env, &config(), 1, 4001).unwrap();
    // dpcharmlibs writes `[]` here (and deletes the key only on clear_statuses).
    assert_eq!(status_key(&env).as_deref(), Some("[]"));
}

#[test]
fn resolving_a_code_never_raised_is_logged_and_changes_nothing() {
    let mut env = provider_env(true);
    status::raise_status(&mut env, &config(), 1, &status(4001, "m", "r")).unwrap();
    let applies = env.applies;
    status::resolve_status(&mut env, &config(), 1, 9999).unwrap();
    assert_eq!(env.applies, applies);
    assert!(env
        .logs
        .borrow()
        .iter()
        .any(|line| line == "Error: Status [9999] has never been raised before."));
}

#[test]
fn clear_statuses_deletes_the_key() {
    let mut env = provider_env(true);
    status::raise_status(&mut env, &config(), 1, &status(5000, "fatal", "x")).unwrap();
    status::clear_statuses(&mut env, &config(), 1).unwrap();
    assert_eq!(status_key(&env), None);
    assert!(status::statuses(&mut env, &config(), 1).unwrap().is_empty());
}

#[test]
fn raising_the_same_status_again_writes_nothing() {
    let mut env = provider_env(true);
    status::raise_status(&mut env, &config(), 1, &status(4001, "m", "r")).unwrap();
    let applies = env.applies;
    status::raise_status(&mut env, &config(), 1, &status(4001, "m", "r")).unwrap();
    assert_eq!(env.applies, applies);
}

type StatusCall<'a> = dyn Fn(&mut FakeEnv) -> Result<(), Error> + 'a;

#[test]
fn every_status_call_is_the_leaders_and_names_a_missing_relation() {
    let mut env = provider_env(false);
    let s = status(4001, "m", "r");
    let config = config();
    let calls: Vec<(&str, Box<StatusCall>)> = vec![
        (
            "raise-status",
            Box::new(|env| status::raise_status(env, &config, 1, &s)),
        ),
        (
            "raise-status-code",
            Box::new(|env| status::raise_status_code(env, &config, 1, 5001)),
        ),
        (
            "resolve-status",
            Box::new(|env| status::resolve_status(env, &config, 1, 4001)),
        ),
        (
            "clear-statuses",
            Box::new(|env| status::clear_statuses(env, &config, 1)),
        ),
        (
            "statuses",
            Box::new(|env| status::statuses(env, &config, 1).map(|_| ())),
        ),
    ];
    for (name, call) in &calls {
        assert_eq!(
            call(&mut env),
            Err(Error::NotLeader(format!(
                "{name} can only be called by the leader unit"
            )))
        );
    }
    assert_eq!(env.applies, 0);
    env.leader = true;
    assert_eq!(
        status::clear_statuses(&mut env, &config, 99),
        Err(Error::MissingRelation(99))
    );
}

#[test]
fn the_provider_cache_carries_the_statuses_first_as_dpc_stores_them() {
    let mut env = provider_env(true);
    status::raise_status(&mut env, &config(), 1, &status(4001, "m", "r")).unwrap();
    env.put(1, Bag::RemoteApp, "version", "v1");
    env.put(
        1,
        Bag::RemoteApp,
        "requests",
        r#"[{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk"}]"#,
    );
    let hook = Hook::RelationChanged(RelationEvent {
        relation_id: 1,
        app: Some("client".into()),
        unit: None,
    });
    provider::handle(&mut env, &config(), &hook).unwrap();
    // The shape captured from dpcharmlibs.interfaces 1.2.2 for a first relation-changed.
    assert_eq!(
        env.get(1, Bag::LocalApp, "data").as_deref(),
        Some(
            r#"{"status": {"4001": {"code": 4001, "message": "m", "resolution": "r"}}, "b7bf5c83ca2cd3de": {"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk"}}"#
        )
    );
}

const RESPONSES: &str = r#"[{"resource": "clientdb", "request-id": "b7bf5c83ca2cd3de", "salt": "kkkkkkkk", "secret-user": "secret:u"}, {"resource": "", "request-id": "9ecfabfbb5258f88", "salt": "xxxxxxxx", "secret-entity": null}]"#;

fn requirer_env() -> FakeEnv {
    let mut env = FakeEnv::new("client", false);
    env.add_relation(3, "database", "db");
    env.put(3, Bag::RemoteApp, "version", "v1");
    env.put(3, Bag::RemoteApp, "requests", RESPONSES);
    env
}

fn requirer_config() -> RequirerConfig {
    RequirerConfig {
        endpoint: "database".into(),
        ..RequirerConfig::default()
    }
}

#[test]
fn the_requirer_reads_the_providers_statuses() {
    let mut env = requirer_env();
    env.put(
        3,
        Bag::RemoteApp,
        "status",
        r#"[{"code": 1002, "message": "i", "resolution": "n"}, {"code": 4001, "message": "m", "resolution": "r"}]"#,
    );
    assert_eq!(
        Requirer::new(requirer_config())
            .and_then(|handler| handler.statuses(&mut env, 3))
            .unwrap(),
        vec![status(1002, "i", "n"), status(4001, "m", "r")]
    );
    assert_eq!(
        Requirer::new(requirer_config()).and_then(|handler| handler.statuses(&mut env, 99)),
        Err(Error::MissingRelation(99))
    );
}

#[test]
fn a_malformed_status_key_is_an_invalid_databag_error_naming_it() {
    let mut env = requirer_env();
    env.put(3, Bag::RemoteApp, "status", r#"[{"code": "x"}]"#);
    let error = Requirer::new(requirer_config())
        .and_then(|handler| handler.statuses(&mut env, 3))
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidDatabag(e) if e.relation_id == 3 && e.bag == Bag::RemoteApp && e.key.as_deref() == Some("status")),
        "{error:?}"
    );
}

#[test]
fn all_resources_are_created_once_every_response_with_an_id_has_credentials() {
    let mut env = requirer_env();
    assert!(!Requirer::new(requirer_config())
        .and_then(|handler| handler.are_all_resources_created(&mut env, 3))
        .unwrap());
    env.put(
        3,
        Bag::RemoteApp,
        "requests",
        &RESPONSES.replace(r#""secret-entity": null"#, r#""secret-entity": "secret:e""#),
    );
    assert!(Requirer::new(requirer_config())
        .and_then(|handler| handler.are_all_resources_created(&mut env, 3))
        .unwrap());
    env.put(3, Bag::RemoteApp, "requests", "[]");
    assert!(
        Requirer::new(requirer_config())
            .and_then(|handler| handler.are_all_resources_created(&mut env, 3))
            .unwrap(),
        "vacuously true without responses"
    );
}

#[test]
fn a_status_raised_and_cleared_between_provider_cache_writes_is_raised_and_resolved_once() {
    // The library compares with the provider's `data` cache (spec §15.2/15.3); we compare
    // with what this unit saw last, so each change is reported exactly once.
    let mut env = requirer_env();
    env.put(
        3,
        Bag::RemoteApp,
        "data",
        r#"{"b7bf5c83ca2cd3de": {"resource": "clientdb"}, "9ecfabfbb5258f88": {"entity-type": "USER"}}"#,
    );
    env.remote_secret("secret:u", &[("username", "u")]);
    let hook = Hook::RelationChanged(RelationEvent {
        relation_id: 3,
        app: Some("db".into()),
        unit: None,
    });
    let config = requirer_config();
    Requirer::new(config.clone())
        .and_then(|handler| handler.handle(&mut env, &hook))
        .unwrap();
    env.put(
        3,
        Bag::RemoteApp,
        "status",
        r#"[{"code": 4001, "message": "m", "resolution": "r"}]"#,
    );
    let kinds = |events: Vec<data_interfaces_core::model::RequirerEvent>| {
        events.into_iter().map(|e| e.kind).collect::<Vec<_>>()
    };
    assert_eq!(
        kinds(
            Requirer::new(config.clone())
                .and_then(|handler| handler.handle(&mut env, &hook))
                .unwrap()
                .events
        ),
        vec![RequirerEventKind::StatusRaised]
    );
    assert!(kinds(
        Requirer::new(config.clone())
            .and_then(|handler| handler.handle(&mut env, &hook))
            .unwrap()
            .events
    )
    .is_empty());
    env.bags
        .get_mut(&(3, Bag::RemoteApp))
        .unwrap()
        .shift_remove("status");
    assert_eq!(
        kinds(
            Requirer::new(config.clone())
                .and_then(|handler| handler.handle(&mut env, &hook))
                .unwrap()
                .events
        ),
        vec![RequirerEventKind::StatusResolved]
    );
    assert!(kinds(
        Requirer::new(config.clone())
            .and_then(|handler| handler.handle(&mut env, &hook))
            .unwrap()
            .events
    )
    .is_empty());
}

#[test]
fn a_status_event_carries_the_statuses_the_provider_raises_after_the_change() {
    let mut env = requirer_env();
    env.put(
        3,
        Bag::RemoteApp,
        "data",
        r#"{"b7bf5c83ca2cd3de": {"resource": "clientdb"}, "9ecfabfbb5258f88": {"entity-type": "USER"}}"#,
    );
    env.remote_secret("secret:u", &[("username", "u")]);
    let hook = Hook::RelationChanged(RelationEvent {
        relation_id: 3,
        app: Some("db".into()),
        unit: None,
    });
    let handler = Requirer::new(requirer_config()).unwrap();
    handler.handle(&mut env, &hook).unwrap();
    env.put(
        3,
        Bag::RemoteApp,
        "status",
        r#"[{"code": 1002, "message": "i", "resolution": "n"}, {"code": 4001, "message": "m", "resolution": "r"}]"#,
    );
    let events = handler.handle(&mut env, &hook).unwrap().events;
    let active = vec![status(1002, "i", "n"), status(4001, "m", "r")];
    assert_eq!(events.len(), 2);
    for event in &events {
        assert_eq!(event.kind, RequirerEventKind::StatusRaised);
        assert_eq!(event.active_statuses, active);
    }

    env.put(
        3,
        Bag::RemoteApp,
        "status",
        r#"[{"code": 4001, "message": "m", "resolution": "r"}]"#,
    );
    let events = handler.handle(&mut env, &hook).unwrap().events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, RequirerEventKind::StatusResolved);
    assert_eq!(events[0].status, Some(status(1002, "i", "n")));
    assert_eq!(events[0].active_statuses, vec![status(4001, "m", "r")]);
}
