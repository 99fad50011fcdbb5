//! A hostile build of the data-interfaces component: it exports the same world as the real
//! one, and every export breaks one rule of the sandbox, chosen by a "mode": the endpoint of a
//! handler's configuration, or the endpoint argument of the `util` and `diff-cache` functions.
//! A handler (the `requirer`, `provider`, `peer` and `relation-data` resources) is made
//! without fuss and keeps its mode; each of its methods then misbehaves. An endpoint
//! `create-<mode>` misbehaves in `<mode>` while the handler is made instead (its methods then
//! behave). The host's tests (`tests/rust/hostile_guest.rs`) load it in place of the real
//! component and check that the host stops or refuses each misbehaviour.
//!
//! Modes that ask the host for something forbidden ignore the refusal and report success, as
//! a guest that lies would: the host must not rely on the guest to report what it refused.
//!
//! | mode | what the guest does |
//! |---|---|
//! | `loop` | spins forever |
//! | `alloc` | allocates until memory runs out |
//! | `panic` | panics (a trap under `panic = "abort"`) |
//! | `write-own-unit` | writes its own unit bag (allowed: the control case) |
//! | `write-local-app` | writes the local app bag (refused unless leader) |
//! | `write-remote-app` | writes the remote application's bag |
//! | `write-remote-unit` | writes the bag of the remote unit of the hook |
//! | `write-empty-key` | writes an empty key in its own unit bag |
//! | `write-huge` | writes [`HUGE`] bytes in its own unit bag |
//! | `add-huge-secret` | creates a secret of [`HUGE`] bytes |
//! | `set-foreign-secret` | sets the content of the hook's secret |
//! | `grant-foreign-secret` | grants the hook's secret to the relation of endpoint `database` |
//! | `remove-foreign-secret` | removes the hook's secret |
//! | `remove-foreign-revision` | removes revision 1 of the hook's secret |
//! | `read-ungranted-secret` | reads the hook's secret and copies it into its own unit bag |
//! | `log-huge` | logs a line of [`HUGE`] bytes |
//! | `huge-return` | returns [`HUGE`] bytes (a request, a response, a hash) |
//! | `huge-error` | returns an error message of [`HUGE`] bytes |

wit_bindgen::generate!({
    path: "../../wit",
    world: "data-interfaces",
});

use charm::data_interfaces::types as wit;
use charm::data_interfaces::{databag, log, secrets};
use exports::charm::data_interfaces::{diff_cache, peer, provider, relation_data, requirer, util};

/// The size of the oversized data the guest hands the host (1 MiB); the tests set the
/// host-call bound below it.
pub const HUGE: usize = 1 << 20;

/// The prefix of an endpoint whose mode applies while the handler is made (`create-loop`).
const CREATE: &str = "create-";

/// The endpoint whose first relation the secret modes use when the hook names none.
const RELATION_ENDPOINT: &str = "database";

/// What a call gives the guest to aim at.
#[derive(Default)]
struct Target {
    relation: Option<wit::RelationId>,
    unit: Option<String>,
    secret: Option<String>,
}

impl Target {
    fn of_hook(hook: &wit::Hook) -> Target {
        match hook {
            wit::Hook::RelationCreated(e)
            | wit::Hook::RelationChanged(e)
            | wit::Hook::RelationBroken(e) => Target {
                relation: Some(e.relation_id),
                unit: e.unit.clone(),
                secret: None,
            },
            wit::Hook::SecretChanged(e) | wit::Hook::SecretRemove(e) => Target {
                relation: None,
                unit: None,
                secret: Some(e.id.clone()),
            },
        }
    }

    fn of_relation(relation: wit::RelationId) -> Target {
        Target {
            relation: Some(relation),
            ..Target::default()
        }
    }

    /// The relation to aim at: the hook's, else the first of endpoint `database`.
    fn relation(&self) -> wit::RelationId {
        self.relation.unwrap_or_else(|| {
            databag::relations(RELATION_ENDPOINT)
                .first()
                .map(|info| info.id)
                .unwrap_or(-1)
        })
    }

    fn secret(&self) -> String {
        self.secret.clone().unwrap_or_default()
    }
}

fn huge() -> String {
    "x".repeat(HUGE)
}

fn one(key: &str, value: String) -> wit::ChangeSet {
    wit::ChangeSet {
        set: vec![(key.to_owned(), value)],
        delete: Vec::new(),
    }
}

/// Ask the host for something and pretend it went well, whatever it answered.
fn ignore<T>(_answer: Result<T, wit::HostError>) {}

/// Do what the mode says. Errors are returned only where the mode reports honestly.
fn misbehave(mode: &str, target: &Target) -> Result<(), wit::Error> {
    let relation = target.relation();
    match mode {
        "loop" => {
            let mut spins: u64 = 0;
            loop {
                spins = std::hint::black_box(spins.wrapping_add(1));
            }
        }
        "alloc" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
            }
        }
        "panic" => panic!("the hostile guest panics on purpose"),
        "write-own-unit" => databag::apply(
            relation,
            &wit::Bag::LocalUnit,
            &one("guest", "was here".to_owned()),
        )
        .map_err(wit::Error::Host)?,
        "write-local-app" => ignore(databag::apply(
            relation,
            &wit::Bag::LocalApp,
            &one("guest", "was here".to_owned()),
        )),
        "write-remote-app" => ignore(databag::apply(
            relation,
            &wit::Bag::RemoteApp,
            &one("guest", "was here".to_owned()),
        )),
        "write-remote-unit" => ignore(databag::apply(
            relation,
            &wit::Bag::RemoteUnit(target.unit.clone().unwrap_or_default()),
            &one("guest", "was here".to_owned()),
        )),
        "write-empty-key" => ignore(databag::apply(
            relation,
            &wit::Bag::LocalUnit,
            &one("", "was here".to_owned()),
        )),
        "write-huge" => ignore(databag::apply(
            relation,
            &wit::Bag::LocalUnit,
            &one("guest", huge()),
        )),
        "add-huge-secret" => ignore(secrets::add(
            wit::Owner::Application,
            Some("hostile"),
            &[("guest".to_owned(), huge())],
        )),
        "set-foreign-secret" => ignore(secrets::set_content(
            &target.secret(),
            &[("password".to_owned(), "stolen".to_owned())],
        )),
        "grant-foreign-secret" => ignore(secrets::grant(&target.secret(), relation)),
        "remove-foreign-secret" => ignore(secrets::remove(&target.secret())),
        "remove-foreign-revision" => ignore(secrets::remove_revision(&target.secret(), 1)),
        "read-ungranted-secret" => {
            let secret = secrets::get(Some(&target.secret()), None, false)
                .map_err(wit::Error::Host)?
                .ok_or_else(|| wit::Error::Secret("the secret is not visible".to_owned()))?;
            databag::apply(
                relation,
                &wit::Bag::LocalUnit,
                &wit::ChangeSet {
                    set: secret.content,
                    delete: Vec::new(),
                },
            )
            .map_err(wit::Error::Host)?
        }
        "log-huge" => log::log(wit::LogLevel::Info, &huge()),
        "huge-error" => return Err(wit::Error::InvalidModel(huge())),
        _ => {}
    }
    Ok(())
}

fn huge_request() -> wit::Request {
    wit::Request {
        resource: huge(),
        request_id: None,
        salt: String::new(),
        extra_user_roles: None,
        extra_group_roles: None,
        external_node_connectivity: false,
        entity_type: None,
        entity_permissions: None,
        secret_mtls: None,
        mtls_cert: None,
        secret_requested_entity: None,
        entity_name: None,
        entity_password: None,
        prefix_matching: None,
        extra: Vec::new(),
    }
}

fn huge_response() -> wit::Response {
    wit::Response {
        resource: huge(),
        request_id: None,
        salt: String::new(),
        endpoints: None,
        read_only_endpoints: None,
        secret_user: None,
        secret_tls: None,
        secret_extra: None,
        secret_entity: None,
        username: None,
        password: None,
        uris: None,
        read_only_uris: None,
        tls: None,
        tls_ca: None,
        entity_name: None,
        entity_password: None,
        version: None,
        prefix_resources: None,
        extra: Vec::new(),
        cleared: Vec::new(),
    }
}

/// The misbehaving component.
struct Hostile;

/// What a handler was made with: the mode its methods misbehave in (the configuration's
/// endpoint).
struct Mode(String);

impl Mode {
    /// The mode of a configuration's endpoint. An endpoint `create-<mode>` misbehaves in
    /// `<mode>` while the handler is made (its methods then do nothing wrong); any other
    /// endpoint makes the handler as asked and is the mode of its methods.
    fn create(endpoint: String) -> Result<Mode, wit::Error> {
        match endpoint.strip_prefix(CREATE) {
            Some(mode) => {
                misbehave(mode, &Target::default())?;
                Ok(Mode(String::new()))
            }
            None => Ok(Mode(endpoint)),
        }
    }

    /// Misbehave as the mode says, aimed at what a hook names.
    fn on_hook(&self, hook: &wit::Hook) -> Result<(), wit::Error> {
        misbehave(&self.0, &Target::of_hook(hook))
    }

    /// Misbehave as the mode says, aimed at a relation.
    fn on_relation(&self, relation: wit::RelationId) -> Result<(), wit::Error> {
        misbehave(&self.0, &Target::of_relation(relation))
    }

    /// Whether the mode is `huge-return`.
    fn huge_return(&self) -> bool {
        self.0 == "huge-return"
    }
}

/// The requirer handler.
struct Requirer(Mode);
/// The provider handler.
struct Provider(Mode);
/// The peer handler.
struct Peer(Mode);
/// The relation-data handler.
struct RelationData(Mode);

impl util::Guest for Hostile {
    fn gen_salt() -> String {
        "hostile-guest-01".to_owned()
    }

    fn gen_hash(resource: String, salt: String) -> String {
        match resource.as_str() {
            "huge-return" => huge(),
            _ => format!("{resource}-{salt}"),
        }
    }

    fn relation_secret_label(
        endpoint: String,
        relation: wit::RelationId,
        _short_uuid: Option<String>,
        group: String,
    ) -> String {
        match endpoint.as_str() {
            "huge-return" => huge(),
            _ => format!("{endpoint}.{relation}.{group}.secret"),
        }
    }

    fn peer_secret_label(endpoint: String, _scope: wit::PeerScope, group: String) -> String {
        match endpoint.as_str() {
            "huge-return" => huge(),
            _ => format!("{endpoint}.{group}"),
        }
    }

    fn is_cross_model(endpoint: String, relation: wit::RelationId) -> Result<bool, wit::Error> {
        misbehave(&endpoint, &Target::of_relation(relation))?;
        Ok(false)
    }
}

impl diff_cache::Guest for Hostile {
    fn compute_diff(
        endpoint: String,
        relation: wit::RelationId,
        _cache_bag: wit::Bag,
        _new_data: Vec<(String, String)>,
        _short_uuid: Option<String>,
        _store: bool,
    ) -> Result<diff_cache::Diff, wit::Error> {
        misbehave(&endpoint, &Target::of_relation(relation))?;
        Ok(diff_cache::Diff {
            added: match endpoint.as_str() {
                "huge-return" => vec![huge()],
                _ => Vec::new(),
            },
            changed: Vec::new(),
            deleted: Vec::new(),
        })
    }

    fn store_new_data(
        _cached: Option<String>,
        _new_data: Vec<(String, String)>,
        _short_uuid: Option<String>,
        _global_data: Vec<(String, String)>,
        _encryption_key: Option<String>,
    ) -> Result<String, wit::Error> {
        Ok(String::new())
    }

    fn resource_aliases() -> Vec<String> {
        Vec::new()
    }

    fn resource_added(_diff: diff_cache::Diff, _extra_aliases: Vec<String>) -> bool {
        false
    }
}

impl requirer::Guest for Hostile {
    type Handler = Requirer;
}

impl requirer::GuestHandler for Requirer {
    fn create(config: wit::RequirerConfig) -> Result<requirer::Handler, wit::Error> {
        Mode::create(config.endpoint).map(|mode| requirer::Handler::new(Requirer(mode)))
    }

    fn handle(&self, hook: wit::Hook) -> Result<wit::RequirerHandled, wit::Error> {
        self.0.on_hook(&hook)?;
        Ok(wit::RequirerHandled {
            events: Vec::new(),
            rejections: Vec::new(),
        })
    }

    fn responses(&self, relation: wit::RelationId) -> Result<Vec<wit::Response>, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(if self.0.huge_return() {
            vec![huge_response()]
        } else {
            Vec::new()
        })
    }

    fn is_resource_created(
        &self,
        relation: wit::RelationId,
        _request_id: String,
    ) -> Result<bool, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(true)
    }

    fn statuses(&self, relation: wit::RelationId) -> Result<Vec<wit::Status>, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(Vec::new())
    }

    fn are_all_resources_created(&self, relation: wit::RelationId) -> Result<bool, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(true)
    }

    fn relation_alias(&self, relation: wit::RelationId) -> Result<Option<String>, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(None)
    }

    fn assign_alias(&self, relation: wit::RelationId) -> Result<Option<String>, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(None)
    }
}

impl provider::Guest for Hostile {
    type Handler = Provider;
}

impl provider::GuestHandler for Provider {
    fn create(config: wit::ProviderConfig) -> Result<provider::Handler, wit::Error> {
        Mode::create(config.endpoint).map(|mode| provider::Handler::new(Provider(mode)))
    }

    fn handle(&self, hook: wit::Hook) -> Result<wit::ProviderHandled, wit::Error> {
        self.0.on_hook(&hook)?;
        Ok(wit::ProviderHandled {
            events: Vec::new(),
            rejections: Vec::new(),
        })
    }

    fn set_response(
        &self,
        relation: wit::RelationId,
        _response: wit::Response,
    ) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }

    fn set_response_each(
        &self,
        relation: wit::RelationId,
        _responses: Vec<wit::Response>,
    ) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }

    fn set_responses(
        &self,
        relation: wit::RelationId,
        _responses: Vec<wit::Response>,
    ) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }

    fn requests(&self, relation: wit::RelationId) -> Result<Vec<wit::Request>, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(if self.0.huge_return() {
            vec![huge_request()]
        } else {
            Vec::new()
        })
    }

    fn responses(&self, relation: wit::RelationId) -> Result<Vec<wit::Response>, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(if self.0.huge_return() {
            vec![huge_response()]
        } else {
            Vec::new()
        })
    }

    fn raise_status(
        &self,
        relation: wit::RelationId,
        _status: wit::Status,
    ) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }

    fn raise_status_code(&self, relation: wit::RelationId, _code: i32) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }

    fn resolve_status(&self, relation: wit::RelationId, _code: i32) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }

    fn clear_statuses(&self, relation: wit::RelationId) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }

    fn statuses(&self, relation: wit::RelationId) -> Result<Vec<wit::Status>, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(Vec::new())
    }
}

impl peer::Guest for Hostile {
    type Handler = Peer;
}

impl peer::GuestHandler for Peer {
    fn create(config: wit::PeerConfig) -> Result<peer::Handler, wit::Error> {
        Mode::create(config.endpoint).map(|mode| peer::Handler::new(Peer(mode)))
    }

    fn read(
        &self,
        relation: wit::RelationId,
        _scope: wit::PeerScope,
    ) -> Result<Vec<(String, String)>, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(if self.0.huge_return() {
            vec![("guest".to_owned(), huge())]
        } else {
            Vec::new()
        })
    }

    fn write(
        &self,
        relation: wit::RelationId,
        _scope: wit::PeerScope,
        _values: Vec<(String, Option<String>)>,
    ) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }

    fn delete(
        &self,
        relation: wit::RelationId,
        _scope: wit::PeerScope,
        _keys: Vec<String>,
    ) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }
}

impl relation_data::Guest for Hostile {
    type Handler = RelationData;
}

impl relation_data::GuestHandler for RelationData {
    fn create(config: wit::RelationDataConfig) -> Result<relation_data::Handler, wit::Error> {
        Mode::create(config.endpoint).map(|mode| relation_data::Handler::new(RelationData(mode)))
    }

    fn read(
        &self,
        relation: wit::RelationId,
        _scope: wit::Bag,
    ) -> Result<wit::RelationData, wit::Error> {
        self.0.on_relation(relation)?;
        Ok(wit::RelationData {
            bag: Vec::new(),
            secrets: Vec::new(),
        })
    }

    fn write(
        &self,
        relation: wit::RelationId,
        _scope: wit::Bag,
        _values: Vec<(String, Option<String>)>,
    ) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }

    fn delete(
        &self,
        relation: wit::RelationId,
        _scope: wit::Bag,
        _keys: Vec<String>,
    ) -> Result<(), wit::Error> {
        self.0.on_relation(relation)
    }
}

export!(Hostile);
