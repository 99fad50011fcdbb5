//! `data-interfaces-bench`: the Rust side of `make bench`.
//!
//! Times, with `std::time::Instant`, many iterations and medians:
//!
//! * loading the component cold (compiling it) and warm (deserializing the cached copy), and
//!   instantiating it (a [`Session`]);
//! * one requirer and one provider relation-changed hook through the component (in-process, the
//!   component already loaded), against the same protocol code compiled natively over an
//!   in-memory [`Env`](data_interfaces_core::env::Env) (the floor);
//! * a provider relation-changed with 1, 10, 100 and 1000 requests, both ways;
//! * whole processes: `data-interfaces demo` and this binary's `one-hook` (load, one hook, exit);
//! * the sizes of the component and of its precompiled cache file.
//!
//! Usage: `data-interfaces-bench [--json FILE] [--demo PATH]`, or `data-interfaces-bench
//! one-hook` (the whole-process sample). Figures are printed; `--json` also writes them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use data_interfaces_cli::demo;
use data_interfaces_core as core;
use data_interfaces_host::memory::Juju;
use data_interfaces_host::wit;
use data_interfaces_host::{LoadOptions, LoadSource, Runtime, COMPONENT};
use serde_json::{json, Map, Value};

mod metered;
#[path = "../../core/tests/support/mod.rs"]
mod support;

use metered::{Meter, Metered};

use support::{deliver, FakeEnv};

/// Microseconds of a duration.
fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The median of samples (in microseconds).
fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    }
}

/// Runs `f` `n` times; each call returns the duration it measured itself.
fn sample(n: usize, mut f: impl FnMut() -> Duration) -> f64 {
    let mut samples: Vec<f64> = (0..n).map(|_| us(f())).collect();
    median(&mut samples)
}

fn requests(n: usize) -> Vec<String> {
    if n == 2 {
        return vec!["clientdb".to_owned(), "clientbis".to_owned()];
    }
    (0..n).map(|i| format!("db{i}")).collect()
}

// ---------------------------------------------------------------- through the component

fn wit_requirer_config(n: usize) -> wit::RequirerConfig {
    let mut config = demo::requirer_config();
    config.requests = requests(n).iter().map(|r| demo::request(r)).collect();
    config
}

fn wit_event(relation: wit::RelationId, remote: &str) -> wit::RelationEvent {
    wit::RelationEvent {
        relation_id: relation,
        app: Some(remote.split('/').next().unwrap_or(remote).to_owned()),
        unit: Some(remote.to_owned()),
    }
}

/// How the provider's charm answers the requests of one relation-changed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// One `set-responses` call with every response.
    Batch,
    /// One `set-response` call per request, as the README charm does (each rewrites the whole
    /// `requests` list of the provider's app bag).
    OneByOne,
}

/// The times of one handshake.
struct Handshake {
    /// The provider's relation-changed: making its handler, then `handle`.
    provider: Duration,
    /// The provider's answers (`set-responses`, or every `set-response`).
    answer: Duration,
    /// The requirer's relation-changed that sees the responses: making its handler, then
    /// `handle`.
    requirer: Duration,
    /// Through the component: where the two relation-changed hooks' time went.
    split: Option<[Split; 2]>,
}

/// Where one hook's time through the component went (provider, then requirer).
#[derive(Clone, Copy)]
struct Split {
    /// Making the handler (the configuration lowered into the guest, and checked).
    create: Duration,
    /// The imports the hook made.
    imports: usize,
    /// The time the host's world (the in-memory Juju, behind the host's checks) took to
    /// answer them.
    world: Duration,
}

/// Times through the component for one handshake with `n` requests, each step a fresh
/// session on a fresh model.
fn component_handshake(runtime: &Runtime, n: usize, answer: Answer) -> Handshake {
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("postgresql", 1);
    let rel = juju.relate("client", "database", "postgresql", "database");
    let rconfig = wit_requirer_config(n);
    let pconfig = demo::provider_config();

    let mut s = runtime.session(Box::new(juju.unit("client/0"))).unwrap();
    let requirer = s.requirer(&rconfig).unwrap();
    s.requirer_handle(
        requirer,
        &wit::Hook::RelationCreated(wit_event(rel, "postgresql")),
    )
    .unwrap();

    let meter = Meter::default();
    let mut s = runtime
        .session(Box::new(Metered::new(juju.unit("postgresql/0"), &meter)))
        .unwrap();
    let hook = wit::Hook::RelationChanged(wit_event(rel, "client/0"));
    // A hook makes its handler (checking the configuration) and handles: both are timed, as
    // the native side's are.
    let start = Instant::now();
    let handler = s.provider(&pconfig).unwrap();
    let create = start.elapsed();
    meter.reset();
    let events = s.provider_handle(handler, &hook).unwrap().events;
    let provider = start.elapsed();
    let provider_split = Split {
        create,
        imports: meter.calls(),
        world: meter.time(),
    };
    let mut answered = 0;
    let responses: Vec<wit::Response> = events
        .iter()
        .filter(|e| e.kind == wit::ProviderEventKind::ResourceRequested)
        .flat_map(|e| e.requests.iter())
        .map(|request| {
            answered += 1;
            let mut response = demo::response_to(request);
            response.username = Some(format!("user_{answered}"));
            response.password = Some("p4ssw0rd-p4ssw0rd-p4ssw0rd".to_owned());
            response.endpoints = Some("10.0.0.1:5432".to_owned());
            response
        })
        .collect();
    assert_eq!(answered, n, "the provider saw every request");
    let start = Instant::now();
    match answer {
        Answer::Batch => s.provider_set_responses(handler, rel, &responses).unwrap(),
        Answer::OneByOne => {
            for response in &responses {
                s.provider_set_response(handler, rel, response).unwrap();
            }
        }
    }
    let answer = start.elapsed();

    let mut s = runtime
        .session(Box::new(Metered::new(juju.unit("client/0"), &meter)))
        .unwrap();
    let hook = wit::Hook::RelationChanged(wit_event(rel, "postgresql/0"));
    let start = Instant::now();
    let handler = s.requirer(&rconfig).unwrap();
    let create = start.elapsed();
    meter.reset();
    let events = s.requirer_handle(handler, &hook).unwrap().events;
    let requirer = start.elapsed();
    assert!(!events.is_empty(), "the requirer saw the responses");
    let requirer_split = Split {
        create,
        imports: meter.calls(),
        world: meter.time(),
    };
    Handshake {
        provider,
        answer,
        requirer,
        split: Some([provider_split, requirer_split]),
    }
}

/// A model in which the requirer (the demo's configuration with `n` requests) has written its
/// requests, and, when `answered`, the provider has answered them all and the requirer is
/// about to see the responses. Made through the component; only what follows is timed.
fn world(runtime: &Runtime, n: usize, answered: bool) -> (Juju, wit::RelationId) {
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("postgresql", 1);
    let rel = juju.relate("client", "database", "postgresql", "database");
    let mut s = runtime.session(Box::new(juju.unit("client/0"))).unwrap();
    let requirer = s.requirer(&wit_requirer_config(n)).unwrap();
    s.requirer_handle(
        requirer,
        &wit::Hook::RelationCreated(wit_event(rel, "postgresql")),
    )
    .unwrap();
    if answered {
        let mut s = runtime
            .session(Box::new(juju.unit("postgresql/0")))
            .unwrap();
        let provider = s.provider(&demo::provider_config()).unwrap();
        let hook = wit::Hook::RelationChanged(wit_event(rel, "client/0"));
        let events = s.provider_handle(provider, &hook).unwrap().events;
        let responses: Vec<wit::Response> = events
            .iter()
            .flat_map(|e| e.requests.iter())
            .map(|request| {
                let mut response = demo::response_to(request);
                response.username = Some("user".to_owned());
                response.password = Some("p4ssw0rd-p4ssw0rd-p4ssw0rd".to_owned());
                response.endpoints = Some("10.0.0.1:5432".to_owned());
                response
            })
            .collect();
        s.provider_set_responses(provider, rel, &responses).unwrap();
    }
    (juju, rel)
}

/// One relation-changed (making the handler and handling) on a fresh instance, then the same
/// hook on the same instance over an identical model: the second shows the guest's code and
/// the crossings without the cost of a new instance's first calls.
fn hook_fresh_then_warm(runtime: &Runtime, n: usize, provider: bool) -> (Duration, Duration) {
    let (unit, remote) = if provider {
        ("postgresql/0", "client/0")
    } else {
        ("client/0", "postgresql/0")
    };
    let (first, rel) = world(runtime, n, !provider);
    let (second, _) = world(runtime, n, !provider);
    let hook = wit::Hook::RelationChanged(wit_event(rel, remote));
    let rconfig = wit_requirer_config(n);
    let pconfig = demo::provider_config();
    let mut s = runtime.session(Box::new(first.unit(unit))).unwrap();
    let run = |s: &mut data_interfaces_host::Session| {
        let start = Instant::now();
        let seen = if provider {
            let handler = s.provider(&pconfig).unwrap();
            s.provider_handle(handler, &hook).unwrap().events.len()
        } else {
            let handler = s.requirer(&rconfig).unwrap();
            s.requirer_handle(handler, &hook).unwrap().events.len()
        };
        let elapsed = start.elapsed();
        assert!(seen > 0, "the hook saw the other side's data");
        elapsed
    };
    let fresh = run(&mut s);
    s.replace_backend(Box::new(second.unit(unit)));
    (fresh, run(&mut s))
}

// ---------------------------------------------------------------- natively (the floor)

fn native_requirer_config(n: usize) -> core::model::RequirerConfig {
    core::model::RequirerConfig {
        endpoint: "database".to_owned(),
        requests: requests(n)
            .into_iter()
            .map(|resource| core::model::Request {
                resource,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn native_event(relation: i32, remote: &str) -> core::model::RelationEvent {
    core::model::RelationEvent {
        relation_id: relation,
        app: Some(remote.split('/').next().unwrap_or(remote).to_owned()),
        unit: Some(remote.to_owned()),
    }
}

/// The same handshake as [`component_handshake`], natively over the in-memory `Env`.
fn native_handshake(n: usize, answer: Answer) -> Handshake {
    const REL: i32 = 7;
    let mut client = FakeEnv::new("client", true);
    client.add_relation(REL, "database", "postgresql");
    let mut server = FakeEnv::new("postgresql", true);
    server.add_relation(REL, "database", "client");
    let rconfig = native_requirer_config(n);
    let pconfig = core::model::ProviderConfig {
        endpoint: "database".to_owned(),
        ..Default::default()
    };

    core::requirer::Requirer::new(rconfig.clone())
        .and_then(|handler| {
            handler.handle(
                &mut client,
                &core::model::Hook::RelationCreated(native_event(REL, "postgresql")),
            )
        })
        .unwrap();
    deliver(&client, REL, &mut server, REL);

    let hook = core::model::Hook::RelationChanged(native_event(REL, "client/0"));
    let start = Instant::now();
    let events = core::provider::handle(&mut server, &pconfig, &hook)
        .unwrap()
        .events;
    let provider = start.elapsed();
    let mut answered = 0;
    let responses: Vec<core::model::Response> = events
        .iter()
        .filter(|e| e.kind == core::model::ProviderEventKind::ResourceRequested)
        .flat_map(|e| e.requests.iter())
        .map(|request| {
            answered += 1;
            core::model::Response {
                resource: request.resource.clone(),
                request_id: request.request_id.clone(),
                salt: request.salt.clone(),
                username: Some(format!("user_{answered}")),
                password: Some("p4ssw0rd-p4ssw0rd-p4ssw0rd".to_owned()),
                endpoints: Some("10.0.0.1:5432".to_owned()),
                ..Default::default()
            }
        })
        .collect();
    assert_eq!(answered, n, "the provider saw every request");
    let start = Instant::now();
    match answer {
        Answer::Batch => {
            core::provider::set_responses(&mut server, &pconfig, REL, &responses).unwrap()
        }
        Answer::OneByOne => {
            for response in &responses {
                core::provider::set_response(&mut server, &pconfig, REL, response).unwrap();
            }
        }
    }
    let answer = start.elapsed();
    deliver(&server, REL, &mut client, REL);

    let hook = core::model::Hook::RelationChanged(native_event(REL, "postgresql/0"));
    let start = Instant::now();
    let events = core::requirer::Requirer::new(rconfig.clone())
        .and_then(|handler| handler.handle(&mut client, &hook))
        .unwrap()
        .events;
    let requirer = start.elapsed();
    assert!(!events.is_empty(), "the requirer saw the responses");
    Handshake {
        provider,
        answer,
        requirer,
        split: None,
    }
}

// ---------------------------------------------------------------- whole processes

/// `one-hook`: what one Juju hook costs a Rust host as a whole process: load the component
/// (warm cache), instantiate it, handle a requirer relation-created (it writes the requests).
fn one_hook() {
    let runtime = Runtime::load().expect("load");
    let juju = Juju::new();
    juju.deploy("client", 1);
    juju.deploy("postgresql", 1);
    let rel = juju.relate("client", "database", "postgresql", "database");
    let mut session = runtime.session(Box::new(juju.unit("client/0"))).unwrap();
    let requirer = session.requirer(&demo::requirer_config()).unwrap();
    session
        .requirer_handle(
            requirer,
            &wit::Hook::RelationCreated(wit_event(rel, "postgresql")),
        )
        .unwrap();
}

/// Median wall time (µs) of a command run `n` times after one warm-up run.
fn whole_process(program: &Path, args: &[&str], n: usize) -> f64 {
    let run = || {
        let start = Instant::now();
        let status = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("spawn");
        assert!(status.success(), "{} {args:?} failed", program.display());
        start.elapsed()
    };
    run();
    sample(n, run)
}

/// `profile {component|native} {batch|one-by-one} N ROUNDS`: repeats one handshake for a
/// profiler (`perf record`, `valgrind --tool=callgrind`) and prints the median of each step.
/// With `DATA_INTERFACES_PERFMAP=1` the engine writes a perf map of the guest's functions.
fn profile(args: Vec<String>) {
    let usage =
        "usage: data-interfaces-bench profile {component|native} {batch|one-by-one} N ROUNDS";
    let [target, answer, n, rounds] = args.as_slice() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let answer = match answer.as_str() {
        "batch" => Answer::Batch,
        "one-by-one" => Answer::OneByOne,
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let (Ok(n), Ok(rounds)) = (n.parse::<usize>(), rounds.parse::<usize>()) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    // `BENCH_COMPONENT=<file.wasm>` profiles another build of the component, e.g. one that
    // keeps its function names (`strip = false`) so that a perf map names the guest's code.
    let load = || match std::env::var_os("BENCH_COMPONENT") {
        Some(path) => {
            let bytes = std::fs::read(&path).expect("read BENCH_COMPONENT");
            Runtime::load_component(&bytes, &Default::default()).expect("load BENCH_COMPONENT")
        }
        None => Runtime::load().expect("load"),
    };
    let runtime = (target == "component").then(load);
    let (mut p, mut a, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let h = match &runtime {
            Some(runtime) => component_handshake(runtime, n, answer),
            None => native_handshake(n, answer),
        };
        p.push(us(h.provider));
        a.push(us(h.answer));
        r.push(us(h.requirer));
    }
    println!(
        "{target} n={n}: provider handle {:.1} us, answer {:.1} us, requirer handle {:.1} us",
        median(&mut p),
        median(&mut a),
        median(&mut r)
    );
}

// ---------------------------------------------------------------- main

fn main() {
    let mut args = std::env::args().skip(1);
    let mut json_out: Option<PathBuf> = None;
    let mut demo_bin = PathBuf::from("target/release/data-interfaces");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "one-hook" => return one_hook(),
            "profile" => return profile(args.collect()),
            "--json" => json_out = args.next().map(PathBuf::from),
            "--demo" => demo_bin = args.next().map(PathBuf::from).expect("--demo PATH"),
            other => {
                eprintln!("usage: data-interfaces-bench [--json FILE] [--demo PATH] | one-hook");
                eprintln!("unknown argument: {other}");
                std::process::exit(2);
            }
        }
    }
    let mut out = Map::new();
    let mut put = |key: &str, value: Value| {
        println!("{key:<44} {value}");
        out.insert(key.to_owned(), value);
    };

    // Loading.
    let cache = std::env::temp_dir().join(format!("di-bench-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let uncached = LoadOptions {
        cache_dir: None,
        ..LoadOptions::default()
    };
    let cached = LoadOptions {
        cache_dir: Some(cache.clone()),
        ..LoadOptions::default()
    };
    let cold = sample(7, || {
        let start = Instant::now();
        let runtime = Runtime::load_with(&uncached).expect("load");
        let elapsed = start.elapsed();
        drop(runtime);
        elapsed
    });
    put("load_cold_compile_us", json!(cold));
    let first = Instant::now();
    Runtime::load_with(&cached).expect("load and cache");
    put("load_cold_compile_and_cache_us", json!(us(first.elapsed())));
    let cache_file = std::fs::read_dir(&cache)
        .expect("cache dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_file())
        .expect("a cache file");
    put(
        "cache_file_bytes",
        json!(std::fs::metadata(&cache_file).map(|m| m.len()).unwrap_or(0)),
    );
    put("component_bytes", json!(COMPONENT.len()));
    let mut inner = Vec::new();
    let warm = sample(201, || {
        let start = Instant::now();
        let runtime = Runtime::load_with(&cached).expect("load");
        let elapsed = start.elapsed();
        inner.push(us(runtime.load_time()));
        elapsed
    });
    put("load_warm_deserialize_us", json!(warm));
    put("load_warm_reported_load_time_us", json!(median(&mut inner)));
    // The wheel's way: the portable artifact (baseline CPU) mapped from its file, no cache.
    let portable_dir = cache.join("portable");
    std::fs::create_dir_all(&portable_dir).expect("portable dir");
    let start = Instant::now();
    Runtime::precompile_into(&portable_dir, &data_interfaces_host::load::linux_target())
        .expect("precompile");
    put("precompile_portable_us", json!(us(start.elapsed())));
    let portable = LoadOptions {
        cache_dir: None,
        precompiled_dir: Some(portable_dir),
        ..LoadOptions::default()
    };
    let first_hook = sample(201, || {
        let start = Instant::now();
        let runtime = Runtime::load_with(&portable).expect("load");
        let elapsed = start.elapsed();
        assert!(matches!(runtime.source(), LoadSource::Precompiled(_)));
        elapsed
    });
    put("load_portable_precompiled_us", json!(first_hook));
    let baseline = Runtime::load_with(&portable).expect("load");

    let runtime = Runtime::load_with(&cached).expect("load");
    let juju = Juju::new();
    juju.deploy("client", 1);
    let instantiate = sample(501, || {
        let start = Instant::now();
        let session = runtime.session(Box::new(juju.unit("client/0"))).unwrap();
        let elapsed = start.elapsed();
        drop(session);
        elapsed
    });
    put("instantiate_us", json!(instantiate));

    // What a hook pays because every Juju hook starts from a new instance, apart from the
    // work itself: the first export call on a fresh instance (the guest's allocator grows
    // its heap from nothing, and the pages it touches fault in) against the same call again,
    // and making the requirer's handler after that against making it again. Natively the
    // same check runs in a warm process.
    let config = wit_requirer_config(2);
    let native_config = native_requirer_config(2);
    let (mut first, mut second, mut fresh, mut again, mut native) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..401 {
        let mut session = runtime.session(Box::new(juju.unit("client/0"))).unwrap();
        let start = Instant::now();
        session.gen_hash("clientdb", "0123456789abcdef").unwrap();
        first.push(us(start.elapsed()));
        let start = Instant::now();
        session.gen_hash("clientdb", "0123456789abcdef").unwrap();
        second.push(us(start.elapsed()));
        let start = Instant::now();
        session.requirer(&config).unwrap();
        fresh.push(us(start.elapsed()));
        let start = Instant::now();
        session.requirer(&config).unwrap();
        again.push(us(start.elapsed()));
        let start = Instant::now();
        let made = core::requirer::Requirer::new(native_config.clone());
        native.push(us(start.elapsed()));
        assert!(
            made.is_ok(),
            "the native requirer accepts the configuration"
        );
    }
    put("first_call_fresh_instance_us", json!(median(&mut first)));
    put("first_call_again_us", json!(median(&mut second)));
    put(
        "create_requirer_after_first_call_us",
        json!(median(&mut fresh)),
    );
    put("create_requirer_again_us", json!(median(&mut again)));
    put("create_requirer_native_us", json!(median(&mut native)));
    for (name, provider) in [("provider", true), ("requirer", false)] {
        let (mut fresh, mut warm) = (Vec::new(), Vec::new());
        for _ in 0..201 {
            let (f, w) = hook_fresh_then_warm(&runtime, 2, provider);
            fresh.push(us(f));
            warm.push(us(w));
        }
        put(
            &format!("hook_{name}_fresh_instance_us"),
            json!(median(&mut fresh)),
        );
        put(
            &format!("hook_{name}_warm_instance_us"),
            json!(median(&mut warm)),
        );
    }

    // One hook each side (the demo's two requests), component and native.
    let iterations = 201;
    for (label, n) in [("", 2usize)] {
        let mut cp = Vec::new();
        let mut cr = Vec::new();
        let mut np = Vec::new();
        let mut nr = Vec::new();
        let (mut bp, mut br) = (Vec::new(), Vec::new());
        // Per side (provider, requirer): create, imports, world.
        let mut split: [(Vec<f64>, Vec<f64>, usize); 2] = Default::default();
        for _ in 0..iterations {
            let c = component_handshake(&runtime, n, Answer::Batch);
            cp.push(us(c.provider));
            cr.push(us(c.requirer));
            for (side, got) in split.iter_mut().zip(c.split.iter().flatten()) {
                side.0.push(us(got.create));
                side.1.push(us(got.world));
                side.2 = got.imports;
            }
            let b = component_handshake(&baseline, n, Answer::Batch);
            bp.push(us(b.provider));
            br.push(us(b.requirer));
            let nat = native_handshake(n, Answer::Batch);
            np.push(us(nat.provider));
            nr.push(us(nat.requirer));
        }
        let (cp, cr, np, nr) = (
            median(&mut cp),
            median(&mut cr),
            median(&mut np),
            median(&mut nr),
        );
        put(
            &format!("hook{label}_provider_portable_us"),
            json!(median(&mut bp)),
        );
        put(
            &format!("hook{label}_requirer_portable_us"),
            json!(median(&mut br)),
        );
        put(&format!("hook{label}_provider_component_us"), json!(cp));
        put(&format!("hook{label}_provider_native_us"), json!(np));
        put(&format!("hook{label}_provider_ratio"), json!(cp / np));
        put(&format!("hook{label}_requirer_component_us"), json!(cr));
        put(&format!("hook{label}_requirer_native_us"), json!(nr));
        put(&format!("hook{label}_requirer_ratio"), json!(cr / nr));
        for (name, side) in ["provider", "requirer"].iter().zip(split.iter_mut()) {
            put(
                &format!("hook{label}_{name}_create_us"),
                json!(median(&mut side.0)),
            );
            put(
                &format!("hook{label}_{name}_world_us"),
                json!(median(&mut side.1)),
            );
            put(&format!("hook{label}_{name}_imports"), json!(side.2));
        }
    }

    // The fixed cost of an export call: `util.gen-hash` (two short strings in, one out, a
    // SHA-256 in the guest) against the same hash natively.
    let mut session = runtime.session(Box::new(juju.unit("client/0"))).unwrap();
    let export_call = sample(2001, || {
        let start = Instant::now();
        session.gen_hash("clientdb", "0123456789abcdef").unwrap();
        start.elapsed()
    });
    let native_hash = sample(2001, || {
        let start = Instant::now();
        std::hint::black_box(core::ids::gen_hash("clientdb", "0123456789abcdef"));
        start.elapsed()
    });
    put("export_call_us", json!(export_call));
    put("export_call_native_us", json!(native_hash));

    // Scale: one provider relation-changed with n requests.
    let mut scale = Vec::new();
    for n in [1usize, 10, 100, 1000] {
        let reps = match n {
            1000 => 7,
            100 => 21,
            _ => 61,
        };
        let (mut c, mut c1, mut nat, mut nat1) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..reps {
            c.push(us(component_handshake(&runtime, n, Answer::Batch).provider));
            nat.push(us(native_handshake(n, Answer::Batch).provider));
        }
        // One set-response per request rewrites the whole list each time: quadratic, so
        // 1000 (about a minute through the component) is not run.
        for _ in 0..if n <= 100 { reps } else { 0 } {
            let one = component_handshake(&runtime, n, Answer::OneByOne);
            c1.push(us(one.provider + one.answer));
            let one = native_handshake(n, Answer::OneByOne);
            nat1.push(us(one.provider + one.answer));
        }
        let (c, c1, nat, nat1) = (
            median(&mut c),
            median(&mut c1),
            median(&mut nat),
            median(&mut nat1),
        );
        println!(
            "scale_requests n={n:<5} handle: component {c:>10.1} us, native {nat:>10.1} us; \
             handle and one set-response per request: component {c1:>10.1} us, native {nat1:>10.1} us"
        );
        scale.push(json!({
            "n": n,
            "component_us": c,
            "native_us": nat,
            "component_answered_us": (c1.is_finite()).then_some(c1),
            "native_answered_us": (nat1.is_finite()).then_some(nat1),
        }));
    }
    put("scale_requests", Value::Array(scale));

    // Whole processes.
    let me = std::env::current_exe().expect("current exe");
    put(
        "process_true_us",
        json!(whole_process(Path::new("true"), &[], 31)),
    );
    put(
        "process_one_hook_us",
        json!(whole_process(&me, &["one-hook"], 31)),
    );
    if demo_bin.exists() {
        put(
            "process_demo_us",
            json!(whole_process(&demo_bin, &["demo"], 21)),
        );
    } else {
        eprintln!("{} not built: no demo figure", demo_bin.display());
    }

    let _ = std::fs::remove_dir_all(&cache);
    if let Some(path) = json_out {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("json dir");
        }
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&Value::Object(out)).unwrap(),
        )
        .expect("write json");
    }
}
