//! The handler configuration file of the command-line host.
//!
//! A handler configuration (JSON):
//!
//! ```json
//! {
//!   "role": "requirer",
//!   "endpoint": "database",
//!   "requests": [{"resource": "clientdb", "extra-user-roles": "admin"}],
//!   "request-fields": [{"key": "operator-password", "secret-group": "extra"}],
//!   "response-fields": [],
//!   "relation-aliases": [],
//!   "relation-limit": null
//! }
//! ```
//!
//! `relation-limit` is the endpoint's `limit` in metadata.yaml: relation aliases must be
//! exactly that many.
//!
//! or, for a provider: `"role": "provider"`, `"endpoint"`, `"request-fields"`,
//! `"response-fields"`, `"mtls"` (bool), `"bulk"` (bool), `"status-schema"` (a list of
//! `{"code", "message", "resolution"}`) and `"resource-aliases"` (a list of keys); for peer
//! data: `"role": "peer"`, `"endpoint"` and `"fields"` (field specs, as `"request-fields"`).
//! Only `role` and `endpoint` are required (a key given as `null` counts as absent); an
//! unknown top-level key is an error. [`HandlerConfig::to_json`] writes the same form back.
//!
//! The top-level object is read by serde (one struct per role); requests and statuses by
//! their JSON forms in [`crate::records`]. An error names the key at fault (`"mtls" must be
//! a boolean`, `"fields"[1]: "key" is required`), never a value.
//!
//! ```
//! use data_interfaces_cli::config::HandlerConfig;
//!
//! let config = HandlerConfig::from_json_str(
//!     r#"{"role": "requirer", "endpoint": "database", "requests": [{"resource": "clientdb"}]}"#,
//! )?;
//! assert_eq!(config.endpoint(), "database");
//! # Ok::<(), data_interfaces_cli::records::FormError>(())
//! ```

use crate::derived::{key_path, located, quoted};
use crate::records::{
    request_from_json, request_to_json, status_from_json, status_to_json, FormError,
};
use data_interfaces_host::display;
use data_interfaces_host::wit::{FieldSpec, PeerConfig, ProviderConfig, RequirerConfig};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_path_to_error::Segment;

/// A handler configuration, as read from its file. `Debug` redacts the secret values of the
/// requests.
#[derive(Clone)]
pub enum HandlerConfig {
    /// `"role": "requirer"`.
    Requirer(RequirerConfig),
    /// `"role": "provider"`.
    Provider(ProviderConfig),
    /// `"role": "peer"`: the fields of a peer relation's data.
    Peer(PeerConfig),
}

impl std::fmt::Debug for HandlerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandlerConfig::Requirer(c) => {
                let requests: Vec<String> = c.requests.iter().map(display::request).collect();
                f.debug_struct("Requirer")
                    .field("endpoint", &c.endpoint)
                    .field("requests", &requests)
                    .field("request_fields", &c.request_fields)
                    .field("response_fields", &c.response_fields)
                    .field("relation_aliases", &c.relation_aliases)
                    .field("relation_limit", &c.relation_limit)
                    .finish()
            }
            HandlerConfig::Provider(c) => f.debug_tuple("Provider").field(c).finish(),
            HandlerConfig::Peer(c) => f.debug_tuple("Peer").field(c).finish(),
        }
    }
}

/// `"role"`: which handler the file configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Role {
    Requirer,
    Provider,
    Peer,
}

/// What is read first: the role, which says which of the files below the object is.
#[derive(Deserialize)]
struct Head {
    role: Option<String>,
}

/// A requirer's file. Requests stay JSON here: [`request_from_json`] reads them.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RequirerFile {
    role: Role,
    endpoint: Option<String>,
    requests: Option<Vec<Value>>,
    request_fields: Option<Vec<FieldSpecFile>>,
    response_fields: Option<Vec<FieldSpecFile>>,
    relation_aliases: Option<Vec<String>>,
    /// The endpoint's `limit` in metadata.yaml (relation aliases must be that many).
    #[serde(skip_serializing_if = "Option::is_none")]
    relation_limit: Option<u32>,
}

/// A provider's file. Statuses stay JSON here: [`status_from_json`] reads them.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ProviderFile {
    role: Role,
    endpoint: Option<String>,
    request_fields: Option<Vec<FieldSpecFile>>,
    response_fields: Option<Vec<FieldSpecFile>>,
    mtls: Option<bool>,
    bulk: Option<bool>,
    status_schema: Option<Vec<Value>>,
    resource_aliases: Option<Vec<String>>,
}

/// A peer's file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PeerFile {
    role: Role,
    endpoint: Option<String>,
    fields: Option<Vec<FieldSpecFile>>,
}

/// A field spec: `{"key", "secret-group"}` (other keys are ignored).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct FieldSpecFile {
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_group: Option<String>,
}

impl From<FieldSpecFile> for FieldSpec {
    fn from(spec: FieldSpecFile) -> Self {
        FieldSpec {
            key: spec.key,
            secret_group: spec.secret_group,
        }
    }
}

impl From<&FieldSpec> for FieldSpecFile {
    fn from(spec: &FieldSpec) -> Self {
        FieldSpecFile {
            key: spec.key.clone(),
            secret_group: spec.secret_group.clone(),
        }
    }
}

impl HandlerConfig {
    /// A configuration from its JSON value.
    pub fn from_json(value: &Value) -> Result<Self, FormError> {
        if !value.is_object() {
            return Err(reason("the configuration must be a JSON object"));
        }
        let head: Head = read(value, None)?;
        let role = match head.role.as_deref() {
            None => return Err(reason("\"role\" is required")),
            Some("requirer") => Role::Requirer,
            Some("provider") => Role::Provider,
            Some("peer") => Role::Peer,
            Some(_) => return Err(reason("\"role\" must be requirer, provider or peer")),
        };
        let config = match role {
            Role::Requirer => {
                let file: RequirerFile = read(value, Some(role))?;
                HandlerConfig::Requirer(RequirerConfig {
                    endpoint: endpoint(file.endpoint)?,
                    requests: each(file.requests, "requests", request_from_json)?,
                    request_fields: specs(file.request_fields),
                    response_fields: specs(file.response_fields),
                    relation_aliases: file.relation_aliases.unwrap_or_default(),
                    relation_limit: file.relation_limit,
                })
            }
            Role::Provider => {
                let file: ProviderFile = read(value, Some(role))?;
                HandlerConfig::Provider(ProviderConfig {
                    endpoint: endpoint(file.endpoint)?,
                    request_fields: specs(file.request_fields),
                    response_fields: specs(file.response_fields),
                    mtls_enabled: file.mtls.unwrap_or(false),
                    bulk_event: file.bulk.unwrap_or(false),
                    status_schema: each(file.status_schema, "status-schema", status_from_json)?,
                    resource_aliases: file.resource_aliases.unwrap_or_default(),
                })
            }
            Role::Peer => {
                let file: PeerFile = read(value, Some(role))?;
                HandlerConfig::Peer(PeerConfig {
                    endpoint: endpoint(file.endpoint)?,
                    fields: specs(file.fields),
                })
            }
        };
        Ok(config)
    }

    /// A configuration from its JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, FormError> {
        let value: Value = serde_json::from_str(text)?;
        Self::from_json(&value)
    }

    /// The endpoint (relation name) the handler serves.
    pub fn endpoint(&self) -> &str {
        match self {
            HandlerConfig::Requirer(c) => &c.endpoint,
            HandlerConfig::Provider(c) => &c.endpoint,
            HandlerConfig::Peer(c) => &c.endpoint,
        }
    }

    /// The role's name: `requirer`, `provider` or `peer`.
    pub fn role(&self) -> &'static str {
        match self {
            HandlerConfig::Requirer(_) => "requirer",
            HandlerConfig::Provider(_) => "provider",
            HandlerConfig::Peer(_) => "peer",
        }
    }

    /// The configuration as its JSON value (what [`HandlerConfig::from_json`] reads). The
    /// requests of a requirer carry their secret values (`entity-password`): it is the
    /// charm's file, not a log line.
    pub fn to_json(&self) -> Value {
        let specs = |specs: &[FieldSpec]| Some(specs.iter().map(FieldSpecFile::from).collect());
        let endpoint = Some(self.endpoint().to_owned());
        let written = match self {
            HandlerConfig::Requirer(c) => serde_json::to_value(RequirerFile {
                role: Role::Requirer,
                endpoint,
                requests: Some(c.requests.iter().map(request_to_json).collect()),
                request_fields: specs(&c.request_fields),
                response_fields: specs(&c.response_fields),
                relation_aliases: Some(c.relation_aliases.clone()),
                relation_limit: c.relation_limit,
            }),
            HandlerConfig::Provider(c) => serde_json::to_value(ProviderFile {
                role: Role::Provider,
                endpoint,
                request_fields: specs(&c.request_fields),
                response_fields: specs(&c.response_fields),
                mtls: Some(c.mtls_enabled),
                bulk: Some(c.bulk_event),
                status_schema: Some(c.status_schema.iter().map(status_to_json).collect()),
                resource_aliases: Some(c.resource_aliases.clone()),
            }),
            HandlerConfig::Peer(c) => serde_json::to_value(PeerFile {
                role: Role::Peer,
                endpoint,
                fields: specs(&c.fields),
            }),
        };
        // Structs of strings, booleans and JSON values always serialize.
        written.unwrap_or(Value::Null)
    }
}

fn reason(text: &str) -> FormError {
    FormError::from(text.to_owned())
}

fn endpoint(endpoint: Option<String>) -> Result<String, FormError> {
    endpoint
        .filter(|e| !e.is_empty())
        .ok_or_else(|| reason("\"endpoint\" is required"))
}

fn specs(specs: Option<Vec<FieldSpecFile>>) -> Vec<FieldSpec> {
    specs.into_iter().flatten().map(FieldSpec::from).collect()
}

/// Each element of a list read by its JSON form; an error is prefixed with where it is.
fn each<T>(
    items: Option<Vec<Value>>,
    key: &str,
    parse: impl Fn(&Value) -> Result<T, FormError>,
) -> Result<Vec<T>, FormError> {
    items
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(index, item)| {
            parse(&item).map_err(|e| FormError::from(format!("{key:?}[{index}]: {e}")))
        })
        .collect()
}

/// A part of the configuration read by serde; the error says where it is (the key path) and
/// what was expected, and drops what serde would quote of the value.
fn read<T: DeserializeOwned>(value: &Value, role: Option<Role>) -> Result<T, FormError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let segments: Vec<&Segment> = error.path().iter().collect();
        let path = key_path(&segments, false);
        let message = error.inner().to_string();
        let text = if let Some(key) = quoted(&message, "missing field `") {
            located(&path, &format!("{key:?} is required"))
        } else if let Some(key) = quoted(&message, "unknown field `") {
            // The path ends with the unknown key itself.
            let path = key_path(&segments[..segments.len().saturating_sub(1)], false);
            let role = role.map_or("handler", |r| match r {
                Role::Requirer => "requirer",
                Role::Provider => "provider",
                Role::Peer => "peer",
            });
            located(&path, &format!("unknown key {key:?} for a {role}"))
        } else if let Some((_, expected)) = message.split_once(", expected ") {
            // "invalid type: string \"...\", expected a boolean": the first half quotes the
            // value.
            format!(
                "{} must be {expected}",
                if path.is_empty() {
                    "the configuration"
                } else {
                    &path
                }
            )
        } else {
            located(&path, &message)
        };
        FormError::from(text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requirer_configuration_parses_with_its_requests() {
        let value = serde_json::json!({
            "role": "requirer",
            "endpoint": "database",
            "requests": [{"resource": "clientdb", "extra-user-roles": "admin", "tier": "gold"}],
            "response-fields": [{"key": "operator-password", "secret-group": "extra"}],
        });
        let Ok(HandlerConfig::Requirer(config)) = HandlerConfig::from_json(&value) else {
            panic!("a requirer configuration");
        };
        assert_eq!(config.endpoint, "database");
        assert_eq!(config.requests[0].resource, "clientdb");
        assert_eq!(
            config.requests[0].extra_user_roles.as_deref(),
            Some("admin")
        );
        assert_eq!(
            config.requests[0].extra,
            vec![("tier".to_owned(), "\"gold\"".to_owned())]
        );
        assert_eq!(
            config.response_fields[0].secret_group.as_deref(),
            Some("extra")
        );
    }

    #[test]
    fn a_provider_configuration_parses_its_status_schema() {
        let value = serde_json::json!({
            "role": "provider",
            "endpoint": "database",
            "mtls": true,
            "status-schema": [{"code": 4001, "message": "m", "resolution": "r"}],
        });
        let Ok(HandlerConfig::Provider(config)) = HandlerConfig::from_json(&value) else {
            panic!("a provider configuration");
        };
        assert!(config.mtls_enabled && !config.bulk_event);
        assert_eq!(config.status_schema[0].code, 4001);
    }

    #[test]
    fn an_unknown_key_or_role_in_the_configuration_is_refused() {
        let error = |value: Value| HandlerConfig::from_json(&value).unwrap_err().to_string();
        let typo = serde_json::json!({"role": "provider", "endpoint": "db", "requests": []});
        assert_eq!(error(typo), "unknown key \"requests\" for a provider");
        let role = serde_json::json!({"role": "observer", "endpoint": "db"});
        assert_eq!(error(role), "\"role\" must be requirer, provider or peer");
        let missing = serde_json::json!({"role": "requirer"});
        assert_eq!(error(missing), "\"endpoint\" is required");
        let no_role = serde_json::json!({"endpoint": "db"});
        assert_eq!(error(no_role), "\"role\" is required");
    }

    #[test]
    fn a_malformed_key_is_named_and_its_value_never_shown() {
        let error = |value: Value| HandlerConfig::from_json(&value).unwrap_err().to_string();
        let mtls = serde_json::json!({"role": "provider", "endpoint": "db", "mtls": "s3cr3t"});
        assert_eq!(error(mtls), "\"mtls\" must be a boolean");
        let spec = serde_json::json!({
            "role": "peer", "endpoint": "db", "fields": [{"key": "a"}, {"secret-group": "s3cr3t"}],
        });
        assert_eq!(error(spec), "\"fields\"[1]: \"key\" is required");
        let code = serde_json::json!({
            "role": "provider", "endpoint": "db", "status-schema": [{"code": "s3cr3t"}],
        });
        assert_eq!(
            error(code),
            "\"status-schema\"[0]: the status needs an integer \"code\""
        );
        let request = serde_json::json!({
            "role": "requirer", "endpoint": "db", "requests": [{"entity-password": "s3cr3t"}],
        });
        assert_eq!(
            error(request),
            "\"requests\"[0]: a request needs a \"resource\""
        );
        let aliases = serde_json::json!({
            "role": "requirer", "endpoint": "db", "relation-aliases": ["a", 7],
        });
        assert_eq!(error(aliases), "\"relation-aliases\"[1] must be a string");
        let text = HandlerConfig::from_json_str("{\"role\": \"requirer\", \"endpoint\": s3cr3t}")
            .unwrap_err()
            .to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[test]
    fn a_configuration_round_trips_through_its_json_form() {
        let value = serde_json::json!({
            "role": "provider",
            "endpoint": "database",
            "mtls": true,
            "status-schema": [{"code": 4001, "message": "m", "resolution": "r"}],
            "response-fields": [{"key": "operator-password", "secret-group": "extra"}],
            "resource-aliases": ["topic"],
        });
        let config = HandlerConfig::from_json(&value).unwrap();
        let again = HandlerConfig::from_json(&config.to_json()).unwrap();
        assert_eq!(again.to_json(), config.to_json());
        let requirer = serde_json::json!({
            "role": "requirer", "endpoint": "db",
            "requests": [{"resource": "a", "salt": "s", "entity-type": "USER", "tier": 3}],
        });
        let config = HandlerConfig::from_json(&requirer).unwrap();
        let json = config.to_json();
        assert_eq!(json["requests"][0]["entity-type"], "USER");
        assert_eq!(json["requests"][0]["tier"], 3);
    }

    #[test]
    fn a_requirer_configuration_carries_its_relation_limit_both_ways() {
        let value = serde_json::json!({
            "role": "requirer", "endpoint": "db",
            "relation-aliases": ["cluster1", "cluster2"], "relation-limit": 2,
        });
        let config = HandlerConfig::from_json(&value).unwrap();
        let HandlerConfig::Requirer(requirer) = &config else {
            panic!("a requirer configuration");
        };
        assert_eq!(requirer.relation_limit, Some(2));
        assert_eq!(config.to_json()["relation-limit"], 2);
    }

    #[test]
    fn a_peer_configuration_names_its_fields() {
        let value = serde_json::json!({
            "role": "peer", "endpoint": "cluster",
            "fields": [{"key": "root-password", "secret-group": "extra"}, {"key": "mode"}],
        });
        let Ok(HandlerConfig::Peer(config)) = HandlerConfig::from_json(&value) else {
            panic!("a peer configuration");
        };
        assert_eq!(config.endpoint, "cluster");
        assert_eq!(config.fields[0].secret_group.as_deref(), Some("extra"));
        assert_eq!(config.fields[1].secret_group, None);
    }
}
