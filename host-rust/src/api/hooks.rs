//! The hooks a charm hands its handlers, made from a relation and the remote application or
//! unit: [`relation_created`], [`relation_changed`], [`relation_broken`].

use super::{Hook, RelationEvent, RelationId};

fn relation_event(relation_id: RelationId, remote: &str) -> RelationEvent {
    let (app, unit) = match remote.split_once('/') {
        Some((app, _)) => (app.to_owned(), Some(remote.to_owned())),
        None => (remote.to_owned(), None),
    };
    RelationEvent {
        relation_id,
        app: (!app.is_empty()).then_some(app),
        unit,
    }
}

/// `<endpoint>-relation-created`, triggered by `remote` (an application or a unit name).
pub fn relation_created(relation_id: RelationId, remote: &str) -> Hook {
    Hook::RelationCreated(relation_event(relation_id, remote))
}

/// `<endpoint>-relation-changed`, triggered by `remote` (an application or a unit name).
pub fn relation_changed(relation_id: RelationId, remote: &str) -> Hook {
    Hook::RelationChanged(relation_event(relation_id, remote))
}

/// `<endpoint>-relation-broken`, triggered by `remote` (an application or a unit name).
pub fn relation_broken(relation_id: RelationId, remote: &str) -> Hook {
    Hook::RelationBroken(relation_event(relation_id, remote))
}
