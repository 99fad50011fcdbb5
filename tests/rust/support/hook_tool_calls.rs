//! The hook-tool calls of a conformance step on the command line, as the test double records
//! them (`calls.jsonl`), counted by tool and checked two ways:
//!
//! * exactly against the expected counts of `tests/conformance/counts/hook_tool_calls.json`
//!   (`{"<directory>/<file>/<vector>": {"<tool>": <calls>, ...}, ...}`, the trial's name as
//!   key); a vector without an entry fails, so a new vector states its counts;
//! * against the rule that a hook makes each call the protocol needs once: at most one
//!   `is-leader`, one `relation-ids` per endpoint, one `relation-list` and one
//!   `relation-model-get` per relation, one `relation-get` and one `relation-set` per bag.
//!
//! With `UPDATE_HOOK_TOOL_CALLS=1` the counts are recorded instead of compared, and the file
//! is written again at the end of the run (sorted, one vector a line); the entries of vectors
//! the run filtered out are kept, those of vectors that no longer exist are dropped.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

/// The environment variable that turns checking the counts into recording them.
pub const UPDATE_VAR: &str = "UPDATE_HOOK_TOOL_CALLS";

/// One call as the double records it: `[unit, tool, args...]`.
pub type Call = Vec<String>;

/// Calls by tool.
pub type Counts = BTreeMap<String, u64>;

/// The expected counts' file.
pub fn counts_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/conformance/counts/hook_tool_calls.json")
}

/// The calls, counted by tool.
pub fn count(calls: &[Call]) -> Counts {
    let mut counts = Counts::new();
    for call in calls {
        if let Some(tool) = call.get(1) {
            *counts.entry(tool.clone()).or_default() += 1;
        }
    }
    counts
}

/// The value of an option (`-r 7`, `-r=7`) in a call's arguments.
fn option<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == name {
            return it.next().map(String::as_str);
        }
        if let Some(value) = arg.strip_prefix(name).and_then(|v| v.strip_prefix('=')) {
            return Some(value);
        }
    }
    None
}

/// What a call is about, for the calls a hook makes at most once per subject (`None` for the
/// others): `is-leader`; `relation-ids` of an endpoint; `relation-list` and
/// `relation-model-get` of a relation; `relation-get` of a bag (relation, app or unit, whose);
/// `relation-set` of one of the unit's own bags.
fn once_subject(call: &[String]) -> Option<String> {
    let (tool, args) = (call.get(1)?.as_str(), call.get(2..).unwrap_or_default());
    let relation = || option(args, "-r").unwrap_or("?");
    let bag = if args.iter().any(|a| a == "--app") {
        "app"
    } else {
        "unit"
    };
    Some(match tool {
        "is-leader" => "is-leader".to_owned(),
        "relation-ids" => {
            let endpoint = args.iter().find(|a| !a.starts_with('-'))?;
            format!("relation-ids of endpoint {endpoint}")
        }
        "relation-list" | "relation-model-get" => format!("{tool} of relation {}", relation()),
        "relation-get" => {
            let whose = args.last().map_or("?", String::as_str);
            format!("relation-get of relation {} {bag} bag {whose}", relation())
        }
        "relation-set" => format!("relation-set of relation {} {bag} bag", relation()),
        _ => return None,
    })
}

/// The calls made more than once that a hook needs once, each named with how many times.
pub fn repeated(calls: &[Call]) -> Vec<String> {
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for subject in calls.iter().filter_map(|c| once_subject(c)) {
        *seen.entry(subject).or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(subject, n)| format!("hook-tool calls: {subject} made {n} times, needed once"))
        .collect()
}

/// The expected counts, and in update mode the counts the run recorded.
pub struct Expected {
    update: bool,
    expected: BTreeMap<String, Counts>,
    recorded: Mutex<BTreeMap<String, Counts>>,
}

impl Expected {
    /// The expected counts' file (in update mode, a missing file is an empty one).
    pub fn load() -> Result<Expected, String> {
        let update = std::env::var(UPDATE_VAR).is_ok_and(|v| !v.is_empty() && v != "0");
        let path = counts_file();
        let expected = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| format!("{}: not counts by vector and tool: {e}", path.display()))?,
            Err(e) if update && e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        Ok(Expected {
            update,
            expected,
            recorded: Mutex::new(BTreeMap::new()),
        })
    }

    /// Whether the run records the counts instead of checking them.
    pub fn updating(&self) -> bool {
        self.update
    }

    /// How a vector's counts differ from its entry (nothing in update mode: they are
    /// recorded).
    pub fn check(&self, key: &str, counts: &Counts) -> Vec<String> {
        if self.update {
            if let Ok(mut recorded) = self.recorded.lock() {
                recorded.insert(key.to_owned(), counts.clone());
            }
            return Vec::new();
        }
        let Some(want) = self.expected.get(key) else {
            return vec![format!(
                "hook-tool calls: {key} has no entry in {} (made {}); record them with {UPDATE_VAR}=1",
                counts_file().display(),
                render_counts(counts)
            )];
        };
        let tools: BTreeSet<&String> = want.keys().chain(counts.keys()).collect();
        tools
            .into_iter()
            .filter_map(|tool| {
                let (w, g) = (
                    want.get(tool).copied().unwrap_or(0),
                    counts.get(tool).copied().unwrap_or(0),
                );
                (w != g).then(|| format!("hook-tool calls: {tool}: expected {w}, got {g}"))
            })
            .collect()
    }

    /// Write the file again (update mode): the recorded counts, over the entries of the
    /// vectors in `keys` that this run did not record; nothing else.
    pub fn write(&self, keys: &BTreeSet<String>) -> Result<PathBuf, String> {
        let recorded = self
            .recorded
            .lock()
            .map_err(|_| "a trial panicked while recording".to_owned())?;
        let mut all: BTreeMap<&String, &Counts> = self
            .expected
            .iter()
            .filter(|(key, _)| keys.contains(*key))
            .collect();
        all.extend(recorded.iter());
        let lines: Vec<String> = all
            .into_iter()
            .map(|(key, counts)| {
                format!("  {}: {}", Value::from(key.as_str()), render_counts(counts))
            })
            .collect();
        let text = format!("{{\n{}\n}}\n", lines.join(",\n"));
        let path = counts_file();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }
}

/// Counts as one line of JSON: `{"is-leader": 1, "relation-get": 2}`.
fn render_counts(counts: &Counts) -> String {
    let items: Vec<String> = counts
        .iter()
        .map(|(tool, n)| format!("{}: {n}", Value::from(tool.as_str())))
        .collect();
    format!("{{{}}}", items.join(", "))
}
