//! The portable precompiled artifact: made for the architecture's baseline, loaded before the
//! cache when wasmtime accepts it, and passed over for the cache when it does not.

use data_interfaces_host::load::{linux_target, precompile, precompiled_file_name};
use data_interfaces_host::memory::Juju;
use data_interfaces_host::{LoadOptions, LoadSource, Runtime, COMPONENT, COMPONENT_HASH};
use std::path::PathBuf;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("di-precompiled-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn options(precompiled: PathBuf, cache: PathBuf) -> LoadOptions {
    LoadOptions {
        cache_dir: Some(cache),
        precompiled_dir: Some(precompiled),
        ..LoadOptions::default()
    }
}

fn works(runtime: &Runtime) {
    let juju = Juju::new();
    juju.deploy("app", 1);
    let mut session = runtime.session(Box::new(juju.unit("app/0"))).unwrap();
    assert_eq!(session.gen_salt().unwrap().len(), 16);
}

/// A load with `dir` as the precompiled directory compiles and caches the component (nothing
/// usable there), and the result works.
fn loads_through_the_cache(dir: &std::path::Path) {
    let runtime = Runtime::load_with(&options(dir.to_path_buf(), dir.join("cache"))).unwrap();
    assert!(matches!(runtime.source(), LoadSource::CompiledAndCached(_)));
    works(&runtime);
}

#[test]
fn an_artifact_named_for_the_component_is_loaded_before_the_cache() {
    let dir = temp_dir("first");
    let path = Runtime::precompile_into(&dir, &linux_target()).unwrap();
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        precompiled_file_name(&COMPONENT_HASH)
    );
    let cache = dir.join("cache");
    let runtime = Runtime::load_with(&options(dir.clone(), cache.clone())).unwrap();
    assert_eq!(runtime.source(), &LoadSource::Precompiled(path));
    assert!(!cache.exists(), "the cache is not touched");
    works(&runtime);
}

#[test]
fn without_an_artifact_the_load_goes_through_the_cache() {
    loads_through_the_cache(&temp_dir("absent"));
}

#[test]
fn an_artifact_of_another_engine_configuration_is_passed_over_for_the_cache() {
    let dir = temp_dir("foreign-config");
    let mut config = wasmtime::Config::new();
    config.consume_fuel(false);
    let engine = wasmtime::Engine::new(&config).unwrap();
    let foreign = engine.precompile_component(COMPONENT).unwrap();
    std::fs::write(dir.join(precompiled_file_name(&COMPONENT_HASH)), foreign).unwrap();
    loads_through_the_cache(&dir);
}

#[test]
fn a_damaged_artifact_is_passed_over_for_the_cache() {
    let dir = temp_dir("damaged");
    let path = Runtime::precompile_into(&dir, &linux_target()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
    loads_through_the_cache(&dir);
}

#[test]
fn an_artifact_for_another_component_is_not_looked_at() {
    let dir = temp_dir("other-component");
    let other = precompiled_file_name(&[7u8; 32]);
    std::fs::write(
        dir.join(&other),
        precompile(COMPONENT, &linux_target()).unwrap(),
    )
    .unwrap();
    loads_through_the_cache(&dir);
}

#[test]
fn a_target_this_build_cannot_compile_for_is_a_load_error() {
    let other = if cfg!(target_arch = "x86_64") {
        "aarch64-unknown-linux-gnu"
    } else {
        "x86_64-unknown-linux-gnu"
    };
    let error = precompile(COMPONENT, other).unwrap_err().to_string();
    assert!(error.contains(other), "{error}");
}

#[test]
fn an_unknown_target_is_a_load_error_naming_it() {
    let error = precompile(COMPONENT, "no-such-triple")
        .unwrap_err()
        .to_string();
    assert!(error.contains("no-such-triple"), "{error}");
}
