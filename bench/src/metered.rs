//! A backend that meters another: how many imports a hook makes, and how long the host's world
//! (the in-memory Juju behind the host's checks) takes to answer them, so that a hook's time
//! through the component splits into the world's part and the guest's (its code and the
//! crossings of the boundary).

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use data_interfaces_host::backend::{Backend, BackendError, Entries};
use data_interfaces_host::wit::{
    Bag, ChangeSet, LogLevel, Owner, RelationId, RelationInfo, Secret,
};

/// What a [`Metered`] backend saw; shared with the bench, which reads it after a call.
#[derive(Clone, Default)]
pub struct Meter {
    calls: Rc<Cell<usize>>,
    time: Rc<Cell<Duration>>,
}

impl Meter {
    /// The imports answered since the last reset.
    pub fn calls(&self) -> usize {
        self.calls.get()
    }

    /// The time the wrapped backend took to answer them.
    pub fn time(&self) -> Duration {
        self.time.get()
    }

    /// Start counting again.
    pub fn reset(&self) {
        self.calls.set(0);
        self.time.set(Duration::ZERO);
    }
}

/// A backend that forwards every import to `inner`, counting and timing it.
pub struct Metered<B> {
    inner: B,
    meter: Meter,
}

impl<B> Metered<B> {
    /// Meter `inner` into `meter`.
    pub fn new(inner: B, meter: &Meter) -> Self {
        Metered {
            inner,
            meter: meter.clone(),
        }
    }

    fn timed<T>(&mut self, f: impl FnOnce(&mut B) -> T) -> T {
        let start = Instant::now();
        let value = f(&mut self.inner);
        self.meter.calls.set(self.meter.calls.get() + 1);
        self.meter.time.set(self.meter.time.get() + start.elapsed());
        value
    }
}

impl<B: Backend> Backend for Metered<B> {
    fn relations(&mut self, endpoint: &str) -> Result<Vec<RelationInfo>, BackendError> {
        self.timed(|b| b.relations(endpoint))
    }
    fn remote_model_uuid(&mut self, relation: RelationId) -> Result<Option<String>, BackendError> {
        self.timed(|b| b.remote_model_uuid(relation))
    }
    fn read(&mut self, relation: RelationId, bag: &Bag) -> Result<Entries, BackendError> {
        self.timed(|b| b.read(relation, bag))
    }
    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), BackendError> {
        self.timed(|b| b.apply(relation, bag, changes))
    }
    fn is_leader(&mut self) -> Result<bool, BackendError> {
        self.timed(|b| b.is_leader())
    }
    fn local_app(&mut self) -> Result<String, BackendError> {
        self.timed(|b| b.local_app())
    }
    fn local_unit(&mut self) -> Result<String, BackendError> {
        self.timed(|b| b.local_unit())
    }
    fn model_uuid(&mut self) -> Result<String, BackendError> {
        self.timed(|b| b.model_uuid())
    }
    fn secret_add(
        &mut self,
        owner: Owner,
        label: Option<&str>,
        content: &[(String, String)],
    ) -> Result<String, BackendError> {
        self.timed(|b| b.secret_add(owner, label, content))
    }
    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, BackendError> {
        self.timed(|b| b.secret_get(id, label, refresh))
    }
    fn secret_owned(&mut self, id: &str) -> Result<bool, BackendError> {
        self.timed(|b| b.secret_owned(id))
    }
    fn secret_set_content(
        &mut self,
        id: &str,
        content: &[(String, String)],
    ) -> Result<(), BackendError> {
        self.timed(|b| b.secret_set_content(id, content))
    }
    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), BackendError> {
        self.timed(|b| b.secret_grant(id, relation))
    }
    fn secret_remove(&mut self, id: &str) -> Result<(), BackendError> {
        self.timed(|b| b.secret_remove(id))
    }
    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), BackendError> {
        self.timed(|b| b.secret_remove_revision(id, revision))
    }
    fn log(&mut self, level: LogLevel, message: &str) {
        self.timed(|b| b.log(level, message))
    }
}
