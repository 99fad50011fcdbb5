//! Fuzzes whole hooks through the core's public API: a requirer or provider handler, configured
//! with arbitrary requests and model fields, runs a relation or secret hook over an in-memory
//! Juju whose databags and secrets are protocol-shaped or arbitrary. Nothing may panic, and
//! every event and error must format with `Debug` and `Display`.

#![no_main]

use data_interfaces_core::{provider, requirer};
use data_interfaces_core_fuzz::{HookInput, Side};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: HookInput| {
    let HookInput {
        side,
        mut env,
        requirer: requirer_config,
        provider: provider_config,
        hook,
    } = input;
    match side {
        Side::Requirer => match requirer::handle(&mut env, &requirer_config, &hook) {
            Ok(events) => {
                let _ = format!("{events:?}");
            }
            Err(error) => {
                let _ = format!("{error} {error:?}");
            }
        },
        Side::Provider => match provider::handle(&mut env, &provider_config, &hook) {
            Ok(events) => {
                let _ = format!("{events:?}");
            }
            Err(error) => {
                let _ = format!("{error} {error:?}");
            }
        },
    }
});
