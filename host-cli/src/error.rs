//! What a command can fail with, how each failure is reported on stderr (a sentence, or one
//! JSON object with `--error-format json`) and which exit code it gives.

use data_interfaces_host::error::error_to_json;
use data_interfaces_host::hooktools::HookToolsError;
use data_interfaces_host::Error;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

/// What the command line can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line is malformed (exit code 2).
    #[error("{}", usage_text(.0))]
    Usage(#[from] clap::Error),
    /// The configuration file cannot be used.
    #[error("configuration {path}: {reason}")]
    Config {
        /// The file.
        path: PathBuf,
        /// Why (names the key at fault, never a value).
        reason: String,
    },
    /// An input file (a response, a status, peer values) cannot be used.
    #[error("{what}: {reason}")]
    Input {
        /// Which input, and where from.
        what: String,
        /// Why (names the key at fault, never a value).
        reason: String,
    },
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
    pub fn to_json(&self) -> Value {
        let kind = match self {
            CliError::Component(error) => return error_to_json(error),
            CliError::Usage(_) => "usage",
            CliError::Config { .. } => "config",
            CliError::Input { .. } => "input",
            CliError::HookTools(_) => "hook-tools",
            CliError::Output(_) => "output",
        };
        json!({"error": kind, "message": self.to_string()})
    }

    /// The process's exit code: 2 for a usage error, 1 for any other failure.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            _ => ExitCode::FAILURE,
        }
    }
}

/// A clap error as a sentence after `data-interfaces: `: its text without clap's `error: `
/// prefix (the usage and the pointer to `--help` follow).
fn usage_text(error: &clap::Error) -> String {
    let text = error.to_string();
    let text = text.trim_end();
    text.strip_prefix("error: ").unwrap_or(text).to_owned()
}
