//! What either side reads of a relation: `requests`, `responses`, `statuses`, each printed
//! as JSON lines.

use super::{backend, commit, config_of, engine, print_lines, wrong_role};
use crate::args::RelationArgs;
use crate::config::HandlerConfig;
use crate::error::CliError;
use crate::records::{request_to_json, response_to_json, status_to_json};

/// The provider: the requests on the relation; the requirer: its configured requests.
pub(super) fn requests(args: &RelationArgs) -> Result<(), CliError> {
    let relation = args.relation_id;
    match config_of(&args.config)? {
        HandlerConfig::Provider(config) => {
            let mut provider = engine()?.provider(config, backend()?)?;
            let requests = provider.requests(relation)?;
            commit(provider.into_backend())?;
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
        HandlerConfig::Provider(c) => {
            let mut provider = engine()?.provider(c, backend()?)?;
            let responses = provider.responses(relation)?;
            commit(provider.into_backend())?;
            responses
        }
        HandlerConfig::Requirer(c) => {
            let mut requirer = engine()?.requirer(c, backend()?)?;
            let responses = requirer.responses(relation)?;
            commit(requirer.into_backend())?;
            responses
        }
        HandlerConfig::Peer(_) => return Err(wrong_role("responses", "requirer or provider")),
    };
    print_lines(responses.iter().map(|r| response_to_json(r)))
}

/// The statuses raised on the relation, by code.
pub(super) fn statuses(args: &RelationArgs) -> Result<(), CliError> {
    let relation = args.relation_id;
    let statuses = match config_of(&args.config)? {
        HandlerConfig::Provider(c) => {
            let mut provider = engine()?.provider(c, backend()?)?;
            let statuses = provider.statuses(relation)?;
            commit(provider.into_backend())?;
            statuses
        }
        HandlerConfig::Requirer(c) => {
            let mut requirer = engine()?.requirer(c, backend()?)?;
            let statuses = requirer.statuses(relation)?;
            commit(requirer.into_backend())?;
            statuses
        }
        HandlerConfig::Peer(_) => return Err(wrong_role("statuses", "requirer or provider")),
    };
    print_lines(statuses.iter().map(status_to_json))
}
