//! The command line of `data-interfaces`, declared with clap: one subcommand per hook
//! handling or charm-facing call, their options, and their help.
//!
//! [`command`] builds the whole [`clap::Command`] with the house's help layout (`usage:` first,
//! then what the command does, its options, the environment and the exit codes); `-h` and
//! `--help` print the same full text, as `help COMMAND` does. A malformed command line is a
//! clap error (exit code 2), as are the few checks clap cannot declare ([`usage_error`]).

use clap::error::ErrorKind;
use clap::{Arg, ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use data_interfaces_host::wit::PeerScope;
use std::ffi::OsString;
use std::path::PathBuf;

/// What every command's help ends with.
const FOOTER: &str = "environment:
  DATA_INTERFACES_CACHE_DIR    where the precompiled component is cached
  DATA_INTERFACES_HOOK_TOOLS   the directory of Juju's hook tools (default: PATH)

exit codes: 0 success, 1 failure, 2 usage error";

/// The layout of the top-level help (`data-interfaces --help`, `data-interfaces help`).
const TOP_TEMPLATE: &str = "usage: {usage}

commands:
{subcommands}

options of every command:
{options}{after-help}";

/// The layout of a command's help (`data-interfaces COMMAND --help`, `help COMMAND`).
const COMMAND_TEMPLATE: &str = "usage: {usage}

{about}

options:
{options}{after-help}";

/// The whole command line: a command and how failures are reported.
#[derive(Debug, Parser)]
#[command(
    name = "data-interfaces",
    override_usage = "data-interfaces <command> [options]",
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// How a failure is reported on stderr: `text`, a sentence (`data-interfaces: ...`), or
    /// `json`, one JSON object (`error`, `message`, and for a protocol error `reason`,
    /// `relation-id`, `bag`, `key`).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ErrorFormat::Text,
        value_name = "text|json",
        hide_possible_values = true
    )]
    pub error_format: ErrorFormat,
}

/// How a failure is reported on stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// `data-interfaces: <sentence>`.
    #[default]
    Text,
    /// One JSON object: `error`, `message`, and for a protocol error `reason`, `relation-id`,
    /// `bag`, `key`.
    Json,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Handle the current hook.
    #[command(
        override_usage = "data-interfaces hook --config FILE",
        about = "Handle the current Juju hook (from the JUJU_* environment) over the hook tools.",
        long_about = "Handle the current Juju hook (from the JUJU_* environment) over the hook tools.
Prints the charm's events as JSON lines on stdout (they carry credentials): each has
`event` (resource_created, resource_requested, ...), `relation-id`, `app`, `unit`, and
`response` (requirer), `requests` (provider), `alias`, `status`, `old-mtls-cert`.
A hook of another endpoint (or install, relation-joined, ...) prints nothing."
    )]
    Hook(ConfigArgs),
    /// Provider: write responses.
    #[command(
        override_usage = "data-interfaces set-response --config FILE --relation-id N --response FILE|-",
        about = "Provider: write a response (a JSON object, wire keys) or several (a JSON list) on a relation; secret fields go to Juju secrets granted on the relation.",
        long_about = "Provider: write a response (a JSON object, wire keys) or several (a JSON list) on a
relation; secret fields go to Juju secrets granted on the relation. A response is merged into
the stored one: a key given as null is cleared (a secret field leaves its secret, which goes
away once empty). Leader only."
    )]
    SetResponse(SetResponseArgs),
    /// Print the requests.
    #[command(
        override_usage = "data-interfaces requests --config FILE --relation-id N",
        about = "Provider: print the requests on a relation as JSON lines.",
        long_about = "Provider: print the requests on a relation as JSON lines. Requirer: print the
configured requests."
    )]
    Requests(RelationArgs),
    /// Print the responses.
    #[command(
        override_usage = "data-interfaces responses --config FILE --relation-id N",
        about = "Print the responses on a relation as JSON lines, secret fields filled in (they carry credentials).",
        long_about = "Print the responses on a relation as JSON lines, secret fields filled in (they carry
credentials). Provider: its own responses; requirer: the provider's."
    )]
    Responses(RelationArgs),
    /// Provider: raise a status.
    #[command(
        override_usage = "data-interfaces raise-status --config FILE --relation-id N (--code C | --status FILE|-)",
        about = "Provider: raise a status on a relation, by its code in the configuration's status-schema or as a JSON object {\"code\", \"message\", \"resolution\"}; a status with the same code is replaced.",
        long_about = "Provider: raise a status on a relation, by its code in the configuration's
status-schema or as a JSON object {\"code\", \"message\", \"resolution\"}; a status with
the same code is replaced. Leader only."
    )]
    RaiseStatus(RaiseStatusArgs),
    /// Provider: resolve a status.
    #[command(
        override_usage = "data-interfaces resolve-status --config FILE --relation-id N --code C",
        about = "Provider: resolve a raised status (a code never raised changes nothing).",
        long_about = "Provider: resolve a raised status (a code never raised changes nothing). Leader only."
    )]
    ResolveStatus(ResolveStatusArgs),
    /// Provider: clear every status.
    #[command(
        override_usage = "data-interfaces clear-statuses --config FILE --relation-id N",
        about = "Provider: clear every status of a relation.",
        long_about = "Provider: clear every status of a relation. Leader only."
    )]
    ClearStatuses(RelationArgs),
    /// Print the statuses.
    #[command(
        override_usage = "data-interfaces statuses --config FILE --relation-id N",
        about = "Print the statuses raised on a relation as JSON lines {\"code\", \"message\", \"resolution\"}, by code.",
        long_about = "Print the statuses raised on a relation as JSON lines {\"code\", \"message\",
\"resolution\"}, by code. Provider (leader only): those it raised; requirer: those the
provider raises."
    )]
    Statuses(RelationArgs),
    /// Requirer: whether a request's resource is created.
    #[command(
        override_usage = "data-interfaces is-resource-created --config FILE --relation-id N --request-id ID",
        about = "Requirer: print true when the response to the request has credentials, else false.",
        long_about = "Requirer: print true when the response to the request has credentials, else false."
    )]
    IsResourceCreated(IsResourceCreatedArgs),
    /// Requirer: whether every resource is created.
    #[command(
        override_usage = "data-interfaces are-all-resources-created --config FILE --relation-id N",
        about = "Requirer: print true when every response with a request id has credentials (true when there is none), else false.",
        long_about = "Requirer: print true when every response with a request id has credentials (true
when there is none), else false."
    )]
    AreAllResourcesCreated(RelationArgs),
    /// Peer: read a scope.
    #[command(
        override_usage = "data-interfaces peer-read --config FILE --relation-id N --scope app|unit|other-unit [--unit UNIT]",
        about = "Peer: print a scope's data as one JSON object (wire key: value): the configured fields that have a value (secret fields read from their secrets), then the databag's other keys.",
        long_about = "Peer: print a scope's data as one JSON object (wire key: value): the configured
fields that have a value (secret fields read from their secrets), then the databag's
other keys. The other-unit scope names the unit with --unit; its secret fields are not
readable."
    )]
    PeerRead(PeerArgs),
    /// Peer: write fields of a scope.
    #[command(
        override_usage = "data-interfaces peer-write --config FILE --relation-id N --scope app|unit [--unit UNIT] --values FILE|-",
        about = "Peer: set fields of a scope from a JSON object (wire key: value; null deletes); secret fields go to the scope's secrets.",
        long_about = "Peer: set fields of a scope from a JSON object (wire key: value; null deletes);
secret fields go to the scope's secrets. Other keys are left alone; only what changes is
written. The app scope is leader only; another unit's data (--scope other-unit --unit U)
is read only: writing it is an error."
    )]
    PeerWrite(PeerWriteArgs),
    /// Peer: delete fields of a scope.
    #[command(
        override_usage = "data-interfaces peer-delete --config FILE --relation-id N --scope app|unit [--unit UNIT] --key KEY [--key KEY ...]",
        about = "Peer: delete fields of a scope (from the databag or from their secret).",
        long_about = "Peer: delete fields of a scope (from the databag or from their secret)."
    )]
    PeerDelete(PeerDeleteArgs),
    /// The in-memory demo.
    #[command(
        override_usage = "data-interfaces demo",
        about = "Run a requirer and a provider through the whole handshake, in memory.",
        long_about = "Run a requirer and a provider through the whole handshake, in memory."
    )]
    Demo,
    /// Warm the precompiled cache.
    #[command(
        override_usage = "data-interfaces precompile",
        about = "Compile the component into the cache (for install time).",
        long_about = "Compile the component into the cache (for install time)."
    )]
    Precompile,
}

/// `--config FILE`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The handler configuration (JSON: role, endpoint, requests or the provider's options).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
}

/// `--config FILE --relation-id N`.
#[derive(Debug, Args)]
pub struct RelationArgs {
    /// The handler configuration (JSON: role, endpoint, requests or the provider's options).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// The relation (the number Juju gives it; `database:3` is 3).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub relation_id: i32,
}

/// The options of `set-response`.
#[derive(Debug, Args)]
pub struct SetResponseArgs {
    /// The configuration and the relation.
    #[command(flatten)]
    pub relation: RelationArgs,
    /// The response (a JSON object) or responses (a JSON list), from a file or `-` (stdin).
    #[arg(long, value_name = "FILE|-")]
    pub response: String,
}

/// The options of `raise-status`: a code of the status schema or a status object.
#[derive(Debug, Args)]
#[group(id = "raised", required = true, multiple = false, args = ["code", "status"])]
pub struct RaiseStatusArgs {
    /// The configuration and the relation.
    #[command(flatten)]
    pub relation: RelationArgs,
    /// A code of the configuration's status-schema.
    #[arg(long, value_name = "C", allow_negative_numbers = true)]
    pub code: Option<i32>,
    /// A status, {"code", "message", "resolution"}, from a file or `-` (stdin).
    #[arg(long, value_name = "FILE|-")]
    pub status: Option<String>,
}

/// The options of `resolve-status`.
#[derive(Debug, Args)]
pub struct ResolveStatusArgs {
    /// The configuration and the relation.
    #[command(flatten)]
    pub relation: RelationArgs,
    /// The code of the status to resolve.
    #[arg(long, value_name = "C", allow_negative_numbers = true)]
    pub code: i32,
}

/// The options of `is-resource-created`.
#[derive(Debug, Args)]
pub struct IsResourceCreatedArgs {
    /// The configuration and the relation.
    #[command(flatten)]
    pub relation: RelationArgs,
    /// The request's id (`request-id`).
    #[arg(long, value_name = "ID")]
    pub request_id: String,
}

/// The relation and scope of a peer command.
#[derive(Debug, Args)]
pub struct PeerArgs {
    /// The configuration and the relation.
    #[command(flatten)]
    pub relation: RelationArgs,
    /// Whose data: the application's, this unit's, or another unit's (named by --unit).
    #[arg(long, value_name = "app|unit|other-unit")]
    pub scope: ScopeName,
    /// The other unit, with --scope other-unit.
    #[arg(long, value_name = "UNIT", required_if_eq("scope", "other-unit"))]
    pub unit: Option<String>,
}

impl PeerArgs {
    /// The scope the options name; `--unit` goes only with `--scope other-unit`.
    pub fn scope(&self) -> Result<PeerScope, clap::Error> {
        match (self.scope, &self.unit) {
            (ScopeName::App, None) => Ok(PeerScope::App),
            (ScopeName::Unit, None) => Ok(PeerScope::Unit),
            (ScopeName::OtherUnit, Some(unit)) => Ok(PeerScope::OtherUnit(unit.clone())),
            (ScopeName::OtherUnit, None) => Err(usage_error(
                ErrorKind::MissingRequiredArgument,
                "--scope other-unit needs --unit UNIT",
            )),
            (ScopeName::App | ScopeName::Unit, Some(_)) => Err(usage_error(
                ErrorKind::ArgumentConflict,
                "--unit goes with --scope other-unit",
            )),
        }
    }
}

/// `--scope`: `app`, `unit` or `other-unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeName {
    /// The application's data.
    App,
    /// This unit's data.
    Unit,
    /// Another unit's data (read only).
    OtherUnit,
}

/// The options of `peer-write`.
#[derive(Debug, Args)]
pub struct PeerWriteArgs {
    /// The configuration, the relation and the scope.
    #[command(flatten)]
    pub peer: PeerArgs,
    /// The values (a JSON object, wire key: value; null deletes), from a file or `-` (stdin).
    #[arg(long, value_name = "FILE|-")]
    pub values: String,
}

/// The options of `peer-delete`.
#[derive(Debug, Args)]
pub struct PeerDeleteArgs {
    /// The configuration, the relation and the scope.
    #[command(flatten)]
    pub peer: PeerArgs,
    /// A field to delete (repeat for several).
    #[arg(long = "key", value_name = "KEY", required = true, action = ArgAction::Append)]
    pub keys: Vec<String>,
}

/// The whole command line as clap runs it, with the house's help layout: `-h` and `--help`
/// both print the full help, a repeated option keeps its last value.
pub fn command() -> clap::Command {
    let help = Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::HelpLong)
        .help("Print this help");
    Cli::command()
        .help_template(TOP_TEMPLATE)
        .after_help(FOOTER)
        .args_override_self(true)
        .disable_help_flag(true)
        .arg(help.clone())
        .mut_subcommands(|command| {
            command
                .help_template(COMMAND_TEMPLATE)
                .after_help(FOOTER)
                .args_override_self(true)
                .disable_help_flag(true)
                .arg(help.clone())
        })
}

/// The command line, parsed (`args` without the program's name).
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let program = std::iter::once(OsString::from("data-interfaces"));
    let matches =
        command().try_get_matches_from(program.chain(args.into_iter().map(Into::into)))?;
    Cli::from_arg_matches(&matches)
}

/// A usage error clap cannot declare, formatted as clap formats its own.
pub fn usage_error(kind: ErrorKind, message: impl std::fmt::Display) -> clap::Error {
    clap::Error::raw(kind, format!("{message}\n")).format(&mut command())
}

/// Whether the command line asks for errors as JSON (`--error-format json`), read before
/// parsing so that a usage error is reported in the format asked for.
pub fn wants_json_errors(args: &[OsString]) -> bool {
    args.windows(2)
        .any(|w| w[0] == "--error-format" && w[1] == "json")
        || args.iter().any(|a| a == "--error-format=json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Cli, clap::Error> {
        parse(args.iter().copied())
    }

    #[test]
    fn the_command_line_is_well_formed() {
        command().debug_assert();
    }

    #[test]
    fn options_take_values_inline_or_separately() {
        let cli = parsed(&[
            "set-response",
            "--config=c.json",
            "--relation-id",
            "3",
            "--response",
            "-",
        ])
        .unwrap();
        let Command::SetResponse(args) = cli.command else {
            panic!("set-response");
        };
        assert_eq!(args.relation.config, PathBuf::from("c.json"));
        assert_eq!(args.relation.relation_id, 3);
        assert_eq!(args.response, "-");
        let bad = parsed(&["requests", "--config", "c", "--relation-id", "x"]).unwrap_err();
        assert_eq!(bad.exit_code(), 2);
    }

    #[test]
    fn an_option_of_another_command_is_a_usage_error() {
        let error = parsed(&[
            "requests",
            "--config",
            "c",
            "--relation-id",
            "1",
            "--response",
            "-",
        ])
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnknownArgument);
        assert!(error.to_string().contains("--response"));
    }

    #[test]
    fn keys_repeat_and_the_error_format_is_text_or_json() {
        let list = [
            "peer-delete",
            "--config",
            "c",
            "--relation-id",
            "1",
            "--scope",
            "app",
            "--key",
            "a",
            "--key=b",
            "--error-format",
            "json",
        ];
        let cli = parsed(&list).unwrap();
        assert_eq!(cli.error_format, ErrorFormat::Json);
        let Command::PeerDelete(args) = cli.command else {
            panic!("peer-delete");
        };
        assert_eq!(args.keys, ["a", "b"]);
        let os: Vec<OsString> = list.iter().map(OsString::from).collect();
        assert!(wants_json_errors(&os));
        assert!(parsed(&["demo", "--error-format", "xml"]).is_err());
    }

    #[test]
    fn a_repeated_option_keeps_its_last_value() {
        let cli = parsed(&["hook", "--config", "a.json", "--config", "b.json"]).unwrap();
        let Command::Hook(args) = cli.command else {
            panic!("hook");
        };
        assert_eq!(args.config, PathBuf::from("b.json"));
    }

    #[test]
    fn raise_status_takes_a_code_or_a_status_but_not_both() {
        let base = ["raise-status", "--config", "c", "--relation-id", "1"];
        let with = |extra: &[&str]| parsed(&[&base[..], extra].concat());
        assert!(with(&["--code", "4001"]).is_ok());
        assert!(with(&["--status", "-"]).is_ok());
        assert!(with(&[]).is_err());
        assert!(with(&["--code", "4001", "--status", "-"]).is_err());
    }

    #[test]
    fn the_other_unit_scope_needs_a_unit_and_only_it_takes_one() {
        let base = ["peer-read", "--config", "c", "--relation-id", "1"];
        let scope = |extra: &[&str]| {
            let Command::PeerRead(args) = parsed(&[&base[..], extra].concat())?.command else {
                panic!("peer-read");
            };
            args.scope()
        };
        assert!(matches!(scope(&["--scope", "app"]), Ok(PeerScope::App)));
        assert!(matches!(
            scope(&["--scope", "other-unit", "--unit", "db/1"]),
            Ok(PeerScope::OtherUnit(unit)) if unit == "db/1"
        ));
        assert!(scope(&["--scope", "other-unit"]).is_err());
        assert_eq!(
            scope(&["--scope", "app", "--unit", "db/1"])
                .unwrap_err()
                .exit_code(),
            2
        );
        assert!(scope(&["--scope", "model"]).is_err());
    }

    #[test]
    fn every_command_has_help_and_a_synopsis_naming_its_options() {
        let mut top = command();
        let usage = top.render_long_help().to_string();
        for sub in top.get_subcommands_mut() {
            let name = sub.get_name().to_owned();
            if name == "help" {
                continue;
            }
            assert!(usage.contains(&name), "{name} is not listed");
            let help = sub.render_long_help().to_string();
            assert!(
                help.starts_with(&format!("usage: data-interfaces {name}")),
                "{help}"
            );
            let synopsis = help.lines().next().unwrap_or_default().to_owned();
            for arg in sub.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                if matches!(long, "help" | "error-format") {
                    continue;
                }
                assert!(
                    synopsis.contains(&format!("--{long}")),
                    "{name} does not show --{long}"
                );
            }
        }
    }
}
