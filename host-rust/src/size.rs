//! How much data a value the component returns carries, for the host-call data bound.
//!
//! The host bounds what the component hands it in one call, in both directions: the data of an
//! import call (a change set, a secret's content) is checked in the imports, and what an export
//! returns (events, requests, responses, an error message) is measured here once it is lifted,
//! before the caller sees any of it. The measure counts the bytes of every string and one byte
//! for every other scalar, so a list of records cannot be large while counting as nothing.

use crate::bindings::wit;

/// A value whose data volume the host bounds.
pub trait DataSize {
    /// The bytes of its strings, plus one for every other scalar it holds.
    fn data_size(&self) -> usize;

    /// Whether the component reported a failure (an export's `err`): then its own error, which
    /// already says what the host refused, is the call's outcome.
    fn is_failure(&self) -> bool {
        false
    }
}

impl DataSize for String {
    fn data_size(&self) -> usize {
        self.len()
    }
}

macro_rules! scalar {
    ($($t:ty),*) => {
        $(impl DataSize for $t {
            fn data_size(&self) -> usize {
                1
            }
        })*
    };
}

scalar!(
    bool,
    i32,
    wit::EntityType,
    wit::HostErrorKind,
    wit::RequirerEventKind,
    wit::ProviderEventKind
);

/// A handle to a resource the component made: a handle's size.
impl DataSize for wasmtime::component::ResourceAny {
    fn data_size(&self) -> usize {
        4
    }
}

impl DataSize for () {
    fn data_size(&self) -> usize {
        0
    }
}

impl<T: DataSize> DataSize for Option<T> {
    fn data_size(&self) -> usize {
        self.as_ref().map_or(0, DataSize::data_size)
    }
}

impl<T: DataSize> DataSize for Vec<T> {
    fn data_size(&self) -> usize {
        self.iter().map(DataSize::data_size).sum()
    }
}

impl<A: DataSize, B: DataSize> DataSize for (A, B) {
    fn data_size(&self) -> usize {
        self.0.data_size() + self.1.data_size()
    }
}

impl<T: DataSize, E: DataSize> DataSize for Result<T, E> {
    fn data_size(&self) -> usize {
        match self {
            Ok(value) => value.data_size(),
            Err(error) => error.data_size(),
        }
    }

    fn is_failure(&self) -> bool {
        self.is_err()
    }
}

impl DataSize for wit::EntityPermission {
    fn data_size(&self) -> usize {
        let wit::EntityPermission {
            resource_name,
            resource_type,
            privileges,
        } = self;
        resource_name.data_size() + resource_type.data_size() + privileges.data_size()
    }
}

impl DataSize for wit::Request {
    fn data_size(&self) -> usize {
        let wit::Request {
            resource,
            request_id,
            salt,
            extra_user_roles,
            extra_group_roles,
            external_node_connectivity,
            entity_type,
            entity_permissions,
            secret_mtls,
            mtls_cert,
            secret_requested_entity,
            entity_name,
            entity_password,
            prefix_matching,
            extra,
        } = self;
        resource.data_size()
            + request_id.data_size()
            + salt.data_size()
            + extra_user_roles.data_size()
            + extra_group_roles.data_size()
            + external_node_connectivity.data_size()
            + entity_type.data_size()
            + entity_permissions.data_size()
            + secret_mtls.data_size()
            + mtls_cert.data_size()
            + secret_requested_entity.data_size()
            + entity_name.data_size()
            + entity_password.data_size()
            + prefix_matching.data_size()
            + extra.data_size()
    }
}

impl DataSize for wit::Response {
    fn data_size(&self) -> usize {
        let wit::Response {
            resource,
            request_id,
            salt,
            endpoints,
            read_only_endpoints,
            secret_user,
            secret_tls,
            secret_extra,
            secret_entity,
            username,
            password,
            uris,
            read_only_uris,
            tls,
            tls_ca,
            entity_name,
            entity_password,
            version,
            prefix_resources,
            extra,
            cleared,
        } = self;
        [
            resource.data_size(),
            request_id.data_size(),
            salt.data_size(),
            endpoints.data_size(),
            read_only_endpoints.data_size(),
            secret_user.data_size(),
            secret_tls.data_size(),
            secret_extra.data_size(),
            secret_entity.data_size(),
            username.data_size(),
            password.data_size(),
            uris.data_size(),
            read_only_uris.data_size(),
            tls.data_size(),
            tls_ca.data_size(),
            entity_name.data_size(),
            entity_password.data_size(),
            version.data_size(),
            prefix_resources.data_size(),
            extra.data_size(),
            cleared.data_size(),
        ]
        .iter()
        .sum()
    }
}

impl DataSize for wit::Status {
    fn data_size(&self) -> usize {
        let wit::Status {
            code,
            message,
            resolution,
        } = self;
        code.data_size() + message.data_size() + resolution.data_size()
    }
}

impl DataSize for wit::Diff {
    fn data_size(&self) -> usize {
        let wit::Diff {
            added,
            changed,
            deleted,
        } = self;
        added.data_size() + changed.data_size() + deleted.data_size()
    }
}

impl DataSize for wit::RequirerEvent {
    fn data_size(&self) -> usize {
        let wit::RequirerEvent {
            kind,
            relation_id,
            app,
            unit,
            alias,
            response,
            status,
            active_statuses,
        } = self;
        kind.data_size()
            + relation_id.data_size()
            + app.data_size()
            + unit.data_size()
            + alias.data_size()
            + response.data_size()
            + status.data_size()
            + active_statuses.data_size()
    }
}

impl DataSize for wit::ProviderEvent {
    fn data_size(&self) -> usize {
        let wit::ProviderEvent {
            kind,
            relation_id,
            app,
            unit,
            requests,
            old_mtls_cert,
        } = self;
        kind.data_size()
            + relation_id.data_size()
            + app.data_size()
            + unit.data_size()
            + requests.data_size()
            + old_mtls_cert.data_size()
    }
}

impl DataSize for wit::Rejection {
    fn data_size(&self) -> usize {
        let wit::Rejection {
            relation_id,
            request_id,
            alias,
            error,
        } = self;
        relation_id.data_size() + request_id.data_size() + alias.data_size() + error.data_size()
    }
}

impl DataSize for wit::RequirerHandled {
    fn data_size(&self) -> usize {
        self.events.data_size() + self.rejections.data_size()
    }
}

impl DataSize for wit::ProviderHandled {
    fn data_size(&self) -> usize {
        self.events.data_size() + self.rejections.data_size()
    }
}

impl DataSize for wit::RelationValue {
    fn data_size(&self) -> usize {
        self.key.data_size() + self.raw.data_size() + self.json.data_size()
    }
}

impl DataSize for wit::RelationData {
    fn data_size(&self) -> usize {
        self.bag.data_size() + self.secrets.data_size()
    }
}

impl DataSize for wit::Bag {
    fn data_size(&self) -> usize {
        match self {
            wit::Bag::RemoteUnit(unit) => unit.data_size(),
            wit::Bag::LocalApp | wit::Bag::LocalUnit | wit::Bag::RemoteApp => 1,
        }
    }
}

impl DataSize for wit::Error {
    fn data_size(&self) -> usize {
        match self {
            wit::Error::InvalidDatabag(e) => {
                e.relation_id.data_size()
                    + e.bag.data_size()
                    + e.key.data_size()
                    + e.reason.data_size()
            }
            wit::Error::InvalidModel(m) | wit::Error::NotLeader(m) | wit::Error::Secret(m) => {
                m.data_size()
            }
            wit::Error::MissingRelation(id) => id.data_size(),
            wit::Error::Host(e) => e.kind.data_size() + e.message.data_size(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_count_their_bytes_and_other_scalars_one() {
        let status = wit::Status {
            code: 4,
            message: "héllo".to_owned(),
            resolution: String::new(),
        };
        assert_eq!(status.data_size(), 1 + "héllo".len());
    }

    #[test]
    fn an_error_result_counts_its_message() {
        let result: Result<Vec<wit::Status>, wit::Error> =
            Err(wit::Error::InvalidModel("x".repeat(100)));
        assert_eq!(result.data_size(), 100);
    }
}
