//! Peer relation data through the component over the in-memory Juju: an application related
//! with itself on its peer endpoint, two units.

use data_interfaces_host::handlers::PeerHandler;
use data_interfaces_host::memory::{Juju, SecretOwner};
use data_interfaces_host::wit::{self, FieldSpec, PeerConfig, PeerScope, RelationId};
use data_interfaces_host::{Error, LoadOptions, Runtime, Session};

fn runtime() -> Runtime {
    Runtime::load_with(&LoadOptions {
        cache_dir: Some(std::env::temp_dir().join("data-interfaces-test-cache")),
        ..LoadOptions::default()
    })
    .expect("the component loads")
}

fn config() -> PeerConfig {
    let field = |key: &str, group: Option<&str>| FieldSpec {
        key: key.into(),
        secret_group: group.map(str::to_string),
    };
    PeerConfig {
        endpoint: "peers".into(),
        fields: vec![
            field("plain-text", None),
            field("plain-list", None),
            field("admin-password", Some("extra")),
            field("operator-password", Some("mygroup")),
        ],
    }
}

/// `myapp` with two units (`myapp/0` leads) and its peer relation.
fn model() -> (Juju, RelationId) {
    let juju = Juju::new();
    juju.deploy("myapp", 2);
    let relation = juju.relate("myapp", "peers", "myapp", "peers");
    (juju, relation)
}

/// A session over a unit, and the peer handler of [`config`] made in it.
fn session(runtime: &Runtime, juju: &Juju, unit: &str) -> (Session, PeerHandler) {
    let mut session = runtime
        .session(Box::new(juju.unit(unit)))
        .expect("a session opens");
    let handler = session.peer(&config()).expect("the peer handler is made");
    (session, handler)
}

fn values(pairs: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A secret as these tests look at it: owner, latest content, number of revisions.
type Seen = (SecretOwner, Vec<(String, String)>, usize);

/// The owner, latest content and revision count of the secret with that owner label.
fn secret(juju: &Juju, label: &str) -> Option<Seen> {
    juju.secret_uris().into_iter().find_map(|uri| {
        let record = juju.secret(&uri)?;
        (record.owner_label.as_deref() == Some(label)).then(|| {
            let content = record.latest().cloned().unwrap_or_default();
            (record.owner.clone(), content, record.revision_count())
        })
    })
}

#[test]
fn app_data_round_trips_through_the_component_with_secret_fields_in_labelled_secrets() {
    let runtime = runtime();
    let (juju, relation) = model();
    let (mut leader, leader_peer) = session(&runtime, &juju, "myapp/0");
    let written = values(&[
        ("plain-text", r#""hello é""#),
        ("plain-list", r#"["a","b"]"#),
        ("admin-password", r#""s3cret""#),
        ("operator-password", r#""op""#),
    ]);
    leader
        .peer_write(leader_peer, relation, &PeerScope::App, &written)
        .expect("the leader writes app data");
    let bag: Vec<(String, String)> = juju.app_bag(relation, "myapp").into_iter().collect();
    assert_eq!(
        bag,
        owned(&[("plain-list", r#"["a", "b"]"#), ("plain-text", "hello é")])
    );
    let app = SecretOwner::App("myapp".into());
    assert_eq!(
        secret(&juju, "peers.myapp.app"),
        Some((app.clone(), owned(&[("admin-password", "s3cret")]), 1))
    );
    assert_eq!(
        secret(&juju, "peers.myapp.app.mygroup"),
        Some((app, owned(&[("operator-password", "op")]), 1))
    );
    let read = leader
        .peer_read(leader_peer, relation, &PeerScope::App)
        .expect("the leader reads app data");
    assert_eq!(
        read,
        owned(&[
            ("plain-text", r#""hello \u00e9""#),
            ("plain-list", r#"["a", "b"]"#),
            ("admin-password", r#""s3cret""#),
            ("operator-password", r#""op""#),
        ])
    );
    leader
        .peer_write(leader_peer, relation, &PeerScope::App, &written)
        .expect("the same write again");
    leader
        .peer_delete(
            leader_peer,
            relation,
            &PeerScope::App,
            &["operator-password".to_string()],
        )
        .expect("the leader deletes a secret field");
    assert_eq!(
        secret(&juju, "peers.myapp.app").map(|s| s.2),
        Some(1),
        "no new revision for the same content"
    );
    assert_eq!(secret(&juju, "peers.myapp.app.mygroup"), None);
}

#[test]
fn a_unit_reads_another_units_plain_data_but_cannot_write_it() {
    let runtime = runtime();
    let (juju, relation) = model();
    let (mut other, other_peer) = session(&runtime, &juju, "myapp/1");
    let written = values(&[("plain-text", r#""hi""#), ("admin-password", r#""unitpw""#)]);
    other
        .peer_write(other_peer, relation, &PeerScope::Unit, &written)
        .expect("a non-leader writes its unit data");
    assert_eq!(
        secret(&juju, "peers.myapp.unit"),
        Some((
            SecretOwner::Unit("myapp/1".into()),
            owned(&[("admin-password", "unitpw")]),
            1
        ))
    );
    let (mut leader, leader_peer) = session(&runtime, &juju, "myapp/0");
    let scope = PeerScope::OtherUnit("myapp/1".into());
    let read = leader
        .peer_read(leader_peer, relation, &scope)
        .expect("another unit's data reads");
    assert_eq!(read, owned(&[("plain-text", r#""hi""#)]));
    match leader.peer_write(leader_peer, relation, &scope, &written) {
        Err(Error::Protocol(wit::Error::ReadOnly(message))) => {
            assert_eq!(message, "It's not possible to update data of another unit.")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_non_leader_app_write_is_not_leader() {
    let runtime = runtime();
    let (juju, relation) = model();
    let (mut follower, follower_peer) = session(&runtime, &juju, "myapp/1");
    let written = values(&[("plain-text", r#""x""#)]);
    match follower.peer_write(follower_peer, relation, &PeerScope::App, &written) {
        Err(Error::Protocol(wit::Error::NotLeader(_))) => {}
        other => panic!("expected not-leader, got {other:?}"),
    }
    assert!(juju.app_bag(relation, "myapp").is_empty());
    let (mut leader, leader_peer) = session(&runtime, &juju, "myapp/0");
    leader
        .peer_write(leader_peer, relation, &PeerScope::App, &written)
        .expect("the leader writes app data");
    let read = follower
        .peer_read(follower_peer, relation, &PeerScope::App)
        .expect("every unit reads the app data of its peer relation");
    assert_eq!(read, owned(&[("plain-text", r#""x""#)]));
}
