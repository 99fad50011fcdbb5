//! The `data-interfaces` binary: see the crate's documentation ([`data_interfaces_cli`]) for
//! its commands, output and exit codes, and `data-interfaces --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    data_interfaces_cli::main_with(std::env::args_os().skip(1).collect())
}
