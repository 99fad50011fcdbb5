//! The sandbox around the component: the precompiled cache is checked before it is trusted,
//! and the CPU and memory bounds stop a call with a typed error, after which a fresh session
//! works.

use data_interfaces_host::memory::Juju;
use data_interfaces_host::{Error, Limits, LoadOptions, LoadSource, Runtime};
use std::path::PathBuf;

fn cache_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("di-sandbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn options(dir: PathBuf, limits: Limits) -> LoadOptions {
    LoadOptions {
        cache_dir: Some(dir),
        precompiled_dir: None,
        limits,
    }
}

fn backend() -> Box<Juju> {
    Box::new(Juju::new())
}

fn unit(juju: &Juju) -> Box<dyn data_interfaces_host::Backend> {
    juju.deploy("app", 1);
    Box::new(juju.unit("app/0"))
}

#[test]
fn the_first_load_compiles_and_caches_and_the_next_deserializes() {
    let dir = cache_dir("warm");
    let first = Runtime::load_with(&options(dir.clone(), Limits::default())).unwrap();
    let LoadSource::CompiledAndCached(path) = first.source().clone() else {
        panic!("first load: {:?}", first.source());
    };
    let second = Runtime::load_with(&options(dir, Limits::default())).unwrap();
    assert_eq!(second.source(), &LoadSource::Cache(path));
}

#[test]
fn a_tampered_cache_file_is_rebuilt_not_trusted() {
    let dir = cache_dir("tampered");
    let first = Runtime::load_with(&options(dir.clone(), Limits::default())).unwrap();
    let LoadSource::CompiledAndCached(path) = first.source().clone() else {
        panic!("first load: {:?}", first.source());
    };
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let again = Runtime::load_with(&options(dir.clone(), Limits::default())).unwrap();
    assert_eq!(again.source(), &LoadSource::CompiledAndCached(path.clone()));
    let mut session = again.session(unit(&backend())).unwrap();
    assert_eq!(session.gen_salt().unwrap().len(), 16);
}

#[test]
fn a_foreign_file_under_the_cache_name_is_rebuilt() {
    let dir = cache_dir("foreign");
    let first = Runtime::load_with(&options(dir.clone(), Limits::default())).unwrap();
    let LoadSource::CompiledAndCached(path) = first.source().clone() else {
        panic!("first load: {:?}", first.source());
    };
    std::fs::write(&path, b"not a precompiled component").unwrap();
    let again = Runtime::load_with(&options(dir, Limits::default())).unwrap();
    assert_eq!(again.source(), &LoadSource::CompiledAndCached(path));
}

#[test]
fn an_unwritable_cache_directory_falls_back_to_compiling_in_memory() {
    let file = cache_dir("unwritable");
    std::fs::write(&file, b"a file where a directory should be").unwrap();
    let runtime = Runtime::load_with(&options(file.join("sub"), Limits::default())).unwrap();
    assert_eq!(runtime.source(), &LoadSource::Compiled);
}

#[test]
fn a_call_that_runs_out_of_fuel_stops_with_a_typed_error() {
    let limits = Limits {
        fuel: 50,
        ..Limits::default()
    };
    let runtime = Runtime::load_with(&options(cache_dir("fuel"), limits)).unwrap();
    let mut session = runtime.session(unit(&backend())).unwrap();
    match session.gen_hash("clientdb", "kkkkkkkk") {
        Err(Error::OutOfFuel { call, fuel }) => {
            assert_eq!(call, "util.gen-hash");
            assert_eq!(fuel, 50);
        }
        other => panic!("expected out of fuel, got {other:?}"),
    }
}

#[test]
fn after_a_limit_a_fresh_session_works() {
    let dir = cache_dir("recover");
    let tight = Runtime::load_with(&options(
        dir.clone(),
        Limits {
            fuel: 50,
            ..Limits::default()
        },
    ))
    .unwrap();
    assert!(tight
        .session(unit(&backend()))
        .unwrap()
        .gen_hash("clientdb", "kkkkkkkk")
        .is_err());
    let runtime = Runtime::load_with(&options(dir, Limits::default())).unwrap();
    let mut session = runtime.session(unit(&backend())).unwrap();
    assert_eq!(
        session.gen_hash("clientdb", "kkkkkkkk").unwrap(),
        "b7bf5c83ca2cd3de"
    );
}

#[test]
fn a_component_over_the_memory_cap_is_stopped_with_a_typed_error() {
    let limits = Limits {
        memory_bytes: 64 * 1024,
        ..Limits::default()
    };
    let runtime = Runtime::load_with(&options(cache_dir("memory"), limits)).unwrap();
    match runtime.session(unit(&backend())) {
        Err(Error::MemoryCap { limit, .. }) => assert_eq!(limit, 64 * 1024),
        Err(other) => panic!("expected the memory cap, got {other}"),
        Ok(_) => panic!("expected the memory cap, the component instantiated"),
    }
}
