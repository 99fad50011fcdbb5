//! `hook`: handle the current Juju hook and print the charm's events (and the rejected
//! entries) as JSON lines.

use super::{commit, config_of, engine, hook_tools, print_lines, wrong_role};
use crate::args::ConfigArgs;
use crate::config::HandlerConfig;
use crate::error::CliError;
use crate::records::{provider_event_to_json, rejection_to_json, requirer_event_to_json};
use data_interfaces_host::hooktools::HookContext;

/// Handle the hook in the `JUJU_*` environment; a hook that is not the handler's prints
/// nothing. The bags the hook writes are written before its events are printed.
pub(super) fn hook(args: &ConfigArgs) -> Result<(), CliError> {
    let config = config_of(&args.config)?;
    let context = HookContext::from_env()?;
    let Some(hook) = context.hook_for(config.endpoint())? else {
        // Not a hook of this handler: nothing to do, nothing to print.
        return Ok(());
    };
    let backend = hook_tools(context);
    match config {
        HandlerConfig::Requirer(c) => {
            let mut requirer = engine()?.requirer(c, backend)?;
            let handled = requirer.handle(&hook)?;
            commit(requirer.into_backend())?;
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
            let mut provider = engine()?.provider(c, backend)?;
            let handled = provider.handle(&hook)?;
            commit(provider.into_backend())?;
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
