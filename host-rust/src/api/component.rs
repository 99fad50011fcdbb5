//! [`DataInterfaces`]: the component, loaded once and shared, handing out the typed handlers
//! ([`Requirer`], [`Provider`], [`Peer`]).

use super::{Peer, PeerConfig, Provider, Requirer};
use crate::backend::Backend;
use crate::error::Error;
use crate::handlers::Held;
use crate::load::LoadOptions;
use crate::runtime::Runtime;
use crate::wit;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// The component, loaded and linked: hands out [`Requirer`] and [`Provider`] instances.
///
/// Cloning is cheap (an `Arc`); it is `Send + Sync`.
#[derive(Clone)]
pub struct DataInterfaces {
    runtime: Arc<Runtime>,
}

// The guarantee the module docs make, checked at compile time.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Runtime>();
    send_sync::<DataInterfaces>();
};

static SHARED: OnceLock<DataInterfaces> = OnceLock::new();

impl fmt::Debug for DataInterfaces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DataInterfaces")
            .field(&self.runtime)
            .finish()
    }
}

impl DataInterfaces {
    /// The process-wide instance with the default [`LoadOptions`]: the first call loads the
    /// component (through the precompiled cache), later calls return the same one.
    pub fn shared() -> Result<DataInterfaces, Error> {
        if let Some(shared) = SHARED.get() {
            return Ok(shared.clone());
        }
        let loaded = DataInterfaces::load_with(&LoadOptions::default())?;
        // Another thread may have won the race; either copy is as good.
        Ok(SHARED.get_or_init(|| loaded).clone())
    }

    /// Load the component with these options (not shared with [`DataInterfaces::shared`]).
    pub fn load_with(options: &LoadOptions) -> Result<DataInterfaces, Error> {
        Runtime::load_with(options).map(DataInterfaces::from)
    }

    /// The runtime, for the raw per-export calls ([`Runtime::session`]) and load details.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// A requirer handler over a backend.
    pub fn requirer(
        &self,
        config: impl Into<wit::RequirerConfig>,
        backend: impl Backend + 'static,
    ) -> Result<Requirer, Error> {
        let held = Held::new(self.runtime.clone(), config.into(), Box::new(backend))?;
        Ok(Requirer { held })
    }

    /// The peer data of a peer endpoint over a backend.
    pub fn peer(&self, config: PeerConfig, backend: impl Backend + 'static) -> Result<Peer, Error> {
        let held = Held::new(self.runtime.clone(), config, Box::new(backend))?;
        Ok(Peer { held })
    }

    /// A provider handler over a backend.
    pub fn provider(
        &self,
        config: impl Into<wit::ProviderConfig>,
        backend: impl Backend + 'static,
    ) -> Result<Provider, Error> {
        let held = Held::new(self.runtime.clone(), config.into(), Box::new(backend))?;
        Ok(Provider { held })
    }
}

impl From<Runtime> for DataInterfaces {
    fn from(runtime: Runtime) -> Self {
        DataInterfaces {
            runtime: Arc::new(runtime),
        }
    }
}

impl From<Arc<Runtime>> for DataInterfaces {
    fn from(runtime: Arc<Runtime>) -> Self {
        DataInterfaces { runtime }
    }
}
