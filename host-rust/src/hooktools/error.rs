//! What reading a hook's context or running a hook tool fails with, and how a tool's failure
//! becomes a [`BackendError`] the component sees.

use crate::backend::BackendError;
use crate::bindings::wit::HostErrorKind;

/// What reading the hook's context or running a hook tool can fail with.
#[derive(Debug, thiserror::Error)]
pub enum HookToolsError {
    /// A `JUJU_*` variable the hook needs is not set.
    #[error("the environment variable {0} is not set (is this a Juju hook?)")]
    MissingVariable(&'static str),
    /// A `JUJU_*` variable has a value that cannot be read.
    #[error("the environment variable {variable} has an unreadable value {value:?}")]
    BadVariable {
        /// The variable.
        variable: &'static str,
        /// Its value.
        value: String,
    },
    /// A hook tool could not be started.
    #[error("could not run the hook tool {tool}: {source}")]
    Spawn {
        /// The tool.
        tool: String,
        /// Why.
        source: std::io::Error,
    },
    /// A hook tool failed.
    #[error("{tool} failed ({}): {stderr}", crate::backend::kind_name(*.kind))]
    Failed {
        /// The tool.
        tool: String,
        /// What kind of failure its message says it is.
        kind: HostErrorKind,
        /// What it printed on stderr (hook tools never print secret values there).
        stderr: String,
    },
    /// A hook tool printed something that is not what it documents.
    #[error("{tool} printed unreadable output: {reason}")]
    BadOutput {
        /// The tool.
        tool: String,
        /// Why it cannot be read.
        reason: String,
    },
    /// A temporary file for a secret's content could not be written.
    #[error("could not write a temporary file for {tool}: {source}")]
    TempFile {
        /// The tool the file was for.
        tool: String,
        /// Why.
        source: std::io::Error,
    },
}

impl From<HookToolsError> for BackendError {
    fn from(error: HookToolsError) -> Self {
        match error {
            HookToolsError::Failed { kind, .. } => BackendError::host(kind, error.to_string()),
            other => BackendError::Fatal(Box::new(other)),
        }
    }
}

/// The kind of failure a hook tool's stderr describes.
pub fn classify(stderr: &str) -> HostErrorKind {
    let lower = stderr.to_ascii_lowercase();
    if lower.contains("not found") || lower.contains("no such") {
        HostErrorKind::NotFound
    } else if lower.contains("permission denied") || lower.contains("not the leader") {
        HostErrorKind::PermissionDenied
    } else {
        HostErrorKind::Backend
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_messages_map_to_error_kinds() {
        assert_eq!(
            classify("ERROR secret \"x\" not found"),
            HostErrorKind::NotFound
        );
        assert_eq!(classify("no such relation"), HostErrorKind::NotFound);
        assert_eq!(
            classify("ERROR permission denied"),
            HostErrorKind::PermissionDenied
        );
        assert_eq!(
            classify("ERROR cannot write relation settings: this unit is not the leader"),
            HostErrorKind::PermissionDenied
        );
        assert_eq!(classify("connection refused"), HostErrorKind::Backend);
    }

    #[test]
    fn a_failed_tool_becomes_a_host_error_carrying_its_stderr() {
        let error: BackendError = HookToolsError::Failed {
            tool: "relation-get".to_owned(),
            kind: HostErrorKind::NotFound,
            stderr: "relation 9 not found".to_owned(),
        }
        .into();
        match error {
            BackendError::Host(e) => {
                assert_eq!(e.kind, HostErrorKind::NotFound);
                assert!(e.message.contains("relation 9 not found"));
            }
            BackendError::Fatal(e) => panic!("expected a host error, got {e}"),
        }
    }
}
