"""The models: keyword construction, wire-key access, subclass fields, no secret in repr."""

from __future__ import annotations

from typing import Annotated

import pytest
from data_interfaces_wasm import (
    EntityPermissionModel,
    ExtraSecretStr,
    KafkaResponseModel,
    RequirerCommonModel,
    ResourceProviderModel,
)


class ExtendedCommonModel(RequirerCommonModel):
    operator_password: ExtraSecretStr = None


MyGroupSecretStr = Annotated[str | None, "mygroup"]


class CustomResponse(ResourceProviderModel):
    topic_owner: str | None = None
    vault_token: MyGroupSecretStr = None


def test_a_model_is_built_from_keywords_by_name_or_wire_key() -> None:
    by_name = RequirerCommonModel(resource="db", request_id="abc", extra_user_roles="admin")
    by_key = RequirerCommonModel(
        **{"resource": "db", "request-id": "abc", "extra-user-roles": "admin"}
    )
    assert by_name.request_id == by_key.request_id == "abc"
    assert by_name.extra_user_roles == by_key.extra_user_roles == "admin"


def test_fields_read_by_wire_key_like_a_dict() -> None:
    model = RequirerCommonModel(resource="db", request_id="abc")
    assert model["request-id"] == "abc"
    model["extra-user-roles"] = "SUPERUSER"
    assert model.extra_user_roles == "SUPERUSER"
    with pytest.raises(KeyError):
        model["no-such-key"]


def test_unset_fields_have_their_defaults() -> None:
    model = RequirerCommonModel()
    assert model.resource == ""
    assert model.request_id is None
    assert model.external_node_connectivity is False
    assert model.entity_type is None


def test_the_salt_defaults_to_a_fresh_16_character_salt_that_stays_put() -> None:
    first, second = RequirerCommonModel(resource="db"), RequirerCommonModel(resource="db")
    assert len(first.salt) == 16
    assert first.salt == first.salt
    assert first.salt != second.salt


def test_a_given_salt_is_kept() -> None:
    assert RequirerCommonModel(salt="kkkkkkkk").salt == "kkkkkkkk"


def test_short_uuid_is_the_request_id_or_the_hash_of_resource_and_salt() -> None:
    assert RequirerCommonModel(request_id="abc").short_uuid == "abc"
    assert (
        RequirerCommonModel(resource="clientdb", salt="kkkkkkkk").short_uuid == "b7bf5c83ca2cd3de"
    )


def test_a_subclass_hands_its_added_fields_and_secret_groups_to_the_component() -> None:
    assert ExtendedCommonModel.field_specs() == [
        {"key": "operator-password", "secret_group": "extra"}
    ]
    assert CustomResponse.field_specs() == [
        {"key": "topic-owner", "secret_group": None},
        {"key": "vault-token", "secret_group": "mygroup"},
    ]
    assert KafkaResponseModel.field_specs() == [
        {"key": "consumer-group-prefix", "secret_group": "extra"},
        {"key": "zookeeper-uris", "secret_group": "extra"},
    ]


def test_the_standard_models_add_no_field_to_the_record() -> None:
    assert RequirerCommonModel.field_specs() == []
    assert ResourceProviderModel.field_specs() == []


def test_subclass_fields_travel_as_json_in_extra_and_come_back() -> None:
    model = CustomResponse(resource="db", salt="s", topic_owner="me", vault_token="t0k")
    record = model._to_wit()
    assert record["extra"] == {"topic-owner": '"me"', "vault-token": '"t0k"'}
    back = CustomResponse._from_wit(record)
    assert back == model


def test_unknown_keywords_are_kept_as_extra_fields() -> None:
    model = RequirerCommonModel(resource="db", **{"consumer-group-prefix": "app-"})
    assert model["consumer-group-prefix"] == "app-"
    assert model._to_wit()["extra"] == {"consumer-group-prefix": '"app-"'}


def test_entity_permissions_are_built_from_dicts() -> None:
    model = RequirerCommonModel(
        entity_type="USER",
        entity_permissions=[
            {"resource_name": "t", "resource_type": "table", "privileges": ["SELECT"]}
        ],
    )
    assert model.entity_permissions == [EntityPermissionModel("t", "table", ["SELECT"])]
    assert model._to_wit()["entity_permissions"] == [
        {"resource_name": "t", "resource_type": "table", "privileges": ["SELECT"]}
    ]


def test_update_copies_explicitly_set_fields_but_not_ids_or_salt() -> None:
    current = ResourceProviderModel(resource="db", request_id="a", salt="s", endpoints="old")
    current.update(ResourceProviderModel(request_id="b", salt="t", endpoints="new"))
    assert (current.request_id, current.salt, current.endpoints) == ("a", "s", "new")


def test_repr_never_shows_a_secret_value() -> None:
    text = repr(ResourceProviderModel(resource="db", salt="s", username="u", password="hunter2"))
    assert "hunter2" not in text
    assert "resource='db'" in text


def test_secret_fields_are_left_out_of_model_dump() -> None:
    dumped = ResourceProviderModel(resource="db", salt="s", password="hunter2").model_dump()
    assert "password" not in dumped
    assert dumped["resource"] == "db"
