//! `data-interfaces`: the command-line host.
//!
//! * `hook --config FILE` handles the current Juju hook (read from the `JUJU_*` environment)
//!   over the hook tools and prints the events for the charm as JSON lines on stdout;
//! * `set-response`, `requests`, `responses` are the provider's and requirer's calls;
//! * `demo` runs the whole handshake in memory; `precompile` warms the precompiled cache.
//!
//! Events and responses printed on stdout carry credentials (a `resource_created` event has
//! the username and password): stdout is the charm's channel, like the return value of a
//! library call. Errors go to stderr and never carry a secret value. Exit codes: 0 success,
//! 1 failure, 2 usage error.
//!
//! The handler configuration file is JSON; its format is described in
//! [`data_interfaces_host::config`], which parses it.

use data_interfaces_host::config::{
    self, provider_event_to_json, rejection_to_json, request_to_json, requirer_event_to_json,
    response_to_json, HandlerConfig as Config,
};
use data_interfaces_host::demo::Demo;
use data_interfaces_host::hooktools::{HookContext, HookTools, HookToolsError};
use data_interfaces_host::{Error, LoadOptions, Runtime};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: data-interfaces <command> [options]

commands:
  hook --config FILE
      handle the current Juju hook (from the JUJU_* environment) over the hook tools;
      prints the charm's events as JSON lines on stdout (they carry credentials)
  set-response --config FILE --relation-id N --response FILE|-
      provider: write a response (a JSON object) or responses (a JSON list); leader only
  requests --config FILE --relation-id N
      provider: print the requests on a relation as JSON lines
  responses --config FILE --relation-id N
      print the responses on a relation as JSON lines (with credentials)
  demo         run a requirer and a provider through the whole handshake, in memory
  precompile   compile the component into the cache (for install time)
  help         show this help

environment:
  DATA_INTERFACES_CACHE_DIR    where the precompiled component is cached
  DATA_INTERFACES_HOOK_TOOLS   the directory of Juju's hook tools (default: PATH)";

/// What the command line can fail with.
#[derive(Debug, thiserror::Error)]
enum CliError {
    /// The command line is malformed (exit code 2).
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    /// The configuration file cannot be used.
    #[error("configuration {path}: {reason}")]
    Config { path: PathBuf, reason: String },
    /// An input file (a response) cannot be used.
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

/// Parsed options of a command.
#[derive(Debug, Default)]
struct Options {
    config: Option<PathBuf>,
    relation_id: Option<i32>,
    response: Option<String>,
}

fn parse_options(args: &[String]) -> Result<Options, CliError> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| CliError::Usage(format!("{name} needs a value")))
        };
        match name {
            "--config" => options.config = Some(PathBuf::from(value()?)),
            "--relation-id" => {
                let text = value()?;
                let id = text.parse().map_err(|_| {
                    CliError::Usage(format!("--relation-id wants a number, not {text:?}"))
                })?;
                options.relation_id = Some(id);
            }
            "--response" => options.response = Some(value()?),
            other => return Err(CliError::Usage(format!("unknown option {other:?}"))),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match command.as_str() {
        "demo" => Runtime::load()
            .and_then(|runtime| {
                let stdout = std::io::stdout();
                Demo::new(&runtime, stdout.lock()).run()
            })
            .map_err(CliError::from),
        "precompile" => Runtime::load_with(&LoadOptions::default())
            .map(|runtime| {
                println!(
                    "{:?} in {:.2} ms",
                    runtime.source(),
                    runtime.load_time().as_secs_f64() * 1000.0
                );
            })
            .map_err(CliError::from),
        "hook" => parse_options(rest).and_then(|o| hook(&o)),
        "set-response" => parse_options(rest).and_then(|o| set_response(&o)),
        "requests" => parse_options(rest).and_then(|o| requests(&o)),
        "responses" => parse_options(rest).and_then(|o| responses(&o)),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(CliError::Usage(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(message)) => {
            eprintln!("data-interfaces: {message}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("data-interfaces: {error}");
            ExitCode::FAILURE
        }
    }
}

fn config_of(options: &Options) -> Result<Config, CliError> {
    let path = options
        .config
        .as_ref()
        .ok_or_else(|| CliError::Usage("--config FILE is required".to_owned()))?;
    let bad = |reason: String| CliError::Config {
        path: path.clone(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    Config::from_json_str(&text).map_err(|e| bad(e.to_string()))
}

fn relation_of(options: &Options) -> Result<i32, CliError> {
    options
        .relation_id
        .ok_or_else(|| CliError::Usage("--relation-id N is required".to_owned()))
}

/// A session over the hook tools, for the hook in the environment.
fn session() -> Result<(HookContext, data_interfaces_host::Session), CliError> {
    let context = HookContext::from_env()?;
    let runtime = Runtime::load()?;
    let session = runtime.session(Box::new(HookTools::new(context.clone())))?;
    Ok((context, session))
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

fn hook(options: &Options) -> Result<(), CliError> {
    let config = config_of(options)?;
    let context = HookContext::from_env()?;
    let Some(hook) = context.hook_for(config.endpoint())? else {
        // Not a hook of this handler: nothing to do, nothing to print.
        return Ok(());
    };
    let (_, mut session) = session()?;
    match &config {
        Config::Requirer(c) => {
            let handled = session.requirer_handle(c, &hook)?;
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
            let handled = session.provider_handle(c, &hook)?;
            print_lines(
                handled.events.iter().map(provider_event_to_json).chain(
                    handled
                        .rejections
                        .iter()
                        .map(|r| rejection_to_json("request_rejected", r)),
                ),
            )
        }
    }
}

fn set_response(options: &Options) -> Result<(), CliError> {
    let Config::Provider(config) = config_of(options)? else {
        return Err(CliError::Usage(
            "set-response needs a provider configuration".to_owned(),
        ));
    };
    let relation = relation_of(options)?;
    let source = options
        .response
        .as_deref()
        .ok_or_else(|| CliError::Usage("--response FILE|- is required".to_owned()))?;
    let what = format!("response {source}");
    let input = |reason: String| CliError::Input {
        what: what.clone(),
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
    // A JSON error names a line and column, never the text (it may hold a password).
    let value: Value = serde_json::from_str(&text).map_err(|e| input(e.to_string()))?;
    let responses = config::responses_from_json(&value).map_err(|e| input(e.to_string()))?;
    let (_, mut session) = session()?;
    if value.is_array() {
        session.provider_set_responses(&config, relation, &responses)?;
    } else {
        for response in &responses {
            session.provider_set_response(&config, relation, response)?;
        }
    }
    Ok(())
}

fn requests(options: &Options) -> Result<(), CliError> {
    let relation = relation_of(options)?;
    match config_of(options)? {
        Config::Provider(config) => {
            let (_, mut session) = session()?;
            let requests = session.provider_requests(&config, relation)?;
            print_lines(requests.iter().map(request_to_json))
        }
        Config::Requirer(config) => print_lines(config.requests.iter().map(request_to_json)),
    }
}

fn responses(options: &Options) -> Result<(), CliError> {
    let relation = relation_of(options)?;
    let config = config_of(options)?;
    let (_, mut session) = session()?;
    let responses = match &config {
        Config::Provider(c) => session.provider_responses(c, relation)?,
        Config::Requirer(c) => session.requirer_responses(c, relation)?,
    };
    print_lines(responses.iter().map(response_to_json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_take_values_inline_or_separately() {
        let args: Vec<String> = ["--config=c.json", "--relation-id", "3", "--response", "-"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let options = parse_options(&args).unwrap();
        assert_eq!(options.config, Some(PathBuf::from("c.json")));
        assert_eq!(options.relation_id, Some(3));
        assert_eq!(options.response.as_deref(), Some("-"));
        let bad = vec!["--relation-id".to_owned(), "x".to_owned()];
        assert!(matches!(parse_options(&bad), Err(CliError::Usage(_))));
    }
}
