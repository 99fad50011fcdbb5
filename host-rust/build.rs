//! Builds the protocol component (`core`, for `wasm32-wasip2`) and hands it to the crate.
//!
//! The component is built by a nested cargo with its own target directory (so it never waits
//! on the lock of the outer build). Set `DATA_INTERFACES_COMPONENT` to the path of a built
//! component to embed that one instead. A source distribution carries the component prebuilt
//! (`prebuilt/data_interfaces.wasm`, put there by `make wheels` for `maturin sdist` only), so
//! building it needs no `wasm32-wasip2` target.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let workspace = manifest_dir
        .parent()
        .expect("host-rust sits in the workspace")
        .to_path_buf();
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
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
        None => build_component(&workspace),
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
