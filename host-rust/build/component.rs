//! The protocol component: built from `core` (or taken prebuilt) and written to `OUT_DIR`
//! with its hash.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes `data_interfaces.wasm` and `component_hash.rs` to `out_dir`.
pub fn embed(manifest_dir: &Path, workspace: &Path, out_dir: &Path) {
    println!("cargo:rerun-if-env-changed=DATA_INTERFACES_COMPONENT");

    let prebuilt = manifest_dir.join("prebuilt").join("data_interfaces.wasm");
    println!("cargo:rerun-if-changed={}", prebuilt.display());
    let wasm = match std::env::var_os("DATA_INTERFACES_COMPONENT") {
        Some(path) => {
            let path = PathBuf::from(path);
            println!("cargo:rerun-if-changed={}", path.display());
            path
        }
        None if prebuilt.is_file() => {
            println!(
                "cargo:warning=embedding the prebuilt component {} (a source distribution)",
                prebuilt.display()
            );
            prebuilt
        }
        None => build_component(workspace),
    };
    let bytes = std::fs::read(&wasm)
        .unwrap_or_else(|e| panic!("cannot read the component {}: {e}", wasm.display()));
    std::fs::write(out_dir.join("data_interfaces.wasm"), &bytes)
        .expect("write the component to OUT_DIR");
    let hash = blake3::hash(&bytes);
    let literal = format!(
        "[{}]",
        hash.as_bytes()
            .iter()
            .map(|b| format!("{b}u8"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::write(out_dir.join("component_hash.rs"), literal).expect("write the component hash");
}

fn build_component(workspace: &Path) -> PathBuf {
    for dir in [
        "core/src",
        "core/Cargo.toml",
        "wit",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(dir).display());
    }
    let target_dir = workspace.join("target").join("component");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args([
            "build",
            "--package",
            "data-interfaces-core",
            "--target",
            "wasm32-wasip2",
            "--profile",
            "component",
            "--target-dir",
        ])
        .arg(&target_dir);
    // The outer build's settings are not the guest's.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("CARGO_") && key != "CARGO_HOME"
            || key == "RUSTC_WORKSPACE_WRAPPER"
            || key == "RUSTC_WRAPPER"
            || key == "RUSTFLAGS"
            || key == "DEBUG"
            || key == "OPT_LEVEL"
            || key == "PROFILE"
            || key == "TARGET"
            || key == "HOST"
        {
            command.env_remove(key);
        }
    }
    let status = command.status().expect("run cargo to build the component");
    assert!(status.success(), "building the component failed (is the wasm32-wasip2 target installed? `rustup target add wasm32-wasip2`)");
    target_dir
        .join("wasm32-wasip2")
        .join("component")
        .join("data_interfaces_core.wasm")
}
