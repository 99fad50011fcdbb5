//! The library's diff API (`compute_diff`, `store_new_data`, `resource_added`) and the label and
//! cross-model helpers, against an in-memory Juju.
//!
//! The expected bytes were produced by `dpcharmlibs.interfaces` 1.2.2 under ops 3.9's `Harness`:
//! a provider charm `database` with a `ResourceProviderEventHandler` on endpoint `database`, a
//! requirer charm `application` with a `ResourceRequirerEventHandler`, each calling
//! `compute_diff(relation, request=ResourceProviderModel.model_validate(...), store=...)` or
//! `store_new_data(relation, component, ...)` and printing `relation.data[...]['data']`. The
//! random salt the library drew is passed in here as data, so the bytes compare exactly.
//! `tests/python/test_native_diff_cache.py` runs the same comparison live, through the
//! component, against the installed library.

mod support;

use data_interfaces_core::cache::Diff;
use data_interfaces_core::env::Bag;
use data_interfaces_core::error::Error;
use data_interfaces_core::fernet::Key;
use data_interfaces_core::model::{Hook, ProviderConfig, RelationEvent};
use data_interfaces_core::peer::PeerScope;
use data_interfaces_core::{bag, diff, peer, provider, secrets};
use serde_json::Value;
use support::FakeEnv;

/// `base64.urlsafe_b64encode(bytes(range(32)))`.
const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

fn sorted(mut keys: Vec<String>) -> Vec<String> {
    keys.sort();
    keys
}

fn provider_env() -> FakeEnv {
    let mut env = FakeEnv::new("database", true);
    env.add_relation(0, "database", "application");
    env
}

fn data(env: &FakeEnv, bag: Bag) -> String {
    env.get(0, bag, "data").unwrap_or_default()
}

fn compute(
    env: &mut FakeEnv,
    bag: &Bag,
    new: &[(&str, &str)],
    uuid: Option<&str>,
    store: bool,
) -> Diff {
    diff::compute_diff(env, "database", 0, bag, &pairs(new), uuid, store)
        .unwrap_or_else(|e| panic!("compute_diff: {e}"))
}

/// `ResourceProviderModel.model_validate({'resource': 'blah', 'request-id': '', 'secret-user':
/// 'secret://deabeef'})` dumped, with the salt the library drew.
const V0_MODEL: [(&str, &str); 4] = [
    ("resource", r#""blah""#),
    ("request-id", r#""""#),
    ("salt", r#""lBXOCpdAIL4jLJPC""#),
    ("secret-user", r#""secret://deabeef""#),
];

#[test]
fn provider_compute_diff_writes_what_the_library_writes() {
    let mut env = provider_env();
    env.put(
        0,
        Bag::LocalApp,
        "status",
        r#"[{"code": 4, "message": "m4", "resolution": "r4"}, {"code": 1, "message": "m1", "resolution": "r1"}]"#,
    );
    // An empty request id is a v0 entry: flat, with the statuses merged in.
    let first = compute(&mut env, &Bag::LocalApp, &V0_MODEL, Some(""), true);
    assert_eq!(
        sorted(first.added),
        ["request-id", "resource", "salt", "secret-user"]
    );
    assert_eq!(
        data(&env, Bag::LocalApp),
        r#"{"resource": "blah", "request-id": "", "salt": "lBXOCpdAIL4jLJPC", "secret-user": "secret://deabeef", "status": {"4": {"code": 4, "message": "m4", "resolution": "r4"}, "1": {"code": 1, "message": "m1", "resolution": "r1"}}}"#
    );
    // A request id adds its entry after the global data.
    let v1 = [
        ("resource", r#""blah""#),
        ("request-id", r#""abc""#),
        ("salt", r#""xyz""#),
        ("endpoints", r#""h:1""#),
    ];
    let second = compute(&mut env, &Bag::LocalApp, &v1, Some("abc"), true);
    assert_eq!(
        sorted(second.added),
        ["endpoints", "request-id", "resource", "salt"]
    );
    let written = data(&env, Bag::LocalApp);
    assert_eq!(
        written,
        r#"{"resource": "blah", "request-id": "", "salt": "lBXOCpdAIL4jLJPC", "secret-user": "secret://deabeef", "status": {"4": {"code": 4, "message": "m4", "resolution": "r4"}, "1": {"code": 1, "message": "m1", "resolution": "r1"}}, "abc": {"resource": "blah", "request-id": "abc", "salt": "xyz", "endpoints": "h:1"}}"#
    );
    // Without store: the diff, and nothing written.
    let applies = env.applies;
    let changed = [
        ("resource", r#""blah""#),
        ("request-id", r#""abc""#),
        ("salt", r#""xyz""#),
        ("endpoints", r#""h:2""#),
    ];
    let third = compute(&mut env, &Bag::LocalApp, &changed, Some("abc"), false);
    assert_eq!(third.changed, ["endpoints"]);
    assert!(third.added.is_empty() && third.deleted.is_empty());
    assert_eq!(env.applies, applies);
    assert_eq!(data(&env, Bag::LocalApp), written);
}

/// The library's own `test_diff`, for both handlers: added, the same, changed, deleted.
#[test]
fn the_librarys_test_diff_sequence() {
    for (bag, leader) in [(Bag::LocalApp, true), (Bag::LocalUnit, false)] {
        let mut env = provider_env();
        env.leader = leader;
        let first = compute(&mut env, &bag, &V0_MODEL, Some(""), true);
        assert_eq!(
            sorted(first.added),
            ["request-id", "resource", "salt", "secret-user"]
        );
        let same = compute(&mut env, &bag, &V0_MODEL, Some(""), true);
        assert_eq!(same, Diff::default());
        let mut renamed = V0_MODEL;
        renamed[0] = ("resource", r#""bluh""#);
        let changed = compute(&mut env, &bag, &renamed, Some(""), true);
        assert_eq!(changed.changed, ["resource"]);
        assert!(changed.added.is_empty() && changed.deleted.is_empty());
        let deleted = compute(&mut env, &bag, &renamed[..3], Some(""), true);
        assert_eq!(deleted.deleted, ["secret-user"]);
        assert!(deleted.added.is_empty() && deleted.changed.is_empty());
    }
}

#[test]
fn requirer_compute_diff_stores_the_providers_statuses() {
    let mut env = FakeEnv::new("application", true);
    env.add_relation(0, "database", "data-platform");
    env.put(
        0,
        Bag::RemoteApp,
        "status",
        r#"[{"code": 2, "message": "m2", "resolution": "r2"}]"#,
    );
    let model = [
        ("resource", r#""blah""#),
        ("request-id", r#""rq""#),
        ("salt", r#""cKL3rTSdlxo98FqC""#),
        ("secret-user", r#""secret://deadbeef""#),
    ];
    let first = compute(&mut env, &Bag::LocalUnit, &model, Some("rq"), true);
    assert_eq!(
        sorted(first.added),
        ["request-id", "resource", "salt", "secret-user"]
    );
    assert_eq!(
        data(&env, Bag::LocalUnit),
        r#"{"status": {"2": {"code": 2, "message": "m2", "resolution": "r2"}}, "rq": {"resource": "blah", "request-id": "rq", "salt": "cKL3rTSdlxo98FqC", "secret-user": "secret://deadbeef"}}"#
    );
    // Storing the same data again changes no byte: no write at all.
    let applies = env.applies;
    let again = compute(&mut env, &Bag::LocalUnit, &model, Some("rq"), true);
    assert_eq!(again, Diff::default());
    assert_eq!(env.applies, applies);
}

#[test]
fn compute_diff_refuses_a_bag_that_is_not_its_own_and_an_unknown_relation() {
    let mut env = provider_env();
    let remote = diff::compute_diff(
        &mut env,
        "database",
        0,
        &Bag::RemoteApp,
        &pairs(&V0_MODEL),
        None,
        true,
    );
    assert!(matches!(remote, Err(Error::InvalidModel(_))), "{remote:?}");
    let missing = diff::compute_diff(
        &mut env,
        "database",
        9,
        &Bag::LocalApp,
        &pairs(&V0_MODEL),
        None,
        true,
    );
    assert_eq!(missing, Err(Error::MissingRelation(9)));
    let bad = diff::compute_diff(
        &mut env,
        "database",
        0,
        &Bag::LocalApp,
        &pairs(&[("resource", "{")]),
        None,
        true,
    );
    assert!(matches!(bad, Err(Error::InvalidModel(_))), "{bad:?}");
    assert_eq!(env.applies, 0);
}

/// On the same model the sensitive keys are stored blank and compared blank, so a value that
/// lives in a secret does not look changed on every call (`docs/differences.md` row 7).
#[test]
fn sensitive_keys_are_blank_and_compared_blank() {
    let mut env = provider_env();
    let model = [("resource", r#""db""#), ("mtls-cert", r#""CERT""#)];
    let first = compute(&mut env, &Bag::LocalApp, &model, Some("u"), true);
    assert_eq!(sorted(first.added), ["mtls-cert", "resource"]);
    assert_eq!(
        data(&env, Bag::LocalApp),
        r#"{"u": {"resource": "db", "mtls-cert": ""}}"#
    );
    let other = [("resource", r#""db""#), ("mtls-cert", r#""OTHER""#)];
    assert_eq!(
        compute(&mut env, &Bag::LocalApp, &other, Some("u"), true),
        Diff::default()
    );
}

/// Cross-model, the provider's key (named by the requirer's `encryption-secret`) encrypts the
/// sensitive keys; the diff compares the decrypted values and an unchanged token is kept.
#[test]
fn cross_model_values_are_encrypted_with_the_relations_key() {
    let mut env = provider_env();
    env.cross_model();
    let config = ProviderConfig {
        endpoint: "database".into(),
        ..ProviderConfig::default()
    };
    let created = Hook::RelationCreated(RelationEvent {
        relation_id: 0,
        app: Some("application".into()),
        unit: Some("application/0".into()),
    });
    provider::handle(&mut env, &config, &created).unwrap_or_else(|e| panic!("created: {e}"));
    let uri = env
        .get(0, Bag::LocalApp, "encryption-secret")
        .unwrap_or_else(|| panic!("no encryption secret"));
    env.put(0, Bag::RemoteApp, "encryption-secret", &uri);
    let key_text = env
        .secret(&uri)
        .and_then(|secret| {
            secret
                .content()
                .into_iter()
                .find(|(k, _)| k == "encryption-key")
        })
        .map(|(_, v)| v)
        .unwrap_or_default();
    let key = Key::parse(&key_text).unwrap_or_else(|e| panic!("{e}"));

    let model = [("resource", r#""db""#), ("mtls-cert", r#""CERT""#)];
    compute(&mut env, &Bag::LocalApp, &model, Some("u"), true);
    let cached: Value = serde_json::from_str(&data(&env, Bag::LocalApp)).unwrap_or_default();
    let token = cached["u"]["mtls-cert"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(key.decrypt_text(&token).ok().as_deref(), Some("CERT"));

    let applies = env.applies;
    assert_eq!(
        compute(&mut env, &Bag::LocalApp, &model, Some("u"), true),
        Diff::default()
    );
    assert_eq!(env.applies, applies, "an unchanged token is kept");

    let other = [("resource", r#""db""#), ("mtls-cert", r#""NEW""#)];
    let changed = compute(&mut env, &Bag::LocalApp, &other, Some("u"), true);
    assert_eq!(changed.changed, ["mtls-cert"]);
    let cached: Value = serde_json::from_str(&data(&env, Bag::LocalApp)).unwrap_or_default();
    let token = cached["u"]["mtls-cert"].as_str().unwrap_or_default();
    assert_eq!(key.decrypt_text(token).ok().as_deref(), Some("NEW"));
}

/// The `encryption-secret` names a secret this unit cannot find: a typed error, nothing
/// written (`docs/differences.md` row 20).
#[test]
fn a_missing_encryption_secret_is_a_typed_error() {
    let mut env = provider_env();
    env.cross_model();
    env.put(0, Bag::RemoteApp, "encryption-secret", "secret:gone");
    let result = diff::compute_diff(
        &mut env,
        "database",
        0,
        &Bag::LocalApp,
        &pairs(&[("password", r#""p""#)]),
        Some("u"),
        true,
    );
    assert!(matches!(result, Err(Error::Secret(_))), "{result:?}");
    assert_eq!(env.applies, 0);
}

fn store(
    env: &mut FakeEnv,
    new: &[(&str, &str)],
    uuid: Option<&str>,
    global: &[(&str, &str)],
    key: Option<&str>,
) {
    let cached = env.get(0, Bag::LocalApp, "data");
    let text = diff::store_new_data(
        env,
        cached.as_deref(),
        &pairs(new),
        uuid,
        &pairs(global),
        key,
    )
    .unwrap_or_else(|e| panic!("store_new_data: {e}"));
    env.put(0, Bag::LocalApp, "data", &text);
}

/// `store_new_data` called four times on an empty application bag, as the library wrote it.
#[test]
fn store_new_data_writes_what_the_library_writes() {
    let mut env = provider_env();
    store(
        &mut env,
        &[
            ("resource", r#""db""#),
            ("password", r#""pw""#),
            ("mtls-cert", r#""C""#),
            ("x", "1"),
        ],
        None,
        &[
            ("status", "{}"),
            ("a", "0"),
            ("b", "[]"),
            ("c", r#""v""#),
            ("d", "null"),
            ("e", "false"),
            ("f", r#"{"k": 1}"#),
        ],
        None,
    );
    assert_eq!(
        data(&env, Bag::LocalApp),
        r#"{"resource": "db", "password": "", "mtls-cert": "", "x": 1, "c": "v", "f": {"k": 1}}"#
    );
    store(
        &mut env,
        &[("resource", r#""db2""#), ("entity-name", r#""n""#)],
        Some("u1"),
        &[
            ("c", r#""w""#),
            (
                "status",
                r#"{"1": {"code": 1, "message": "m", "resolution": "r"}}"#,
            ),
        ],
        None,
    );
    store(&mut env, &[("resource", r#""db3""#)], Some("u2"), &[], None);
    store(
        &mut env,
        &[("resource", r#""db4""#)],
        Some("u1"),
        &[("c", r#""z""#)],
        None,
    );
    assert_eq!(
        data(&env, Bag::LocalApp),
        r#"{"resource": "db", "password": "", "mtls-cert": "", "x": 1, "c": "z", "f": {"k": 1}, "status": {"1": {"code": 1, "message": "m", "resolution": "r"}}, "u1": {"resource": "db4"}, "u2": {"resource": "db3"}}"#
    );
    // Non-ASCII and a large float, as `json.dumps` writes them.
    store(
        &mut env,
        &[("resource", r#""ü€😀""#), ("n", "1.5e300")],
        Some("u6"),
        &[],
        None,
    );
    assert!(data(&env, Bag::LocalApp)
        .ends_with(r#""u6": {"resource": "\u00fc\u20ac\ud83d\ude00", "n": 1.5e+300}}"#));
}

/// With a key the sensitive values are Fernet tokens (an empty one too); a value that is not a
/// string, or any value with a key that is not a Fernet key, is blanked, as the library does.
#[test]
fn store_new_data_encrypts_or_blanks_the_sensitive_keys() {
    let mut env = provider_env();
    let key = Key::parse(KEY).unwrap_or_else(|e| panic!("{e}"));
    store(
        &mut env,
        &[
            ("resource", r#""db""#),
            ("password", r#""pw""#),
            ("mtls-cert", r#""C""#),
            ("entity-password", r#""""#),
            ("entity-name", "5"),
        ],
        Some("u3"),
        &[],
        Some(KEY),
    );
    let cached: Value = serde_json::from_str(&data(&env, Bag::LocalApp)).unwrap_or_default();
    let plain = |name: &str| {
        key.decrypt_text(cached["u3"][name].as_str().unwrap_or_default())
            .ok()
    };
    assert_eq!(plain("password").as_deref(), Some("pw"));
    assert_eq!(plain("mtls-cert").as_deref(), Some("C"));
    assert_eq!(plain("entity-password").as_deref(), Some(""));
    assert_eq!(cached["u3"]["entity-name"], Value::String(String::new()));
    assert_eq!(cached["u3"]["resource"], Value::String("db".into()));

    store(
        &mut env,
        &[("resource", r#""db""#), ("password", r#""pw""#)],
        Some("u4"),
        &[],
        Some("notakey"),
    );
    let cached: Value = serde_json::from_str(&data(&env, Bag::LocalApp)).unwrap_or_default();
    assert_eq!(
        data_interfaces_core::json::dumps(&cached["u4"]),
        r#"{"resource": "db", "password": ""}"#
    );
    assert!(env
        .logs
        .borrow()
        .iter()
        .any(|line| line.contains("Could not encrypt") && !line.contains("notakey")));
}

#[test]
fn store_new_data_reads_and_writes_no_bag() {
    let env = provider_env();
    let text = diff::store_new_data(
        &env,
        None,
        &pairs(&[("resource", r#""db""#)]),
        None,
        &[],
        None,
    )
    .expect("store_new_data");
    assert_eq!(text, r#"{"resource": "db"}"#);
    assert_eq!(env.applies, 0);
}

/// A cache that is not a JSON object is this side's own bookkeeping: started anew.
#[test]
fn a_malformed_cache_is_started_anew() {
    let mut env = provider_env();
    env.put(0, Bag::LocalApp, "data", "[1, 2]");
    store(&mut env, &[("resource", r#""db""#)], Some("u"), &[], None);
    assert_eq!(data(&env, Bag::LocalApp), r#"{"u": {"resource": "db"}}"#);
}

/// `OpsRelationRepository._generate_secret_label` and `OpsPeerRepository`'s, as 1.2.2 gives
/// them (`database.0.user.secret`, `database.0.abc.tls.secret`, and the v0 form for an empty
/// short uuid).
#[test]
fn labels_follow_the_library() {
    assert_eq!(
        secrets::label("database", 0, None, "user"),
        "database.0.user.secret"
    );
    assert_eq!(
        secrets::label("database", 0, Some("abc"), "tls"),
        "database.0.abc.tls.secret"
    );
    assert_eq!(
        secrets::label("database", 0, Some(""), "tls"),
        "database.0.tls.secret"
    );
    let env = FakeEnv::new("myapp", false);
    assert_eq!(
        peer::local_secret_label(&env, "peers", &PeerScope::App, "extra"),
        "peers.myapp.app"
    );
    assert_eq!(
        peer::local_secret_label(&env, "peers", &PeerScope::Unit, "user"),
        "peers.myapp.unit.user"
    );
}

#[test]
fn cross_model_is_the_handlers_decision() {
    let mut env = provider_env();
    assert_eq!(bag::relation_is_cross_model(&env, "database", 0), Ok(false));
    env.cross_model();
    assert_eq!(bag::relation_is_cross_model(&env, "database", 0), Ok(true));
    assert_eq!(
        bag::relation_is_cross_model(&env, "database", 5),
        Err(Error::MissingRelation(5))
    );
    assert_eq!(
        bag::relation_is_cross_model(&env, "other", 0),
        Err(Error::MissingRelation(0))
    );
    env.remote_models.clear();
    assert_eq!(bag::relation_is_cross_model(&env, "database", 0), Ok(false));
}
