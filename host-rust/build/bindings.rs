//! The world's bindings: wasmtime's own bindgen (the library behind `wasmtime::component::bindgen!`,
//! the same version) over the WIT, written to `OUT_DIR/bindings.rs`, with the types the host
//! owns mapped onto hand-written Rust types.
//!
//! `bindgen!`'s `with:` maps interfaces and resources only, not a record or an enum. So the
//! build moves each host-owned type of `types` into a synthetic interface of its own
//! ([`HOST_OWNED`]), leaves a `use` of it in `types` (the generated `types::EntityType` is an
//! alias), and maps that interface with `with:` onto the crate's module that defines the types.
//! The component never sees the difference: wasmtime checks a host type against the
//! component's type by shape (an enum by its case names), not by the interface that names it.

use std::path::Path;
use wasmtime_internal_wit_bindgen::{FunctionConfig, FunctionFilter, FunctionFlags, Opts};
use wit_parser::{Interface, Resolve, Type, TypeDefKind, TypeOwner, WorldId, WorldItem, WorldKey};

/// The synthetic interface of the host-owned types, and the crate module that defines them.
const HOST_OWNED: (&str, &str) = ("host-owned", "crate::host_owned");

/// The types of the contract's `types` interface the host defines by hand: their serde form
/// is the wire's (`entity-type` is `"USER"`/`"GROUP"` on the wire, not its WIT case names).
const HOST_OWNED_TYPES: &[&str] = &["entity-type"];

/// Generates the bindings of `world` into `out_dir/bindings.rs`.
pub fn generate(resolve: &Resolve, world: WorldId, out_dir: &Path) {
    let mut resolve = resolve.clone();
    let package = resolve.worlds[world]
        .package
        .expect("the world belongs to the contract's package");
    move_host_owned_types(&mut resolve, world);
    let package_name = resolve.packages[package].name.clone();
    let interface_name = match &package_name.version {
        Some(version) => format!(
            "{}:{}/{}@{version}",
            package_name.namespace, package_name.name, HOST_OWNED.0
        ),
        None => format!(
            "{}:{}/{}",
            package_name.namespace, package_name.name, HOST_OWNED.0
        ),
    };

    let mut imports = FunctionConfig::new();
    imports.push(FunctionFilter::Default, FunctionFlags::TRAPPABLE);
    let opts = Opts {
        imports,
        with: [(interface_name, HOST_OWNED.1.to_owned())].into(),
        // Every record, variant and enum of the contract (de)serializes by its own shape, so the
        // hosts' codecs (JSON for the command line, Python objects for the extension) are derived
        // from the WIT rather than written field by field.
        additional_derive_attributes: vec![
            "serde::Serialize".to_owned(),
            "serde::Deserialize".to_owned(),
        ],
        ..Opts::default()
    };
    let source = opts
        .generate(&mut resolve, world)
        .unwrap_or_else(|e| panic!("generating the bindings from the WIT failed: {e:?}"));
    std::fs::write(out_dir.join("bindings.rs"), source).expect("write the bindings to OUT_DIR");
}

/// Moves [`HOST_OWNED_TYPES`] out of `types` into the [`HOST_OWNED`] interface (imported by
/// the world before `types`), leaving a `use` of each in `types`.
fn move_host_owned_types(resolve: &mut Resolve, world: WorldId) {
    let package = resolve.worlds[world]
        .package
        .expect("the world belongs to the contract's package");
    let types = *resolve.packages[package]
        .interfaces
        .get("types")
        .expect("the contract has a `types` interface");
    let host_owned = resolve.interfaces.alloc(Interface {
        name: Some(HOST_OWNED.0.to_owned()),
        types: Default::default(),
        functions: Default::default(),
        docs: Default::default(),
        stability: Default::default(),
        package: Some(package),
        span: Default::default(),
        clone_of: None,
    });
    for name in HOST_OWNED_TYPES {
        let id = *resolve.interfaces[types]
            .types
            .get(*name)
            .unwrap_or_else(|| panic!("the contract's `types` has no `{name}`"));
        // The definition changes owner (the records that use it refer to it by id, which
        // stays: the arena stays in dependency order) and `types` keeps a `use` of it.
        resolve.types[id].owner = TypeOwner::Interface(host_owned);
        let mut alias = resolve.types[id].clone();
        alias.owner = TypeOwner::Interface(types);
        alias.kind = TypeDefKind::Type(Type::Id(id));
        let alias = resolve.types.alloc(alias);
        resolve.interfaces[types]
            .types
            .insert((*name).to_owned(), alias);
        resolve.interfaces[host_owned]
            .types
            .insert((*name).to_owned(), id);
    }
    resolve.packages[package]
        .interfaces
        .insert(HOST_OWNED.0.to_owned(), host_owned);
    // A world imports what its imports use, dependencies first.
    let imports = std::mem::take(&mut resolve.worlds[world].imports);
    let key = WorldKey::Interface(host_owned);
    let item = WorldItem::Interface {
        id: host_owned,
        stability: Default::default(),
        external_id: None,
        docs: Default::default(),
        span: Default::default(),
    };
    resolve.worlds[world].imports = std::iter::once((key, item)).chain(imports).collect();
}
