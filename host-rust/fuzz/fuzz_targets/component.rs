//! Fuzzes the component through the Rust host: over the in-memory Juju, a requirer writes its
//! requests, the requirer's application bag is then overwritten with protocol-shaped or
//! arbitrary entries, the provider handles relation-changed and answers each request, the
//! provider's bag is overwritten in turn and the requirer handles relation-changed. Protocol
//! errors are expected; a trap (a panic in the guest), running out of fuel or memory, or a
//! secret value in an event's `Debug` output is a crash.

#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use data_interfaces_core_fuzz::{bag, word};
use data_interfaces_host::backend::Backend;
use data_interfaces_host::error::Error;
use data_interfaces_host::memory::Juju;
use data_interfaces_host::wit::{Bag, ChangeSet};
use data_interfaces_host::LoadOptions;
use data_interfaces_host::{
    relation_changed, relation_created, DataInterfaces, ProviderBuilder, ProviderEvent, Request,
    RequirerBuilder, Response,
};
use libfuzzer_sys::fuzz_target;

/// The password every response carries: it must never show in `Debug` output.
const PASSWORD: &str = "fuzz-password-b41f";

#[derive(Debug)]
struct Input {
    resources: Vec<String>,
    roles: Option<String>,
    requirer_bag: Vec<(String, String)>,
    provider_bag: Vec<(String, String)>,
    endpoints: String,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let count = u.int_in_range(1..=2)?;
        Ok(Input {
            resources: (0..count)
                .map(|_| word(u))
                .collect::<arbitrary::Result<_>>()?,
            roles: if u.arbitrary()? { Some(word(u)?) } else { None },
            requirer_bag: bag(u)?,
            provider_bag: bag(u)?,
            endpoints: word(u)?,
        })
    }
}

fn engine() -> &'static DataInterfaces {
    static ENGINE: OnceLock<DataInterfaces> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let options = LoadOptions {
            cache_dir: None,
            ..LoadOptions::default()
        };
        DataInterfaces::load_with(&options).expect("the component loads")
    })
}

/// Protocol errors are the component's answer to bad input; anything else is a crash.
fn check<T>(result: Result<T, Error>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(Error::Protocol(error)) => {
            let _ = format!("{error:?}");
            None
        }
        Err(error) => panic!("the component failed: {error}"),
    }
}

fn overwrite(juju: &Juju, unit: &str, relation: i32, entries: &[(String, String)]) {
    let changes = ChangeSet {
        set: entries
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .cloned()
            .collect(),
        delete: entries
            .iter()
            .filter(|(_, value)| value.is_empty())
            .map(|(key, _)| key.clone())
            .collect(),
    };
    // The in-memory Juju refuses what real Juju refuses (bad keys); that input is simply lost.
    let _ = juju.unit(unit).apply(relation, &Bag::LocalApp, &changes);
}

fuzz_target!(|input: Input| {
    let engine = engine();
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("server", 1);
    let relation = juju.relate("client", "database", "server", "database");

    let mut requirer = RequirerBuilder::new("database");
    for resource in &input.resources {
        let mut request = Request::new(resource.clone());
        if let Some(roles) = &input.roles {
            request = request.extra_user_roles(roles.clone());
        }
        requirer = requirer.request(request);
    }
    let Some(mut client) = check(requirer.build(engine, juju.unit("client/0"))) else {
        return;
    };
    if check(client.handle(&relation_created(relation, "server"))).is_none() {
        return;
    }
    overwrite(&juju, "client/0", relation, &input.requirer_bag);

    let mut server = check(ProviderBuilder::new("database").build(engine, juju.unit("server/0")))
        .expect("a provider with the default configuration builds");
    let events = check(server.handle(&relation_changed(relation, "client")))
        .map(|handled| handled.events)
        .unwrap_or_default();
    for event in &events {
        if let ProviderEvent::ResourceRequested { request, .. } = event {
            let response = Response::for_request(request)
                .username("fuzz-user")
                .password(PASSWORD)
                .endpoints(input.endpoints.clone());
            check(server.set_response(relation, &response));
        }
    }
    overwrite(&juju, "server/0", relation, &input.provider_bag);

    if let Some(events) = check(client.handle(&relation_changed(relation, "server"))) {
        let debug = format!("{events:?}");
        assert!(!debug.contains(PASSWORD), "a secret value in {debug}");
    }
    for line in juju.log() {
        assert!(
            !line.message.contains(PASSWORD),
            "a secret value in the log: {line:?}"
        );
    }
});
