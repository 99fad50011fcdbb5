//! What either side reads of a relation: `requests`, `responses`, `statuses`, each printed
//! as JSON lines.

use super::{backend, config_of, engine, print_lines, wrong_role};
use crate::args::RelationArgs;
use crate::config::HandlerConfig;
use crate::error::CliError;
use crate::records::{request_to_json, response_to_json, status_to_json};

/// The provider: the requests on the relation; the requirer: its configured requests.
pub(super) fn requests(args: &RelationArgs) -> Result<(), CliError> {
    let relation = args.relation_id;
    match config_of(&args.config)? {
        HandlerConfig::Provider(config) => {
            let requests = engine()?.provider(config, backend()?)?.requests(relation)?;
            print_lines(requests.iter().map(|r| request_to_json(r)))
        }
        HandlerConfig::Requirer(config) => print_lines(config.requests.iter().map(request_to_json)),
        HandlerConfig::Peer(_) => Err(wrong_role("requests", "requirer or provider")),
    }
}

/// The responses on the relation, secret fields filled in.
pub(super) fn responses(args: &RelationArgs) -> Result<(), CliError> {
    let relation = args.relation_id;
    let responses = match config_of(&args.config)? {
        HandlerConfig::Provider(c) => engine()?.provider(c, backend()?)?.responses(relation)?,
        HandlerConfig::Requirer(c) => engine()?.requirer(c, backend()?)?.responses(relation)?,
        HandlerConfig::Peer(_) => return Err(wrong_role("responses", "requirer or provider")),
    };
    print_lines(responses.iter().map(|r| response_to_json(r)))
}

/// The statuses raised on the relation, by code.
pub(super) fn statuses(args: &RelationArgs) -> Result<(), CliError> {
    let relation = args.relation_id;
    let statuses = match config_of(&args.config)? {
        HandlerConfig::Provider(c) => engine()?.provider(c, backend()?)?.statuses(relation)?,
        HandlerConfig::Requirer(c) => engine()?.requirer(c, backend()?)?.statuses(relation)?,
        HandlerConfig::Peer(_) => return Err(wrong_role("statuses", "requirer or provider")),
    };
    print_lines(statuses.iter().map(status_to_json))
}
