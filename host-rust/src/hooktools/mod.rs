//! A [`Backend`](crate::Backend) over Juju's hook tools, as a charm process sees them during a hook.
//!
//! Juju runs a charm's hook as a fresh process with the hook tools (`relation-get`,
//! `secret-add`, `is-leader`, ...) on its `PATH` and the hook's context in `JUJU_*`
//! environment variables. [`HookContext`] reads that context (and maps it to the [`Hook`](crate::wit::Hook) the
//! component handles); [`HookTools`] implements the component's imports by running the tools:
//!
//! | import | hook tool |
//! |---|---|
//! | `relations` | `relation-ids EP`, `relation-list -r ID` (units; `--app` when no unit has joined) |
//! | `remote-model-uuid` | `relation-model-get -r ID --format=json` (reads `uuid`) |
//! | `read` | `relation-get -r ID --format=json [--app] - UNIT-OR-APP` |
//! | `apply` (and `flush`, when buffered) | `relation-set -r ID [--app] --file -` (a JSON map on stdin; `""` deletes) |
//! | `is-leader` | `is-leader --format=json` |
//! | `secrets.add` | `secret-add --owner application\|unit [--label L] --file PATH` |
//! | `secrets.get` | `secret-get [URI] [--label L] [--refresh] --format=json` |
//! | `secrets.owned` | `secret-info-get URI --format=json` (success: this unit or app owns it) |
//! | (an owned secret's URI by label) | `secret-info-get --label L --format=json` (keyed by the bare id) |
//! | `secrets.set-content` | `secret-set URI --file PATH` |
//! | `secrets.grant` | `secret-grant URI -r ID` |
//! | `secrets.remove(-revision)` | `secret-remove URI [--revision N]` |
//! | `log` | `juju-log --log-level LEVEL -- MESSAGE` |
//!
//! Secret values never travel on a command line: `secret-add` and `secret-set` read them from
//! a YAML (JSON) file created with mode 0600 under a fresh name in the temporary directory and
//! removed right after the call. A failed tool becomes a [`BackendError::Host`](crate::BackendError::Host) carrying the tool's
//! stderr: `not-found` when it says "not found" or "no such", `permission-denied` when it says
//! "permission denied" or "not the leader", `backend` otherwise. A tool that cannot be started
//! or prints something unreadable aborts the call ([`BackendError::Fatal`](crate::BackendError::Fatal)).
//!
//! The tools are looked up in `DATA_INTERFACES_HOOK_TOOLS` (a directory) when it is set, else
//! on `PATH`.
//!
//! Each call costs a process under Juju, so a [`HookTools`] makes each call the protocol
//! needs once and remembers the answer for the rest of its process (a hook is one process):
//! `is-leader` once, `relation-ids` once per endpoint, `relation-list` and
//! `relation-model-get` once per relation (the remote application is the hook's
//! `JUJU_REMOTE_APP` or its units' application; `relation-list --app` only for a relation no
//! unit has joined yet), `relation-get` once per bag (later reads see the process's own
//! writes), and neither `secret-get` nor `secret-info-get` for a secret it created.
//! [`HookTools::buffered`] holds bag writes back until [`Backend::flush`](crate::Backend::flush):
//! one `relation-set` per bag however often the component commits it, and none when the
//! command fails before the flush (the command-line host buffers).
//!
//! One concept per file: [`HookContext`] (`context.rs`), [`HookTools`] (`backend.rs`), what it
//! remembers (`cache.rs`), the private file a secret's content travels in (`secret_file.rs`)
//! and [`HookToolsError`] (`error.rs`).
//!
//! ```no_run
//! use data_interfaces_host::hooktools::{HookContext, HookTools};
//! use data_interfaces_host::Runtime;
//!
//! let context = HookContext::from_env()?;
//! let runtime = Runtime::load()?;
//! let mut session = runtime.session(Box::new(HookTools::new(context.clone())))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod backend;
mod cache;
mod context;
mod error;
mod secret_file;

pub use backend::{canonical_secret_uri, HookTools, TOOLS_DIR_VAR};
pub use context::{parse_relation_id, HookContext};
pub use error::{classify, HookToolsError};
