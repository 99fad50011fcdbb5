//! `data-interfaces`: the command-line host, for charms written in any language.
//!
//! * `hook --config FILE` handles the current Juju hook (read from the `JUJU_*` environment)
//!   over the hook tools and prints the events for the charm as JSON lines on stdout;
//! * every charm-facing call of the handlers is a command: the provider's `set-response`,
//!   `requests`, `raise-status`, `resolve-status`, `clear-statuses`; the requirer's
//!   `is-resource-created`, `are-all-resources-created`; `responses` and `statuses` on both
//!   sides; `peer-read`, `peer-write` and `peer-delete` for peer relation data;
//! * `demo` runs the whole handshake in memory; `precompile` warms the precompiled cache.
//!
//! Events and responses printed on stdout carry credentials (a `resource_created` event has
//! the username and password): stdout is the charm's channel, like the return value of a
//! library call. Errors go to stderr and never carry a secret value: a sentence, or with
//! `--error-format json` one JSON object (`error`, `message`, and for a protocol error
//! `reason`, `relation-id`, `bag`, `key`). Exit codes: 0 success, 1 failure, 2 usage error.
//!
//! The crate, one concept per module: the command line ([`args`], clap), running each
//! command ([`commands`]), the handler configuration file ([`config`]), the JSON forms of
//! requests, responses, statuses and events ([`records`]) and what they derive from the
//! records' serde derives ([`derived`]), failures and exit codes
//! ([`error`]), and the in-memory demo ([`demo`]). The protocol runs in the component,
//! through the `data-interfaces-host` crate; the hook tools are its
//! [`data_interfaces_host::hooktools`] backend.

pub mod args;
pub mod commands;
pub mod config;
pub mod demo;
pub mod derived;
pub mod error;
pub mod records;

use clap::error::ErrorKind;
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

/// Run the command line `args` (without the program's name) as the binary does: parse it,
/// run the command, report a failure on stderr; the exit code.
pub fn main_with(args: Vec<OsString>) -> ExitCode {
    let cli = match args::parse(&args) {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // `--help`, `help COMMAND`: the help on stdout; a closed stdout (`| head`) is not
            // an error.
            let _ = write!(std::io::stdout(), "{}", error.render());
            return ExitCode::SUCCESS;
        }
        Err(error) if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // No command at all: the help, on stderr.
            let _ = write!(std::io::stderr(), "{}", error.render());
            return error::CliError::Usage(error).exit_code();
        }
        // Before the command line is parsed, a usage error is reported as it asks.
        Err(error) => {
            return report(
                error::CliError::Usage(error),
                args::wants_json_errors(&args),
            );
        }
    };
    match commands::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(error, cli.error_format == args::ErrorFormat::Json),
    }
}

/// Report a failure on stderr, as a sentence or a JSON object; its exit code.
fn report(error: error::CliError, json: bool) -> ExitCode {
    if json {
        eprintln!("{}", error.to_json());
    } else {
        eprintln!("data-interfaces: {error}");
    }
    error.exit_code()
}
