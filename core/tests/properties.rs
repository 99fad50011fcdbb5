//! Properties of the protocol over generated models, each side in its own in-memory Juju:
//! what one side writes the other reads back unchanged (requests, responses, statuses, peer
//! data, with model-subclass fields and custom secret groups); writing the same state twice
//! changes no byte; the order of the requests in a requirer's bag changes nothing the provider
//! emits or writes.

mod support;

use std::collections::BTreeSet;

use data_interfaces_core::env::Bag;
use data_interfaces_core::ids::gen_hash;
use data_interfaces_core::model::{
    FieldSpec, Hook, ProviderConfig, RelationEvent, Request, RequirerConfig, Response, Status,
};
use data_interfaces_core::peer::{self, PeerConfig, PeerScope};
use data_interfaces_core::requirer::Requirer;
use data_interfaces_core::{provider, status};
use proptest::prelude::*;
use support::{deliver, FakeEnv};

/// The requirer's relation id (in its model) and the provider's (in its own).
const CLIENT_RELATION: i32 = 3;
const DB_RELATION: i32 = 1;

fn relation_hook(created: bool, relation: i32, app: &str) -> Hook {
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

/// A request model adding a plain field and a field in a custom secret group. The group is not
/// one the response model uses: the provider consumes a request's group `G` secret under the
/// label its own response secret of group `G` has (`database.1.<request-id>.G.secret`, as the
/// library does), so a group name shared by both models cannot work.
fn request_fields() -> Vec<FieldSpec> {
    vec![
        FieldSpec {
            key: "tier".into(),
            secret_group: None,
        },
        FieldSpec {
            key: "api-key".into(),
            secret_group: Some("reqgroup".into()),
        },
    ]
}

/// A response model adding a plain field, a field in the `extra` group and one in a custom group.
fn response_fields() -> Vec<FieldSpec> {
    vec![
        FieldSpec {
            key: "region".into(),
            secret_group: None,
        },
        FieldSpec {
            key: "admin-password".into(),
            secret_group: Some("extra".into()),
        },
        FieldSpec {
            key: "signing-key".into(),
            secret_group: Some("mygroup".into()),
        },
    ]
}

fn text() -> impl Strategy<Value = String> {
    // Any printable text, non-ASCII and JSON's special characters included.
    "[a-zA-Z0-9 _\"\\\\/é😀-]{1,12}"
}

fn json_text() -> impl Strategy<Value = String> {
    prop_oneof![
        text().prop_map(|s| data_interfaces_core::json::dumps_str(&s)),
        any::<i32>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
    ]
}

/// Requests for distinct resources, each with its own salt.
fn requests() -> impl Strategy<Value = Vec<Request>> {
    prop::collection::btree_set("[a-z][a-z0-9_]{0,9}", 1..4).prop_flat_map(|resources| {
        let count = resources.len();
        (
            Just(resources),
            prop::collection::vec(request_rest(), count..=count),
        )
            .prop_map(|(resources, rests)| {
                resources
                    .into_iter()
                    .zip(rests)
                    .map(|(resource, mut request)| {
                        request.resource = resource;
                        request
                    })
                    .collect()
            })
    })
}

fn request_rest() -> impl Strategy<Value = Request> {
    (
        "[a-zA-Z0-9]{16}",
        proptest::option::of(text()),
        any::<bool>(),
        proptest::option::of(text()),
        proptest::option::of(json_text()),
        proptest::option::of(text()),
    )
        .prop_map(|(salt, roles, external, cert, tier, api_key)| {
            let mut extra = Vec::new();
            if let Some(tier) = tier {
                extra.push(("tier".to_string(), tier));
            }
            if let Some(api_key) = api_key {
                extra.push((
                    "api-key".to_string(),
                    data_interfaces_core::json::dumps_str(&api_key),
                ));
            }
            Request {
                salt,
                extra_user_roles: roles,
                external_node_connectivity: external,
                mtls_cert: cert,
                extra,
                ..Request::default()
            }
        })
}

fn response_values() -> impl Strategy<Value = Response> {
    (
        (
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(text()),
        ),
        (
            proptest::option::of(any::<bool>()),
            proptest::option::of(text()),
            proptest::option::of(text()),
        ),
        (
            proptest::option::of(json_text()),
            proptest::option::of(text()),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |((username, password, uris, endpoints), (tls, tls_ca, version), extras)| {
                let (region, admin, signing) = extras;
                let mut extra = Vec::new();
                if let Some(region) = region {
                    extra.push(("region".to_string(), region));
                }
                for (key, value) in [("admin-password", admin), ("signing-key", signing)] {
                    if let Some(value) = value {
                        extra.push((
                            key.to_string(),
                            data_interfaces_core::json::dumps_str(&value),
                        ));
                    }
                }
                Response {
                    username,
                    password,
                    uris,
                    endpoints,
                    tls,
                    tls_ca,
                    version,
                    extra,
                    ..Response::default()
                }
            },
        )
}

fn requirer_config(requests: Vec<Request>) -> RequirerConfig {
    RequirerConfig {
        endpoint: "database".into(),
        requests,
        request_fields: request_fields(),
        response_fields: response_fields(),
        ..RequirerConfig::default()
    }
}

fn provider_config() -> ProviderConfig {
    ProviderConfig {
        endpoint: "database".into(),
        request_fields: request_fields(),
        response_fields: response_fields(),
        ..ProviderConfig::default()
    }
}

/// Two models related on `database`.
fn worlds() -> (FakeEnv, FakeEnv) {
    let mut client = FakeEnv::new("client", true);
    client.add_relation(CLIENT_RELATION, "database", "db");
    let mut db = FakeEnv::new("db", true);
    db.add_relation(DB_RELATION, "database", "client");
    (client, db)
}

/// The requirer writes its requests; the provider's model receives them.
fn requests_delivered(config: &RequirerConfig) -> (FakeEnv, FakeEnv) {
    let (mut client, mut db) = worlds();
    Requirer::new(config.clone())
        .and_then(|handler| {
            handler.handle(&mut client, &relation_hook(true, CLIENT_RELATION, "db"))
        })
        .expect("relation-created");
    deliver(&client, CLIENT_RELATION, &mut db, DB_RELATION);
    (client, db)
}

/// A model as the reading side sees it, without what only that side fills in (secret URIs).
fn without_uris_request(mut request: Request) -> Request {
    request.secret_mtls = None;
    request.secret_requested_entity = None;
    // A declared field without a value reads back as JSON null.
    request
        .extra
        .retain(|(key, value)| key != "secret-reqgroup" && value != "null");
    request.extra.sort();
    request
}

fn without_uris_response(mut response: Response) -> Response {
    response.secret_user = None;
    response.secret_tls = None;
    response.secret_extra = None;
    response.secret_entity = None;
    response
        .extra
        .retain(|(key, value)| !key.starts_with("secret-") && value != "null");
    response.extra.sort();
    response
}

/// What the provider answers to a request.
fn answer(request: &Request, values: &Response) -> Response {
    Response {
        resource: request.resource.clone(),
        request_id: request.request_id.clone(),
        salt: request.salt.clone(),
        ..values.clone()
    }
}

fn snapshot(env: &FakeEnv) -> (Vec<String>, Vec<(String, usize)>) {
    let mut bags: Vec<String> = env
        .bags
        .iter()
        .map(|((relation, bag), entries)| format!("{relation} {bag}: {entries:?}"))
        .collect();
    bags.sort();
    let secrets = env
        .secrets
        .iter()
        .map(|s| (s.id.clone(), s.revisions.len()))
        .collect();
    (bags, secrets)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn requests_written_by_the_requirer_are_read_back_equal(requests in requests()) {
        let config = requirer_config(requests.clone());
        let (_, mut db) = requests_delivered(&config);
        let read = provider::requests(&mut db, &provider_config(), DB_RELATION)
            .expect("the provider reads the requests");
        let expected: Vec<Request> = requests
            .into_iter()
            .map(|mut request| {
                request.request_id = Some(gen_hash(&request.resource, &request.salt));
                without_uris_request(request)
            })
            .collect();
        let read: Vec<Request> = read.into_iter().map(without_uris_request).collect();
        prop_assert_eq!(read, expected);
    }

    #[test]
    fn responses_written_by_the_provider_are_read_back_equal(
        requests in requests(),
        values in response_values(),
    ) {
        let config = requirer_config(requests);
        let (mut client, mut db) = requests_delivered(&config);
        let read = provider::requests(&mut db, &provider_config(), DB_RELATION)
            .expect("the provider reads the requests");
        let written: Vec<Response> = read.iter().map(|request| answer(request, &values)).collect();
        provider::set_responses(&mut db, &provider_config(), DB_RELATION, &written)
            .expect("set-responses");
        deliver(&db, DB_RELATION, &mut client, CLIENT_RELATION);
        let got = Requirer::new(config.clone()).and_then(|handler| handler.responses(&mut client, CLIENT_RELATION))
            .expect("the requirer reads the responses");
        let got: Vec<Response> = got.into_iter().map(without_uris_response).collect();
        let written: Vec<Response> = written.into_iter().map(without_uris_response).collect();
        prop_assert_eq!(got, written);
    }

    #[test]
    fn statuses_raised_by_the_provider_are_read_back_equal(
        raised in prop::collection::btree_map(1000..5000i32, (text(), text()), 0..4),
    ) {
        let config = requirer_config(vec![Request { resource: "db".into(), ..Request::default() }]);
        let (mut client, mut db) = requests_delivered(&config);
        let statuses: Vec<Status> = raised
            .into_iter()
            .map(|(code, (message, resolution))| Status { code, message, resolution })
            .collect();
        for raised in &statuses {
            status::raise_status(&mut db, &provider_config(), DB_RELATION, raised)
                .expect("raise-status");
        }
        deliver(&db, DB_RELATION, &mut client, CLIENT_RELATION);
        let mut got = Requirer::new(config.clone()).and_then(|handler| handler.statuses(&mut client, CLIENT_RELATION))
            .expect("the requirer reads the statuses");
        got.sort_by_key(|status| status.code);
        prop_assert_eq!(got, statuses);
    }

    #[test]
    fn peer_data_written_is_read_back_equal(
        // Strings are stored as they are and read back as JSON when they parse as JSON (as the
        // library does): a string value that reads as JSON does not survive, so none is drawn.
        plain in prop::collection::btree_map(
            prop_oneof![Just("role".to_string()), "[a-z][a-z0-9-]{2,8}"],
            json_text().prop_filter("a string that reads as JSON", |text| {
                match data_interfaces_core::json::loads(text) {
                    Ok(serde_json::Value::String(inner)) => data_interfaces_core::json::loads(&inner).is_err(),
                    _ => true,
                }
            }),
            0..4,
        ),
        // Secret fields hold strings.
        secret in prop::collection::btree_map(
            prop_oneof![Just("admin-password".to_string()), Just("replication-key".to_string())],
            text().prop_map(|s| data_interfaces_core::json::dumps_str(&s)),
            0..3,
        ),
        app_scope in any::<bool>(),
    ) {
        let config = PeerConfig {
            endpoint: "peers".into(),
            fields: vec![
                FieldSpec { key: "role".into(), secret_group: None },
                FieldSpec { key: "admin-password".into(), secret_group: Some("extra".into()) },
                FieldSpec { key: "replication-key".into(), secret_group: Some("mygroup".into()) },
            ],
        };
        let values: std::collections::BTreeMap<String, String> =
            plain.into_iter().chain(secret).collect();
        let scope = if app_scope { PeerScope::App } else { PeerScope::Unit };
        let mut env = FakeEnv::new("db", true);
        env.add_relation(7, "peers", "db");
        let written: Vec<(String, Option<String>)> =
            values.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
        peer::write(&mut env, &config, 7, &scope, &written).expect("peer write");
        let read: BTreeSet<(String, String)> = peer::read(&mut env, &config, 7, &scope)
            .expect("peer read")
            .into_iter()
            .collect();
        let expected: BTreeSet<(String, String)> = values.into_iter().collect();
        prop_assert_eq!(read, expected);

        // Writing the same data again changes no byte and adds no secret revision.
        let before = snapshot(&env);
        let applies = env.applies;
        peer::write(&mut env, &config, 7, &scope, &written).expect("peer write again");
        prop_assert_eq!(env.applies, applies);
        prop_assert_eq!(snapshot(&env), before);
    }

    #[test]
    fn writing_the_same_requests_and_responses_twice_changes_no_byte(
        requests in requests(),
        values in response_values(),
    ) {
        let config = requirer_config(requests);
        let (mut client, mut db) = requests_delivered(&config);
        let before = snapshot(&client);
        let applies = client.applies;
        Requirer::new(config.clone()).and_then(|handler| handler.handle(&mut client, &relation_hook(true, CLIENT_RELATION, "db")))
            .expect("relation-created again");
        prop_assert_eq!(client.applies, applies);
        prop_assert_eq!(snapshot(&client), before);

        let changed = relation_hook(false, DB_RELATION, "client");
        provider::handle(&mut db, &provider_config(), &changed).expect("relation-changed");
        let read = provider::requests(&mut db, &provider_config(), DB_RELATION)
            .expect("the provider reads the requests");
        let written: Vec<Response> = read.iter().map(|request| answer(request, &values)).collect();
        provider::set_responses(&mut db, &provider_config(), DB_RELATION, &written)
            .expect("set-responses");
        let before = snapshot(&db);
        let applies = db.applies;
        provider::set_responses(&mut db, &provider_config(), DB_RELATION, &written)
            .expect("set-responses again");
        provider::handle(&mut db, &provider_config(), &changed).expect("relation-changed again");
        prop_assert_eq!(db.applies, applies);
        prop_assert_eq!(snapshot(&db), before);
    }

    #[test]
    fn the_order_of_the_requests_changes_nothing_the_provider_emits_or_writes(
        (requests, shuffled) in requests().prop_flat_map(|requests| {
            let shuffled = Just(requests.clone()).prop_shuffle();
            (Just(requests), shuffled)
        }),
        values in response_values(),
    ) {
        // Without the requests' secret fields: the requirer's secret URIs follow the order it
        // creates them in, which is what this property varies.
        let plain = |requests: Vec<Request>| -> Vec<Request> {
            requests
                .into_iter()
                .map(|mut request| {
                    request.mtls_cert = None;
                    request.extra.retain(|(key, _)| key != "api-key");
                    request
                })
                .collect()
        };
        let run = |requests: Vec<Request>| {
            let config = requirer_config(plain(requests));
            let (_, mut db) = requests_delivered(&config);
            let changed = relation_hook(false, DB_RELATION, "client");
            let handled = provider::handle(&mut db, &provider_config(), &changed)
                .expect("relation-changed");
            assert!(handled.rejections.is_empty(), "{:?}", handled.rejections);
            let events: BTreeSet<String> =
                handled.events.iter().map(|e| format!("{e:?}")).collect();
            let read = provider::requests(&mut db, &provider_config(), DB_RELATION)
                .expect("the provider reads the requests");
            let mut written: Vec<Response> =
                read.iter().map(|request| answer(request, &values)).collect();
            written.sort_by(|a, b| a.request_id.cmp(&b.request_id));
            provider::set_responses(&mut db, &provider_config(), DB_RELATION, &written)
                .expect("set-responses");
            // The `data` cache lists the requests in the requirer's order, as the library
            // writes it: compared as a map. Every other key byte for byte.
            let mut ours = db.bag(DB_RELATION, Bag::LocalApp);
            let cache = ours
                .shift_remove("data")
                .map(|text| data_interfaces_core::json::loads(&text).expect("the cache is JSON"));
            (events, ours, cache)
        };
        let (events, ours, cache) = run(requests);
        let (shuffled_events, shuffled_ours, shuffled_cache) = run(shuffled);
        prop_assert_eq!(events, shuffled_events);
        prop_assert_eq!(ours, shuffled_ours);
        prop_assert_eq!(cache, shuffled_cache);
    }
}
