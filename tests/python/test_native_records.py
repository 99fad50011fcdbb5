"""The native module's records: dicts read and made by the records' own types (``convert.rs``).

A dict that does not fit its record is refused before the component runs, with a ``TypeError``
(a value of the wrong type) or a ``ValueError`` (anything else) whose text starts with the
record and the path of the field at fault. The backend is never reached: ``object()`` stands
for it.
"""

from __future__ import annotations

import pytest
from data_interfaces_wasm import _native


@pytest.fixture(scope="module")
def runtime() -> _native.Runtime:
    return _native.Runtime()


@pytest.fixture(scope="module")
def provider(runtime: _native.Runtime) -> _native.Provider:
    return runtime.provider({"endpoint": "database"})


def test_a_field_of_the_wrong_type_is_a_type_error_naming_the_record_and_the_field(
    provider: _native.Provider,
) -> None:
    with pytest.raises(TypeError, match=r"^response\.endpoints: "):
        provider.set_response(object(), 1, {"resource": "db", "endpoints": 5432})


def test_a_bool_field_takes_a_bool_only_not_any_objects_truth(
    provider: _native.Provider,
) -> None:
    with pytest.raises(TypeError, match=r"^response\.tls: "):
        provider.set_response(object(), 1, {"resource": "db", "tls": "False"})


def test_a_list_field_refuses_a_str(provider: _native.Provider) -> None:
    with pytest.raises(TypeError, match=r"^response\.cleared: expected a list, not a str"):
        provider.set_response(object(), 1, {"resource": "db", "cleared": "password"})


def test_an_extra_value_that_is_not_json_text_names_its_place_in_extra(
    provider: _native.Provider,
) -> None:
    with pytest.raises(TypeError, match=r"^responses\[1\]\.extra\[0\]\[1\]: "):
        provider.set_responses(object(), 1, [{"resource": "a"}, {"extra": {"topic": 1}}])


def test_a_missing_number_is_a_value_error_naming_the_field(provider: _native.Provider) -> None:
    with pytest.raises(ValueError, match=r"^relation status\.code: missing field `code`"):
        provider.raise_status(object(), 1, {"message": "m", "resolution": "r"})


def test_a_number_set_to_none_is_missing_too(provider: _native.Provider) -> None:
    with pytest.raises(ValueError, match=r"^relation status\.code: missing field `code`"):
        provider.raise_status(object(), 1, {"code": None})


def test_an_unknown_entity_type_is_a_value_error_naming_the_request_and_the_field(
    runtime: _native.Runtime,
) -> None:
    config = {"endpoint": "database", "requests": [{"resource": "db", "entity_type": "user"}]}
    with pytest.raises(ValueError, match=r"^requirer config\.requests\[0\]\.entity_type: "):
        runtime.requirer(config)


def test_a_record_that_is_not_a_dict_is_a_type_error_naming_its_place(
    runtime: _native.Runtime,
) -> None:
    with pytest.raises(TypeError, match=r"^requirer config\.requests\[0\]: "):
        runtime.requirer({"endpoint": "database", "requests": ["db"]})


def test_absent_and_none_fields_take_their_types_empty_value(runtime: _native.Runtime) -> None:
    # `salt` and `external_node_connectivity` absent, `extra` and `entity_type` None: a valid
    # request the component accepts when the handler is made.
    request = {"resource": "db", "extra": None, "entity_type": None}
    runtime.requirer({"endpoint": "database", "requests": [request]})


def test_a_configuration_without_its_endpoint_is_a_value_error_naming_the_field(
    runtime: _native.Runtime,
) -> None:
    with pytest.raises(ValueError, match=r"^requirer config\.endpoint: missing field"):
        runtime.requirer({"requests": []})


def test_a_field_spec_without_its_key_is_a_value_error_naming_the_field(
    runtime: _native.Runtime,
) -> None:
    with pytest.raises(ValueError, match=r"^peer config\.fields\[0\]\.key: missing field"):
        runtime.peer({"endpoint": "cluster", "fields": [{"secret_group": "extra"}]})


def test_a_secret_hook_without_its_id_is_a_value_error_naming_the_field(
    runtime: _native.Runtime,
) -> None:
    requirer = runtime.requirer({"endpoint": "database", "requests": []})
    with pytest.raises(ValueError, match=r"^hook\.id: missing field"):
        requirer.handle(object(), {"kind": "secret-changed", "label": "x"})


def test_a_hook_of_an_unknown_kind_is_a_value_error_listing_the_wit_kinds(
    runtime: _native.Runtime,
) -> None:
    requirer = runtime.requirer({"endpoint": "database", "requests": []})
    with pytest.raises(ValueError, match=r"expected relation-created, relation-changed, "):
        requirer.handle(object(), {"kind": "relation-joined", "relation_id": 1})


def test_a_hook_without_its_relation_id_is_a_value_error_naming_the_field(
    runtime: _native.Runtime,
) -> None:
    requirer = runtime.requirer({"endpoint": "database", "requests": []})
    with pytest.raises(ValueError, match=r"^hook\.relation_id: missing field"):
        requirer.handle(object(), {"kind": "relation-changed", "app": "x"})


def test_record_fields_names_only_the_request_and_the_response() -> None:
    with pytest.raises(ValueError, match="request"):
        _native.record_fields("status")  # type: ignore[arg-type]
