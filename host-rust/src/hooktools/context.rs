//! The hook's context: who is running (`JUJU_UNIT_NAME`), which hook (`JUJU_HOOK_NAME` or
//! `JUJU_DISPATCH_PATH`) and about what (`JUJU_RELATION_ID`, `JUJU_REMOTE_*`, `JUJU_SECRET_*`),
//! read from the environment and mapped to the [`Hook`] the component handles.

use super::HookToolsError;
use crate::backend::app_of;
use crate::bindings::wit::{Hook, RelationEvent, RelationId, SecretEvent};
use std::path::Path;

/// The hook's context, from the `JUJU_*` environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookContext {
    /// `JUJU_UNIT_NAME`: the local unit.
    pub unit: String,
    /// `JUJU_MODEL_UUID`.
    pub model_uuid: String,
    /// The hook's name, from `JUJU_HOOK_NAME` or the last part of `JUJU_DISPATCH_PATH`.
    pub hook_name: Option<String>,
    /// `JUJU_RELATION`: the endpoint of a relation hook.
    pub relation: Option<String>,
    /// The number in `JUJU_RELATION_ID` (`database:3` or `3`).
    pub relation_id: Option<RelationId>,
    /// `JUJU_REMOTE_APP`.
    pub remote_app: Option<String>,
    /// `JUJU_REMOTE_UNIT`.
    pub remote_unit: Option<String>,
    /// `JUJU_SECRET_ID`.
    pub secret_id: Option<String>,
    /// `JUJU_SECRET_LABEL`.
    pub secret_label: Option<String>,
    /// `JUJU_SECRET_REVISION`.
    pub secret_revision: Option<i32>,
}

/// A relation id as Juju prints it (`database:3`) or as a bare number.
pub fn parse_relation_id(text: &str) -> Option<RelationId> {
    let number = text.rsplit(':').next().unwrap_or(text);
    number.trim().parse().ok()
}

impl HookContext {
    /// The context of the running hook, from the process environment.
    pub fn from_env() -> Result<Self, HookToolsError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The context from a lookup of variables (for tests and other hosts); empty values count
    /// as unset.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, HookToolsError> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        let unit =
            get("JUJU_UNIT_NAME").ok_or(HookToolsError::MissingVariable("JUJU_UNIT_NAME"))?;
        if !unit.contains('/') {
            return Err(HookToolsError::BadVariable {
                variable: "JUJU_UNIT_NAME",
                value: unit,
            });
        }
        let relation_id = match get("JUJU_RELATION_ID") {
            None => None,
            Some(value) => Some(
                parse_relation_id(&value).ok_or(HookToolsError::BadVariable {
                    variable: "JUJU_RELATION_ID",
                    value,
                })?,
            ),
        };
        let secret_revision = match get("JUJU_SECRET_REVISION") {
            None => None,
            Some(value) => Some(
                value
                    .trim()
                    .parse()
                    .map_err(|_| HookToolsError::BadVariable {
                        variable: "JUJU_SECRET_REVISION",
                        value,
                    })?,
            ),
        };
        let hook_name = get("JUJU_HOOK_NAME").or_else(|| {
            get("JUJU_DISPATCH_PATH").and_then(|path| {
                Path::new(&path)
                    .file_name()
                    .and_then(|name| name.to_str())
                    .map(str::to_owned)
            })
        });
        Ok(HookContext {
            unit,
            model_uuid: get("JUJU_MODEL_UUID").unwrap_or_default(),
            hook_name,
            relation: get("JUJU_RELATION"),
            relation_id,
            remote_app: get("JUJU_REMOTE_APP"),
            remote_unit: get("JUJU_REMOTE_UNIT"),
            secret_id: get("JUJU_SECRET_ID"),
            secret_label: get("JUJU_SECRET_LABEL"),
            secret_revision,
        })
    }

    /// The local application's name (the unit's name up to the `/`).
    pub fn app(&self) -> &str {
        app_of(&self.unit)
    }

    /// The hook the component handles for an endpoint, or `None` when this hook is not one of
    /// its hooks (another endpoint's relation hook, `install`, `relation-joined`, ...).
    ///
    /// `<endpoint>-relation-created`, `-changed` and `-broken` become relation hooks (they
    /// need `JUJU_RELATION_ID`); `secret-changed` and `secret-remove` become secret hooks (they
    /// need `JUJU_SECRET_ID`).
    pub fn hook_for(&self, endpoint: &str) -> Result<Option<Hook>, HookToolsError> {
        let Some(name) = self.hook_name.as_deref() else {
            return Ok(None);
        };
        if name == "secret-changed" || name == "secret-remove" {
            let id = self
                .secret_id
                .clone()
                .ok_or(HookToolsError::MissingVariable("JUJU_SECRET_ID"))?;
            let event = SecretEvent {
                id,
                label: self.secret_label.clone(),
                revision: self.secret_revision,
            };
            return Ok(Some(match name {
                "secret-changed" => Hook::SecretChanged(event),
                _ => Hook::SecretRemove(event),
            }));
        }
        let Some(kind) = name
            .strip_prefix(endpoint)
            .and_then(|rest| rest.strip_prefix("-relation-"))
        else {
            return Ok(None);
        };
        if !matches!(kind, "created" | "changed" | "broken") {
            return Ok(None);
        }
        let relation_id = self
            .relation_id
            .ok_or(HookToolsError::MissingVariable("JUJU_RELATION_ID"))?;
        let event = RelationEvent {
            relation_id,
            app: self
                .remote_app
                .clone()
                .or_else(|| self.remote_unit.as_deref().map(app_of).map(str::to_owned)),
            unit: self.remote_unit.clone(),
        };
        Ok(Some(match kind {
            "created" => Hook::RelationCreated(event),
            "changed" => Hook::RelationChanged(event),
            _ => Hook::RelationBroken(event),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn context(vars: &[(&str, &str)]) -> Result<HookContext, HookToolsError> {
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        HookContext::from_vars(|name| vars.get(name).cloned())
    }

    #[test]
    fn a_relation_changed_hook_maps_to_a_relation_changed_event() {
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "client/0"),
            ("JUJU_DISPATCH_PATH", "hooks/database-relation-changed"),
            ("JUJU_RELATION", "database"),
            ("JUJU_RELATION_ID", "database:7"),
            ("JUJU_REMOTE_APP", "postgresql"),
            ("JUJU_REMOTE_UNIT", "postgresql/0"),
        ])
        .unwrap();
        assert_eq!(ctx.app(), "client");
        let hook = ctx.hook_for("database").unwrap();
        let Some(Hook::RelationChanged(event)) = hook else {
            panic!("expected relation-changed, got {hook:?}");
        };
        assert_eq!(event.relation_id, 7);
        assert_eq!(event.app.as_deref(), Some("postgresql"));
        assert_eq!(event.unit.as_deref(), Some("postgresql/0"));
    }

    #[test]
    fn another_endpoints_hook_or_a_joined_hook_maps_to_nothing() {
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "client/0"),
            ("JUJU_HOOK_NAME", "cache-relation-changed"),
            ("JUJU_RELATION_ID", "3"),
        ])
        .unwrap();
        assert!(ctx.hook_for("database").unwrap().is_none());
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "client/0"),
            ("JUJU_HOOK_NAME", "database-relation-joined"),
            ("JUJU_RELATION_ID", "3"),
        ])
        .unwrap();
        assert!(ctx.hook_for("database").unwrap().is_none());
    }

    #[test]
    fn a_secret_remove_hook_carries_its_revision() {
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "db/0"),
            ("JUJU_HOOK_NAME", "secret-remove"),
            ("JUJU_SECRET_ID", "secret:abc"),
            ("JUJU_SECRET_LABEL", "database.3.user.secret"),
            ("JUJU_SECRET_REVISION", "2"),
        ])
        .unwrap();
        let hook = ctx.hook_for("database").unwrap();
        let Some(Hook::SecretRemove(event)) = hook else {
            panic!("expected secret-remove, got {hook:?}");
        };
        assert_eq!(event.id, "secret:abc");
        assert_eq!(event.label.as_deref(), Some("database.3.user.secret"));
        assert_eq!(event.revision, Some(2));
    }

    #[test]
    fn a_missing_unit_name_or_a_bad_relation_id_is_a_typed_error() {
        assert!(matches!(
            context(&[]),
            Err(HookToolsError::MissingVariable("JUJU_UNIT_NAME"))
        ));
        assert!(matches!(
            context(&[("JUJU_UNIT_NAME", "a/0"), ("JUJU_RELATION_ID", "db:x")]),
            Err(HookToolsError::BadVariable {
                variable: "JUJU_RELATION_ID",
                ..
            })
        ));
    }

    #[test]
    fn a_relation_hook_without_a_relation_id_is_a_typed_error() {
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "client/0"),
            ("JUJU_HOOK_NAME", "database-relation-created"),
        ])
        .unwrap();
        assert!(matches!(
            ctx.hook_for("database"),
            Err(HookToolsError::MissingVariable("JUJU_RELATION_ID"))
        ));
    }
}
