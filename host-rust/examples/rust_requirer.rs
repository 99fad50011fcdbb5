//! A minimal Rust requirer charm: asks for a PostgreSQL database on the `database` endpoint
//! and writes the credentials it receives to a file only its owner can read.
//!
//! Juju runs it as the charm's dispatch program: the hook's context comes from the `JUJU_*`
//! environment, the databags and secrets from Juju's hook tools. The credentials go to
//! `$DATA_INTERFACES_CREDENTIALS` (default `credentials.json` in the working directory),
//! created with mode 0600.
//!
//! ```text
//! cargo build --release --example rust_requirer
//! ```

use data_interfaces_host::hooktools::{HookContext, HookTools};
use data_interfaces_host::{DataInterfaces, Request, RequirerBuilder, RequirerEvent, Response};
use std::io::Write;
use std::path::PathBuf;

/// The endpoint in `metadata.yaml`.
const ENDPOINT: &str = "database";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let context = HookContext::from_env()?;
    let Some(hook) = context.hook_for(ENDPOINT)? else {
        // Not one of this endpoint's hooks.
        return Ok(());
    };
    let engine = DataInterfaces::shared()?;
    let mut requirer = RequirerBuilder::new(ENDPOINT)
        .request(Request::new("clientdb").extra_user_roles("SUPERUSER"))
        .build(&engine, HookTools::new(context))?;
    let handled = requirer.handle(&hook)?;
    // A malformed response is rejected alone (the others are handled); say so in the log.
    for rejection in &handled.rejections {
        eprintln!("rust_requirer: {rejection}");
    }
    for event in handled {
        match &event {
            RequirerEvent::ResourceCreated { response, .. }
            | RequirerEvent::AuthenticationUpdated { response, .. }
            | RequirerEvent::EndpointsChanged { response, .. } => save(response)?,
            // Debug output redacts secret values: safe to log.
            other => eprintln!("rust_requirer: {other:?}"),
        }
    }
    Ok(())
}

/// Write the connection details to the credentials file (0600, replaced whole).
fn save(response: &Response) -> std::io::Result<()> {
    let path = std::env::var_os("DATA_INTERFACES_CREDENTIALS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("credentials.json"));
    let credentials = serde_json::json!({
        "resource": response.resource,
        "username": response.username,
        "password": response.password,
        "endpoints": response.endpoints,
    });
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    // An existing file keeps its mode on open: tighten it before writing.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    writeln!(file, "{credentials}")?;
    file.sync_all()
}
