//! The contract's types the host defines by hand rather than bindgen: their serde form is the
//! wire's, the one representation every host (the command line's JSON, the Python extension's
//! objects) derives its conversions from.
//!
//! The build maps the WIT's `entity-type` onto [`EntityType`] (see `build/bindings.rs`):
//! `wit::EntityType` is this type, in the records that carry it too. wasmtime checks it
//! against the component's enum by its case names (`#[component(name = ...)]`).

use wasmtime::component::{ComponentType, HasData, Lift, Linker, Lower};

/// Entity types a requirer can ask for: `"USER"` or `"GROUP"` on the wire (and in serde).
#[derive(
    ComponentType,
    Lift,
    Lower,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[component(enum)]
#[repr(u8)]
pub enum EntityType {
    /// A user (`USER`).
    #[component(name = "user")]
    #[serde(rename = "USER")]
    User,
    /// A group (`GROUP`).
    #[component(name = "group")]
    #[serde(rename = "GROUP")]
    Group,
}

/// As bindgen prints an enum: `EntityType::User`.
impl std::fmt::Debug for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntityType::User => f.write_str("EntityType::User"),
            EntityType::Group => f.write_str("EntityType::Group"),
        }
    }
}

/// The (empty) host side of the interface the build puts the host-owned types in; the
/// generated world's `add_to_linker` asks for it, as for any imported interface.
pub trait Host {}

impl<H: Host + ?Sized> Host for &mut H {}

/// The (empty) store-aware host side of the same interface, as bindgen makes it for an
/// interface of types only.
pub trait HostWithStore<T>: HasData {}

impl<H: ?Sized + HasData, T> HostWithStore<T> for H {}

/// Links nothing: the interface holds types only, and the component does not import it.
pub fn add_to_linker<T, D>(
    _linker: &mut Linker<T>,
    _host_getter: fn(&mut T) -> D::Data<'_>,
) -> wasmtime::Result<()>
where
    D: HasData,
    for<'a> D::Data<'a>: Host,
    T: 'static,
{
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::EntityType;

    #[test]
    fn entity_types_serialize_as_their_wire_values() {
        let json = serde_json::to_string(&[EntityType::User, EntityType::Group]).unwrap();
        assert_eq!(json, r#"["USER","GROUP"]"#);
    }

    #[test]
    fn entity_types_deserialize_from_their_wire_values_only() {
        let parsed: EntityType = serde_json::from_str(r#""GROUP""#).unwrap();
        assert_eq!(parsed, EntityType::Group);
        assert!(serde_json::from_str::<EntityType>(r#""user""#).is_err());
    }
}
