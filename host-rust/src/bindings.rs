//! The generated bindings for the `charm:data-interfaces` world, and short names for its types.

wasmtime::component::bindgen!({
    path: "wit",
    world: "data-interfaces",
    imports: { default: trappable },
    // Every record, variant and enum of the contract (de)serializes by its own shape, so the
    // hosts' codecs (JSON for the command line, Python objects for the extension) are derived
    // from the WIT rather than written field by field.
    additional_derives: [serde::Serialize, serde::Deserialize],
});

/// The types of the contract (`charm:data-interfaces/types`), as Rust types, and the records
/// an exported interface defines for itself (`diff-cache`'s [`Diff`](wit::Diff)).
pub mod wit {
    pub use super::charm::data_interfaces::types::*;
    pub use super::exports::charm::data_interfaces::diff_cache::Diff;
}
