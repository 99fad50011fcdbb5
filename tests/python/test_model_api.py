"""The pydantic model API of the models, differential against ``dpcharmlibs.interfaces`` 1.2.2.

Each case builds the same input with the library's pydantic model and with ours and compares
what pydantic's API gives: ``model_fields``, ``model_config``, ``model_dump`` (every option
combination), ``model_dump_json``, ``model_validate`` (and its errors), ``model_copy``,
``model_construct``, generics, a charm's subclass written with pydantic's ``Field`` and
decorators, and ours inside pydantic (``TypeAdapter``, a charm's own ``BaseModel``). Then what
is ours alone: no pydantic and no runtime at import or for a model, our own
``ValidationError`` when pydantic is not imported, the salt generated on first read, secret
values kept out of ``repr`` and error text, and the record the host sends (``cleared``).
"""

from __future__ import annotations

import itertools
import pickle
import subprocess
import sys
import textwrap
from typing import Annotated, Any, ClassVar

import data_interfaces_wasm
import pydantic
import pytest
from data_interfaces_wasm import models as ours
from data_interfaces_wasm import types as our_types
from dpcharmlibs.interfaces import models as ref
from dpcharmlibs.interfaces import types as ref_types
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

LIBS = {"reference": ref, "ours": ours}

MODELS = [
    "BaseCommonModel",
    "CommonModel",
    "RequirerCommonModel",
    "ProviderCommonModel",
    "ResourceProviderModel",
    "PeerModel",
    "EntityPermissionModel",
    "KafkaRequestModel",
    "KafkaResponseModel",
    "ValkeyResponseModel",
    "RelationStatus",
    "RequirerDataContractV0",
    "RequirerDataContractV1",
    "DataContractV0",
    "DataContractV1",
]

PERMISSIONS = [
    {"resource_name": "t", "resource_type": "table", "privileges": ["SELECT", "INSERT"]}
]

# Valid inputs: (model, data). Every case gives a salt (the library draws a random one).
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "requirer-minimal": ("RequirerCommonModel", {"resource": "db", "salt": "s1"}),
    "requirer-wire-keys": (
        "RequirerCommonModel",
        {
            "database": "db",
            "request-id": "r1",
            "salt": "s1",
            "extra-user-roles": "admin",
            "external-node-connectivity": "true",
        },
    ),
    "requirer-entity": (
        "RequirerCommonModel",
        {
            "resource": "",
            "salt": "s1",
            "entity_type": "USER",
            "entity_name": "bob",
            "entity_password": "pw",
            "entity_permissions": PERMISSIONS,
            "extra_user_roles": "r",
        },
    ),
    "requirer-mtls": (
        "RequirerCommonModel",
        {
            "resource": "db",
            "salt": "s1",
            "secret-mtls": "secret:abc",
            "mtls-cert": "CERT",
            "prefix-matching": "all",
            "requested-entity-secret": "secret:req",
        },
    ),
    "requirer-extras": (
        "RequirerCommonModel",
        {
            "resource": "db",
            "salt": "s1",
            "zz": None,
            "nested": {"a": [1, 2.5, None]},
            "unicode": "é\u2028\x01",
            "float": 1e16,
            "tuple": (1, 2),
            "password": "p",
        },
    ),
    "kafka-request": (
        "KafkaRequestModel",
        {"topic": "t1", "salt": "s1", "consumer-group-prefix": "app-", "extra-user-roles": "p"},
    ),
    "provider-common": (
        "ProviderCommonModel",
        {
            "resource": "db",
            "salt": "s1",
            "request-id": "r",
            "endpoints": "h:1",
            "secret-user": "secret:u",
            "read-only-endpoints": "h:2",
        },
    ),
    "resource-provider": (
        "ResourceProviderModel",
        {
            "resource": "db",
            "salt": "s1",
            "request-id": "r",
            "username": "u",
            "password": "p",
            "tls": "true",
            "tls-ca": "CA",
            "version": "16",
            "prefix-resources": "a,b",
            "uris": "x",
        },
    ),
    "kafka-response": (
        "KafkaResponseModel",
        {
            "resource": "t",
            "salt": "s1",
            "consumer-group-prefix": "g",
            "zookeeper-uris": "z",
            "endpoints": "e",
        },
    ),
    "valkey-response": (
        "ValkeyResponseModel",
        {"resource": "v", "salt": "s1", "sentinel-endpoints": "s:1", "mode": "sentinel"},
    ),
    "entity-permission": ("EntityPermissionModel", PERMISSIONS[0]),
    "relation-status": ("RelationStatus", {"code": "4001", "message": "m", "resolution": "r"}),
    "contract-v0": (
        "RequirerDataContractV0",
        {"database": "db", "salt": "s1", "encryption-secret": "k", "extra-user-roles": "a"},
    ),
    "contract-v1": (
        "RequirerDataContractV1",
        {
            "requests": [{"resource": "db", "salt": "s1", "entity-permissions": PERMISSIONS}],
            "encryption_secret": "k",
        },
    ),
    "data-contract-v0": (
        "DataContractV0",
        {"resource": "db", "salt": "s1", "username": "u", "endpoints": "e"},
    ),
    "data-contract-v1": (
        "DataContractV1",
        {
            "requests": [
                {"resource": "db", "salt": "s1", "username": "u", "endpoints": "e", "z": 1}
            ]
        },
    ),
    "peer": ("PeerModel", {"a-b": 1, "c": None}),
    "base-common": ("BaseCommonModel", {"x": "y"}),
    "common": ("CommonModel", {"topic": "t", "salt": "s1", "request_id": "r"}),
}

# Invalid inputs: (model, data); `secret` when the input holds a secret value.
INVALID: dict[str, tuple[str, Any]] = {
    "literal-by-name": ("RequirerCommonModel", {"entity_type": "X"}),
    "literal-by-alias-and-a-type": ("RequirerCommonModel", {"entity-type": "X", "resource": 1}),
    "user-with-group-roles": (
        "RequirerCommonModel",
        {"entity_type": "USER", "extra_group_roles": "g"},
    ),
    "group-with-user-roles": (
        "RequirerCommonModel",
        {"entity_type": "GROUP", "extra_user_roles": "g"},
    ),
    "password-without-name": ("RequirerCommonModel", {"entity_password": "pw"}),
    "hybrid-union": ("RequirerCommonModel", {"mtls_cert": 1}),
    "bool-parsing": ("RequirerCommonModel", {"external-node-connectivity": "maybe"}),
    "bool-number": ("RequirerCommonModel", {"external-node-connectivity": 2}),
    "secret-uri-pattern": ("RequirerCommonModel", {"secret-mtls": "nope"}),
    "nested-model-fields": ("RequirerCommonModel", {"entity-permissions": [{"resource_name": 1}]}),
    "list-type": ("RequirerCommonModel", {"entity-permissions": "x"}),
    "nested-model-type": ("RequirerCommonModel", {"entity-permissions": [1]}),
    "prefix-matching": ("RequirerCommonModel", {"prefix-matching": "some"}),
    "kafka-wildcard": ("KafkaRequestModel", {"consumer_group_prefix": "*"}),
    "kafka-prefix-type": ("KafkaRequestModel", {"consumer-group-prefix": 5}),
    "int-parsing-and-missing": ("RelationStatus", {"code": "1.5", "message": 1}),
    "int-from-float": ("RelationStatus", {"code": 1.5, "message": "é" * 40, "resolution": None}),
    "all-missing": ("RelationStatus", {}),
    "bare-list": (
        "EntityPermissionModel",
        {"resource_name": "a", "resource_type": "b", "privileges": "x"},
    ),
    "v0-version": ("RequirerDataContractV0", {"version": "v1"}),
    "v1-version-and-item": (
        "RequirerDataContractV1",
        {"version": "v0", "requests": [{"entity_type": "bad"}]},
    ),
    "v1-requests-type": ("DataContractV1", {"requests": "x"}),
    "v1-item-secret-bool": ("DataContractV1", {"requests": [{"tls": "maybe"}]}),
    "secret-bool-and-str": ("ResourceProviderModel", {"tls": "maybe", "request-id": 5}),
    "not-a-mapping": ("ResourceProviderModel", 5),
    "a-list": ("ResourceProviderModel", [1]),
    "long-input": ("RequirerCommonModel", {"external-node-connectivity": "x", "y": "z" * 80}),
}
# The cases whose input holds a secret value: the error text leaves every input out.
SECRET_INPUT = {
    "password-without-name",
    "hybrid-union",
    "v1-item-secret-bool",
    "secret-bool-and-str",
}

DUMP_OPTIONS = [
    dict(by_alias=a, exclude_none=n, exclude_unset=u, exclude_defaults=d, mode=m)
    for a, n, u, d, m in itertools.product(
        [None, True, False], [False, True], [False, True], [False, True], ["python", "json"]
    )
]


def options_id(options: dict[str, Any]) -> str:
    flags = [
        k.removeprefix("exclude_")
        for k in ("exclude_none", "exclude_unset", "exclude_defaults")
        if options[k]
    ]
    return "-".join([f"alias={options['by_alias']}", options["mode"], *flags])


def both(case: str) -> tuple[Any, Any]:
    name, data = CASES[case]
    return (
        getattr(ref, name).model_validate(dict(data)),
        getattr(ours, name).model_validate(dict(data)),
    )


def errors_of(exc: pydantic.ValidationError) -> list[dict[str, Any]]:
    """The errors, with the exceptions in ``ctx`` compared by their text."""
    out = []
    for error in exc.errors(include_url=False):
        if "ctx" in error:
            error["ctx"] = {k: str(v) for k, v in error["ctx"].items()}
        out.append(error)
    return out


def validation_failure(model: Any, data: Any) -> pydantic.ValidationError:
    with pytest.raises(pydantic.ValidationError) as raised:
        model.model_validate(data)
    return raised.value


# --- model_fields and model_config ------------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
def test_model_fields_are_the_librarys_in_its_order(name: str) -> None:
    assert list(getattr(ours, name).model_fields) == list(getattr(ref, name).model_fields)


def _field_facts(info: Any) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if type(value).__name__ == "PydanticUndefinedType":
            return "<undefined>"
        if hasattr(value, "choices"):
            return ("AliasChoices", list(value.choices))
        return value

    return {
        "alias": info.alias,
        "alias_priority": info.alias_priority,
        "validation_alias": plain(info.validation_alias),
        "serialization_alias": info.serialization_alias,
        "exclude": info.exclude,
        "default": plain(info.default),
        "has_default_factory": info.default_factory is not None,
        "description": info.description,
        "title": info.title,
        "required": info.is_required(),
        "secret_groups": [m for m in info.metadata if isinstance(m, str)],
        "metadata_count": len(info.metadata),
    }


FIELDS = [(name, field) for name in MODELS for field in getattr(ref, name).model_fields]


@pytest.mark.parametrize(("name", "field"), FIELDS, ids=[f"{n}.{f}" for n, f in FIELDS])
def test_field_info_has_the_librarys_attributes(name: str, field: str) -> None:
    ours_info = getattr(ours, name).model_fields[field]
    assert _field_facts(ours_info) == _field_facts(getattr(ref, name).model_fields[field])


@pytest.mark.parametrize("name", MODELS)
def test_model_config_is_the_librarys(name: str) -> None:
    ref_config = dict(getattr(ref, name).model_config)
    our_config = dict(getattr(ours, name).model_config)
    ref_generator, our_generator = (
        ref_config.pop("alias_generator", None),
        our_config.pop("alias_generator", None),
    )
    assert our_config == ref_config
    for field in getattr(ref, name).model_fields:
        assert (our_generator and our_generator(field)) == (ref_generator and ref_generator(field))


def test_model_fields_is_a_class_attribute_and_the_host_table() -> None:
    fields = ours.RequirerCommonModel.model_fields
    assert fields is ours.RequirerCommonModel._fields_info()
    info = fields["entity_password"]
    assert (info.name, info.key, info.secret_group, info.standard) == (
        "entity_password",
        "entity-password",
        "requested-entity",
        True,
    )


# --- model_dump and model_dump_json -----------------------------------------------------------


@pytest.mark.parametrize("options", DUMP_OPTIONS, ids=[options_id(o) for o in DUMP_OPTIONS])
@pytest.mark.parametrize("case", list(CASES))
def test_model_dump_is_the_librarys(case: str, options: dict[str, Any]) -> None:
    theirs, mine = both(case)
    # repr: same keys in the same order, same values of the same types.
    assert repr(mine.model_dump(**options)) == repr(theirs.model_dump(**options))


JSON_VARIANTS = {
    "compact": {},
    "indent-2": {"indent": 2},
    "ensure-ascii": {"ensure_ascii": True},
    "by-name-without-none": {"by_alias": False, "exclude_none": True},
}


@pytest.mark.parametrize("variant", list(JSON_VARIANTS))
@pytest.mark.parametrize("case", list(CASES))
def test_model_dump_json_is_the_librarys_text(case: str, variant: str) -> None:
    theirs, mine = both(case)
    options = JSON_VARIANTS[variant]
    assert mine.model_dump_json(**options) == theirs.model_dump_json(**options)


INCLUDE_EXCLUDE: dict[str, tuple[str, dict[str, Any]]] = {
    "include-fields-and-extras": ("requirer-extras", {"include": {"resource", "zz", "tuple"}}),
    "exclude-fields-and-extras": (
        "requirer-extras",
        {"exclude": {"resource", "zz", "tuple"}, "exclude_none": True},
    ),
    "include-dict": (
        "requirer-entity",
        {"include": {"resource": True, "entity_permissions": True}},
    ),
    "include-by-name-not-alias": ("requirer-entity", {"include": {"password", "entity_password"}}),
    "exclude-nested-index": ("contract-v1", {"exclude": {"requests": {0: {"salt"}}}}),
    "include-nested-all": ("contract-v1", {"include": {"requests": {"__all__": {"resource"}}}}),
    "exclude-nested-list": (
        "requirer-entity",
        {"exclude": {"entity_permissions": {"__all__": {"privileges"}}}},
    ),
    "include-and-exclude": ("resource-provider", {"include": {"salt", "tls"}, "exclude": {"tls"}}),
    "include-excluded-field": ("contract-v0", {"include": {"original_field", "version"}}),
}


@pytest.mark.parametrize("case", list(INCLUDE_EXCLUDE))
def test_include_and_exclude_select_as_the_librarys(case: str) -> None:
    source, options = INCLUDE_EXCLUDE[case]
    theirs, mine = both(source)
    assert repr(mine.model_dump(**options)) == repr(theirs.model_dump(**options))


@pytest.mark.parametrize("case", list(CASES))
def test_fields_set_and_extra_are_the_librarys(case: str) -> None:
    theirs, mine = both(case)
    assert (mine.model_fields_set, mine.model_extra) == (
        theirs.model_fields_set,
        theirs.model_extra,
    )


def test_model_extra_is_the_live_extra_dict() -> None:
    model = ours.PeerModel(a=1)
    model.model_extra["b"] = 2
    assert model.model_dump() == {"a": 1, "b": 2}


# --- copies and construction ------------------------------------------------------------------


def _state(model: Any) -> tuple[Any, ...]:
    return (repr(model.model_dump()), sorted(model.model_fields_set), model.model_extra)


BASE = {"resource": "db", "salt": "s", "zz": 1, "request-id": "r"}
COPIES: dict[str, Any] = {
    "update-by-name-and-extra-key": lambda lib: lib.RequirerCommonModel(**BASE).model_copy(
        update={"resource": "x", "request-id": "y", "extra_user_roles": "a"}
    ),
    "deep": lambda lib: lib.RequirerCommonModel(**BASE, entity_permissions=PERMISSIONS).model_copy(
        deep=True
    ),
    "update-without-extra": lambda lib: lib.RelationStatus(
        code=1, message="m", resolution="r"
    ).model_copy(update={"code": 2}),
    "construct-by-alias-and-extra": lambda lib: lib.RequirerCommonModel.model_construct(
        **BASE, topic="t"
    ),
    "construct-fields-set": lambda lib: lib.RequirerCommonModel.model_construct(
        _fields_set={"resource"}, resource="a", salt="s"
    ),
}


@pytest.mark.parametrize("case", list(COPIES))
def test_copies_and_constructs_are_the_librarys(case: str) -> None:
    assert _state(COPIES[case](ours)) == _state(COPIES[case](ref))


def test_a_deep_copy_owns_its_nested_models() -> None:
    model = ours.RequirerCommonModel(salt="s", entity_permissions=PERMISSIONS)
    copied = model.model_copy(deep=True)
    copied.entity_permissions[0].privileges.append("DROP")
    assert model.entity_permissions[0].privileges == ["SELECT", "INSERT"]


def test_a_model_pickles_and_compares_equal() -> None:
    model = ours.RequirerCommonModel(**BASE)
    assert pickle.loads(pickle.dumps(model)) == model


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(INVALID))
def test_validation_errors_are_the_librarys(case: str) -> None:
    name, data = INVALID[case]
    theirs = validation_failure(getattr(ref, name), data)
    mine = validation_failure(getattr(ours, name), data)
    assert (mine.title, errors_of(mine)) == (theirs.title, errors_of(theirs))


@pytest.mark.parametrize("case", [c for c in INVALID if c not in SECRET_INPUT])
def test_validation_error_text_is_the_librarys(case: str) -> None:
    name, data = INVALID[case]
    theirs = validation_failure(getattr(ref, name), data)
    assert str(validation_failure(getattr(ours, name), data)) == str(theirs)


@pytest.mark.parametrize("case", sorted(SECRET_INPUT))
def test_validation_error_text_leaves_inputs_out_when_one_holds_a_secret(case: str) -> None:
    # A deliberate difference: pydantic prints the input; a secret value never reaches text.
    name, data = INVALID[case]
    text = str(validation_failure(getattr(ours, name), data))
    assert "input_value" not in text
    assert [line for line in text.splitlines() if "[type=" in line]


@pytest.mark.parametrize("case", list(INVALID))
def test_without_pydantic_core_our_validation_error_is_the_same(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, data = INVALID[case]
    theirs = validation_failure(getattr(ref, name), data)
    monkeypatch.delitem(sys.modules, "pydantic_core")
    with pytest.raises(ValueError) as raised:
        getattr(ours, name).model_validate(data)
    monkeypatch.undo()
    mine = raised.value
    assert isinstance(mine, ours.ValidationError)
    assert (mine.title, mine.error_count(), errors_of(mine)) == (  # type: ignore[arg-type]
        theirs.title,
        theirs.error_count(),
        errors_of(theirs),
    )
    if case not in SECRET_INPUT:
        assert str(mine) == str(theirs)


REQUEST_MESSAGES = {
    "invalid-entity-type": ({"entity_type": "INVALID_ROLE_TYPE"}, "Input should be 'USER'"),
    "user-with-group-roles": (
        {"entity_type": "USER", "extra_group_roles": "g"},
        "Inconsistent entity information. Use extra_user_roles instead",
    ),
    "group-with-user-roles": (
        {"entity_type": "GROUP", "extra_user_roles": "u"},
        "Inconsistent entity information. Use extra_group_roles instead",
    ),
    "password-without-name": (
        {"entity_password": "testpass"},
        "Unable to set entity password without an entity name",
    ),
}


@pytest.mark.parametrize("case", list(REQUEST_MESSAGES))
def test_the_constructor_refuses_an_inconsistent_request_with_the_librarys_message(
    case: str,
) -> None:
    data, message = REQUEST_MESSAGES[case]
    with pytest.raises(pydantic.ValidationError, match=message):
        ours.RequirerCommonModel(**data)


def test_a_wildcard_consumer_group_prefix_is_a_pydantic_validation_error() -> None:
    with pytest.raises(pydantic.ValidationError):
        ours.KafkaRequestModel(consumer_group_prefix="*")


VALIDATE_OPTIONS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "strict-refuses-a-bool-string": (
        {"external-node-connectivity": "true", "salt": "s"},
        {"strict": True},
    ),
    "strict-refuses-bytes": ({"resource": b"db", "salt": "s"}, {"strict": True}),
    "strict-refuses-a-tuple": (
        {"entity-permissions": ({"resource_name": "a", "resource_type": "b", "privileges": []},)},
        {"strict": True},
    ),
    "lax-takes-a-tuple-and-bytes": (
        {"entity-permissions": ({"resource_name": "a", "resource_type": "b", "privileges": ()},)}
        | {"resource": b"db", "salt": "s"},
        {},
    ),
    "by-name-only": (
        {"request_id": "a", "request-id": "b", "salt": "s"},
        {"by_alias": False, "by_name": True},
    ),
    "by-alias-only": ({"request_id": "a", "request-id": "b", "salt": "s"}, {"by_name": False}),
    "alias-before-name": ({"database": "d", "resource": "r", "salt": "s"}, {}),
    "alias-choices-in-order": ({"topic": "t", "database": "d", "salt": "s"}, {}),
    "extra-forbid": ({"salt": "s", "x": 1}, {"extra": "forbid"}),
    "extra-ignore": ({"salt": "s", "x": 1}, {"extra": "ignore"}),
    "context": ({"salt": "s"}, {"context": {"repository": None}}),
}


@pytest.mark.parametrize("case", list(VALIDATE_OPTIONS))
def test_validation_options_act_as_the_librarys(case: str) -> None:
    data, options = VALIDATE_OPTIONS[case]
    outcomes = []
    for lib in (ref, ours):
        try:
            model = lib.RequirerCommonModel.model_validate(dict(data), **options)
        except pydantic.ValidationError as exc:
            outcomes.append(("error", errors_of(exc)))
        else:
            outcomes.append(("model", repr(model.model_dump()), sorted(model.model_fields_set)))
    assert outcomes[1] == outcomes[0]


def test_by_alias_false_alone_is_a_user_error_as_in_pydantic() -> None:
    with pytest.raises(pydantic.errors.PydanticUserError, match="by_alias"):
        ours.RequirerCommonModel.model_validate({}, by_alias=False)


JSON_INPUTS = {
    "bool-from-string": '{"external-node-connectivity": "yes", "salt": "s"}',
    "nested-and-big-float": '{"salt": "s", "entity-permissions": [{"resource_name": "a", '
    '"resource_type": "b", "privileges": [1.5]}], "x": 1e400}',
    "bytes": b'{"salt": "s"}',
    "wrong-type": '{"salt": 1}',
    "not-an-object": "[1]",
}


@pytest.mark.parametrize("case", list(JSON_INPUTS))
def test_model_validate_json_is_the_librarys(case: str) -> None:
    outcomes = []
    for lib in (ref, ours):
        try:
            model = lib.RequirerCommonModel.model_validate_json(JSON_INPUTS[case])
        except pydantic.ValidationError as exc:
            outcomes.append(("error", errors_of(exc), str(exc)))
        else:
            outcomes.append(("model", model.model_dump_json()))
    assert outcomes[1] == outcomes[0]


def test_invalid_json_is_a_json_invalid_error_at_the_root() -> None:
    # The type and location are pydantic's; the parser's message is Python's, not serde's.
    error = validation_failure_json(ours.RequirerCommonModel, '{"a":')
    assert [(e["type"], e["loc"]) for e in error.errors()] == [("json_invalid", ())]


def validation_failure_json(model: Any, text: str) -> pydantic.ValidationError:
    with pytest.raises(pydantic.ValidationError) as raised:
        model.model_validate_json(text)
    return raised.value


def test_validating_an_instance_returns_it() -> None:
    model = ours.KafkaRequestModel(salt="s")
    assert ours.RequirerCommonModel.model_validate(model) is model


@pytest.mark.parametrize(
    "alias", ["database", "subject", "topic", "index", "plugin-url", "prefix"]
)
def test_a_v0_contract_records_the_resource_key_it_was_given(alias: str) -> None:
    data = {alias: "x", "salt": "s"}
    theirs = ref.RequirerDataContractV0.model_validate(dict(data))
    mine = ours.RequirerDataContractV0.model_validate(data)
    assert (mine.original_field, mine.resource, repr(mine.model_dump())) == (
        theirs.original_field,
        theirs.resource,
        repr(theirs.model_dump()),
    )
    assert data == {alias: "x", "salt": "s"}  # ours leaves the caller's input as it was


def test_the_resource_aliases_are_the_components() -> None:
    from data_interfaces_wasm._runtime import runtime

    assert ours.RESOURCE_ALIASES == list(runtime().resource_aliases()) == ref.RESOURCE_ALIASES


def test_the_cross_model_consumer_secrets_are_the_keys_the_component_blanks() -> None:
    import json

    from data_interfaces_wasm._ops_backend import LogBackend
    from data_interfaces_wasm._runtime import runtime

    keys = [*ours.RequirerCommonModel.model_fields, *ours.ResourceProviderModel.model_fields]
    dashed = list(dict.fromkeys(key.replace("_", "-") for key in keys))
    new_data = [(key, json.dumps("value")) for key in dashed]
    stored = json.loads(runtime().store_new_data(LogBackend(), None, new_data, None, [], None))
    blanked = [key for key, value in stored.items() if value == ""]
    assert blanked == [key for key in dashed if key in ours.CROSS_MODEL_RELATION_CONSUMER_SECRETS]
    assert set(blanked) == set(ours.CROSS_MODEL_RELATION_CONSUMER_SECRETS)
    assert ours.CROSS_MODEL_RELATION_CONSUMER_SECRETS == ref.CROSS_MODEL_RELATION_CONSUMER_SECRETS


# --- generics ---------------------------------------------------------------------------------

GENERICS = [
    ("RequirerDataContractV1", "KafkaRequestModel", {"topic": "t", "consumer-group-prefix": "x"}),
    ("RequirerDataContractV1", "RequirerCommonModel", {"database": "d", "entity_type": "USER"}),
    ("DataContractV1", "KafkaResponseModel", {"resource": "t", "consumer-group-prefix": "g"}),
    ("DataContractV1", "ValkeyResponseModel", {"resource": "v", "mode": "sentinel", "x": 1}),
]


@pytest.mark.parametrize(
    ("contract", "item", "entry"), GENERICS, ids=[f"{c}[{i}]" for c, i, _ in GENERICS]
)
def test_a_parametrized_contract_validates_its_entries_as_the_item_model(
    contract: str, item: str, entry: dict[str, Any]
) -> None:
    data = {"requests": [{**entry, "salt": "s"}]}
    results = []
    for lib in (ref, ours):
        cls = getattr(lib, contract)[getattr(lib, item)]
        model = cls.model_validate(data)
        results.append(
            (
                cls.__name__,
                cls is getattr(lib, contract)[getattr(lib, item)],
                issubclass(cls, getattr(lib, contract)),
                type(model.requests[0]).__name__,
                model.model_dump_json(),
            )
        )
    assert results[1] == results[0]


def test_a_parametrized_contract_refuses_an_entry_as_the_item_model_does() -> None:
    data = {"requests": [{"consumer-group-prefix": "*"}]}
    theirs = validation_failure(ref.RequirerDataContractV1[ref.KafkaRequestModel], data)
    mine = validation_failure(ours.RequirerDataContractV1[ours.KafkaRequestModel], data)
    assert (mine.title, errors_of(mine)) == (theirs.title, errors_of(theirs))


def test_a_model_without_type_parameters_cannot_be_parametrized() -> None:
    with pytest.raises(TypeError, match="cannot be parametrized"):
        ours.RequirerCommonModel[int]  # type: ignore[misc]


def test_the_contract_adapters_read_databags_as_the_librarys() -> None:
    bag = {"requests": [{"resource": "x", "salt": "s"}]}
    assert ours.DataContract.dump_json(ours.DataContract.validate_python(bag)) == (
        ref.DataContract.dump_json(ref.DataContract.validate_python(bag))
    )
    v0 = {"database": "x", "salt": "s"}
    assert type(ours.RequirerDataContract.validate_python(v0)) is ours.RequirerDataContractV0
    v1 = {"version": "v1", "requests": []}
    assert type(ours.RequirerDataContract.validate_python(v1)) is ours.RequirerDataContractV1


# --- a charm's subclasses, written with pydantic ----------------------------------------------


def charm_models(lib: Any, types: Any) -> dict[str, Any]:
    """The same charm models, on the library's base classes or on ours."""
    group_secret = Annotated[types.OptionalSecretStr, Field(exclude=True, default=None), "mygroup"]

    class Request(lib.RequirerCommonModel):
        tenant: str = Field(default="t0", alias="tenant-name")
        count: int = 0
        tags: list[str] = Field(default_factory=list)
        token: group_secret
        note: Annotated[
            str | None,
            AfterValidator(lambda v: v and v.upper()),
            BeforeValidator(lambda v: v if v is None else str(v)),
        ] = None
        hidden: str = Field(default="h", exclude=True)
        LIMIT: ClassVar[int] = 5

        @field_validator("count", mode="before")
        @classmethod
        def count_before(cls, value: Any, info: Any) -> Any:
            return 0 if value == "none" else value

        @field_validator("tags")
        @classmethod
        def tags_sorted(cls, value: list[str]) -> list[str]:
            if "bad" in value:
                raise ValueError("no bad tags")
            return sorted(value)

        @model_validator(mode="after")
        def not_too_many(self) -> Any:
            if self.count > 100:
                raise ValueError("too many")
            return self

        @model_validator(mode="before")
        @classmethod
        def legacy_key(cls, data: Any) -> Any:
            if isinstance(data, dict) and "legacy" in data:
                return {**data, "tenant-name": data["legacy"]}
            return data

    class Response(lib.ResourceProviderModel):
        tls: str = "disabled"
        consumer_group_prefix: str | None = None
        extra_secret: types.ExtraSecretStr = Field(default=None)

        @field_serializer("tls")
        def upper_tls(self, value: str) -> str:
            return value.upper()

    class Permission(lib.EntityPermissionModel):
        @field_validator("resource_type")
        @classmethod
        def known_type(cls, value: str) -> str:
            if value not in ("table", "topic"):
                raise ValueError(f"bad type {value}")
            return value

    class Peer(lib.PeerModel):
        secret_field: types.ExtraSecretStr = Field(alias="secret-field")
        mysecret: group_secret
        name: str = Field(default="")
        data: dict = Field(default_factory=dict)

    return {"request": Request, "response": Response, "permission": Permission, "peer": Peer}


CHARM = {"reference": charm_models(ref, ref_types), "ours": charm_models(ours, our_types)}
CHARM_INPUTS: dict[str, tuple[str, dict[str, Any]]] = {
    "request-all-features": (
        "request",
        {
            "salt": "s",
            "tenant-name": "x",
            "count": "5",
            "tags": ["b", "a"],
            "token": "tok",
            "note": 5,
            "hidden": "z",
        },
    ),
    "request-before-validators": ("request", {"salt": "s", "legacy": "L", "count": "none"}),
    "request-after-model-validator": ("request", {"salt": "s", "count": 101}),
    "request-field-errors": ("request", {"salt": "s", "tags": ["bad"], "count": "x"}),
    "request-by-name": ("request", {"salt": "s", "tenant": "byname"}),
    "response-overrides-and-serializer": (
        "response",
        {"salt": "s", "tls": "on", "extra-secret": "e", "username": "u"},
    ),
    "permission-valid": (
        "permission",
        {"resource_name": "a", "resource_type": "table", "privileges": ["x"]},
    ),
    "permission-field-validator": (
        "permission",
        {"resource_name": "a", "resource_type": "view", "privileges": []},
    ),
    "peer-secret-groups": (
        "peer",
        {"secret-field": "sf", "mysecret": "m", "name": "n", "data": {"a": 1}, "zz": 1},
    ),
    "peer-defaults": ("peer", {}),
}
CHARM_DUMPS = {
    "default": {},
    "by-name": {"by_alias": False},
    "unset": {"exclude_unset": True},
    "json-defaults": {"mode": "json", "exclude_defaults": True},
}


def charm_outcome(side: str, case: str) -> Any:
    kind, data = CHARM_INPUTS[case]
    try:
        model = CHARM[side][kind].model_validate(dict(data))
    except pydantic.ValidationError as exc:
        return ("error", errors_of(exc))
    dumps = {name: repr(model.model_dump(**options)) for name, options in CHARM_DUMPS.items()}
    return ("model", dumps, sorted(model.model_fields_set))


@pytest.mark.parametrize("case", list(CHARM_INPUTS))
def test_a_charms_pydantic_subclass_validates_and_dumps_as_the_librarys(case: str) -> None:
    assert charm_outcome("ours", case) == charm_outcome("reference", case)


CHARM_FIELDS = [
    (kind, field) for kind, cls in CHARM["reference"].items() for field in cls.model_fields
]


@pytest.mark.parametrize(
    ("kind", "field"), CHARM_FIELDS, ids=[f"{k}.{f}" for k, f in CHARM_FIELDS]
)
def test_a_charms_field_declarations_read_as_the_librarys(kind: str, field: str) -> None:
    mine = CHARM["ours"][kind].model_fields[field]
    assert _field_facts(mine) == _field_facts(CHARM["reference"][kind].model_fields[field])


def test_a_charms_secret_groups_reach_the_host() -> None:
    assert CHARM["ours"]["peer"].field_specs() == [
        {"key": "secret-field", "secret_group": "extra"},
        {"key": "mysecret", "secret_group": "mygroup"},
        {"key": "name", "secret_group": None},
        {"key": "data", "secret_group": None},
    ]


def test_decorated_methods_stay_plain_methods_on_the_class() -> None:
    assert callable(ours.RequirerCommonModel.validate_fields)
    assert ours.RequirerDataContractV0.ensure_original_field({"topic": "t"}) == {
        "topic": "t",
        "original_field": "topic",
    }


def test_a_pydantic_model_mixed_into_a_peer_model_is_read_by_the_host() -> None:
    class RelationModel(pydantic.BaseModel):
        pass

    class Mixed(RelationModel, ours.PeerModel):
        name: str = Field(default="")
        secret: Annotated[str | None, Field(exclude=True, default=None), "extra"] = None

    model = Mixed.model_validate({"name": "n", "secret": "s", "zz": 1})
    assert model.model_dump() == {"name": "n", "zz": 1}
    assert Mixed._fields_info()["secret"].secret_group == "extra"
    assert model._peer_values() == [("name", "n"), ("secret", "s"), ("zz", 1)]


def test_a_charms_model_serializer_may_call_the_librarys() -> None:
    class Persistent(pydantic.BaseModel):
        pass

    class Mixed(Persistent, ours.BaseCommonModel):
        a: int = 1

        @pydantic.model_serializer(mode="wrap")
        def serialize_model(self, handler: Any, info: Any) -> Any:
            return ours.BaseCommonModel.serialize_model(self, handler, info)

    assert Mixed(a=2).model_dump(mode="json") == {"a": 2}


# --- ours inside pydantic ---------------------------------------------------------------------


def test_a_type_adapter_builds_our_models_equal_to_ours() -> None:
    adapter = pydantic.TypeAdapter(list[ours.EntityPermissionModel])
    built = adapter.validate_python(PERMISSIONS)
    assert built == [ours.EntityPermissionModel(**PERMISSIONS[0])]
    assert adapter.dump_json(built) == pydantic.TypeAdapter(
        list[ref.EntityPermissionModel]
    ).dump_json(pydantic.TypeAdapter(list[ref.EntityPermissionModel]).validate_python(PERMISSIONS))


def test_a_type_adapter_reports_errors_at_the_librarys_locations() -> None:
    data = [{"resource_name": 1}]
    errors = []
    for lib in (ref, ours):
        with pytest.raises(pydantic.ValidationError) as raised:
            pydantic.TypeAdapter(list[lib.EntityPermissionModel]).validate_python(data)
        errors.append(errors_of(raised.value))
    assert errors[1] == errors[0]


def charm_config(lib: Any) -> type[pydantic.BaseModel]:
    class CharmConfig(pydantic.BaseModel):
        request: lib.RequirerCommonModel  # type: ignore[name-defined]
        permissions: list[lib.EntityPermissionModel] = []  # type: ignore[name-defined]

    return CharmConfig


@pytest.mark.parametrize(
    "options",
    [{}, {"by_alias": False, "exclude_none": True}, {"mode": "json", "exclude_unset": True}],
    ids=["default", "by-name-without-none", "json-unset"],
)
def test_our_models_as_fields_of_a_charms_pydantic_model_dump_as_the_librarys(
    options: dict[str, Any],
) -> None:
    data = {
        "request": {"database": "db", "salt": "s", "entity_type": "USER"},
        "permissions": PERMISSIONS,
    }
    dumps = [charm_config(lib).model_validate(data).model_dump(**options) for lib in (ref, ours)]
    assert repr(dumps[1]) == repr(dumps[0])


def test_our_models_as_fields_of_a_charms_pydantic_model_fail_as_the_librarys() -> None:
    errors = []
    for lib in (ref, ours):
        with pytest.raises(pydantic.ValidationError) as raised:
            charm_config(lib).model_validate({"request": {"entity_password": "x"}})
        errors.append([(e["type"], e["loc"], e["msg"]) for e in raised.value.errors()])
    assert errors[1] == errors[0]


# --- the rest of pydantic's surface -----------------------------------------------------------


def test_pydantic_1_names_warn_and_act_as_the_librarys() -> None:
    results = []
    for lib in (ref, ours):
        model = lib.RequirerCommonModel(**BASE)
        with pytest.warns(DeprecationWarning):
            results.append((model.dict(), model.json()))
    assert results[1] == results[0]


@pytest.mark.parametrize("name", ["RelationStatus", "EntityPermissionModel"])
def test_the_json_schema_of_a_plain_model_is_the_librarys(name: str) -> None:
    schemas = [getattr(lib, name).model_json_schema() for lib in (ref, ours)]
    for schema in schemas:
        schema.pop("description")  # the docstrings are ours
    assert schemas[1] == schemas[0]


def test_equality_iteration_and_status_properties_are_the_librarys() -> None:
    results = []
    for lib in (ref, ours):
        statuses = [
            lib.RelationStatus(code=c, message="", resolution="") for c in (1001, 4001, 5001)
        ]
        results.append(
            (
                lib.RequirerCommonModel(**BASE) == lib.RequirerCommonModel(**BASE),
                lib.RequirerCommonModel(**BASE) == lib.KafkaRequestModel(**BASE),
                list(lib.RelationStatus(code=1, message="m", resolution="r")),
                [(s.is_informational, s.is_transitory, s.is_fatal) for s in statuses],
                str(lib.RelationStatus(code=1, message="m", resolution="r")),
                repr(lib.RelationStatus(code=1, message="m", resolution="r")),
            )
        )
    assert results[1] == results[0]


def test_assignment_sets_fields_and_extras_without_validation_as_the_librarys() -> None:
    results = []
    for lib in (ref, ours):
        model = lib.RequirerCommonModel(**BASE)
        model.resource = "other"
        model.new_key = 1
        del model.request_id
        results.append((repr(model.model_dump()), sorted(model.model_fields_set)))
    assert results[1] == results[0]


def test_assigning_an_unknown_field_without_extras_is_refused_as_by_the_library() -> None:
    with pytest.raises(ValueError, match='object has no field "x"'):
        ours.RelationStatus(code=1, message="m", resolution="r").x = 1


# --- ours alone -------------------------------------------------------------------------------


def run_python(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], check=True, capture_output=True, text=True
    ).stdout


def test_validating_dumping_and_failing_import_neither_pydantic_nor_the_runtime() -> None:
    out = run_python(
        """
        import sys
        from data_interfaces_wasm import RequirerCommonModel, RequirerDataContractV1
        model = RequirerCommonModel.model_validate_json('{"database": "db", "salt": "s"}')
        model.model_dump(); model.model_dump_json(indent=2); repr(model)
        RequirerDataContractV1[RequirerCommonModel].model_validate({"requests": [{"salt": "s"}]})
        try:
            RequirerCommonModel(entity_type="bad")
        except ValueError as exc:
            print(type(exc).__module__, type(exc).__name__, exc.errors()[0]["type"])
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")))
        print("data_interfaces_wasm._native" in sys.modules)
        """
    )
    assert out.split("\n")[:3] == [
        "data_interfaces_wasm._errors ValidationError literal_error",
        "[]",
        "False",
    ]


def test_the_salt_is_generated_on_first_read_and_then_kept() -> None:
    out = run_python(
        """
        import sys
        from data_interfaces_wasm import RequirerCommonModel
        model = RequirerCommonModel(resource="db")
        model.model_dump(exclude_unset=True)
        print("data_interfaces_wasm._native" in sys.modules)
        salt = model.salt
        print(len(salt), model.salt == salt, model.model_dump()["salt"] == salt)
        print("salt" in model.model_fields_set)
        """
    )
    assert out.split("\n")[:3] == ["False", "16 True True", "False"]


def test_repr_and_str_never_show_a_secret_value() -> None:
    model = ours.ResourceProviderModel(resource="db", salt="s", username="u", password="hunter2")
    request = ours.RequirerCommonModel(salt="s", entity_name="n", entity_password="hunter2")
    for text in (repr(model), str(model), repr(request), str(request)):
        assert "hunter2" not in text
    assert "resource='db'" in repr(model)


def test_the_record_names_the_fields_set_to_none() -> None:
    response = ours.ResourceProviderModel(resource="db", salt="s", endpoints="e", password=None)
    response.tls_ca = None
    response.model_extra["gone"] = None
    response.model_extra["kept"] = 1
    record = response._to_wit()
    assert record["cleared"] == ["password", "tls-ca", "gone"]
    assert record["extra"] == {"gone": "null", "kept": "1"}


def test_a_record_round_trips_through_validation() -> None:
    request = ours.KafkaRequestModel(
        topic="t", salt="s", consumer_group_prefix="g", entity_permissions=PERMISSIONS
    )
    back = ours.KafkaRequestModel._from_wit(request._to_wit())
    assert back == request
    # A field is set when the record gives it a value (a record always holds the booleans).
    assert back.model_fields_set == {
        "resource",
        "salt",
        "external_node_connectivity",
        "consumer_group_prefix",
        "entity_permissions",
    }


def test_the_models_offer_the_validation_error_class() -> None:
    assert issubclass(ours.ValidationError, ValueError)
    assert data_interfaces_wasm.models.ValidationError is ours.ValidationError
