//! The whole handshake through the component over the in-memory Juju, as the demo runs it:
//! the requirer asks, the provider answers, the requirer's units get their credentials.

use data_interfaces_cli::demo::Demo;
use data_interfaces_host::memory::Juju;
use data_interfaces_host::wit::RequirerEventKind;
use data_interfaces_host::{LoadOptions, Runtime};

fn runtime() -> Runtime {
    Runtime::load_with(&LoadOptions {
        cache_dir: Some(std::env::temp_dir().join("data-interfaces-test-cache")),
        ..LoadOptions::default()
    })
    .expect("the component loads")
}

fn run() -> (Demo<'static, Vec<u8>>, String) {
    let runtime: &'static Runtime = Box::leak(Box::new(runtime()));
    let mut demo = Demo::new(runtime, Vec::new());
    demo.run().expect("the handshake completes");
    let mut out = Vec::new();
    std::mem::swap(&mut out, demo.output_mut());
    (demo, String::from_utf8(out).expect("utf-8 output"))
}

/// The content of the secret a URI names, as a map.
fn secret(juju: &Juju, uri: &str) -> std::collections::BTreeMap<String, String> {
    juju.secret(uri)
        .and_then(|s| s.latest().cloned())
        .unwrap_or_default()
        .into_iter()
        .collect()
}

#[test]
fn the_requirer_leader_writes_version_and_requests() {
    let (demo, _) = run();
    let bag = demo.juju().app_bag(demo.relation(), "client");
    assert_eq!(bag.get("version").map(String::as_str), Some("v1"));
    let requests = bag.get("requests").expect("requests written");
    assert!(requests.starts_with("[{\"resource\": \"clientdb\", \"request-id\": \""));
    assert!(requests.contains("{\"resource\": \"clientbis\", \"request-id\": \""));
}

#[test]
fn the_provider_answers_with_a_user_secret_granted_to_the_relation() {
    let (demo, _) = run();
    let juju = demo.juju();
    let bag = juju.app_bag(demo.relation(), "postgresql");
    let responses = bag.get("requests").expect("responses written");
    assert!(responses.contains("\"secret-user\": \"secret:"));
    assert!(!responses.contains("\"username\""));
    assert!(!responses.contains("\"password\": \""));
    for uri in juju.secret_uris() {
        let record = juju.secret(&uri).unwrap();
        let label = record.owner_label.clone().unwrap_or_default();
        assert!(
            label.starts_with(&format!("database.{}.", demo.relation()))
                && label.ends_with(".user.secret"),
            "label {label}"
        );
        let keys: Vec<String> = secret(juju, &uri).into_keys().collect();
        assert_eq!(keys, ["password", "username"]);
    }
    assert_eq!(juju.secret_uris().len(), 2);
}

#[test]
fn every_requirer_unit_gets_resource_created_with_the_credentials() {
    let (demo, _) = run();
    let juju = demo.juju();
    for unit in ["client/0", "client/1"] {
        let created: Vec<_> = demo
            .requirer_events
            .iter()
            .filter(|(u, e)| u == unit && e.kind == RequirerEventKind::ResourceCreated)
            .collect();
        assert_eq!(created.len(), 2, "{unit} sees both databases created once");
        for (_, event) in created {
            let response = event.response.as_ref().expect("a response");
            let uri = response.secret_user.as_deref().expect("secret-user");
            let content = secret(juju, uri);
            assert_eq!(response.username.as_ref(), content.get("username"));
            assert_eq!(response.password.as_ref(), content.get("password"));
            assert_eq!(response.endpoints.as_deref(), Some("10.1.2.3:5432"));
            assert_eq!(event.app.as_deref(), Some("postgresql"));
        }
    }
}

#[test]
fn an_unchanged_relation_changed_emits_nothing_new() {
    let (demo, _) = run();
    let on_leader: Vec<_> = demo
        .requirer_events
        .iter()
        .filter(|(u, _)| u == "client/0")
        .collect();
    // Two resource_created in the first relation-changed; the repeated hook adds nothing.
    assert_eq!(on_leader.len(), 2);
}

#[test]
fn the_output_shows_secret_uris_and_never_secret_values() {
    let (demo, out) = run();
    let juju = demo.juju();
    assert!(out.contains("secret-user"));
    assert!(out.contains("secret:"));
    for uri in juju.secret_uris() {
        for (key, value) in secret(juju, &uri) {
            assert!(
                !out.contains(&value),
                "the value of {key} leaked into the output"
            );
        }
    }
    for line in juju.log() {
        for uri in juju.secret_uris() {
            for (_, value) in secret(juju, &uri) {
                assert!(!line.message.contains(&value));
            }
        }
    }
}
