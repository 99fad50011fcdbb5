//! The demo: a requirer and a provider application, both driven by the component over the
//! in-memory Juju, through the whole handshake, printed hook by hook.
//!
//! `client` (two units) asks `postgresql` (one unit) for two databases on the `database`
//! relation. Each step is one Juju hook on one unit: the component reads and writes the
//! databags and secrets of that unit's view, and returns the events the charm would see.

use data_interfaces_host as api;
use data_interfaces_host::display;
use data_interfaces_host::error::{describe, Error};
use data_interfaces_host::memory::{app_of, Databag, Juju};
use data_interfaces_host::wit::{
    Hook, ProviderConfig, ProviderEventKind, Rejection, RelationEvent, RelationId, Request,
    RequirerConfig, RequirerEvent, Response,
};
use data_interfaces_host::Runtime;
use std::io::Write;

/// A request for a database with the standard fields unset.
pub fn request(resource: &str) -> Request {
    api::Request::new(resource).into_wit()
}

/// A response to a request, with no field set but the request's identity.
pub fn response_to(request: &Request) -> Response {
    api::Response::for_request(request).into_wit()
}

/// The requirer's configuration in the demo.
pub fn requirer_config() -> RequirerConfig {
    api::RequirerBuilder::new("database")
        .request(api::Request::new("clientdb"))
        .request(api::Request::new("clientbis"))
        .into()
}

/// The provider's configuration in the demo.
pub fn provider_config() -> ProviderConfig {
    api::ProviderBuilder::new("database").into()
}

/// A password a database charm might generate (random; never printed).
fn password() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    while out.len() < 24 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_usize(out.len());
        out.push_str(&format!("{:016x}", hasher.finish()));
    }
    out.truncate(24);
    out
}

/// Drives the demo's two applications.
pub struct Demo<'a, W: Write> {
    runtime: &'a Runtime,
    juju: Juju,
    relation: RelationId,
    out: W,
    /// Every requirer event, in order (for tests).
    pub requirer_events: Vec<(String, RequirerEvent)>,
}

impl<'a, W: Write> Demo<'a, W> {
    /// A model with `client` (2 units) and `postgresql` (1 unit) related on `database`.
    pub fn new(runtime: &'a Runtime, out: W) -> Self {
        let juju = Juju::new();
        juju.deploy("client", 2);
        juju.deploy("postgresql", 1);
        let relation = juju.relate("client", "database", "postgresql", "database");
        Demo {
            runtime,
            juju,
            relation,
            out,
            requirer_events: Vec::new(),
        }
    }

    /// The model, for inspection.
    pub fn juju(&self) -> &Juju {
        &self.juju
    }

    /// What the demo printed so far.
    pub fn output_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// The relation id.
    pub fn relation(&self) -> RelationId {
        self.relation
    }

    fn hook(&self, kind: &str, remote: &str) -> Hook {
        let event = RelationEvent {
            relation_id: self.relation,
            app: Some(app_of(remote).to_owned()),
            unit: remote.contains('/').then(|| remote.to_owned()),
        };
        match kind {
            "created" => Hook::RelationCreated(event),
            _ => Hook::RelationChanged(event),
        }
    }

    fn banner(&mut self, unit: &str, kind: &str, remote: &str) -> std::io::Result<()> {
        writeln!(
            self.out,
            "\n== hook: database-relation-{kind} on {unit} (relation {}, from {remote})",
            self.relation
        )
    }

    /// Run one hook on a requirer unit.
    pub fn requirer_hook(&mut self, unit: &str, kind: &str, remote: &str) -> Result<(), Error> {
        self.banner(unit, kind, remote).map_err(io)?;
        let before = self.bags();
        let mut session = self.runtime.session(Box::new(self.juju.unit(unit)))?;
        let requirer = session.requirer(&requirer_config())?;
        let handled = session.requirer_handle(requirer, &self.hook(kind, remote))?;
        self.print_rejections(&handled.rejections)?;
        let events = handled.events;
        self.print_events(events.iter().map(display::requirer_event))?;
        self.requirer_events
            .extend(events.into_iter().map(|e| (unit.to_owned(), e)));
        self.print_changed(before)
    }

    /// Run one hook on a provider unit; the provider charm answers every request it is told of.
    pub fn provider_hook(&mut self, unit: &str, kind: &str, remote: &str) -> Result<(), Error> {
        self.banner(unit, kind, remote).map_err(io)?;
        let before = self.bags();
        let config = provider_config();
        let mut session = self.runtime.session(Box::new(self.juju.unit(unit)))?;
        let provider = session.provider(&config)?;
        let handled = session.provider_handle(provider, &self.hook(kind, remote))?;
        self.print_rejections(&handled.rejections)?;
        let events = handled.events;
        self.print_events(events.iter().map(display::provider_event))?;
        for event in &events {
            if event.kind != ProviderEventKind::ResourceRequested {
                continue;
            }
            for request in &event.requests {
                let mut response = response_to(request);
                response.username = Some(format!(
                    "relation_{}_{}",
                    event.relation_id,
                    request.request_id.as_deref().unwrap_or("v0")
                ));
                response.password = Some(password());
                response.endpoints = Some("10.1.2.3:5432".to_owned());
                response.read_only_endpoints = Some("10.1.2.4:5432".to_owned());
                response.version = Some("16.4".to_owned());
                writeln!(
                    self.out,
                    "   charm calls set_response({}, {})",
                    event.relation_id,
                    display::response(&response)
                )
                .map_err(io)?;
                session.provider_set_response(provider, event.relation_id, &response)?;
            }
        }
        self.print_changed(before)
    }

    fn print_events(&mut self, events: impl Iterator<Item = String>) -> Result<(), Error> {
        let mut any = false;
        for event in events {
            any = true;
            writeln!(self.out, "   event: {event}").map_err(io)?;
        }
        if !any {
            writeln!(self.out, "   (no events)").map_err(io)?;
        }
        Ok(())
    }

    fn print_rejections(&mut self, rejections: &[Rejection]) -> Result<(), Error> {
        for rejection in rejections {
            writeln!(self.out, "   rejected: {}", describe(&rejection.error)).map_err(io)?;
        }
        Ok(())
    }

    /// Every bag of the relation, by a name for people.
    fn bags(&self) -> Vec<(String, Databag)> {
        let mut bags = Vec::new();
        for (app, units) in [("client", 2), ("postgresql", 1)] {
            bags.push((
                format!("{app} app bag"),
                self.juju.app_bag(self.relation, app),
            ));
            for i in 0..units {
                let unit = format!("{app}/{i}");
                let bag = self.juju.unit_bag(self.relation, &unit);
                bags.push((format!("{unit} unit bag"), bag));
            }
        }
        bags
    }

    /// Print the bags a hook changed, as they are after it.
    fn print_changed(&mut self, before: Vec<(String, Databag)>) -> Result<(), Error> {
        let after = self.bags();
        let mut any = false;
        for ((name, old), (_, new)) in before.iter().zip(after.iter()) {
            if old == new {
                continue;
            }
            any = true;
            writeln!(self.out, "   {name} after the hook:").map_err(io)?;
            for (key, value) in new {
                let mark = if old.get(key) == Some(value) {
                    " "
                } else {
                    "*"
                };
                writeln!(
                    self.out,
                    "    {mark} {key} = {}",
                    display::value(value, "        ")
                )
                .map_err(io)?;
            }
            for key in old.keys().filter(|k| !new.contains_key(*k)) {
                writeln!(self.out, "    - {key} (deleted)").map_err(io)?;
            }
        }
        if !any {
            writeln!(self.out, "   (no databag changed)").map_err(io)?;
        }
        Ok(())
    }

    fn print_secrets(&mut self) -> Result<(), Error> {
        writeln!(self.out, "\n== secrets (values never shown)").map_err(io)?;
        for uri in self.juju.secret_uris() {
            if let Some(secret) = self.juju.secret(&uri) {
                let keys: Vec<String> = secret
                    .latest()
                    .map(|c| c.iter().map(|(k, _)| k.clone()).collect())
                    .unwrap_or_default();
                writeln!(
                    self.out,
                    "   {uri} owner={:?} label={:?} revisions={} keys={keys:?}",
                    secret.owner,
                    secret.owner_label.as_deref().unwrap_or(""),
                    secret.revision_count()
                )
                .map_err(io)?;
            }
        }
        Ok(())
    }

    /// The whole handshake, as Juju would run it.
    pub fn run(&mut self) -> Result<(), Error> {
        writeln!(
            self.out,
            "data-interfaces demo: `client` (2 units) asks `postgresql` for databases `clientdb` and `clientbis`\ncomponent loaded: {:?} in {:.2} ms",
            self.runtime.source(),
            self.runtime.load_time().as_secs_f64() * 1000.0
        )
        .map_err(io)?;
        self.requirer_hook("client/0", "created", "postgresql")?;
        self.requirer_hook("client/1", "created", "postgresql")?;
        self.provider_hook("postgresql/0", "created", "client")?;
        self.provider_hook("postgresql/0", "changed", "client")?;
        self.requirer_hook("client/0", "changed", "postgresql")?;
        self.requirer_hook("client/1", "changed", "postgresql")?;
        // Juju runs relation-changed again when a bag it watches changes; nothing is new.
        self.provider_hook("postgresql/0", "changed", "client/0")?;
        self.requirer_hook("client/0", "changed", "postgresql/0")?;
        self.print_secrets()?;
        writeln!(
            self.out,
            "\nhandshake complete: every requirer unit has its credentials (marked * above: keys the hook set)"
        )
        .map_err(io)?;
        Ok(())
    }
}

fn io(error: std::io::Error) -> Error {
    Error::Backend(Box::new(error))
}
