//! The provider's calls that write: `set-response`, `raise-status`, `resolve-status`,
//! `clear-statuses` (leader only, as the component decides).

use super::{backend, bad_input, commit, engine, provider, provider_config, read_json};
use crate::args::{RaiseStatusArgs, RelationArgs, ResolveStatusArgs, SetResponseArgs};
use crate::error::CliError;
use crate::records::{responses_from_json, status_from_json};

/// Write one response (a JSON object) or several at once (a JSON list).
pub(super) fn set_response(args: &SetResponseArgs) -> Result<(), CliError> {
    let config = provider_config(&args.relation, "set-response")?;
    let relation = args.relation.relation_id;
    let source = &args.response;
    let value = read_json(source, "response")?;
    let responses = responses_from_json(&value).map_err(bad_input("response", source))?;
    let mut provider = engine()?.provider(config, backend()?)?;
    if value.is_array() {
        let responses: Vec<_> = responses.into_iter().map(Into::into).collect();
        provider.set_responses(relation, &responses)?;
    } else {
        for response in responses {
            provider.set_response(relation, &response.into())?;
        }
    }
    commit(provider.into_backend())
}

/// Raise a status, by its code in the status schema or as a status object.
pub(super) fn raise_status(args: &RaiseStatusArgs) -> Result<(), CliError> {
    let relation = args.relation.relation_id;
    let status = match &args.status {
        Some(source) => {
            let value = read_json(source, "status")?;
            Some(status_from_json(&value).map_err(bad_input("status", source))?)
        }
        None => None,
    };
    let mut provider = provider(&args.relation, "raise-status")?;
    match (status, args.code) {
        (Some(status), _) => provider.raise_status(relation, &status)?,
        (None, Some(code)) => provider.raise_status_code(relation, code)?,
        // clap requires one of the two.
        (None, None) => {}
    }
    commit(provider.into_backend())
}

/// Resolve a raised status.
pub(super) fn resolve_status(args: &ResolveStatusArgs) -> Result<(), CliError> {
    let relation = args.relation.relation_id;
    let mut provider = provider(&args.relation, "resolve-status")?;
    provider.resolve_status(relation, args.code)?;
    commit(provider.into_backend())
}

/// Clear every status of a relation.
pub(super) fn clear_statuses(args: &RelationArgs) -> Result<(), CliError> {
    let mut provider = provider(args, "clear-statuses")?;
    provider.clear_statuses(args.relation_id)?;
    commit(provider.into_backend())
}
