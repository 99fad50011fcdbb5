//! Loading the component: the engine, where the compiled code comes from, and the linking.
//!
//! A Juju hook is a fresh process, so every hook loads the component. The compiled code comes
//! from the first of these that works:
//!
//! 1. **A portable precompiled artifact** shipped next to the host (the Python wheel carries
//!    one): compiled at build time for the architecture's baseline CPU, with no feature
//!    detected on the build machine, and named by the component's hash. It is mapped straight
//!    from its file (no copy, no digest: it is an installed file of the package, as trusted as
//!    the host's own code). wasmtime refuses it when its version, configuration or target
//!    differ, or when it needs a CPU feature this machine lacks; the load then goes on below.
//! 2. **The cache** ([`crate::cache`]): what an earlier load on this machine compiled, for
//!    this CPU's features.
//! 3. **Compiling** (about 1.2 s on the development machine), then writing the cache.

use crate::bindings::{DataInterfaces, DataInterfacesPre};
use crate::cache;
use crate::error::Error;
use crate::host::HostState;
use crate::sandbox::Limits;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine};

/// How to load the component.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Where the precompiled component is cached; `None` compiles in memory every time.
    pub cache_dir: Option<PathBuf>,
    /// A directory that may hold a portable precompiled artifact of the component (see
    /// [`precompiled_file_name`]); `None` looks for none.
    pub precompiled_dir: Option<PathBuf>,
    /// The bounds for every call.
    pub limits: Limits,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            cache_dir: cache::default_dir(),
            precompiled_dir: None,
            limits: Limits::default(),
        }
    }
}

/// Where the compiled component came from on a load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadSource {
    /// Mapped from a portable precompiled artifact.
    Precompiled(PathBuf),
    /// Deserialized from a cache file.
    Cache(PathBuf),
    /// Compiled, then written to a cache file.
    CompiledAndCached(PathBuf),
    /// Compiled in memory (no cache directory, or it could not be written).
    Compiled,
}

/// The component compiled and linked for this process.
pub(crate) struct Loaded {
    pub(crate) engine: Engine,
    pub(crate) component: Component,
    /// Linked, with every export found and type-checked once, for all instances.
    pub(crate) instance_pre: DataInterfacesPre<HostState>,
    pub(crate) source: LoadSource,
    pub(crate) load_time: Duration,
}

/// The engine configuration every host uses; `target` is set only to precompile.
fn config() -> Config {
    let mut config = Config::new();
    config.consume_fuel(true);
    config.wasm_backtrace_max_frames(None);
    // Small reservations: the memory cap is far below 4 GiB.
    config.memory_reservation(1 << 30);
    config.memory_guard_size(32 << 20);
    // `perf record` names the component's functions when the engine writes a perf map
    // (`/tmp/perf-<pid>.map`); off unless asked, since every compiled function is written.
    if std::env::var_os("DATA_INTERFACES_PERFMAP").is_some() {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    config
}

/// The file name of the portable precompiled artifact of the component with this hash.
pub fn precompiled_file_name(component_hash: &[u8; 32]) -> String {
    format!(
        "data-interfaces-{}.cwasm",
        cache::hash_prefix(component_hash)
    )
}

/// The target triple of the machine running this build on Linux (`x86_64-unknown-linux-gnu`,
/// `aarch64-unknown-linux-gnu`): what [`precompile`] is given to make this machine's wheel.
pub fn linux_target() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

/// Precompile a component for the baseline CPU of `target` (a target triple such as
/// `x86_64-unknown-linux-gnu`): the artifact uses no CPU feature beyond the architecture's
/// baseline, whatever the machine running this has, so it loads on any machine of that
/// architecture running the same wasmtime. Only the targets this build of wasmtime can
/// compile for are accepted (its own architecture, unless it was built with `all-arch`).
pub fn precompile(bytes: &[u8], target: &str) -> Result<Vec<u8>, Error> {
    let mut config = config();
    // An explicit target: wasmtime infers no feature of the machine it runs on.
    config
        .target(target)
        .map_err(|e| Error::Load(format!("target {target}: {e}")))?;
    let engine =
        Engine::new(&config).map_err(|e| Error::Load(format!("engine for {target}: {e}")))?;
    engine
        .precompile_component(bytes)
        .map_err(|e| Error::Load(format!("compile for {target}: {e}")))
}

/// Load a component whose BLAKE3 hash is `hash`, from the first source that works.
pub(crate) fn load(bytes: &[u8], hash: &[u8; 32], options: &LoadOptions) -> Result<Loaded, Error> {
    let start = Instant::now();
    let engine = Engine::new(&config()).map_err(|e| Error::Load(format!("engine: {e}")))?;
    if let Some(dir) = &options.precompiled_dir {
        let path = dir.join(precompiled_file_name(hash));
        if let Some(loaded) = from_precompiled(&engine, &path) {
            return Ok(Loaded {
                load_time: start.elapsed(),
                ..loaded
            });
        }
    }
    let path = options
        .cache_dir
        .as_ref()
        .map(|dir| dir.join(cache::file_name(hash, &engine)));
    let mut component = None;
    let mut source = LoadSource::Compiled;
    if let Some(path) = &path {
        if let Some(payload) = cache::read(path) {
            // SAFETY: the payload is what `Engine::precompile_component` wrote for this
            // component hash and engine compatibility hash, checked whole by its digest;
            // wasmtime checks its own header (version, configuration, CPU) too.
            if let Ok(c) = unsafe { Component::deserialize(&engine, payload.as_ref()) } {
                component = Some(c);
                source = LoadSource::Cache(path.clone());
            }
        }
    }
    let component = match component {
        Some(c) => c,
        None => {
            let precompiled = engine
                .precompile_component(bytes)
                .map_err(|e| Error::Load(format!("compile: {e}")))?;
            if let Some(path) = &path {
                if cache::write(path, &precompiled).is_ok() {
                    source = LoadSource::CompiledAndCached(path.clone());
                }
            }
            // SAFETY: these bytes were produced by this engine a moment ago.
            unsafe { Component::deserialize(&engine, &precompiled) }
                .map_err(|e| Error::Load(format!("deserialize: {e}")))?
        }
    };
    let instance_pre = link(&engine, &component)?;
    Ok(Loaded {
        engine,
        component,
        instance_pre,
        source,
        load_time: start.elapsed(),
    })
}

/// The component mapped from a portable artifact and linked, or `None` when wasmtime refuses
/// it (or there is none): the load then goes on to the cache.
fn from_precompiled(engine: &Engine, path: &Path) -> Option<Loaded> {
    if !path.is_file() {
        return None;
    }
    // SAFETY: the file is an installed file of the package, written by
    // `Engine::precompile_component` for this component (its name carries the component's
    // hash) at build time; wasmtime checks its header (version, configuration, target and the
    // CPU features it needs) before using it.
    let component = unsafe { Component::deserialize_file(engine, path) }.ok()?;
    let instance_pre = link(engine, &component).ok()?;
    Some(Loaded {
        engine: engine.clone(),
        component,
        instance_pre,
        source: LoadSource::Precompiled(path.to_path_buf()),
        load_time: Duration::ZERO,
    })
}

/// Link the component's imports: the contract's (to the host), the WASI functions std calls;
/// then find and type-check its exports, once for every instance made from it.
fn link(engine: &Engine, component: &Component) -> Result<DataInterfacesPre<HostState>, Error> {
    let mut linker: Linker<HostState> = Linker::new(engine);
    DataInterfaces::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |state| state)
        .map_err(|e| Error::Load(format!("link: {e}")))?;
    add_wasi(&mut linker).map_err(|e| Error::Load(format!("link: {e}")))?;
    // The WASI interfaces Rust's std imports but never calls: they trap if called.
    linker
        .define_unknown_imports_as_traps(component)
        .map_err(|e| Error::Load(format!("link: {e}")))?;
    linker
        .instantiate_pre(component)
        .and_then(DataInterfacesPre::new)
        .map_err(|e| Error::Load(format!("link: {e}")))
}

/// Random bits from the operating system.
fn random_u64() -> wasmtime::Result<u64> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| wasmtime::Error::msg(format!("no random source: {e}")))?;
    Ok(u64::from_le_bytes(bytes))
}

/// `wasi:clocks/wall-clock`'s `datetime`: time since the Unix epoch.
#[derive(Clone, Copy, Debug, wasmtime::component::ComponentType, wasmtime::component::Lower)]
#[component(record)]
struct Datetime {
    seconds: u64,
    nanoseconds: u32,
}

/// The host's wall clock (a clock before 1970 reads as the epoch).
fn wall_clock_now() -> Datetime {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Datetime {
        seconds: elapsed.as_secs(),
        nanoseconds: elapsed.subsec_nanos(),
    }
}

/// The WASI functions the component calls: random bits (salts, Fernet keys and IVs), the seed
/// of std's hash maps, and the wall clock (Fernet timestamps). Nothing else of WASI is given
/// to it.
fn add_wasi(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker
        .instance("wasi:random/random@0.2.6")?
        .func_wrap("get-random-u64", |_, (): ()| Ok((random_u64()?,)))?;
    linker
        .instance("wasi:random/insecure-seed@0.2.6")?
        .func_wrap("insecure-seed", |_, (): ()| {
            Ok(((random_u64()?, random_u64()?),))
        })?;
    linker
        .instance("wasi:clocks/wall-clock@0.2.6")?
        .func_wrap("now", |_, (): ()| Ok((wall_clock_now(),)))?;
    Ok(())
}
