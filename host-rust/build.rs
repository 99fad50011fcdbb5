//! Generates what the crate takes from outside its sources, into `OUT_DIR`:
//!
//! - the protocol component (`core`, for `wasm32-wasip2`) and its hash ([`component`]);
//! - the world's bindings, wasmtime's bindgen over the WIT ([`bindings`]);
//! - the typed API's per-field code for requests and responses: constructors, setters,
//!   clear-by-key, redacting printers ([`records`]).
//!
//! The component is built by a nested cargo with its own target directory (so it never waits
//! on the lock of the outer build). Set `DATA_INTERFACES_COMPONENT` to the path of a built
//! component to embed that one instead. A source distribution carries the component prebuilt
//! (`prebuilt/data_interfaces.wasm`, put there by `make wheels` for `maturin sdist` only), so
//! building it needs no `wasm32-wasip2` target.

#[path = "build/bindings.rs"]
mod bindings;
#[path = "build/component.rs"]
mod component;
#[path = "build/records.rs"]
mod records;

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let workspace = manifest_dir
        .parent()
        .expect("host-rust sits in the workspace")
        .to_path_buf();
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=build");

    component::embed(&manifest_dir, &workspace, &out_dir);

    // The WIT, as `bindgen!` would read it (the crate's `wit`, a link to the workspace's).
    let wit = manifest_dir.join("wit");
    println!("cargo:rerun-if-changed={}", wit.display());
    let mut resolve = wit_parser::Resolve {
        all_features: true,
        ..Default::default()
    };
    let (package, sources) = resolve
        .push_path(&wit)
        .unwrap_or_else(|e| panic!("cannot read the WIT {}: {e:?}", wit.display()));
    for path in sources.paths() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let world = resolve
        .select_world(&[package], Some("data-interfaces"))
        .unwrap_or_else(|e| panic!("the WIT has no world `data-interfaces`: {e:?}"));
    bindings::generate(&resolve, world, &out_dir);
    records::generate(&resolve, world, &out_dir);
}
