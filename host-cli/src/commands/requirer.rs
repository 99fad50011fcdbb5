//! The requirer's questions: `is-resource-created`, `are-all-resources-created` (each prints
//! `true` or `false`).

use super::{commit, print_lines, requirer};
use crate::args::{IsResourceCreatedArgs, RelationArgs};
use crate::error::CliError;
use serde_json::Value;

/// Whether the response to one request has credentials.
pub(super) fn is_resource_created(args: &IsResourceCreatedArgs) -> Result<(), CliError> {
    let relation = args.relation.relation_id;
    let mut requirer = requirer(&args.relation, "is-resource-created")?;
    let created = requirer.is_resource_created(relation, &args.request_id)?;
    commit(requirer.into_backend())?;
    print_lines([Value::Bool(created)])
}

/// Whether every response with a request id has credentials.
pub(super) fn are_all_resources_created(args: &RelationArgs) -> Result<(), CliError> {
    let mut requirer = requirer(args, "are-all-resources-created")?;
    let created = requirer.are_all_resources_created(args.relation_id)?;
    commit(requirer.into_backend())?;
    print_lines([Value::Bool(created)])
}
