//! `data-interfaces`: the command-line host.
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
//! The handler configuration file is JSON; its format is described in
//! [`data_interfaces_host::config`], which parses it.

use data_interfaces_host::config::{
    self, error_to_json, peer_values_from_json, peer_values_to_json, provider_event_to_json,
    rejection_to_json, request_to_json, requirer_event_to_json, response_to_json, status_from_json,
    status_to_json, HandlerConfig as Config,
};
use data_interfaces_host::demo::Demo;
use data_interfaces_host::hooktools::{HookContext, HookTools, HookToolsError};
use data_interfaces_host::wit::{PeerConfig, PeerScope, ProviderConfig, RequirerConfig};
use data_interfaces_host::{DataInterfaces, Error, LoadOptions, Peer, Provider, Requirer, Runtime};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One command: its name, its options, and its help.
struct Command {
    name: &'static str,
    /// The synopsis after the command's name.
    synopsis: &'static str,
    /// What it does, for `--help`.
    help: &'static str,
    /// The options it takes (`--error-format` is always allowed).
    options: &'static [&'static str],
}

const REL: &[&str] = &["--config", "--relation-id"];

const COMMANDS: &[Command] = &[
    Command {
        name: "hook",
        synopsis: "--config FILE",
        help: "Handle the current Juju hook (from the JUJU_* environment) over the hook tools.
Prints the charm's events as JSON lines on stdout (they carry credentials): each has
`event` (resource_created, resource_requested, ...), `relation-id`, `app`, `unit`, and
`response` (requirer), `requests` (provider), `alias`, `status`, `old-mtls-cert`.
A hook of another endpoint (or install, relation-joined, ...) prints nothing.",
        options: &["--config"],
    },
    Command {
        name: "set-response",
        synopsis: "--config FILE --relation-id N --response FILE|-",
        help: "Provider: write a response (a JSON object, wire keys) or several (a JSON list) on a
relation; secret fields go to Juju secrets granted on the relation. A response is merged into
the stored one: a key given as null is cleared (a secret field leaves its secret, which goes
away once empty). Leader only.",
        options: &["--config", "--relation-id", "--response"],
    },
    Command {
        name: "requests",
        synopsis: "--config FILE --relation-id N",
        help: "Provider: print the requests on a relation as JSON lines. Requirer: print the
configured requests.",
        options: REL,
    },
    Command {
        name: "responses",
        synopsis: "--config FILE --relation-id N",
        help: "Print the responses on a relation as JSON lines, secret fields filled in (they carry
credentials). Provider: its own responses; requirer: the provider's.",
        options: REL,
    },
    Command {
        name: "raise-status",
        synopsis: "--config FILE --relation-id N (--code C | --status FILE|-)",
        help: "Provider: raise a status on a relation, by its code in the configuration's
status-schema or as a JSON object {\"code\", \"message\", \"resolution\"}; a status with
the same code is replaced. Leader only.",
        options: &["--config", "--relation-id", "--code", "--status"],
    },
    Command {
        name: "resolve-status",
        synopsis: "--config FILE --relation-id N --code C",
        help:
            "Provider: resolve a raised status (a code never raised changes nothing). Leader only.",
        options: &["--config", "--relation-id", "--code"],
    },
    Command {
        name: "clear-statuses",
        synopsis: "--config FILE --relation-id N",
        help: "Provider: clear every status of a relation. Leader only.",
        options: REL,
    },
    Command {
        name: "statuses",
        synopsis: "--config FILE --relation-id N",
        help: "Print the statuses raised on a relation as JSON lines {\"code\", \"message\",
\"resolution\"}, by code. Provider (leader only): those it raised; requirer: those the
provider raises.",
        options: REL,
    },
    Command {
        name: "is-resource-created",
        synopsis: "--config FILE --relation-id N --request-id ID",
        help: "Requirer: print true when the response to the request has credentials, else false.",
        options: &["--config", "--relation-id", "--request-id"],
    },
    Command {
        name: "are-all-resources-created",
        synopsis: "--config FILE --relation-id N",
        help: "Requirer: print true when every response with a request id has credentials (true
when there is none), else false.",
        options: REL,
    },
    Command {
        name: "peer-read",
        synopsis: "--config FILE --relation-id N --scope app|unit|other-unit [--unit UNIT]",
        help: "Peer: print a scope's data as one JSON object (wire key: value): the configured
fields that have a value (secret fields read from their secrets), then the databag's
other keys. The other-unit scope names the unit with --unit; its secret fields are not
readable.",
        options: &["--config", "--relation-id", "--scope", "--unit"],
    },
    Command {
        name: "peer-write",
        synopsis: "--config FILE --relation-id N --scope app|unit [--unit UNIT] --values FILE|-",
        help: "Peer: set fields of a scope from a JSON object (wire key: value; null deletes);
secret fields go to the scope's secrets. Other keys are left alone; only what changes is
written. The app scope is leader only; another unit's data (--scope other-unit --unit U)
is read only: writing it is an error.",
        options: &["--config", "--relation-id", "--scope", "--unit", "--values"],
    },
    Command {
        name: "peer-delete",
        synopsis:
            "--config FILE --relation-id N --scope app|unit [--unit UNIT] --key KEY [--key KEY ...]",
        help: "Peer: delete fields of a scope (from the databag or from their secret).",
        options: &["--config", "--relation-id", "--scope", "--unit", "--key"],
    },
    Command {
        name: "demo",
        synopsis: "",
        help: "Run a requirer and a provider through the whole handshake, in memory.",
        options: &[],
    },
    Command {
        name: "precompile",
        synopsis: "",
        help: "Compile the component into the cache (for install time).",
        options: &[],
    },
];

const FOOTER: &str = "options of every command:
  --error-format text|json   how a failure is reported on stderr (default text)

environment:
  DATA_INTERFACES_CACHE_DIR    where the precompiled component is cached
  DATA_INTERFACES_HOOK_TOOLS   the directory of Juju's hook tools (default: PATH)

exit codes: 0 success, 1 failure, 2 usage error";

fn usage() -> String {
    let mut text = String::from("usage: data-interfaces <command> [options]\n\ncommands:\n");
    for command in COMMANDS {
        let summary = first_sentence(command.help);
        text.push_str(&format!(
            "  {} {}\n      {summary}\n",
            command.name, command.synopsis
        ));
    }
    text.push_str("  help [COMMAND]\n      show this help, or a command's\n\n");
    text.push_str(FOOTER);
    text
}

/// The first sentence of a help text, on one line.
fn first_sentence(help: &str) -> String {
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(end) => flat[..=end].to_owned(),
        None => flat,
    }
}

/// Print a help text; a closed stdout (`| head`) is not an error.
fn print_help(text: &str) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

fn command_help(command: &Command) -> String {
    format!(
        "usage: data-interfaces {} {}\n\n{}\n\n{FOOTER}",
        command.name, command.synopsis, command.help
    )
}

/// What the command line can fail with.
#[derive(Debug, thiserror::Error)]
enum CliError {
    /// The command line is malformed (exit code 2).
    #[error("{message}\n\n{}", usage(), message = .0)]
    Usage(String),
    /// The configuration file cannot be used.
    #[error("configuration {path}: {reason}")]
    Config { path: PathBuf, reason: String },
    /// An input file (a response, a status, peer values) cannot be used.
    #[error("{what}: {reason}")]
    Input { what: String, reason: String },
    /// The hook's context or a hook tool failed outside the component.
    #[error(transparent)]
    HookTools(#[from] HookToolsError),
    /// The component (or a backend it called) failed.
    #[error(transparent)]
    Component(#[from] Error),
    /// Writing to stdout failed.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    /// The error as one JSON object (for `--error-format json`).
    fn to_json(&self) -> Value {
        match self {
            CliError::Component(error) => error_to_json(error),
            CliError::Usage(message) => json!({"error": "usage", "message": message}),
            CliError::Config { .. } => json!({"error": "config", "message": self.to_string()}),
            CliError::Input { .. } => json!({"error": "input", "message": self.to_string()}),
            CliError::HookTools(_) => {
                json!({"error": "hook-tools", "message": self.to_string()})
            }
            CliError::Output(_) => json!({"error": "output", "message": self.to_string()}),
        }
    }
}

/// Parsed options of a command.
#[derive(Debug, Default)]
struct Options {
    config: Option<PathBuf>,
    relation_id: Option<i32>,
    response: Option<String>,
    code: Option<i32>,
    status: Option<String>,
    request_id: Option<String>,
    scope: Option<String>,
    unit: Option<String>,
    values: Option<String>,
    keys: Vec<String>,
    help: bool,
}

fn number(name: &str, text: &str) -> Result<i32, CliError> {
    text.parse()
        .map_err(|_| CliError::Usage(format!("{name} wants a number, not {text:?}")))
}

fn parse_options(command: &Command, args: &[String]) -> Result<Options, CliError> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        if matches!(name, "--help" | "-h") {
            options.help = true;
            continue;
        }
        if name != "--error-format" && !command.options.contains(&name) {
            return Err(CliError::Usage(format!(
                "unknown option {name:?} for {}",
                command.name
            )));
        }
        let value = inline
            .or_else(|| args.next().cloned())
            .ok_or_else(|| CliError::Usage(format!("{name} needs a value")))?;
        match name {
            "--config" => options.config = Some(PathBuf::from(value)),
            "--relation-id" => options.relation_id = Some(number(name, &value)?),
            "--code" => options.code = Some(number(name, &value)?),
            "--response" => options.response = Some(value),
            "--status" => options.status = Some(value),
            "--request-id" => options.request_id = Some(value),
            "--scope" => options.scope = Some(value),
            "--unit" => options.unit = Some(value),
            "--values" => options.values = Some(value),
            "--key" => options.keys.push(value),
            // Read before parsing (see `json_errors`), so that a usage error is reported
            // in the format asked for; here only checked.
            "--error-format" => {
                if !matches!(value.as_str(), "text" | "json") {
                    return Err(CliError::Usage(format!(
                        "--error-format is text or json, not {value:?}"
                    )));
                }
            }
            other => return Err(CliError::Usage(format!("unknown option {other:?}"))),
        }
    }
    Ok(options)
}

/// Whether the command line asks for errors as JSON (`--error-format json`).
fn json_errors(args: &[String]) -> bool {
    args.windows(2)
        .any(|w| w[0] == "--error-format" && w[1] == "json")
        || args.iter().any(|a| a == "--error-format=json")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    if matches!(name.as_str(), "help" | "--help" | "-h") {
        match args
            .get(1)
            .and_then(|n| COMMANDS.iter().find(|c| c.name == n))
        {
            Some(command) => print_help(&command_help(command)),
            None => print_help(&usage()),
        }
        return ExitCode::SUCCESS;
    }
    let Some(command) = COMMANDS.iter().find(|c| c.name == name) else {
        eprintln!("data-interfaces: unknown command {name:?}\n\n{}", usage());
        return ExitCode::from(2);
    };
    let json_errors = json_errors(&args[1..]);
    let result = parse_options(command, &args[1..]).and_then(|options| {
        if options.help {
            print_help(&command_help(command));
            return Ok(());
        }
        run(command.name, &options)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if json_errors {
                eprintln!("{}", error.to_json());
            } else {
                eprintln!("data-interfaces: {error}");
            }
            match error {
                CliError::Usage(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn run(name: &str, options: &Options) -> Result<(), CliError> {
    match name {
        "demo" => {
            let runtime = Runtime::load()?;
            let stdout = std::io::stdout();
            Ok(Demo::new(&runtime, stdout.lock()).run()?)
        }
        "precompile" => {
            let runtime = Runtime::load_with(&LoadOptions::default())?;
            println!(
                "{:?} in {:.2} ms",
                runtime.source(),
                runtime.load_time().as_secs_f64() * 1000.0
            );
            Ok(())
        }
        "hook" => hook(options),
        "set-response" => set_response(options),
        "requests" => requests(options),
        "responses" => responses(options),
        "raise-status" => raise_status(options),
        "resolve-status" => {
            let code = required(options.code, "--code C")?;
            let relation = relation_of(options)?;
            provider(options, "resolve-status")?.resolve_status(relation, code)?;
            Ok(())
        }
        "clear-statuses" => {
            let relation = relation_of(options)?;
            provider(options, "clear-statuses")?.clear_statuses(relation)?;
            Ok(())
        }
        "statuses" => statuses(options),
        "is-resource-created" => {
            let request_id = required(options.request_id.as_ref(), "--request-id ID")?;
            let relation = relation_of(options)?;
            let created = requirer(options, "is-resource-created")?
                .is_resource_created(relation, request_id)?;
            print_lines([Value::Bool(created)])
        }
        "are-all-resources-created" => {
            let relation = relation_of(options)?;
            let created = requirer(options, "are-all-resources-created")?
                .are_all_resources_created(relation)?;
            print_lines([Value::Bool(created)])
        }
        "peer-read" => {
            let (mut peer, relation, scope) = peer(options, "peer-read")?;
            let values = peer.read(relation, &scope)?;
            print_lines([peer_values_to_json(&values)])
        }
        "peer-write" => {
            let source = required(options.values.as_ref(), "--values FILE|-")?;
            let value = read_json(source, "peer values")?;
            let values = peer_values_from_json(&value).map_err(|e| CliError::Input {
                what: format!("peer values {source}"),
                reason: e.to_string(),
            })?;
            let (mut peer, relation, scope) = peer(options, "peer-write")?;
            Ok(peer.write(relation, &scope, &values)?)
        }
        "peer-delete" => {
            if options.keys.is_empty() {
                return Err(CliError::Usage("--key KEY is required".to_owned()));
            }
            let (mut peer, relation, scope) = peer(options, "peer-delete")?;
            Ok(peer.delete(relation, &scope, &options.keys)?)
        }
        other => Err(CliError::Usage(format!("unknown command {other:?}"))),
    }
}

fn required<T>(value: Option<T>, what: &str) -> Result<T, CliError> {
    value.ok_or_else(|| CliError::Usage(format!("{what} is required")))
}

fn config_of(options: &Options) -> Result<Config, CliError> {
    let path = required(options.config.as_ref(), "--config FILE")?;
    let bad = |reason: String| CliError::Config {
        path: path.clone(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    Config::from_json_str(&text).map_err(|e| bad(e.to_string()))
}

fn relation_of(options: &Options) -> Result<i32, CliError> {
    required(options.relation_id, "--relation-id N")
}

/// The backend over the hook tools, for the hook in the environment.
fn backend() -> Result<HookTools, CliError> {
    Ok(HookTools::new(HookContext::from_env()?))
}

fn engine() -> Result<DataInterfaces, CliError> {
    Ok(DataInterfaces::shared()?)
}

fn wrong_role(command: &str, wanted: &str) -> CliError {
    CliError::Usage(format!("{command} needs a {wanted} configuration"))
}

fn provider_config(options: &Options, command: &str) -> Result<ProviderConfig, CliError> {
    match config_of(options)? {
        Config::Provider(config) => Ok(config),
        _ => Err(wrong_role(command, "provider")),
    }
}

fn provider(options: &Options, command: &str) -> Result<Provider, CliError> {
    let config = provider_config(options, command)?;
    Ok(engine()?.provider(config, backend()?)?)
}

fn requirer_config(options: &Options, command: &str) -> Result<RequirerConfig, CliError> {
    match config_of(options)? {
        Config::Requirer(config) => Ok(config),
        _ => Err(wrong_role(command, "requirer")),
    }
}

fn requirer(options: &Options, command: &str) -> Result<Requirer, CliError> {
    let config = requirer_config(options, command)?;
    Ok(engine()?.requirer(config, backend()?)?)
}

/// A peer handler, the relation and the scope of a peer command.
fn peer(options: &Options, command: &str) -> Result<(Peer, i32, PeerScope), CliError> {
    let config: PeerConfig = match config_of(options)? {
        Config::Peer(config) => config,
        _ => return Err(wrong_role(command, "peer")),
    };
    let relation = relation_of(options)?;
    let scope = match (options.scope.as_deref(), options.unit.as_ref()) {
        (Some("app"), None) => PeerScope::App,
        (Some("unit"), None) => PeerScope::Unit,
        (Some("other-unit"), Some(unit)) => PeerScope::OtherUnit(unit.clone()),
        (Some("other-unit"), None) => {
            return Err(CliError::Usage(
                "--scope other-unit needs --unit UNIT".to_owned(),
            ))
        }
        (Some("app" | "unit"), Some(_)) => {
            return Err(CliError::Usage(
                "--unit goes with --scope other-unit".to_owned(),
            ))
        }
        (Some(other), _) => {
            return Err(CliError::Usage(format!(
                "--scope is app, unit or other-unit, not {other:?}"
            )))
        }
        (None, _) => return Err(CliError::Usage("--scope is required".to_owned())),
    };
    Ok((engine()?.peer(config, backend()?)?, relation, scope))
}

fn print_lines(values: impl IntoIterator<Item = Value>) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for value in values {
        writeln!(out, "{value}")?;
    }
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

fn hook(options: &Options) -> Result<(), CliError> {
    let config = config_of(options)?;
    let context = HookContext::from_env()?;
    let Some(hook) = context.hook_for(config.endpoint())? else {
        // Not a hook of this handler: nothing to do, nothing to print.
        return Ok(());
    };
    let backend = HookTools::new(context);
    match config {
        Config::Requirer(c) => {
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
        Config::Provider(c) => {
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
        Config::Peer(_) => Err(wrong_role("hook", "requirer or provider")),
    }
}

fn set_response(options: &Options) -> Result<(), CliError> {
    let config = provider_config(options, "set-response")?;
    let relation = relation_of(options)?;
    let source = required(options.response.as_ref(), "--response FILE|-")?;
    let value = read_json(source, "response")?;
    let responses = config::responses_from_json(&value).map_err(|e| CliError::Input {
        what: format!("response {source}"),
        reason: e.to_string(),
    })?;
    let mut provider = engine()?.provider(config, backend()?)?;
    if value.is_array() {
        let responses: Vec<_> = responses.into_iter().map(Into::into).collect();
        provider.set_responses(relation, &responses)?;
    } else {
        for response in responses {
            provider.set_response(relation, &response.into())?;
        }
    }
    Ok(())
}

fn raise_status(options: &Options) -> Result<(), CliError> {
    let relation = relation_of(options)?;
    let status = match (options.code, options.status.as_ref()) {
        (Some(_), Some(_)) => {
            return Err(CliError::Usage(
                "give --code or --status, not both".to_owned(),
            ))
        }
        (None, None) => {
            return Err(CliError::Usage(
                "--code C or --status FILE|- is required".to_owned(),
            ))
        }
        (None, Some(source)) => {
            let value = read_json(source, "status")?;
            Some(status_from_json(&value).map_err(|e| CliError::Input {
                what: format!("status {source}"),
                reason: e.to_string(),
            })?)
        }
        (Some(_), None) => None,
    };
    let mut provider = provider(options, "raise-status")?;
    match (status, options.code) {
        (Some(status), _) => provider.raise_status(relation, &status)?,
        (None, Some(code)) => provider.raise_status_code(relation, code)?,
        (None, None) => {}
    }
    Ok(())
}

fn statuses(options: &Options) -> Result<(), CliError> {
    let relation = relation_of(options)?;
    let statuses = match config_of(options)? {
        Config::Provider(c) => engine()?.provider(c, backend()?)?.statuses(relation)?,
        Config::Requirer(c) => engine()?.requirer(c, backend()?)?.statuses(relation)?,
        Config::Peer(_) => return Err(wrong_role("statuses", "requirer or provider")),
    };
    print_lines(statuses.iter().map(status_to_json))
}

fn requests(options: &Options) -> Result<(), CliError> {
    let relation = relation_of(options)?;
    match config_of(options)? {
        Config::Provider(config) => {
            let requests = engine()?.provider(config, backend()?)?.requests(relation)?;
            print_lines(requests.iter().map(|r| request_to_json(r)))
        }
        Config::Requirer(config) => print_lines(config.requests.iter().map(request_to_json)),
        Config::Peer(_) => Err(wrong_role("requests", "requirer or provider")),
    }
}

fn responses(options: &Options) -> Result<(), CliError> {
    let relation = relation_of(options)?;
    let responses = match config_of(options)? {
        Config::Provider(c) => engine()?.provider(c, backend()?)?.responses(relation)?,
        Config::Requirer(c) => engine()?.requirer(c, backend()?)?.responses(relation)?,
        Config::Peer(_) => return Err(wrong_role("responses", "requirer or provider")),
    };
    print_lines(responses.iter().map(|r| response_to_json(r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(name: &str) -> &'static Command {
        COMMANDS.iter().find(|c| c.name == name).unwrap()
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_take_values_inline_or_separately() {
        let list = args(&["--config=c.json", "--relation-id", "3", "--response", "-"]);
        let options = parse_options(command("set-response"), &list).unwrap();
        assert_eq!(options.config, Some(PathBuf::from("c.json")));
        assert_eq!(options.relation_id, Some(3));
        assert_eq!(options.response.as_deref(), Some("-"));
        let bad = args(&["--relation-id", "x"]);
        assert!(matches!(
            parse_options(command("requests"), &bad),
            Err(CliError::Usage(_))
        ));
    }

    #[test]
    fn an_option_of_another_command_is_a_usage_error() {
        let list = args(&["--config", "c.json", "--response", "-"]);
        let error = parse_options(command("requests"), &list).unwrap_err();
        assert!(matches!(&error, CliError::Usage(m) if m.contains("--response")));
    }

    #[test]
    fn keys_repeat_and_the_error_format_is_text_or_json() {
        let list = args(&["--key", "a", "--key=b", "--error-format", "json"]);
        let options = parse_options(command("peer-delete"), &list).unwrap();
        assert_eq!(options.keys, vec!["a".to_owned(), "b".to_owned()]);
        assert!(json_errors(&list));
        let bad = args(&["--error-format", "xml"]);
        assert!(parse_options(command("peer-delete"), &bad).is_err());
    }

    #[test]
    fn every_command_has_help_and_a_synopsis_naming_its_options() {
        for command in COMMANDS {
            assert!(!command.help.is_empty(), "{}", command.name);
            for option in command.options {
                assert!(
                    command.synopsis.contains(option),
                    "{} does not show {option}",
                    command.name
                );
            }
            assert!(usage().contains(command.name));
        }
    }
}
