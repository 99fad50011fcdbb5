//! The hook-tool test double (`tests/hooktools/fake_juju.py`) laid out for a test: a directory
//! with its tools (`bin`, one wrapper script per tool), its state and a charm directory; and
//! the calls it recorded (`state/calls.jsonl`).

use std::path::{Path, PathBuf};

/// Every tool the double plays, plus its administration command `fake-juju`.
pub const TOOLS: &[&str] = &[
    "fake-juju",
    "relation-ids",
    "relation-list",
    "relation-model-get",
    "relation-get",
    "relation-set",
    "is-leader",
    "secret-add",
    "secret-get",
    "secret-info-get",
    "secret-set",
    "secret-grant",
    "secret-remove",
    "juju-log",
    "status-set",
];

/// A fresh directory `<tmp>/<name>-<pid>` with `bin` (a wrapper per tool, running the double),
/// `state` and `charm`; any earlier one of the same name is removed first.
pub fn install(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for dir in ["bin", "state", "charm"] {
        std::fs::create_dir_all(root.join(dir)).expect("temp dirs");
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/hooktools/fake_juju.py")
        .canonicalize()
        .expect("the test double exists");
    for tool in TOOLS {
        let path = root.join("bin").join(tool);
        let wrapper = format!(
            "#!/bin/sh\nexec python3 -S '{}' {tool} \"$@\"\n",
            script.display()
        );
        std::fs::write(&path, wrapper).expect("wrapper written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .expect("wrapper is executable");
        }
    }
    root
}

/// The calls the double recorded in `<state>/calls.jsonl`, in order, each as
/// `[unit, tool, args...]` (no file: no call yet).
pub fn calls(state: &Path) -> Result<Vec<Vec<String>>, String> {
    let path = state.join("calls.jsonl");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    text.lines()
        .enumerate()
        .map(|(number, line)| {
            serde_json::from_str(line)
                .map_err(|e| format!("{} line {}: {e}", path.display(), number + 1))
        })
        .collect()
}
