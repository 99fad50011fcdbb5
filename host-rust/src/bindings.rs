//! The generated bindings for the `charm:data-interfaces` world, and short names for its types.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "data-interfaces",
    imports: { default: trappable },
});

/// The types of the contract (`charm:data-interfaces/types`), as Rust types.
pub mod wit {
    pub use super::charm::data_interfaces::types::*;
}
