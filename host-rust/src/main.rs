//! `data-interfaces`: the command-line host. `demo` runs the whole handshake in memory;
//! `precompile` warms the precompiled-component cache.

use data_interfaces_host::demo::Demo;
use data_interfaces_host::{LoadOptions, Runtime};
use std::process::ExitCode;

const USAGE: &str = "usage: data-interfaces <command>

commands:
  demo         run a requirer and a provider through the whole handshake, in memory
  precompile   compile the component into the cache (for install time)
  help         show this help

environment:
  DATA_INTERFACES_CACHE_DIR   where the precompiled component is cached";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => Runtime::load().and_then(|runtime| {
            let stdout = std::io::stdout();
            Demo::new(&runtime, stdout.lock()).run()
        }),
        Some("precompile") => Runtime::load_with(&LoadOptions::default()).map(|runtime| {
            println!(
                "{:?} in {:.2} ms",
                runtime.source(),
                runtime.load_time().as_secs_f64() * 1000.0
            );
        }),
        Some("help") | Some("--help") | Some("-h") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("data-interfaces: {error}");
            ExitCode::FAILURE
        }
    }
}
