//! Peer relation data: `peer-read`, `peer-write`, `peer-delete`, over a scope (the
//! application's data, this unit's, or another unit's, read only).

use super::{backend, bad_input, commit, config_of, engine, print_lines, read_json, wrong_role};
use crate::args::{PeerArgs, PeerDeleteArgs, PeerWriteArgs};
use crate::config::HandlerConfig;
use crate::error::CliError;
use crate::records::{peer_values_from_json, peer_values_to_json};
use data_interfaces_host::wit::PeerScope;
use data_interfaces_host::Peer;

/// A peer handler, the relation and the scope of a peer command.
fn peer(args: &PeerArgs, command: &str) -> Result<(Peer, i32, PeerScope), CliError> {
    let config = match config_of(&args.relation.config)? {
        HandlerConfig::Peer(config) => config,
        _ => return Err(wrong_role(command, "peer")),
    };
    let scope = args.scope()?;
    Ok((
        engine()?.peer(config, backend()?)?,
        args.relation.relation_id,
        scope,
    ))
}

/// Print a scope's data as one JSON object.
pub(super) fn read(args: &PeerArgs) -> Result<(), CliError> {
    let (mut peer, relation, scope) = peer(args, "peer-read")?;
    let values = peer.read(relation, &scope)?;
    commit(peer.into_backend())?;
    print_lines([peer_values_to_json(&values)])
}

/// Set fields of a scope from a JSON object (`null` deletes).
pub(super) fn write(args: &PeerWriteArgs) -> Result<(), CliError> {
    let source = &args.values;
    let value = read_json(source, "peer values")?;
    let values = peer_values_from_json(&value).map_err(bad_input("peer values", source))?;
    let (mut peer, relation, scope) = peer(&args.peer, "peer-write")?;
    peer.write(relation, &scope, &values)?;
    commit(peer.into_backend())
}

/// Delete fields of a scope.
pub(super) fn delete(args: &PeerDeleteArgs) -> Result<(), CliError> {
    let (mut peer, relation, scope) = peer(&args.peer, "peer-delete")?;
    peer.delete(relation, &scope, &args.keys)?;
    commit(peer.into_backend())
}
