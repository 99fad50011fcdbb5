//! The component imports only the contract and the WASI interfaces Rust's std needs; never
//! sockets, HTTP or anything else that would reach outside the sandbox.

use data_interfaces_host::{LoadOptions, Runtime};

/// Interfaces the component may import, by name without version.
const ALLOWED: &[&str] = &[
    // The contract.
    "charm:data-interfaces/types",
    "charm:data-interfaces/databag",
    "charm:data-interfaces/secrets",
    "charm:data-interfaces/log",
    // What Rust's std for wasm32-wasip2 links in. The host defines them as traps and grants no
    // preopened directory, environment or arguments, so none can reach anything.
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:clocks/wall-clock",
    "wasi:clocks/monotonic-clock",
    "wasi:filesystem/types",
    "wasi:filesystem/preopens",
    // Salts.
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
];

fn unversioned(name: &str) -> &str {
    name.split('@').next().unwrap_or(name)
}

#[test]
fn the_component_imports_only_the_contract_and_std_wasi() {
    let runtime = Runtime::load_with(&LoadOptions {
        cache_dir: None,
        ..LoadOptions::default()
    })
    .expect("the component loads");
    let imports = runtime.imports();
    let unexpected: Vec<&String> = imports
        .iter()
        .filter(|name| !ALLOWED.contains(&unversioned(name)))
        .collect();
    assert!(unexpected.is_empty(), "unexpected imports: {unexpected:?}");
    for contract in ["databag", "secrets", "log"] {
        let name = format!("charm:data-interfaces/{contract}@1.0.0");
        assert!(imports.contains(&name), "{name} missing from {imports:?}");
    }
}

#[test]
fn no_socket_or_http_interface_is_ever_allowed() {
    for name in ALLOWED {
        assert!(!name.starts_with("wasi:sockets") && !name.starts_with("wasi:http"));
    }
}
