//! The typed Rust API: the handshake, events as enums, builders against the wire bytes of the
//! conformance vectors, and Debug output without secret values.

use data_interfaces_host::memory::Juju;
use data_interfaces_host::wit::{self, EntityPermission, EntityType};
use data_interfaces_host::{
    relation_changed, relation_created, DataInterfaces, Error, LoadOptions, ProviderBuilder,
    ProviderEvent, Request, RequirerBuilder, RequirerEvent, Response,
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

const PASSWORD: &str = "pw-5f3a9c1e7b2d4f60";

/// `client` (2 units) and `postgresql` (1 unit) on `database`; returns the model, the
/// relation and every requirer event by unit.
fn handshake() -> (Juju, i32, Vec<(String, RequirerEvent)>, Vec<ProviderEvent>) {
    let engine = engine();
    let juju = Juju::new();
    juju.deploy("client", 2);
    juju.deploy("postgresql", 1);
    let relation = juju.relate("client", "database", "postgresql", "database");
    let requirer = || {
        RequirerBuilder::new("database")
            .request(Request::new("clientdb").extra_user_roles("SUPERUSER"))
            .request(Request::new("clientbis"))
    };
    let mut seen = Vec::new();
    for unit in ["client/0", "client/1"] {
        let mut client = requirer().build(&engine, juju.unit(unit)).unwrap();
        let events = client
            .handle(&relation_created(relation, "postgresql"))
            .unwrap();
        seen.extend(events.into_iter().map(|e| (unit.to_owned(), e)));
    }
    let mut db = ProviderBuilder::new("database")
        .build(&engine, juju.unit("postgresql/0"))
        .unwrap();
    let mut provider_events = db
        .handle(&relation_created(relation, "client"))
        .unwrap()
        .events;
    provider_events.extend(db.handle(&relation_changed(relation, "client")).unwrap());
    for event in &provider_events {
        if let ProviderEvent::ResourceRequested {
            relation_id,
            request,
            ..
        } = event
        {
            let response = Response::for_request(request)
                .username(format!("relation_{relation_id}_{}", request.resource))
                .password(PASSWORD)
                .endpoints("10.1.2.3:5432")
                .version("16.4");
            db.set_response(*relation_id, &response).unwrap();
        }
    }
    for unit in ["client/0", "client/1"] {
        let mut client = requirer().build(&engine, juju.unit(unit)).unwrap();
        let events = client
            .handle(&relation_changed(relation, "postgresql"))
            .unwrap();
        seen.extend(events.into_iter().map(|e| (unit.to_owned(), e)));
        assert!(client.are_all_resources_created(relation).unwrap());
    }
    (juju, relation, seen, provider_events)
}

#[test]
fn the_handshake_gives_every_requirer_unit_its_credentials() {
    let (_, relation, seen, provider_events) = handshake();
    let requested: Vec<&str> = provider_events
        .iter()
        .filter_map(|e| match e {
            ProviderEvent::ResourceRequested { request, .. } => Some(request.resource.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(requested, ["clientdb", "clientbis"]);
    for unit in ["client/0", "client/1"] {
        let created: Vec<&wit::Response> = seen
            .iter()
            .filter(|(u, _)| u == unit)
            .map(|(_, e)| match e {
                RequirerEvent::ResourceCreated {
                    relation_id,
                    app,
                    response,
                    alias,
                    ..
                } => {
                    assert_eq!(*relation_id, relation);
                    assert_eq!(app.as_deref(), Some("postgresql"));
                    assert_eq!(*alias, None);
                    response.as_wit()
                }
                other => panic!("unexpected event {other:?}"),
            })
            .collect();
        assert_eq!(created.len(), 2, "{unit}");
        for response in created {
            assert_eq!(
                response.username.as_deref(),
                Some(format!("relation_{relation}_{}", response.resource).as_str())
            );
            assert_eq!(response.password.as_deref(), Some(PASSWORD));
            assert_eq!(response.endpoints.as_deref(), Some("10.1.2.3:5432"));
            assert!(response.secret_user.is_some());
        }
    }
}

#[test]
fn events_expose_their_name_relation_and_payload() {
    let (_, relation, seen, provider_events) = handshake();
    let (_, first) = &seen[0];
    assert_eq!(first.name(), "resource_created");
    assert_eq!(first.relation_id(), relation);
    assert!(first.status().is_none());
    assert_eq!(
        first.response().map(|r| r.version.as_deref()),
        Some(Some("16.4"))
    );
    let event = &provider_events[0];
    assert_eq!(event.name(), "resource_requested");
    assert_eq!(event.requests().len(), 1);
    assert_eq!(
        event.requests()[0].extra_user_roles.as_deref(),
        Some("SUPERUSER")
    );
}

#[test]
fn the_requirer_and_provider_read_back_responses_and_requests() {
    let (juju, relation, _, _) = handshake();
    let engine = engine();
    let mut client = RequirerBuilder::new("database")
        .request(Request::new("clientdb"))
        .build(&engine, juju.unit("client/1"))
        .unwrap();
    let responses = client.responses(relation).unwrap();
    assert_eq!(responses.len(), 2);
    let id = responses[0].request_id.clone().unwrap();
    assert!(client.is_resource_created(relation, &id).unwrap());
    assert!(!client.is_resource_created(relation, "no-such-id").unwrap());
    let mut db = ProviderBuilder::new("database")
        .status(4001, "database full", "add storage")
        .build(&engine, juju.unit("postgresql/0"))
        .unwrap();
    assert_eq!(db.requests(relation).unwrap().len(), 2);
    assert_eq!(
        db.responses(relation).unwrap()[0].password.as_deref(),
        Some(PASSWORD)
    );
    db.raise_status_code(relation, 4001).unwrap();
    assert_eq!(db.statuses(relation).unwrap()[0].code, 4001);
    let mut client = RequirerBuilder::new("database")
        .build(&engine, juju.unit("client/0"))
        .unwrap();
    let raised = client
        .handle(&relation_changed(relation, "postgresql"))
        .unwrap()
        .events;
    assert!(
        matches!(&raised[..], [RequirerEvent::StatusRaised { status, .. }] if status.code == 4001),
        "{raised:?}"
    );
    assert_eq!(client.statuses(relation).unwrap().len(), 1);
    db.resolve_status(relation, 4001).unwrap();
    assert!(db.statuses(relation).unwrap().is_empty());
    db.raise_status_code(relation, 4001).unwrap();
    db.clear_statuses(relation).unwrap();
    assert!(db.statuses(relation).unwrap().is_empty());
}

#[test]
fn a_requirer_status_event_carries_the_statuses_active_after_it() {
    let (juju, relation, _, _) = handshake();
    let engine = engine();
    let mut db = ProviderBuilder::new("database")
        .status(4001, "database full", "add storage")
        .status(4002, "degraded", "wait")
        .build(&engine, juju.unit("postgresql/0"))
        .unwrap();
    let mut client = RequirerBuilder::new("database")
        .build(&engine, juju.unit("client/0"))
        .unwrap();
    let codes = |event: &RequirerEvent| -> (i32, Vec<i32>) {
        match event {
            RequirerEvent::StatusRaised {
                status,
                active_statuses,
                ..
            }
            | RequirerEvent::StatusResolved {
                status,
                active_statuses,
                ..
            } => (
                status.code,
                active_statuses.iter().map(|s| s.code).collect(),
            ),
            other => panic!("expected a status event, got {other:?}"),
        }
    };

    db.raise_status_code(relation, 4002).unwrap();
    db.raise_status_code(relation, 4001).unwrap();
    let raised = client
        .handle(&relation_changed(relation, "postgresql"))
        .unwrap()
        .events;
    assert!(
        raised
            .iter()
            .all(|e| matches!(e, RequirerEvent::StatusRaised { .. })),
        "{raised:?}"
    );
    let raised: Vec<(i32, Vec<i32>)> = raised.iter().map(codes).collect();
    assert_eq!(
        raised,
        [(4001, vec![4001, 4002]), (4002, vec![4001, 4002])],
        "sorted by code"
    );

    db.resolve_status(relation, 4001).unwrap();
    let resolved = client
        .handle(&relation_changed(relation, "postgresql"))
        .unwrap()
        .events;
    assert!(
        matches!(&resolved[..], [RequirerEvent::StatusResolved { .. }]),
        "{resolved:?}"
    );
    assert_eq!(codes(&resolved[0]), (4001, vec![4002]));
}

/// `client` asks for two databases; `postgresql` answers each with `answer` and returns its
/// app bag and how many secrets the model holds.
fn answered_with(
    answer: impl Fn(&mut data_interfaces_host::Provider, i32, Vec<Response>),
) -> (Vec<(String, String)>, usize) {
    let engine = engine();
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("postgresql", 1);
    let relation = juju.relate("client", "database", "postgresql", "database");
    let mut client = RequirerBuilder::new("database")
        .request(Request::new("clientdb").salt("aaaaaaaa"))
        .request(Request::new("clientbis").salt("bbbbbbbb"))
        .build(&engine, juju.unit("client/0"))
        .unwrap();
    client
        .handle(&relation_created(relation, "postgresql"))
        .unwrap();
    let mut db = ProviderBuilder::new("database")
        .build(&engine, juju.unit("postgresql/0"))
        .unwrap();
    let responses = db
        .handle(&relation_changed(relation, "client"))
        .unwrap()
        .events
        .iter()
        .filter_map(|event| match event {
            ProviderEvent::ResourceRequested { request, .. } => Some(
                Response::for_request(request)
                    .username(format!("user_{}", request.resource))
                    .password(PASSWORD),
            ),
            _ => None,
        })
        .collect();
    answer(&mut db, relation, responses);
    let bag = juju.app_bag(relation, "postgresql");
    let entries = bag.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    (entries, juju.secret_uris().len())
}

#[test]
fn set_response_each_writes_what_set_response_writes_called_in_turn() {
    let in_turn = answered_with(|db, relation, responses| {
        for response in &responses {
            db.set_response(relation, response).unwrap();
        }
    });
    let each = answered_with(|db, relation, responses| {
        db.set_response_each(relation, &responses).unwrap();
    });
    assert_eq!(in_turn.1, 2, "one user secret per request");
    assert_eq!(each, in_turn);
}

#[test]
fn a_cleared_field_leaves_its_secret_and_an_emptied_secret_goes_away() {
    let (juju, relation, _, provider_events) = handshake();
    let mut db = ProviderBuilder::new("database")
        .build(&engine(), juju.unit("postgresql/0"))
        .unwrap();
    let request = provider_events
        .iter()
        .find_map(|event| match event {
            ProviderEvent::ResourceRequested { request, .. } if request.resource == "clientdb" => {
                Some(request.clone())
            }
            _ => None,
        })
        .unwrap();
    let secrets = juju.secret_uris().len();
    let cleared = Response::for_request(&request).clear("password");
    db.set_response(relation, &cleared).unwrap();
    let answer = db.responses(relation).unwrap().remove(0);
    assert_eq!(answer.password, None);
    assert_eq!(
        answer.username.as_deref(),
        Some(format!("relation_{relation}_clientdb").as_str())
    );
    let emptied = Response::for_request(&request).clear("username");
    db.set_response(relation, &emptied).unwrap();
    assert_eq!(
        juju.secret_uris().len(),
        secrets - 1,
        "the user secret is removed"
    );
    let answer = db.responses(relation).unwrap().remove(0);
    assert_eq!(
        (answer.secret_user.as_deref(), answer.username.as_deref()),
        (None, None)
    );
    assert_eq!(answer.endpoints.as_deref(), Some("10.1.2.3:5432"));
}

#[test]
fn a_non_leader_provider_gets_a_typed_error() {
    let (juju, relation, _, _) = handshake();
    juju.deploy("postgresql", 2);
    juju.set_leader("postgresql/0");
    let mut db = ProviderBuilder::new("database")
        .build(&engine(), juju.unit("postgresql/1"))
        .unwrap();
    let error = db
        .set_responses(relation, &[Response::new("clientdb").password(PASSWORD)])
        .unwrap_err();
    assert!(matches!(
        error,
        data_interfaces_host::Error::Protocol(wit::Error::NotLeader(_))
    ));
    assert!(!error.to_string().contains(PASSWORD));
}

/// The expected `requests` bytes of a vector of `requirer_created.json`.
fn vector_requests(name: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/requirer_created.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let vector = file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap();
    vector["expect"]["databags"]["local_app"]["requests"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The `requests` the requirer leader writes on relation-created for a configuration.
fn written(config: wit::RequirerConfig) -> String {
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("postgresql", 1);
    let relation = juju.relate("client", "database", "postgresql", "database");
    let mut client = engine().requirer(config, juju.unit("client/0")).unwrap();
    assert!(client
        .handle(&relation_created(relation, "postgresql"))
        .unwrap()
        .events
        .is_empty());
    juju.app_bag(relation, "client")
        .get("requests")
        .cloned()
        .unwrap_or_default()
}

fn raw_request(resource: &str, salt: &str) -> wit::Request {
    wit::Request {
        resource: resource.to_owned(),
        request_id: None,
        salt: salt.to_owned(),
        extra_user_roles: None,
        extra_group_roles: None,
        external_node_connectivity: false,
        entity_type: None,
        entity_permissions: None,
        secret_mtls: None,
        mtls_cert: None,
        secret_requested_entity: None,
        entity_name: None,
        entity_password: None,
        prefix_matching: None,
        extra: Vec::new(),
    }
}

#[test]
fn builders_write_the_bytes_of_the_readme_vector() {
    let built = RequirerBuilder::new("database")
        .request(Request::new("clientdb").salt("kkkkkkkk"))
        .request(Request::new("clientbis").salt("bbbbbbbb"))
        .request(Request::entity(EntityType::User).salt("xxxxxxxx"));
    let mut entity = raw_request("", "xxxxxxxx");
    entity.entity_type = Some(EntityType::User);
    let raw = wit::RequirerConfig {
        endpoint: "database".to_owned(),
        requests: vec![
            raw_request("clientdb", "kkkkkkkk"),
            raw_request("clientbis", "bbbbbbbb"),
            entity,
        ],
        request_fields: Vec::new(),
        response_fields: Vec::new(),
        relation_aliases: Vec::new(),
        relation_limit: None,
    };
    let expected = vector_requests("leader-writes-version-and-readme-requests");
    assert_eq!(written(built.into()), expected);
    assert_eq!(written(raw), expected);
}

#[test]
fn builders_write_the_bytes_of_the_request_options_vector() {
    let built = RequirerBuilder::new("database")
        .request(
            Request::new("data_platform")
                .salt("kkkkkkkk")
                .extra_user_roles("CREATEDB,SUPERUSER")
                .external_node_connectivity(true)
                .prefix_matching("all"),
        )
        .request(
            Request::new("reports")
                .salt("zzzzzzzz")
                .entity_type(EntityType::Group)
                .extra_group_roles("readers")
                .entity_permissions([EntityPermission {
                    resource_name: "reports".to_owned(),
                    resource_type: "database".to_owned(),
                    privileges: vec!["SELECT".to_owned(), "INSERT".to_owned()],
                }]),
        );
    assert_eq!(
        written(built.into()),
        vector_requests("leader-with-request-options")
    );
}

#[test]
fn debug_output_never_contains_secret_values() {
    let (juju, _, seen, provider_events) = handshake();
    let mut secrets = vec![PASSWORD.to_owned()];
    for uri in juju.secret_uris() {
        let record = juju.secret(&uri).unwrap();
        secrets.extend(record.latest().unwrap().iter().map(|(_, v)| v.clone()));
    }
    let text = format!("{seen:?} {provider_events:?}");
    assert!(text.contains("ResourceCreated") && text.contains("<redacted>"));
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "{secret} leaked: {text}");
    }
    let request = Request::new("db")
        .entity_name("ent-name-9")
        .entity_password("ent-pass-9")
        .mtls_cert("-----CERT-9-----")
        .extra_field("operator-password", "\"op-pass-9\"");
    let response = Response::for_request(&request)
        .username("user-9")
        .password("pass-9")
        .uris("postgres://user-9:pass-9@host")
        .tls_ca("-----CA-9-----")
        .entity_password("ent-pass-9")
        .extra_field("operator-password", "\"op-pass-9\"");
    let builder = RequirerBuilder::new("database").request(request.clone());
    let text = format!("{request:?} {response:?} {builder:?}");
    for secret in [
        "ent-name-9",
        "ent-pass-9",
        "CERT-9",
        "op-pass-9",
        "user-9",
        "pass-9",
        "CA-9",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let old = ProviderEvent::from_wit(wit::ProviderEvent {
        kind: wit::ProviderEventKind::MtlsCertUpdated,
        relation_id: 1,
        app: None,
        unit: None,
        requests: vec![request.into_wit()],
        old_mtls_cert: Some("-----OLD-CERT-9-----".to_owned()),
    })
    .unwrap();
    let text = format!("{old:?}");
    assert!(!text.contains("CERT-9"), "{text}");
    let ProviderEvent::MtlsCertUpdated { old_mtls_cert, .. } = old else {
        panic!("an mtls event");
    };
    assert_eq!(
        old_mtls_cert.as_ref().map(|c| c.expose()),
        Some("-----OLD-CERT-9-----")
    );
}

#[test]
fn an_event_without_its_payload_is_a_contract_error_not_a_panic() {
    let bare = wit::RequirerEvent {
        kind: wit::RequirerEventKind::ResourceCreated,
        relation_id: 3,
        app: None,
        unit: None,
        alias: None,
        response: None,
        status: None,
        active_statuses: Vec::new(),
    };
    let error = RequirerEvent::from_wit(bare).unwrap_err();
    assert!(
        matches!(&error, Error::Contract { call: "requirer.handle", message } if message.contains("resource_created")),
        "{error}"
    );
    let bare = wit::ProviderEvent {
        kind: wit::ProviderEventKind::ResourceRequested,
        relation_id: 3,
        app: None,
        unit: None,
        requests: Vec::new(),
        old_mtls_cert: None,
    };
    let error = ProviderEvent::from_wit(bare).unwrap_err();
    assert!(
        matches!(&error, Error::Contract { call: "provider.handle", message } if message.contains("request")),
        "{error}"
    );
    assert!(error.to_string().contains("broke the contract"));
}

#[test]
fn the_engine_is_shared_across_threads() {
    fn send_sync<T: Send + Sync + Clone>() {}
    send_sync::<DataInterfaces>();
    let engine = engine();
    let handle = std::thread::spawn(move || {
        let juju = Juju::new();
        juju.deploy("client", 1);
        RequirerBuilder::new("database")
            .build(&engine, juju.unit("client/0"))
            .map(|r| r.config().endpoint.clone())
    });
    assert_eq!(handle.join().unwrap().unwrap(), "database");
    let shared = DataInterfaces::shared().unwrap();
    assert!(std::ptr::eq(
        shared.runtime(),
        DataInterfaces::shared().unwrap().runtime()
    ));
}

/// Writes the requirer's app bag by hand (a hostile or broken requirer).
fn write_requests(juju: &Juju, relation: i32, requests: &str) {
    use data_interfaces_host::Backend;
    let mut client = juju.unit("client/0");
    client
        .apply(
            relation,
            &wit::Bag::LocalApp,
            &wit::ChangeSet {
                set: vec![
                    ("version".to_owned(), "v1".to_owned()),
                    ("requests".to_owned(), requests.to_owned()),
                ],
                delete: Vec::new(),
            },
        )
        .expect("the requirer's leader writes its app bag");
}

#[test]
fn a_malformed_request_is_a_rejection_next_to_the_events_of_the_others() {
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("postgresql", 1);
    let relation = juju.relate("client", "database", "postgresql", "database");
    write_requests(
        &juju,
        relation,
        r#"[{"resource": "clientdb", "salt": "kkkkkkkk"}, {"resource": 7, "request-id": "ef142b87b00e1ba6"}]"#,
    );
    let mut db = ProviderBuilder::new("database")
        .build(&engine(), juju.unit("postgresql/0"))
        .unwrap();
    let handled = db.handle(&relation_changed(relation, "client")).unwrap();
    assert!(
        matches!(&handled.events[..], [ProviderEvent::ResourceRequested { request, .. }] if request.resource == "clientdb"),
        "{handled:?}"
    );
    let [rejection] = &handled.rejections[..] else {
        panic!("one rejection: {handled:?}");
    };
    assert_eq!(rejection.relation_id, relation);
    assert_eq!(rejection.request_id.as_deref(), Some("ef142b87b00e1ba6"));
    assert_eq!(
        rejection.to_string(),
        format!(
            "request ef142b87b00e1ba6 rejected: relation {relation}: remote app bag key \"requests\": entry 1: `resource`: expected a string or null, found a number"
        )
    );
}

#[test]
fn a_relation_whose_bag_is_unusable_does_not_stop_another_relation_in_the_same_process() {
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("other", 1);
    juju.deploy("postgresql", 1);
    let broken = juju.relate("client", "database", "postgresql", "database");
    let healthy = juju.relate("other", "database", "postgresql", "database");
    write_requests(&juju, broken, "[{not json");
    let mut other = RequirerBuilder::new("database")
        .request(Request::new("otherdb"))
        .build(&engine(), juju.unit("other/0"))
        .unwrap();
    other
        .handle(&relation_created(healthy, "postgresql"))
        .unwrap();

    let mut db = ProviderBuilder::new("database")
        .build(&engine(), juju.unit("postgresql/0"))
        .unwrap();
    let error = db
        .handle(&relation_changed(broken, "client"))
        .expect_err("an unusable requests key fails that relation's hook");
    assert!(error.to_string().contains("\"requests\""), "{error}");
    assert!(
        juju.app_bag(broken, "postgresql").is_empty(),
        "nothing written"
    );
    let handled = db.handle(&relation_changed(healthy, "other")).unwrap();
    assert!(
        matches!(&handled.events[..], [ProviderEvent::ResourceRequested { request, .. }] if request.resource == "otherdb"),
        "{handled:?}"
    );
}

#[test]
fn peer_data_written_by_the_leader_is_read_by_every_unit_secret_fields_included() {
    let juju = Juju::new();
    juju.deploy("postgresql", 2);
    let relation = juju.relate("postgresql", "cluster", "postgresql", "cluster");
    let config = wit::PeerConfig {
        endpoint: "cluster".to_owned(),
        fields: vec![
            wit::FieldSpec {
                key: "mode".to_owned(),
                secret_group: None,
            },
            wit::FieldSpec {
                key: "root-password".to_owned(),
                secret_group: Some("extra".to_owned()),
            },
        ],
    };
    let mut leader = engine()
        .peer(config.clone(), juju.unit("postgresql/0"))
        .expect("a peer handler");
    leader
        .write(
            relation,
            &wit::PeerScope::App,
            &[
                ("mode".to_owned(), Some("\"primary\"".to_owned())),
                ("root-password".to_owned(), Some(format!("\"{PASSWORD}\""))),
            ],
        )
        .expect("the leader writes the app scope");
    assert!(!format!("{:?}", juju.app_bag(relation, "postgresql")).contains(PASSWORD));
    let read = leader
        .read(relation, &wit::PeerScope::App)
        .expect("the leader reads it back");
    assert_eq!(
        read,
        vec![
            ("mode".to_owned(), "\"primary\"".to_owned()),
            ("root-password".to_owned(), format!("\"{PASSWORD}\"")),
        ]
    );
    let mut other = engine()
        .peer(config, juju.unit("postgresql/1"))
        .expect("a peer handler");
    let refused = other.write(relation, &wit::PeerScope::App, &[("mode".to_owned(), None)]);
    assert!(matches!(refused, Err(Error::Protocol(_))), "{refused:?}");
}

#[test]
fn a_response_prints_secret_values_redacted_and_the_tls_flag_in_clear() {
    let response = Response::new("db")
        .request_id("r1")
        .username("u")
        .password("hunter2")
        .tls(true)
        .endpoints("10.0.0.1:5432")
        .extra_field("operator-password", "\"x\"")
        .clear("version");
    assert_eq!(
        format!("{response:?}"),
        "Response { resource=\"db\" request-id=\"r1\" endpoints=\"10.0.0.1:5432\" \
         username=<redacted> password=<redacted> tls=true operator-password=<redacted> \
         version=<cleared> }"
    );
}

#[test]
fn a_request_prints_its_entity_type_as_the_wire_value() {
    let request = Request::entity(EntityType::User)
        .mtls_cert("-----BEGIN CERTIFICATE-----")
        .external_node_connectivity(true);
    assert_eq!(
        format!("{request:?}"),
        "Request { resource=\"\" external-node-connectivity=true entity-type=USER \
         mtls-cert=<redacted> }"
    );
}

#[test]
fn a_request_record_serializes_its_entity_type_as_the_wire_value() {
    let request = Request::entity(EntityType::Group);
    let json = serde_json::to_value(request.as_wit()).unwrap();
    assert_eq!(json["entity_type"], "GROUP");
}

#[test]
fn a_requirer_with_more_aliases_than_its_relation_limit_is_refused_when_built() {
    let juju = Juju::new();
    juju.deploy("client", 1);
    let built = RequirerBuilder::new("database")
        .relation_alias("cluster1")
        .relation_alias("cluster2")
        .relation_limit(1)
        .build(&engine(), juju.unit("client/0"));
    match built {
        Err(Error::Protocol(wit::Error::InvalidModel(message))) => {
            assert_eq!(message, "Invalid number of aliases, expected 1, received 2")
        }
        other => panic!("expected the alias count refused, got {other:?}"),
    }
}
