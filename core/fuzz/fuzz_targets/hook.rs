//! Fuzzes whole hooks through the core's public API: a requirer or provider handler, configured
//! with arbitrary requests and model fields, runs a relation or secret hook over an in-memory
//! Juju whose databags and secrets are protocol-shaped or arbitrary. Nothing may panic, and no
//! secret value may show in a databag, a log line, an error or an event's `Debug` output.

#![no_main]

use data_interfaces_core::provider;
use data_interfaces_core::requirer::Requirer;
use data_interfaces_core_fuzz::support::FakeEnv;
use data_interfaces_core_fuzz::{HookInput, Side, SECRET_MARK};
use libfuzzer_sys::fuzz_target;

/// Every databag value, with where it is.
fn bag_text(env: &FakeEnv) -> Vec<(String, String)> {
    env.bags
        .iter()
        .flat_map(|((relation, bag), entries)| {
            entries.iter().map(move |(key, value)| {
                (
                    format!("relation {relation} {bag} key {key}"),
                    value.clone(),
                )
            })
        })
        .collect()
}

fuzz_target!(|input: HookInput| {
    let HookInput {
        side,
        mut env,
        requirer: requirer_config,
        provider: provider_config,
        hook,
    } = input;
    // The input itself may carry the mark (the fuzzer learns it): then nothing can be said.
    let given = format!("{requirer_config:?}{provider_config:?}{hook:?}");
    let tainted = given.contains(SECRET_MARK)
        || bag_text(&env)
            .iter()
            .any(|(_, value)| value.contains(SECRET_MARK));
    let mut produced = match side {
        Side::Requirer => {
            match Requirer::new(requirer_config).and_then(|h| h.handle(&mut env, &hook)) {
                Ok(events) => vec![("events".to_string(), format!("{events:?}"))],
                Err(error) => vec![("error".to_string(), format!("{error} {error:?}"))],
            }
        }
        Side::Provider => match provider::handle(&mut env, &provider_config, &hook) {
            Ok(events) => vec![("events".to_string(), format!("{events:?}"))],
            Err(error) => vec![("error".to_string(), format!("{error} {error:?}"))],
        },
    };
    if tainted {
        return;
    }
    produced.extend(bag_text(&env));
    for line in env.logs.borrow().iter() {
        produced.push(("log".to_string(), line.clone()));
    }
    for (place, text) in produced {
        assert!(
            !text.contains(SECRET_MARK),
            "a secret value in the {place}: {text}"
        );
    }
});
