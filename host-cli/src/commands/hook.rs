//! `hook`: handle the current Juju hook and print the charm's events (and the rejected
//! entries) as JSON lines.

use super::{config_of, engine, print_lines, wrong_role};
use crate::args::ConfigArgs;
use crate::config::HandlerConfig;
use crate::error::CliError;
use crate::records::{provider_event_to_json, rejection_to_json, requirer_event_to_json};
use data_interfaces_host::hooktools::{HookContext, HookTools};

/// Handle the hook in the `JUJU_*` environment; a hook that is not the handler's prints
/// nothing.
pub(super) fn hook(args: &ConfigArgs) -> Result<(), CliError> {
    let config = config_of(&args.config)?;
    let context = HookContext::from_env()?;
    let Some(hook) = context.hook_for(config.endpoint())? else {
        // Not a hook of this handler: nothing to do, nothing to print.
        return Ok(());
    };
    let backend = HookTools::new(context);
    match config {
        HandlerConfig::Requirer(c) => {
            let handled = engine()?.requirer(c, backend)?.handle(&hook)?;
            print_lines(
                handled.events.iter().map(requirer_event_to_json).chain(
                    handled
                        .rejections
                        .iter()
                        .map(|r| rejection_to_json("response_rejected", r)),
                ),
            )
        }
        HandlerConfig::Provider(c) => {
            let handled = engine()?.provider(c, backend)?.handle(&hook)?;
            print_lines(
                handled.events.iter().map(provider_event_to_json).chain(
                    handled
                        .rejections
                        .iter()
                        .map(|r| rejection_to_json("request_rejected", r)),
                ),
            )
        }
        HandlerConfig::Peer(_) => Err(wrong_role("hook", "requirer or provider")),
    }
}
