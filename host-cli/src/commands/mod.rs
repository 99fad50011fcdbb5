//! Running a parsed command line: one module per group of commands, and what they share
//! (reading the configuration and input files, making a handler over the hook tools,
//! writing what it held back, printing JSON lines).
//!
//! A command is one process, as a hook is: the hook-tool backend holds its bag writes back
//! ([`HookTools::buffered`]) and a command that succeeds writes them at its end ([`commit`]),
//! one `relation-set` per bag; a command that fails writes no bag.
//!
//! | module | commands |
//! |---|---|
//! | `hook.rs` | `hook` |
//! | `provider.rs` | `set-response`, `raise-status`, `resolve-status`, `clear-statuses` |
//! | `requirer.rs` | `is-resource-created`, `are-all-resources-created` |
//! | `relation.rs` | `requests`, `responses`, `statuses` (either side) |
//! | `peer.rs` | `peer-read`, `peer-write`, `peer-delete` |
//! | here | `demo`, `precompile` |

mod hook;
mod peer;
mod provider;
mod relation;
mod requirer;

use crate::args::{Cli, Command, RelationArgs};
use crate::config::HandlerConfig;
use crate::demo::Demo;
use crate::error::CliError;
use crate::records::FormError;
use clap::error::ErrorKind;
use data_interfaces_host::hooktools::{HookContext, HookTools};
use data_interfaces_host::wit::{self, ProviderConfig, RequirerConfig};
use data_interfaces_host::{
    Backend, BackendError, DataInterfaces, Error, LoadOptions, Provider, Requirer, Runtime,
};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::Path;

/// Run a command.
pub fn run(cli: &Cli) -> Result<(), CliError> {
    match &cli.command {
        Command::Hook(args) => hook::hook(args),
        Command::SetResponse(args) => provider::set_response(args),
        Command::Requests(args) => relation::requests(args),
        Command::Responses(args) => relation::responses(args),
        Command::RaiseStatus(args) => provider::raise_status(args),
        Command::ResolveStatus(args) => provider::resolve_status(args),
        Command::ClearStatuses(args) => provider::clear_statuses(args),
        Command::Statuses(args) => relation::statuses(args),
        Command::IsResourceCreated(args) => requirer::is_resource_created(args),
        Command::AreAllResourcesCreated(args) => requirer::are_all_resources_created(args),
        Command::PeerRead(args) => peer::read(args),
        Command::PeerWrite(args) => peer::write(args),
        Command::PeerDelete(args) => peer::delete(args),
        Command::Demo => demo(),
        Command::Precompile => precompile(),
    }
}

fn demo() -> Result<(), CliError> {
    let runtime = Runtime::load()?;
    let stdout = std::io::stdout();
    Ok(Demo::new(&runtime, stdout.lock()).run()?)
}

fn precompile() -> Result<(), CliError> {
    let runtime = Runtime::load_with(&LoadOptions::default())?;
    print_text(&format!(
        "{:?} in {:.2} ms",
        runtime.source(),
        runtime.load_time().as_secs_f64() * 1000.0
    ))
}

/// The handler configuration of a file.
fn config_of(path: &Path) -> Result<HandlerConfig, CliError> {
    let bad = |reason: String| CliError::Config {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    HandlerConfig::from_json_str(&text).map_err(|e| bad(e.to_string()))
}

/// The backend over the hook tools, for the hook in the environment; it holds bag writes
/// back until [`commit`].
fn backend() -> Result<HookTools, CliError> {
    Ok(hook_tools(HookContext::from_env()?))
}

/// The backend over the hook tools for a hook's context, holding bag writes back.
fn hook_tools(context: HookContext) -> HookTools {
    HookTools::new(context).buffered()
}

/// End a command whose calls succeeded: write the bags its backend held back (one
/// `relation-set` each). A failed write is reported as the component reports a failure of
/// the hook tools: a host error (`host`), or an aborted call (`backend`).
fn commit(mut backend: Box<dyn Backend>) -> Result<(), CliError> {
    backend.flush().map_err(|error| {
        CliError::Component(match error {
            BackendError::Host(error) => Error::Protocol(wit::Error::Host(error)),
            BackendError::Fatal(error) => Error::Backend(error),
        })
    })
}

fn engine() -> Result<DataInterfaces, CliError> {
    Ok(DataInterfaces::shared()?)
}

/// A command given a configuration of the wrong role (a usage error).
fn wrong_role(command: &str, wanted: &str) -> CliError {
    CliError::Usage(crate::args::usage_error(
        ErrorKind::InvalidValue,
        format!("{command} needs a {wanted} configuration"),
    ))
}

fn provider_config(args: &RelationArgs, command: &str) -> Result<ProviderConfig, CliError> {
    match config_of(&args.config)? {
        HandlerConfig::Provider(config) => Ok(config),
        _ => Err(wrong_role(command, "provider")),
    }
}

/// A provider over the hook tools, from a provider configuration.
fn provider(args: &RelationArgs, command: &str) -> Result<Provider, CliError> {
    let config = provider_config(args, command)?;
    Ok(engine()?.provider(config, backend()?)?)
}

fn requirer_config(args: &RelationArgs, command: &str) -> Result<RequirerConfig, CliError> {
    match config_of(&args.config)? {
        HandlerConfig::Requirer(config) => Ok(config),
        _ => Err(wrong_role(command, "requirer")),
    }
}

/// A requirer over the hook tools, from a requirer configuration.
fn requirer(args: &RelationArgs, command: &str) -> Result<Requirer, CliError> {
    let config = requirer_config(args, command)?;
    Ok(engine()?.requirer(config, backend()?)?)
}

/// Print JSON values, one a line, on stdout.
fn print_lines(values: impl IntoIterator<Item = Value>) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for value in values {
        writeln!(out, "{value}")?;
    }
    out.flush()?;
    Ok(())
}

fn print_text(text: &str) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// A JSON document from a file or `-` (stdin). A JSON error names a line and column, never
/// the text (it may hold a password).
fn read_json(source: &str, what: &str) -> Result<Value, CliError> {
    let input = |reason: String| CliError::Input {
        what: format!("{what} {source}"),
        reason,
    };
    let mut text = String::new();
    if source == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| input(e.to_string()))?;
    } else {
        text = std::fs::read_to_string(Path::new(source)).map_err(|e| input(e.to_string()))?;
    }
    serde_json::from_str(&text).map_err(|e| input(e.to_string()))
}

/// An input document that cannot be used, named with where it came from.
fn bad_input(what: &str, source: &str) -> impl Fn(FormError) -> CliError {
    let what = format!("{what} {source}");
    move |error| CliError::Input {
        what: what.clone(),
        reason: error.to_string(),
    }
}
