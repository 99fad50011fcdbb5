//! The hook-tool test double (`tests/hooktools/fake_juju.py`) laid out for a test: a directory
//! with its tools (`bin`, one wrapper script per tool), its state and a charm directory.

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
