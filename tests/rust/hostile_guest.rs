//! The host never trusts the component. A hostile build of it (`tests/guests`, built here for
//! `wasm32-wasip2` and loaded with [`Runtime::load_component`]) loops, hoards memory, panics,
//! returns too much, and asks for writes and secret changes this unit may not make, ignoring
//! every refusal. For each, the call fails with a typed error from the host, the backend is
//! never asked to write, and the real component then works on the same world. A handler it
//! makes keeps its misbehaviour for every call, which shows that a [`Held`] handler is made
//! again after a call that poisoned its instance.

use data_interfaces_host::handlers::{Held, RequirerHandler};
use data_interfaces_host::memory::{Juju, UnitBackend};
use data_interfaces_host::wit::{
    self, ChangeSet, HostErrorKind, Owner, ProviderConfig, RelationId, RelationInfo,
    RequirerConfig, Secret,
};
use data_interfaces_host::{
    relation_changed, relation_created, Backend, BackendError, DataInterfaces, Entries, Error,
    Limits, LoadOptions, LoadSource, Request, RequirerBuilder, Runtime,
};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

/// The size of the hostile guest's oversized data (its `HUGE`).
const HUGE: usize = 1 << 20;
/// The host-call bound of these tests: below `HUGE`, above anything the real component sends.
const BOUND: usize = 64 << 10;

// ---- the hostile guest ----

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-rust sits in the workspace")
        .to_path_buf()
}

/// Build `tests/guests` once per test run (a nested cargo, with the real component's target
/// directory and profile, so the two share wit-bindgen's build), and read the component.
fn guest_bytes() -> &'static [u8] {
    static GUEST: OnceLock<Vec<u8>> = OnceLock::new();
    GUEST.get_or_init(|| {
        let target = workspace().join("target").join("component");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(["build", "--quiet", "--manifest-path"])
            .arg(workspace().join("tests").join("guests").join("Cargo.toml"))
            .args(["--target", "wasm32-wasip2", "--profile", "component"])
            .arg("--target-dir")
            .arg(&target);
        // The test run's cargo settings are not the guest build's.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().into_owned();
            if key.starts_with("CARGO_") && key != "CARGO_HOME"
                || ["RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "RUSTFLAGS"].contains(&&*key)
            {
                command.env_remove(key);
            }
        }
        let status = command
            .status()
            .expect("run cargo to build the hostile guest");
        assert!(status.success(), "building tests/guests failed");
        let wasm = target
            .join("wasm32-wasip2")
            .join("component")
            .join("hostile_guest.wasm");
        std::fs::read(&wasm).expect("read the hostile guest")
    })
}

/// One cache directory for the whole run: each component is cached under its own hash.
fn cache_dir() -> PathBuf {
    std::env::temp_dir().join(format!("di-hostile-{}", std::process::id()))
}

fn options(limits: Limits) -> LoadOptions {
    LoadOptions {
        cache_dir: Some(cache_dir()),
        precompiled_dir: None,
        limits,
    }
}

/// The bounds of these tests: the defaults, with a small host-call bound.
fn limits() -> Limits {
    Limits {
        host_call_bytes: BOUND,
        ..Limits::default()
    }
}

fn hostile(limits: Limits) -> Runtime {
    Runtime::load_component(guest_bytes(), &options(limits)).expect("load the hostile guest")
}

/// A handler configuration whose endpoint name is the guest's mode.
fn requirer(mode: &str) -> RequirerConfig {
    RequirerConfig {
        endpoint: mode.to_owned(),
        requests: Vec::new(),
        request_fields: Vec::new(),
        response_fields: Vec::new(),
        relation_aliases: Vec::new(),
        relation_limit: None,
    }
}

fn provider(mode: &str) -> ProviderConfig {
    ProviderConfig {
        endpoint: mode.to_owned(),
        request_fields: Vec::new(),
        response_fields: Vec::new(),
        mtls_enabled: false,
        bulk_event: false,
        status_schema: Vec::new(),
        resource_aliases: Vec::new(),
    }
}

fn secret_changed(id: &str) -> wit::Hook {
    wit::Hook::SecretChanged(wit::SecretEvent {
        id: id.to_owned(),
        label: None,
        revision: None,
    })
}

// ---- the world ----

/// A backend that remembers every write the host let through to it.
struct Spy {
    inner: UnitBackend,
    writes: Rc<RefCell<Vec<String>>>,
}

impl Spy {
    fn wrote(&self, what: String) {
        self.writes.borrow_mut().push(what);
    }
}

impl Backend for Spy {
    fn relations(&mut self, endpoint: &str) -> Result<Vec<RelationInfo>, BackendError> {
        self.inner.relations(endpoint)
    }
    fn remote_model_uuid(&mut self, relation: RelationId) -> Result<Option<String>, BackendError> {
        self.inner.remote_model_uuid(relation)
    }
    fn read(&mut self, relation: RelationId, bag: &wit::Bag) -> Result<Entries, BackendError> {
        self.inner.read(relation, bag)
    }
    fn apply(
        &mut self,
        relation: RelationId,
        bag: &wit::Bag,
        changes: &ChangeSet,
    ) -> Result<(), BackendError> {
        self.wrote(format!("apply {relation} {bag:?}"));
        self.inner.apply(relation, bag, changes)
    }
    fn is_leader(&mut self) -> Result<bool, BackendError> {
        self.inner.is_leader()
    }
    fn local_app(&mut self) -> Result<String, BackendError> {
        self.inner.local_app()
    }
    fn local_unit(&mut self) -> Result<String, BackendError> {
        self.inner.local_unit()
    }
    fn model_uuid(&mut self) -> Result<String, BackendError> {
        self.inner.model_uuid()
    }
    fn secret_add(
        &mut self,
        owner: Owner,
        label: Option<&str>,
        content: &[(String, String)],
    ) -> Result<String, BackendError> {
        self.wrote("secret-add".to_owned());
        self.inner.secret_add(owner, label, content)
    }
    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, BackendError> {
        self.inner.secret_get(id, label, refresh)
    }
    fn secret_owned(&mut self, id: &str) -> Result<bool, BackendError> {
        self.inner.secret_owned(id)
    }
    fn secret_set_content(
        &mut self,
        id: &str,
        content: &[(String, String)],
    ) -> Result<(), BackendError> {
        self.wrote(format!("secret-set {id}"));
        self.inner.secret_set_content(id, content)
    }
    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), BackendError> {
        self.wrote(format!("secret-grant {id}"));
        self.inner.secret_grant(id, relation)
    }
    fn secret_remove(&mut self, id: &str) -> Result<(), BackendError> {
        self.wrote(format!("secret-remove {id}"));
        self.inner.secret_remove(id)
    }
    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), BackendError> {
        self.wrote(format!("secret-remove-revision {id}"));
        self.inner.secret_remove_revision(id, revision)
    }
    fn log(&mut self, level: wit::LogLevel, message: &str) {
        self.inner.log(level, message);
    }
}

/// Two client units (client/0 leads) related to a one-unit database; db/0 owns a secret
/// granted to the relation, and another granted to nobody.
struct World {
    juju: Juju,
    relation: RelationId,
    granted: String,
    ungranted: String,
    writes: Rc<RefCell<Vec<String>>>,
}

const SECRET_VALUE: &str = "the-database-password";

impl World {
    fn new() -> World {
        let juju = Juju::new();
        juju.deploy("client", 2);
        juju.deploy("db", 1);
        let relation = juju.relate("client", "database", "db", "database");
        let content = vec![("password".to_owned(), SECRET_VALUE.to_owned())];
        let mut db = juju.unit("db/0");
        let granted = db
            .secret_add(Owner::Application, None, &content)
            .expect("db adds a secret");
        db.secret_grant(&granted, relation).expect("db grants it");
        let ungranted = db
            .secret_add(Owner::Application, None, &content)
            .expect("db adds another secret");
        World {
            juju,
            relation,
            granted,
            ungranted,
            writes: Rc::default(),
        }
    }

    fn spy(&self, unit: &str) -> Box<Spy> {
        Box::new(Spy {
            inner: self.juju.unit(unit),
            writes: Rc::clone(&self.writes),
        })
    }

    /// The writes the backend was asked to make.
    fn writes(&self) -> Vec<String> {
        self.writes.borrow().clone()
    }

    fn changed_by_db(&self) -> wit::Hook {
        relation_changed(self.relation, "db/0")
    }

    /// No databag of the relation holds anything.
    fn bags_are_empty(&self) -> bool {
        self.juju.app_bag(self.relation, "client").is_empty()
            && self.juju.app_bag(self.relation, "db").is_empty()
            && ["client/0", "client/1", "db/0"]
                .iter()
                .all(|unit| self.juju.unit_bag(self.relation, unit).is_empty())
    }

    /// Both of db's secrets are as db made them.
    fn secrets_are_untouched(&self) -> bool {
        self.juju.secret_uris().len() == 2
            && [&self.granted, &self.ungranted].iter().all(|uri| {
                self.juju
                    .secret(uri)
                    .is_some_and(|secret| secret.revision_count() == 1)
            })
    }

    /// The real component, in a fresh session on this world, makes its request.
    fn real_component_still_works(&self) {
        let engine = DataInterfaces::load_with(&options(Limits::default())).unwrap();
        let mut client = RequirerBuilder::new("database")
            .request(Request::new("clientdb"))
            .build(&engine, self.juju.unit("client/0"))
            .unwrap();
        client
            .handle(&relation_created(self.relation, "db"))
            .unwrap();
        let bag = self.juju.app_bag(self.relation, "client");
        assert!(bag.get("requests").is_some_and(|r| r.contains("clientdb")));
    }
}

fn assert_refused<T: std::fmt::Debug>(
    result: Result<T, Error>,
    call: &str,
    kind: HostErrorKind,
) -> String {
    match result {
        Err(Error::Refused {
            call: c,
            kind: k,
            message,
        }) if c == call && k == kind => message,
        other => panic!("expected a {kind:?} refusal in {call}, got {other:?}"),
    }
}

// ---- sandbox limits ----

#[test]
fn a_guest_that_loops_is_stopped_by_the_fuel_bound() {
    let world = World::new();
    let limits = Limits {
        fuel: 50_000_000,
        ..limits()
    };
    let mut session = hostile(limits).session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("loop")).unwrap();
    match session.requirer_handle(handler, &world.changed_by_db()) {
        Err(Error::OutOfFuel { call, fuel }) => {
            assert_eq!((call, fuel), ("requirer.handle", 50_000_000));
        }
        other => panic!("expected out of fuel, got {other:?}"),
    }
    world.real_component_still_works();
}

#[test]
fn a_guest_that_allocates_without_end_is_stopped_by_the_memory_cap() {
    let world = World::new();
    let limits = Limits {
        memory_bytes: 16 << 20,
        ..limits()
    };
    let mut session = hostile(limits).session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("alloc")).unwrap();
    match session.requirer_handle(handler, &world.changed_by_db()) {
        Err(Error::MemoryCap { call, limit }) => {
            assert_eq!((call, limit), ("requirer.handle", 16 << 20));
        }
        other => panic!("expected the memory cap, got {other:?}"),
    }
    world.real_component_still_works();
}

#[test]
fn a_guest_that_panics_is_stopped_with_a_trap() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let handler = session.provider(&provider("panic")).unwrap();
    match session.provider_handle(handler, &world.changed_by_db()) {
        Err(Error::Trap { call, .. }) => assert_eq!(call, "provider.handle"),
        other => panic!("expected a trap, got {other:?}"),
    }
    world.real_component_still_works();
}

#[test]
fn after_a_limit_a_fresh_session_of_the_same_component_works() {
    let world = World::new();
    let runtime = hostile(Limits {
        fuel: 50_000_000,
        ..limits()
    });
    let mut looping = runtime.session(world.spy("client/0")).unwrap();
    let handler = looping.requirer(&requirer("loop")).unwrap();
    assert!(looping
        .requirer_handle(handler, &world.changed_by_db())
        .is_err());
    let mut fresh = runtime.session(world.spy("client/0")).unwrap();
    let handler = fresh.requirer(&requirer("write-own-unit")).unwrap();
    fresh
        .requirer_handle(handler, &world.changed_by_db())
        .unwrap();
    assert_eq!(
        world.juju.unit_bag(world.relation, "client/0")["guest"],
        "was here"
    );
}

#[test]
fn a_change_set_over_the_host_call_bound_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("write-huge")).unwrap();
    let result = session.requirer_handle(handler, &world.changed_by_db());
    let message = assert_refused(result, "requirer.handle", HostErrorKind::TooLarge);
    assert!(message.contains(&format!("{BOUND} bytes")), "{message}");
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.bags_are_empty());
    world.real_component_still_works();
}

#[test]
fn a_secret_over_the_host_call_bound_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("add-huge-secret")).unwrap();
    let result = session.requirer_handle(handler, &world.changed_by_db());
    assert_refused(result, "requirer.handle", HostErrorKind::TooLarge);
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.secrets_are_untouched());
    world.real_component_still_works();
}

#[test]
fn a_log_line_over_the_host_call_bound_is_cut_to_the_bound() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("log-huge")).unwrap();
    session
        .requirer_handle(handler, &world.changed_by_db())
        .unwrap();
    let log = world.juju.log();
    let line = log.last().expect("the guest logged a line");
    assert!(line.message.starts_with(&"x".repeat(BOUND)));
    assert!(
        line.message.len() < BOUND + 64,
        "{} bytes",
        line.message.len()
    );
}

#[test]
fn a_result_over_the_host_call_bound_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let handler = session.provider(&provider("huge-return")).unwrap();
    match session.provider_requests(handler, world.relation) {
        Err(Error::TooLarge { call, bytes, limit }) => {
            assert_eq!((call, bytes, limit), ("provider.requests", HUGE + 1, BOUND));
        }
        other => panic!("expected too large, got {:?}", other.map(|r| r.len())),
    }
    world.real_component_still_works();
}

#[test]
fn a_diff_over_the_host_call_bound_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    match session.compute_diff(
        "huge-return",
        world.relation,
        &wit::Bag::LocalUnit,
        &[],
        None,
        true,
    ) {
        Err(Error::TooLarge { call, bytes, limit }) => {
            assert_eq!(
                (call, bytes, limit),
                ("diff-cache.compute-diff", HUGE, BOUND)
            );
        }
        other => panic!("expected too large, got {:?}", other.map(|d| d.added.len())),
    }
    world.real_component_still_works();
}

#[test]
fn a_diff_cache_call_that_writes_the_remote_app_bag_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let result = session.compute_diff(
        "write-remote-app",
        world.relation,
        &wit::Bag::LocalUnit,
        &[],
        None,
        true,
    );
    assert_refused(
        result,
        "diff-cache.compute-diff",
        HostErrorKind::PermissionDenied,
    );
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.bags_are_empty());
    world.real_component_still_works();
}

#[test]
fn an_error_message_over_the_host_call_bound_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("huge-error")).unwrap();
    match session.requirer_statuses(handler, world.relation) {
        Err(Error::TooLarge { call, bytes, .. }) => {
            assert_eq!((call, bytes), ("requirer.statuses", HUGE));
        }
        other => panic!("expected too large, got {other:?}"),
    }
}

// ---- a hostile handler creation ----

#[test]
fn a_guest_that_loops_while_making_a_handler_is_stopped_by_the_fuel_bound() {
    let world = World::new();
    let limits = Limits {
        fuel: 50_000_000,
        ..limits()
    };
    let mut session = hostile(limits).session(world.spy("client/0")).unwrap();
    match session.requirer(&requirer("create-loop")) {
        Err(Error::OutOfFuel { call, fuel }) => {
            assert_eq!((call, fuel), ("requirer.handler.create", 50_000_000));
        }
        other => panic!("expected out of fuel, got {other:?}"),
    }
    world.real_component_still_works();
}

#[test]
fn a_guest_that_panics_while_making_a_handler_is_stopped_with_a_trap() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    match session.provider(&provider("create-panic")) {
        Err(Error::Trap { call, .. }) => assert_eq!(call, "provider.handler.create"),
        other => panic!("expected a trap, got {other:?}"),
    }
    world.real_component_still_works();
}

#[test]
fn a_held_handler_refuses_a_configuration_whose_creation_runs_out_of_fuel() {
    let world = World::new();
    let runtime = Arc::new(hostile(Limits {
        fuel: 50_000_000,
        ..limits()
    }));
    let held =
        Held::<RequirerHandler>::new(runtime, requirer("create-loop"), world.spy("client/0"));
    match held {
        Err(Error::OutOfFuel { call, .. }) => assert_eq!(call, "requirer.handler.create"),
        other => panic!("expected out of fuel, got {other:?}"),
    }
    assert_eq!(world.writes(), Vec::<String>::new());
}

// ---- held handlers ----

#[test]
fn a_session_poisoned_by_running_out_of_fuel_cannot_be_entered_again() {
    // The control case of the held handlers' tests below: without a fresh instance, the call
    // after a poisoning error is not the guest's misbehaviour again.
    let world = World::new();
    let runtime = hostile(Limits {
        fuel: 50_000_000,
        ..limits()
    });
    let mut session = runtime.session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("loop")).unwrap();
    let first = session.requirer_handle(handler, &world.changed_by_db());
    assert!(matches!(first, Err(Error::OutOfFuel { .. })), "{first:?}");
    let second = session.requirer_handle(handler, &world.changed_by_db());
    assert!(
        matches!(&second, Err(e) if !matches!(e, Error::OutOfFuel { .. })),
        "{second:?}"
    );
}

#[test]
fn a_held_handler_whose_call_ran_out_of_fuel_is_made_again_for_the_next_call() {
    let world = World::new();
    let runtime = Arc::new(hostile(Limits {
        fuel: 50_000_000,
        ..limits()
    }));
    let mut held =
        Held::<RequirerHandler>::new(runtime, requirer("loop"), world.spy("client/0")).unwrap();
    for attempt in ["first", "second", "third"] {
        match held.call(|session, handler| session.requirer_handle(handler, &world.changed_by_db()))
        {
            Err(Error::OutOfFuel { call, fuel }) => {
                assert_eq!(
                    (call, fuel),
                    ("requirer.handle", 50_000_000),
                    "{attempt} call"
                );
            }
            other => panic!("{attempt} call: expected out of fuel, got {other:?}"),
        }
    }
    assert_eq!(world.writes(), Vec::<String>::new());
}

#[test]
fn a_held_handler_whose_call_trapped_is_made_again_for_the_next_call() {
    let world = World::new();
    let runtime = Arc::new(hostile(limits()));
    let mut held =
        Held::<RequirerHandler>::new(runtime, requirer("panic"), world.spy("client/0")).unwrap();
    let mut traps = Vec::new();
    for _ in 0..2 {
        match held.call(|session, handler| session.requirer_statuses(handler, world.relation)) {
            Err(Error::Trap { call, message }) => {
                assert_eq!(call, "requirer.statuses");
                traps.push(message);
            }
            other => panic!("expected a trap, got {other:?}"),
        }
    }
    // The second trap is the guest's panic again, not a refusal to enter a poisoned instance.
    assert_eq!(traps[0], traps[1]);
}

#[test]
fn a_held_handlers_replaced_backend_serves_the_next_call() {
    let world = World::new();
    let runtime = Arc::new(hostile(limits()));
    let mut held =
        Held::<RequirerHandler>::new(runtime, requirer("write-own-unit"), world.spy("client/0"))
            .unwrap();
    let mut previous = held.replace_backend(Box::new(world.juju.unit("client/1")));
    assert_eq!(previous.local_unit().unwrap(), "client/0");
    held.call(|session, handler| session.requirer_handle(handler, &world.changed_by_db()))
        .unwrap();
    assert_eq!(
        world.juju.unit_bag(world.relation, "client/1")["guest"],
        "was here"
    );
    assert!(world.juju.unit_bag(world.relation, "client/0").is_empty());
    assert_eq!(held.backend().local_unit().unwrap(), "client/1");
}

#[test]
fn a_backend_replaced_after_a_poisoning_error_serves_the_remade_handler() {
    let world = World::new();
    let runtime = Arc::new(hostile(Limits {
        fuel: 50_000_000,
        ..limits()
    }));
    let mut held =
        Held::<RequirerHandler>::new(runtime, requirer("loop"), world.spy("client/0")).unwrap();
    let first =
        held.call(|session, handler| session.requirer_handle(handler, &world.changed_by_db()));
    assert!(matches!(first, Err(Error::OutOfFuel { .. })), "{first:?}");
    let mut previous = held.replace_backend(Box::new(world.juju.unit("client/1")));
    assert_eq!(previous.local_unit().unwrap(), "client/0");
    let second =
        held.call(|session, handler| session.requirer_handle(handler, &world.changed_by_db()));
    assert!(matches!(second, Err(Error::OutOfFuel { .. })), "{second:?}");
    assert_eq!(held.into_backend().local_unit().unwrap(), "client/1");
}

// ---- the host never trusts the guest ----

#[test]
fn a_write_to_its_own_unit_bag_goes_through() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/1")).unwrap();
    let handler = session.requirer(&requirer("write-own-unit")).unwrap();
    session
        .requirer_handle(handler, &world.changed_by_db())
        .unwrap();
    let expected = format!("apply {} {:?}", world.relation, wit::Bag::LocalUnit);
    assert_eq!(world.writes(), [expected]);
    assert_eq!(
        world.juju.unit_bag(world.relation, "client/1")["guest"],
        "was here"
    );
}

#[test]
fn a_write_to_another_units_bag_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("write-remote-unit")).unwrap();
    let result = session.requirer_handle(handler, &world.changed_by_db());
    let message = assert_refused(result, "requirer.handle", HostErrorKind::PermissionDenied);
    assert!(message.contains("db/0"), "{message}");
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.bags_are_empty());
    world.real_component_still_works();
}

#[test]
fn a_write_to_the_remote_app_bag_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("write-remote-app")).unwrap();
    let result = session.requirer_handle(handler, &world.changed_by_db());
    assert_refused(result, "requirer.handle", HostErrorKind::PermissionDenied);
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.bags_are_empty());
    world.real_component_still_works();
}

#[test]
fn an_app_bag_write_by_a_non_leader_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/1")).unwrap();
    let handler = session.requirer(&requirer("write-local-app")).unwrap();
    let result = session.requirer_handle(handler, &world.changed_by_db());
    assert_refused(result, "requirer.handle", HostErrorKind::NotLeader);
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.bags_are_empty());
    world.real_component_still_works();
}

#[test]
fn an_empty_databag_key_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let handler = session.requirer(&requirer("write-empty-key")).unwrap();
    let result = session.requirer_handle(handler, &world.changed_by_db());
    assert_refused(result, "requirer.handle", HostErrorKind::InvalidArgument);
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.bags_are_empty());
    world.real_component_still_works();
}

#[test]
fn a_refusal_fails_a_charm_facing_call_too() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/1")).unwrap();
    let response = data_interfaces_host::Response::new("clientdb").into_wit();
    let handler = session.provider(&provider("write-local-app")).unwrap();
    let result = session.provider_set_response(handler, world.relation, &response);
    assert_refused(result, "provider.set-response", HostErrorKind::NotLeader);
    assert_eq!(world.writes(), Vec::<String>::new());
}

#[test]
fn setting_the_content_of_a_secret_it_does_not_own_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let hook = secret_changed(&world.granted);
    let handler = session.requirer(&requirer("set-foreign-secret")).unwrap();
    let result = session.requirer_handle(handler, &hook);
    let message = assert_refused(result, "requirer.handle", HostErrorKind::PermissionDenied);
    assert!(message.contains(&world.granted), "{message}");
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.secrets_are_untouched());
    world.real_component_still_works();
}

#[test]
fn granting_a_secret_it_does_not_own_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let hook = secret_changed(&world.ungranted);
    let handler = session.requirer(&requirer("grant-foreign-secret")).unwrap();
    let result = session.requirer_handle(handler, &hook);
    assert_refused(result, "requirer.handle", HostErrorKind::PermissionDenied);
    assert_eq!(world.writes(), Vec::<String>::new());
    let mut client = world.juju.unit("client/0");
    assert!(client
        .secret_get(Some(&world.ungranted), None, false)
        .is_err());
    world.real_component_still_works();
}

#[test]
fn removing_a_secret_it_does_not_own_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let hook = secret_changed(&world.granted);
    let handler = session
        .requirer(&requirer("remove-foreign-secret"))
        .unwrap();
    let result = session.requirer_handle(handler, &hook);
    assert_refused(result, "requirer.handle", HostErrorKind::PermissionDenied);
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.secrets_are_untouched());
    world.real_component_still_works();
}

#[test]
fn removing_a_revision_of_a_secret_it_does_not_own_is_refused() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let hook = secret_changed(&world.granted);
    let handler = session
        .requirer(&requirer("remove-foreign-revision"))
        .unwrap();
    let result = session.requirer_handle(handler, &hook);
    assert_refused(result, "requirer.handle", HostErrorKind::PermissionDenied);
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.secrets_are_untouched());
    world.real_component_still_works();
}

#[test]
fn reading_a_secret_granted_to_no_relation_of_this_unit_is_denied() {
    let world = World::new();
    let mut session = hostile(limits()).session(world.spy("client/0")).unwrap();
    let hook = secret_changed(&world.ungranted);
    let handler = session
        .requirer(&requirer("read-ungranted-secret"))
        .unwrap();
    match session.requirer_handle(handler, &hook) {
        Err(Error::Protocol(wit::Error::Host(e))) => {
            assert_eq!(e.kind, HostErrorKind::PermissionDenied);
            assert!(!e.message.contains(SECRET_VALUE));
        }
        other => panic!("expected permission denied, got {other:?}"),
    }
    assert_eq!(world.writes(), Vec::<String>::new());
    assert!(world.bags_are_empty());
    assert!(!world
        .juju
        .log()
        .iter()
        .any(|line| line.message.contains(SECRET_VALUE)));
    world.real_component_still_works();
}

// ---- loading another component ----

#[test]
fn another_component_is_cached_under_its_own_hash() {
    let dir = std::env::temp_dir().join(format!("di-hostile-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let options = LoadOptions {
        cache_dir: Some(dir),
        precompiled_dir: None,
        limits: limits(),
    };
    let real = Runtime::load_with(&options).unwrap();
    let first = Runtime::load_component(guest_bytes(), &options).unwrap();
    let LoadSource::CompiledAndCached(path) = first.source().clone() else {
        panic!("first load of the guest: {:?}", first.source());
    };
    assert_ne!(real.source(), first.source());
    let again = Runtime::load_component(guest_bytes(), &options).unwrap();
    assert_eq!(again.source(), &LoadSource::Cache(path));
}
