//! `data-interfaces`: the command-line host.
//!
//! * `hook --config FILE` handles the current Juju hook (read from the `JUJU_*` environment)
//!   over the hook tools and prints the events for the charm as JSON lines on stdout;
//! * `set-response`, `requests`, `responses` are the provider's and requirer's calls;
//! * `demo` runs the whole handshake in memory; `precompile` warms the precompiled cache.
//!
//! Events and responses printed on stdout carry credentials (a `resource_created` event has
//! the username and password): stdout is the charm's channel, like the return value of a
//! library call. Errors go to stderr and never carry a secret value. Exit codes: 0 success,
//! 1 failure, 2 usage error.
//!
//! The handler configuration file (JSON):
//!
//! ```json
//! {
//!   "role": "requirer",
//!   "endpoint": "database",
//!   "requests": [{"resource": "clientdb", "extra-user-roles": "admin"}],
//!   "request-fields": [{"key": "operator-password", "secret-group": "extra"}],
//!   "response-fields": [],
//!   "relation-aliases": []
//! }
//! ```
//!
//! or, for a provider: `"role": "provider"`, `"endpoint"`, `"request-fields"`,
//! `"response-fields"`, `"mtls"` (bool), `"bulk"` (bool), `"status-schema"` (a list of
//! `{"code", "message", "resolution"}`) and `"resource-aliases"` (a list of keys). Only
//! `role` and `endpoint` are required; an unknown top-level key is an error.

use data_interfaces_host::demo::Demo;
use data_interfaces_host::hooktools::{HookContext, HookTools, HookToolsError};
use data_interfaces_host::wit::{
    EntityPermission, EntityType, FieldSpec, ProviderConfig, ProviderEvent, Request,
    RequirerConfig, RequirerEvent, Response, Status,
};
use data_interfaces_host::{display, Error, LoadOptions, Runtime};
use serde_json::{Map, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: data-interfaces <command> [options]

commands:
  hook --config FILE
      handle the current Juju hook (from the JUJU_* environment) over the hook tools;
      prints the charm's events as JSON lines on stdout (they carry credentials)
  set-response --config FILE --relation-id N --response FILE|-
      provider: write a response (a JSON object) or responses (a JSON list); leader only
  requests --config FILE --relation-id N
      provider: print the requests on a relation as JSON lines
  responses --config FILE --relation-id N
      print the responses on a relation as JSON lines (with credentials)
  demo         run a requirer and a provider through the whole handshake, in memory
  precompile   compile the component into the cache (for install time)
  help         show this help

environment:
  DATA_INTERFACES_CACHE_DIR    where the precompiled component is cached
  DATA_INTERFACES_HOOK_TOOLS   the directory of Juju's hook tools (default: PATH)";

/// What the command line can fail with.
#[derive(Debug, thiserror::Error)]
enum CliError {
    /// The command line is malformed (exit code 2).
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    /// The configuration file cannot be used.
    #[error("configuration {path}: {reason}")]
    Config { path: PathBuf, reason: String },
    /// An input file (a response) cannot be used.
    #[error("{what}: {reason}")]
    Input { what: String, reason: String },
    /// The hook's context or a hook tool failed outside the component.
    #[error(transparent)]
    HookTools(#[from] HookToolsError),
    /// The component (or a backend it called) failed.
    #[error(transparent)]
    Component(#[from] Error),
    /// Writing to stdout failed.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

/// A handler configuration, as read from its file.
#[derive(Debug)]
enum Config {
    Requirer(RequirerConfig),
    Provider(ProviderConfig),
}

/// Parsed options of a command.
#[derive(Debug, Default)]
struct Options {
    config: Option<PathBuf>,
    relation_id: Option<i32>,
    response: Option<String>,
}

fn parse_options(args: &[String]) -> Result<Options, CliError> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| CliError::Usage(format!("{name} needs a value")))
        };
        match name {
            "--config" => options.config = Some(PathBuf::from(value()?)),
            "--relation-id" => {
                let text = value()?;
                let id = text.parse().map_err(|_| {
                    CliError::Usage(format!("--relation-id wants a number, not {text:?}"))
                })?;
                options.relation_id = Some(id);
            }
            "--response" => options.response = Some(value()?),
            other => return Err(CliError::Usage(format!("unknown option {other:?}"))),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match command.as_str() {
        "demo" => Runtime::load()
            .and_then(|runtime| {
                let stdout = std::io::stdout();
                Demo::new(&runtime, stdout.lock()).run()
            })
            .map_err(CliError::from),
        "precompile" => Runtime::load_with(&LoadOptions::default())
            .map(|runtime| {
                println!(
                    "{:?} in {:.2} ms",
                    runtime.source(),
                    runtime.load_time().as_secs_f64() * 1000.0
                );
            })
            .map_err(CliError::from),
        "hook" => parse_options(rest).and_then(|o| hook(&o)),
        "set-response" => parse_options(rest).and_then(|o| set_response(&o)),
        "requests" => parse_options(rest).and_then(|o| requests(&o)),
        "responses" => parse_options(rest).and_then(|o| responses(&o)),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(CliError::Usage(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(message)) => {
            eprintln!("data-interfaces: {message}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("data-interfaces: {error}");
            ExitCode::FAILURE
        }
    }
}

fn config_of(options: &Options) -> Result<Config, CliError> {
    let path = options
        .config
        .as_ref()
        .ok_or_else(|| CliError::Usage("--config FILE is required".to_owned()))?;
    let bad = |reason: String| CliError::Config {
        path: path.clone(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    parse_config(&value).map_err(bad)
}

fn relation_of(options: &Options) -> Result<i32, CliError> {
    options
        .relation_id
        .ok_or_else(|| CliError::Usage("--relation-id N is required".to_owned()))
}

/// A session over the hook tools, for the hook in the environment.
fn session() -> Result<(HookContext, data_interfaces_host::Session), CliError> {
    let context = HookContext::from_env()?;
    let runtime = Runtime::load()?;
    let session = runtime.session(Box::new(HookTools::new(context.clone())))?;
    Ok((context, session))
}

fn print_lines(values: impl IntoIterator<Item = Value>) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for value in values {
        writeln!(out, "{value}")?;
    }
    out.flush()?;
    Ok(())
}

fn hook(options: &Options) -> Result<(), CliError> {
    let config = config_of(options)?;
    let endpoint = match &config {
        Config::Requirer(c) => c.endpoint.clone(),
        Config::Provider(c) => c.endpoint.clone(),
    };
    let context = HookContext::from_env()?;
    let Some(hook) = context.hook_for(&endpoint)? else {
        // Not a hook of this handler: nothing to do, nothing to print.
        return Ok(());
    };
    let (_, mut session) = session()?;
    match &config {
        Config::Requirer(c) => {
            let events = session.requirer_handle(c, &hook)?;
            print_lines(events.iter().map(requirer_event_json))
        }
        Config::Provider(c) => {
            let events = session.provider_handle(c, &hook)?;
            print_lines(events.iter().map(provider_event_json))
        }
    }
}

fn set_response(options: &Options) -> Result<(), CliError> {
    let Config::Provider(config) = config_of(options)? else {
        return Err(CliError::Usage(
            "set-response needs a provider configuration".to_owned(),
        ));
    };
    let relation = relation_of(options)?;
    let source = options
        .response
        .as_deref()
        .ok_or_else(|| CliError::Usage("--response FILE|- is required".to_owned()))?;
    let what = format!("response {source}");
    let input = |reason: String| CliError::Input {
        what: what.clone(),
        reason,
    };
    let mut text = String::new();
    if source == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| input(e.to_string()))?;
    } else {
        text = std::fs::read_to_string(Path::new(source)).map_err(|e| input(e.to_string()))?;
    }
    // A JSON error names a line and column, never the text (it may hold a password).
    let value: Value = serde_json::from_str(&text).map_err(|e| input(e.to_string()))?;
    let (_, mut session) = session()?;
    match &value {
        Value::Array(items) => {
            let responses = items
                .iter()
                .map(parse_response)
                .collect::<Result<Vec<_>, _>>()
                .map_err(input)?;
            session.provider_set_responses(&config, relation, &responses)?;
        }
        other => {
            let response = parse_response(other).map_err(input)?;
            session.provider_set_response(&config, relation, &response)?;
        }
    }
    Ok(())
}

fn requests(options: &Options) -> Result<(), CliError> {
    let relation = relation_of(options)?;
    match config_of(options)? {
        Config::Provider(config) => {
            let (_, mut session) = session()?;
            let requests = session.provider_requests(&config, relation)?;
            print_lines(requests.iter().map(request_json))
        }
        Config::Requirer(config) => print_lines(config.requests.iter().map(request_json)),
    }
}

fn responses(options: &Options) -> Result<(), CliError> {
    let relation = relation_of(options)?;
    let config = config_of(options)?;
    let (_, mut session) = session()?;
    let responses = match &config {
        Config::Provider(c) => session.provider_responses(c, relation)?,
        Config::Requirer(c) => session.requirer_responses(c, relation)?,
    };
    print_lines(responses.iter().map(response_json))
}

// ---- the configuration file ----

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{what} must be a JSON object"))
}

fn opt_string(map: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key:?} must be a string")),
    }
}

fn opt_bool(map: &Map<String, Value>, key: &str) -> Result<Option<bool>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("{key:?} must be true or false")),
    }
}

fn list<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{key:?} must be a list")),
    }
}

fn strings(map: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    list(map, key)?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("{key:?} must be a list of strings"))
        })
        .collect()
}

fn field_specs(map: &Map<String, Value>, key: &str) -> Result<Vec<FieldSpec>, String> {
    list(map, key)?
        .iter()
        .map(|item| {
            let spec = object(item, &format!("an element of {key:?}"))?;
            Ok(FieldSpec {
                key: opt_string(spec, "key")?
                    .ok_or_else(|| format!("an element of {key:?} has no \"key\""))?,
                secret_group: opt_string(spec, "secret-group")?,
            })
        })
        .collect()
}

fn statuses(map: &Map<String, Value>, key: &str) -> Result<Vec<Status>, String> {
    list(map, key)?
        .iter()
        .map(|item| {
            let status = object(item, &format!("an element of {key:?}"))?;
            let code = status
                .get("code")
                .and_then(Value::as_i64)
                .and_then(|c| i32::try_from(c).ok())
                .ok_or_else(|| format!("a status of {key:?} needs an integer \"code\""))?;
            Ok(Status {
                code,
                message: opt_string(status, "message")?.unwrap_or_default(),
                resolution: opt_string(status, "resolution")?.unwrap_or_default(),
            })
        })
        .collect()
}

const REQUIRER_KEYS: &[&str] = &[
    "role",
    "endpoint",
    "requests",
    "request-fields",
    "response-fields",
    "relation-aliases",
];
const PROVIDER_KEYS: &[&str] = &[
    "role",
    "endpoint",
    "request-fields",
    "response-fields",
    "mtls",
    "bulk",
    "status-schema",
    "resource-aliases",
];

fn parse_config(value: &Value) -> Result<Config, String> {
    let map = object(value, "the configuration")?;
    let role = opt_string(map, "role")?.ok_or("\"role\" is required")?;
    let endpoint = opt_string(map, "endpoint")?
        .filter(|e| !e.is_empty())
        .ok_or("\"endpoint\" is required")?;
    let allowed = match role.as_str() {
        "requirer" => REQUIRER_KEYS,
        "provider" => PROVIDER_KEYS,
        other => {
            return Err(format!(
                "\"role\" must be requirer or provider, not {other:?}"
            ))
        }
    };
    if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("unknown key {key:?} for a {role}"));
    }
    let request_fields = field_specs(map, "request-fields")?;
    let response_fields = field_specs(map, "response-fields")?;
    if role == "requirer" {
        let requests = list(map, "requests")?
            .iter()
            .map(parse_request)
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Config::Requirer(RequirerConfig {
            endpoint,
            requests,
            request_fields,
            response_fields,
            relation_aliases: strings(map, "relation-aliases")?,
        }));
    }
    Ok(Config::Provider(ProviderConfig {
        endpoint,
        request_fields,
        response_fields,
        mtls_enabled: opt_bool(map, "mtls")?.unwrap_or(false),
        bulk_event: opt_bool(map, "bulk")?.unwrap_or(false),
        status_schema: statuses(map, "status-schema")?,
        resource_aliases: strings(map, "resource-aliases")?,
    }))
}

// ---- requests, responses and events as JSON ----

const REQUEST_KEYS: &[&str] = &[
    "resource",
    "request-id",
    "salt",
    "extra-user-roles",
    "extra-group-roles",
    "external-node-connectivity",
    "entity-type",
    "entity-permissions",
    "secret-mtls",
    "mtls-cert",
    "secret-requested-entity",
    "entity-name",
    "entity-password",
    "prefix-matching",
];

const RESPONSE_KEYS: &[&str] = &[
    "resource",
    "request-id",
    "salt",
    "endpoints",
    "read-only-endpoints",
    "secret-user",
    "secret-tls",
    "secret-extra",
    "secret-entity",
    "username",
    "password",
    "uris",
    "read-only-uris",
    "tls",
    "tls-ca",
    "entity-name",
    "entity-password",
    "version",
    "prefix-resources",
];

/// The keys a model does not know, with their values as JSON text.
fn extra_of(map: &Map<String, Value>, known: &[&str]) -> Vec<(String, String)> {
    map.iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect()
}

fn parse_request(value: &Value) -> Result<Request, String> {
    let map = object(value, "a request")?;
    let entity_type = match opt_string(map, "entity-type")?.as_deref() {
        None => None,
        Some(t) if t.eq_ignore_ascii_case("user") => Some(EntityType::User),
        Some(t) if t.eq_ignore_ascii_case("group") => Some(EntityType::Group),
        Some(other) => {
            return Err(format!(
                "\"entity-type\" must be USER or GROUP, not {other:?}"
            ))
        }
    };
    let entity_permissions = match map.get("entity-permissions") {
        None | Some(Value::Null) => None,
        Some(_) => Some(
            list(map, "entity-permissions")?
                .iter()
                .map(|item| {
                    let p = object(item, "an entity permission")?;
                    Ok(EntityPermission {
                        resource_name: opt_string(p, "resource_name")?.unwrap_or_default(),
                        resource_type: opt_string(p, "resource_type")?.unwrap_or_default(),
                        privileges: strings(p, "privileges")?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?,
        ),
    };
    Ok(Request {
        resource: opt_string(map, "resource")?.ok_or("a request needs a \"resource\"")?,
        request_id: opt_string(map, "request-id")?,
        salt: opt_string(map, "salt")?.unwrap_or_default(),
        extra_user_roles: opt_string(map, "extra-user-roles")?,
        extra_group_roles: opt_string(map, "extra-group-roles")?,
        external_node_connectivity: opt_bool(map, "external-node-connectivity")?.unwrap_or(false),
        entity_type,
        entity_permissions,
        secret_mtls: opt_string(map, "secret-mtls")?,
        mtls_cert: opt_string(map, "mtls-cert")?,
        secret_requested_entity: opt_string(map, "secret-requested-entity")?,
        entity_name: opt_string(map, "entity-name")?,
        entity_password: opt_string(map, "entity-password")?,
        prefix_matching: opt_string(map, "prefix-matching")?,
        extra: extra_of(map, REQUEST_KEYS),
    })
}

fn parse_response(value: &Value) -> Result<Response, String> {
    let map = object(value, "a response")?;
    Ok(Response {
        resource: opt_string(map, "resource")?.ok_or("a response needs a \"resource\"")?,
        request_id: opt_string(map, "request-id")?,
        salt: opt_string(map, "salt")?.unwrap_or_default(),
        endpoints: opt_string(map, "endpoints")?,
        read_only_endpoints: opt_string(map, "read-only-endpoints")?,
        secret_user: opt_string(map, "secret-user")?,
        secret_tls: opt_string(map, "secret-tls")?,
        secret_extra: opt_string(map, "secret-extra")?,
        secret_entity: opt_string(map, "secret-entity")?,
        username: opt_string(map, "username")?,
        password: opt_string(map, "password")?,
        uris: opt_string(map, "uris")?,
        read_only_uris: opt_string(map, "read-only-uris")?,
        tls: opt_bool(map, "tls")?,
        tls_ca: opt_string(map, "tls-ca")?,
        entity_name: opt_string(map, "entity-name")?,
        entity_password: opt_string(map, "entity-password")?,
        version: opt_string(map, "version")?,
        prefix_resources: opt_string(map, "prefix-resources")?,
        extra: extra_of(map, RESPONSE_KEYS),
    })
}

/// Builds a JSON object, leaving out absent values.
struct Json(Map<String, Value>);

impl Json {
    fn new() -> Self {
        Json(Map::new())
    }
    fn put(&mut self, key: &str, value: impl Into<Value>) -> &mut Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }
    fn opt(&mut self, key: &str, value: &Option<String>) -> &mut Self {
        if let Some(value) = value {
            self.put(key, value.clone());
        }
        self
    }
    fn extra(&mut self, extra: &[(String, String)]) -> &mut Self {
        for (key, text) in extra {
            let value = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()));
            self.put(key, value);
        }
        self
    }
    fn done(&mut self) -> Value {
        Value::Object(std::mem::take(&mut self.0))
    }
}

fn request_json(r: &Request) -> Value {
    let mut json = Json::new();
    json.put("resource", r.resource.clone())
        .opt("request-id", &r.request_id)
        .put("salt", r.salt.clone())
        .opt("extra-user-roles", &r.extra_user_roles)
        .opt("extra-group-roles", &r.extra_group_roles);
    if r.external_node_connectivity {
        json.put("external-node-connectivity", true);
    }
    if let Some(entity) = r.entity_type {
        let name = match entity {
            EntityType::User => "USER",
            EntityType::Group => "GROUP",
        };
        json.put("entity-type", name);
    }
    if let Some(permissions) = &r.entity_permissions {
        let list: Vec<Value> = permissions
            .iter()
            .map(|p| {
                Json::new()
                    .put("resource_name", p.resource_name.clone())
                    .put("resource_type", p.resource_type.clone())
                    .put("privileges", p.privileges.clone())
                    .done()
            })
            .collect();
        json.put("entity-permissions", list);
    }
    json.opt("secret-mtls", &r.secret_mtls)
        .opt("mtls-cert", &r.mtls_cert)
        .opt("secret-requested-entity", &r.secret_requested_entity)
        .opt("entity-name", &r.entity_name)
        .opt("entity-password", &r.entity_password)
        .opt("prefix-matching", &r.prefix_matching)
        .extra(&r.extra)
        .done()
}

fn response_json(r: &Response) -> Value {
    let mut json = Json::new();
    json.put("resource", r.resource.clone())
        .opt("request-id", &r.request_id)
        .put("salt", r.salt.clone())
        .opt("endpoints", &r.endpoints)
        .opt("read-only-endpoints", &r.read_only_endpoints)
        .opt("secret-user", &r.secret_user)
        .opt("secret-tls", &r.secret_tls)
        .opt("secret-extra", &r.secret_extra)
        .opt("secret-entity", &r.secret_entity)
        .opt("username", &r.username)
        .opt("password", &r.password)
        .opt("uris", &r.uris)
        .opt("read-only-uris", &r.read_only_uris);
    if let Some(tls) = r.tls {
        json.put("tls", tls);
    }
    json.opt("tls-ca", &r.tls_ca)
        .opt("entity-name", &r.entity_name)
        .opt("entity-password", &r.entity_password)
        .opt("version", &r.version)
        .opt("prefix-resources", &r.prefix_resources)
        .extra(&r.extra)
        .done()
}

fn status_json(s: &Status) -> Value {
    Json::new()
        .put("code", s.code)
        .put("message", s.message.clone())
        .put("resolution", s.resolution.clone())
        .done()
}

fn requirer_event_json(e: &RequirerEvent) -> Value {
    let mut json = Json::new();
    json.put("event", display::requirer_kind(e.kind))
        .put("relation-id", e.relation_id)
        .opt("app", &e.app)
        .opt("unit", &e.unit)
        .opt("alias", &e.alias);
    if let Some(response) = &e.response {
        json.put("response", response_json(response));
    }
    if let Some(status) = &e.status {
        json.put("status", status_json(status));
    }
    json.done()
}

fn provider_event_json(e: &ProviderEvent) -> Value {
    let requests: Vec<Value> = e.requests.iter().map(request_json).collect();
    Json::new()
        .put("event", display::provider_kind(e.kind))
        .put("relation-id", e.relation_id)
        .opt("app", &e.app)
        .opt("unit", &e.unit)
        .put("requests", requests)
        .opt("old-mtls-cert", &e.old_mtls_cert)
        .done()
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
        let Ok(Config::Requirer(config)) = parse_config(&value) else {
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
        let Ok(Config::Provider(config)) = parse_config(&value) else {
            panic!("a provider configuration");
        };
        assert!(config.mtls_enabled && !config.bulk_event);
        assert_eq!(config.status_schema[0].code, 4001);
    }

    #[test]
    fn an_unknown_key_or_role_in_the_configuration_is_refused() {
        let typo = serde_json::json!({"role": "provider", "endpoint": "db", "requests": []});
        assert!(parse_config(&typo).unwrap_err().contains("\"requests\""));
        let role = serde_json::json!({"role": "peer", "endpoint": "db"});
        assert!(parse_config(&role)
            .unwrap_err()
            .contains("requirer or provider"));
        let missing = serde_json::json!({"role": "requirer"});
        assert!(parse_config(&missing).unwrap_err().contains("endpoint"));
    }

    #[test]
    fn a_response_round_trips_through_json_with_its_extra_fields() {
        let value = serde_json::json!({
            "resource": "db", "request-id": "abc", "username": "u", "password": "p",
            "tls": true, "operator-password": "x",
        });
        let response = parse_response(&value).unwrap();
        assert_eq!(response.tls, Some(true));
        let back = response_json(&response);
        assert_eq!(back["password"], "p");
        assert_eq!(back["operator-password"], "x");
        assert_eq!(back["request-id"], "abc");
    }

    #[test]
    fn a_malformed_field_names_the_key_not_the_value() {
        let value = serde_json::json!({"resource": "db", "password": 12345678});
        let error = parse_response(&value).unwrap_err();
        assert!(error.contains("\"password\""));
        assert!(!error.contains("12345678"));
    }

    #[test]
    fn options_take_values_inline_or_separately() {
        let args: Vec<String> = ["--config=c.json", "--relation-id", "3", "--response", "-"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let options = parse_options(&args).unwrap();
        assert_eq!(options.config, Some(PathBuf::from("c.json")));
        assert_eq!(options.relation_id, Some(3));
        assert_eq!(options.response.as_deref(), Some("-"));
        let bad = vec!["--relation-id".to_owned(), "x".to_owned()];
        assert!(matches!(parse_options(&bad), Err(CliError::Usage(_))));
    }
}
