"""Runs the conformance vectors of ``tests/conformance/`` with a library over ``ops.testing``.

The same code runs every vector with our package (``data_interfaces_wasm``) and with the
reference library (``dpcharmlibs.interfaces`` 1.2.2): both expose the same API, so the charm
built from a vector's configuration differs only in the module it takes its classes from.
``tests/conformance/README.md`` describes the vector format; this module is one of its two
runners (the other is ``tests/rust/conformance.rs``).
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

from ops import CharmBase, testing

VECTORS_DIR = Path(__file__).resolve().parents[1] / "conformance"
MALFORMED_DIR = Path(__file__).resolve().parents[1] / "malformed"
INTERFACE = "database_client"
BAGS = ("local_app", "local_unit", "remote_app", "remote_units")
SECTIONS = ("local", "relation", "config")


# --- loading ---------------------------------------------------------------------------------


def load_vectors(directory: Path = VECTORS_DIR) -> list[tuple[str, dict[str, Any]]]:
    """Every vector of a directory, as ``(file-stem/name, vector)``.

    Its file's defaults are merged in and the size placeholders expanded.
    """
    vectors = []
    for path in sorted(directory.glob("*.json")):
        document = json.loads(path.read_text())
        defaults = document.get("defaults", {})
        for vector in document["vectors"]:
            merged = {**defaults, **vector}
            for section in SECTIONS:
                merged[section] = {**defaults.get(section, {}), **vector.get(section, {})}
            vectors.append((f"{path.stem}/{vector['name']}", _expand_sizes(merged)))
    return vectors


_SIZE = re.compile(r"\{\{(?:repeat:(\d+):([^}]*)|nest:(\d+))\}\}")


def _expand_sizes(value: Any) -> Any:
    """``{{repeat:<n>:<text>}}`` → the text n times; ``{{nest:<n>}}`` → n nested JSON lists."""
    if isinstance(value, str):
        return _SIZE.sub(
            lambda m: m[2] * int(m[1]) if m[1] else "[" * int(m[3]) + "]" * int(m[3]), value
        )
    if isinstance(value, list):
        return [_expand_sizes(v) for v in value]
    if isinstance(value, dict):
        return {k: _expand_sizes(v) for k, v in value.items()}
    return value


def unit_number(unit: str) -> int:
    """``app/3`` → 3."""
    return int(unit.rsplit("/", 1)[1])


# --- placeholders ----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{(secret|salt|fernet):([^}]*)\}\}")
_SALT = re.compile(r"[A-Za-z0-9]{16}")
_TOKEN = re.compile(r"[A-Za-z0-9_=-]+")


def _fernet(key: str) -> Any:
    from cryptography.fernet import Fernet

    return Fernet(key.encode())


class Matcher:
    """Matches expected values with ``{{secret:<label>}}`` and ``{{salt:<name>}}`` in them.

    A secret placeholder stands for the URI of the secret with that label; a salt placeholder
    for any 16 letters and digits, the same each time the same name appears in a vector.
    """

    def __init__(self, uris: dict[str, str], keys: dict[str, str] | None = None) -> None:
        self.uris = uris
        self.keys: dict[str, str] = dict(keys or {})
        """Secret label → the ``encryption-key`` it holds (for ``{{fernet:...}}``)."""
        self.salts: dict[str, str] = {}

    def resolve(self, text: str) -> str:
        """Substitute the secret and Fernet placeholders of an input value."""

        def one(match: re.Match[str]) -> str:
            if match.group(1) == "fernet":
                label, _, plaintext = match.group(2).partition(":")
                return _fernet(self.keys[label]).encrypt(plaintext.encode()).decode()
            if match.group(1) != "secret":
                raise ValueError(f"{match.group(0)} is not allowed in an input value")
            return self.uris.get(match.group(2), f"<no secret labelled {match.group(2)}>")

        return _PLACEHOLDER.sub(one, text)

    def matches(self, expected: str, actual: str) -> bool:
        """Whether ``actual`` is ``expected`` with its placeholders filled in."""
        position = 0
        bound: dict[str, str] = {}
        parts = _PLACEHOLDER.split(expected)
        # split gives: literal, kind, name, literal, kind, name, ..., literal
        for index in range(0, len(parts), 3):
            literal = parts[index]
            if not actual.startswith(literal, position):
                return False
            position += len(literal)
            if index + 1 >= len(parts):
                break
            length = self._placeholder(parts[index + 1], parts[index + 2], actual, position, bound)
            if length is None:
                return False
            position += length
        if position != len(actual):
            return False
        self.salts.update(bound)
        return True

    def _placeholder(
        self, kind: str, name: str, actual: str, position: int, bound: dict[str, str]
    ) -> int | None:
        """The length of what a placeholder matches at ``position`` (``None``: no match)."""
        if kind == "fernet":
            token = _TOKEN.match(actual, position)
            if token is None or not self._decrypts(name, token.group(0)):
                return None
            return len(token.group(0))
        if kind == "secret":
            uri = self.uris.get(name)
            if uri is None or not actual.startswith(uri, position):
                return None
            return len(uri)
        return self._salt(name, actual, position, bound)

    def _salt(self, name: str, actual: str, position: int, bound: dict[str, str]) -> int | None:
        """The length of the salt ``{{salt:<name>}}`` matches at ``position``, if any."""
        salt = _SALT.match(actual, position)
        value = salt.group(0) if salt else None
        known = self.salts.get(name, bound.get(name))
        if value is None or (known is not None and known != value):
            return None
        bound[name] = value
        return len(value)

    def _decrypts(self, name: str, token: str) -> bool:
        """Whether ``token`` decrypts to the plaintext of ``<label>:<plaintext>``."""
        label, _, plaintext = name.partition(":")
        key = self.keys.get(label)
        if key is None:
            return False
        try:
            return _fernet(key).decrypt(token.encode()).decode() == plaintext
        except Exception:
            return False

    def value_matches(self, expected: Any, actual: Any) -> bool:
        """Deep comparison; strings may hold placeholders."""
        if isinstance(expected, str):
            return isinstance(actual, str) and self.matches(expected, actual)
        if isinstance(expected, dict):
            return (
                isinstance(actual, dict)
                and expected.keys() == actual.keys()
                and all(self.value_matches(v, actual[k]) for k, v in expected.items())
            )
        if isinstance(expected, list):
            return (
                isinstance(actual, list)
                and len(expected) == len(actual)
                and all(self.value_matches(e, a) for e, a in zip(expected, actual, strict=True))
            )
        if isinstance(expected, bool) or isinstance(actual, bool):
            return type(expected) is type(actual) and expected == actual
        return expected == actual


# --- the charm -------------------------------------------------------------------------------


def model_class(lib: ModuleType, spec: Any, default: str) -> type:
    """The model class a vector's ``request_model`` / ``response_model`` names.

    ``None``: the standard model; a string: a model class of the library; an object
    ``{"base": <class name>, "fields": {<name>: <secret group> | null}}``: a subclass with these
    optional fields (a field with a group is a secret field of that group, and a group other than
    the standard ones gets its ``secret_<group>`` URI field).
    """
    if spec is None:
        return getattr(lib, default)
    if isinstance(spec, str):
        return getattr(lib, spec)
    base = getattr(lib, spec.get("base", default))
    fields: dict[str, Any] = spec.get("fields", {})
    standard = {"user", "tls", "extra", "entity", "mtls", "requested-entity"}
    uri_fields = [f"secret_{g}" for g in set(fields.values()) if g and g not in standard]
    if default == "PeerModel":  # peer secrets are found by label: no URI field
        uri_fields = []
    import pydantic

    if issubclass(base, pydantic.BaseModel):  # the reference library
        definitions: dict[str, Any] = {}
        for name, group in fields.items():
            if group is None:
                definitions[name] = (str | None, None)
            else:
                hint = Annotated[str | None, pydantic.Field(exclude=True, default=None), group]
                definitions[name] = (hint, None)
        for name in uri_fields:
            definitions[name] = (str | None, None)
        return pydantic.create_model("VectorModel", __base__=base, **definitions)
    annotations: dict[str, Any] = {}
    for name, group in fields.items():
        annotations[name] = str | None if group is None else Annotated[str | None, group]
    for name in uri_fields:
        annotations[name] = str | None
    namespace: dict[str, Any] = {"__annotations__": annotations, "__module__": __name__}
    namespace.update(dict.fromkeys(annotations))
    return type("VectorModel", (base,), namespace)


def _request_model(lib: ModuleType, fields: dict[str, Any], model: type | None = None) -> Any:
    return (model or lib.RequirerCommonModel)(**fields)


def _response_model(
    lib: ModuleType, fields: dict[str, Any], matcher: Matcher, model: type | None = None
) -> Any:
    resolved = {k: matcher.resolve(v) if isinstance(v, str) else v for k, v in fields.items()}
    return (model or lib.ResourceProviderModel)(**resolved)


def charm_class(vector: dict[str, Any], lib: ModuleType) -> type[CharmBase]:
    """A charm class of its own for this vector: one handler configured as the vector says."""
    config = vector["config"]
    endpoint = vector["relation"]["endpoint"]
    schema_path = None
    if config.get("status_schema"):
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (lives as long as the class)
            "w", suffix=".json", delete=False
        )
        json.dump({"statuses": config["status_schema"]}, handle)
        handle.close()
        schema_path = handle.name

    if vector["side"] == "peer":

        class PeerCharm(CharmBase):
            """The peer repositories are made by the step itself."""

        return PeerCharm

    if vector["side"] == "relation":

        class RelationCharm(CharmBase):
            """The relation repositories are made by the step itself."""

        return RelationCharm

    if vector["side"] == "requirer":
        handler_type = lib.ResourceRequirerEventHandler
        if config.get("relation_aliases"):
            # The reference library defines `<alias>_*` events on its handler's events class:
            # give this vector's handler an events class of its own.
            events_type = type(handler_type.on)
            fresh = type(events_type.__name__, (events_type,), {"__module__": __name__})
            handler_type = type(handler_type.__name__, (handler_type,), {"on": fresh()})

        request_type = model_class(lib, config.get("request_model"), "RequirerCommonModel")
        response_type = model_class(lib, config.get("response_model"), "ResourceProviderModel")

        class RequirerCharm(CharmBase):
            def __init__(self, framework: Any) -> None:
                super().__init__(framework)
                requests = [
                    _request_model(lib, r, request_type) for r in config.get("requests", [])
                ]
                self.handler = handler_type(
                    self,
                    endpoint,
                    requests,
                    response_model=response_type,
                    relation_aliases=config.get("relation_aliases") or None,
                )

        return RequirerCharm

    provider_request_type = model_class(lib, config.get("request_model"), "RequirerCommonModel")

    class ProviderCharm(CharmBase):
        def __init__(self, framework: Any) -> None:
            super().__init__(framework)
            kwargs: dict[str, Any] = {
                "mtls_enabled": config.get("mtls_enabled", False),
                "bulk_event": config.get("bulk_event", False),
                "status_schema_path": schema_path,
            }
            if config.get("resource_aliases"):
                kwargs["resource_aliases"] = config["resource_aliases"]
            self.handler = lib.ResourceProviderEventHandler(
                self, endpoint, provider_request_type, **kwargs
            )

    return ProviderCharm


# --- the state -------------------------------------------------------------------------------


@dataclasses.dataclass
class Setup:
    """What a vector's initial state became in ``ops.testing``."""

    ctx: testing.Context
    state: testing.State
    uris: dict[str, str]
    """Secret label (as the vector names it) → secret id."""
    initial: dict[str, testing.Secret]
    """Secret label → the secret as set up."""


def _secret_id(index: int) -> str:
    return f"secret:conformance{index:011d}"


def build(vector: dict[str, Any], lib: ModuleType) -> Setup:
    """The context and the state a vector describes."""
    local, rel = vector["local"], vector["relation"]
    role = {
        "requirer": "requires",
        "provider": "provides",
        "peer": "peers",
        "relation": "provides",
    }[vector["side"]]
    spec: dict[str, Any] = {"interface": INTERFACE}
    if vector["config"].get("limit") is not None:
        spec["limit"] = vector["config"]["limit"]
    meta = {"name": local["app"], role: {rel["endpoint"]: spec}}
    ctx = testing.Context(
        charm_class(vector, lib),
        meta=meta,
        app_name=local["app"],
        unit_id=unit_number(local["unit"]),
    )
    uris = {s["label"]: _secret_id(i) for i, s in enumerate(vector.get("secrets", []))}
    matcher = Matcher(uris, encryption_keys(vector))

    def bag(content: dict[str, str]) -> dict[str, str]:
        return {k: matcher.resolve(v) for k, v in content.items()}

    def relation_of(rel: dict[str, Any], bags: dict[str, Any]) -> testing.Relation:
        remote_units = bags.get("remote_units", {})
        return testing.Relation(
            vector["relation"]["endpoint"],
            INTERFACE,
            id=rel["id"],
            remote_app_name=rel["remote_app"],
            local_app_data=bag(bags.get("local_app", {})),
            local_unit_data=bag(bags.get("local_unit", {})),
            remote_app_data=bag(bags.get("remote_app", {})),
            remote_units_data={
                unit_number(u): bag(remote_units.get(u, {})) for u in rel["remote_units"]
            },
            remote_model_uuid=rel.get("remote_model_uuid"),
        )

    def peer_relation_of(rel: dict[str, Any], bags: dict[str, Any]) -> testing.PeerRelation:
        peers = bags.get("remote_units", {})
        return testing.PeerRelation(
            rel["endpoint"],
            INTERFACE,
            id=rel["id"],
            local_app_data=bag(bags.get("local_app", {})),
            local_unit_data=bag(bags.get("local_unit", {})),
            peers_data={unit_number(u): bag(peers.get(u, {})) for u in rel["remote_units"]},
        )

    if vector["side"] == "peer":
        relations: set[Any] = {peer_relation_of(rel, vector.get("databags", {}))}
    else:
        relations = {relation_of(rel, vector.get("databags", {}))}
    for other in vector.get("other_relations", []):
        relations.add(relation_of(other, other.get("databags", {})))
    secrets = set()
    initial = {}
    for spec_ in vector.get("secrets", []):
        secret = _secret(spec_, uris[spec_["label"]], rel["id"], rel["remote_app"])
        secrets.add(secret)
        initial[spec_["label"]] = secret
    state = testing.State(
        leader=local["leader"],
        relations=relations,
        secrets=secrets,
        model=testing.Model(name="conformance", uuid=local["model_uuid"]),
    )
    return Setup(ctx=ctx, state=state, uris=uris, initial=initial)


def encryption_keys(vector: dict[str, Any]) -> dict[str, str]:
    """Secret label → the Fernet key of a vector's secrets that hold an ``encryption-key``."""
    keys = {}
    for spec in vector.get("secrets", []):
        for content in (spec["content"], spec.get("latest_content", {})):
            if "encryption-key" in content:
                keys[spec["label"]] = content["encryption-key"]
    return keys


def _secret(spec: dict[str, Any], secret_id: str, relation_id: int, remote_app: str) -> Any:
    content = spec["content"]
    if spec["owner"] == "local_unit":  # owned by the local unit (peer unit-scope secrets)
        return testing.Secret(content, id=secret_id, owner="unit", label=spec["label"])
    if spec["owner"] == "local":
        grants = {relation_id: {remote_app}} if spec.get("granted") else {}
        secret = testing.Secret(
            content, id=secret_id, owner="app", label=spec["label"], remote_grants=grants
        )
        if spec.get("revision", 1) != 1:
            object.__setattr__(secret, "_latest_revision", spec["revision"])
            object.__setattr__(secret, "_tracked_revision", spec["revision"])
        return secret
    # A secret of the remote application: this unit sees it as a consumer, through the label
    # it attached before (if it did), tracking `content` with `latest_content` published.
    return testing.Secret(
        content,
        latest_content=spec.get("latest_content", content),
        id=secret_id,
        label=spec.get("consumer_label"),
    )


# --- running ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    """What a step did."""

    state: testing.State | None
    events: list[Any]
    error: BaseException | None
    result: Any = None
    """What a call step returned."""


def _is_library_event(event: Any) -> bool:
    return not type(event).__module__.startswith(("ops.", "scenario."))


def _hook_event(vector: dict[str, Any], setup: Setup) -> Any:
    """The ``ops.testing`` event of a hook step."""
    ctx, step = setup.ctx, vector["step"]
    relation = setup.state.get_relation(vector["relation"]["id"])
    secret = setup.initial.get(step.get("secret", ""))
    events = {
        "relation-created": lambda: ctx.on.relation_created(relation),
        "relation-changed": lambda: ctx.on.relation_changed(
            relation, remote_unit=unit_number(step["remote_unit"])
        ),
        "relation-broken": lambda: ctx.on.relation_broken(relation),
        "secret-changed": lambda: ctx.on.secret_changed(secret),
        "secret-remove": lambda: ctx.on.secret_remove(secret, revision=step["revision"]),
    }
    if step["hook"] not in events:
        raise ValueError(f"unknown hook {step['hook']}")
    return events[step["hook"]]()


def _status_arg(lib: ModuleType, status: Any) -> Any:
    """A ``raise_status`` argument: an int code, a dict, or ``{"model": {...}}`` for the class."""
    if isinstance(status, dict) and "model" in status:
        return lib.RelationStatus(**status["model"])
    return status


def _call(vector: dict[str, Any], lib: ModuleType, handler: Any, matcher: Matcher) -> Any:
    """A charm call step, made inside a hook; what the call returned."""
    call = vector["step"]
    relation_id = call.get("relation_id", vector["relation"]["id"])
    config = vector["config"]
    response_type = model_class(lib, config.get("response_model"), "ResourceProviderModel")

    def get_statuses() -> list[dict[str, Any]]:
        statuses = handler.get_statuses(relation_id)
        return [_status_record(statuses[code]) for code in sorted(statuses)]

    def relation() -> Any:
        return handler.model.get_relation(vector["relation"]["endpoint"], relation_id)

    calls = {
        "set_response": lambda: handler.set_response(
            relation_id, _response_model(lib, call["response"], matcher, response_type)
        ),
        "set_responses": lambda: handler.set_responses(
            relation_id,
            [_response_model(lib, r, matcher, response_type) for r in call["responses"]],
        ),
        "raise_status": lambda: handler.raise_status(
            relation_id, _status_arg(lib, call["status"])
        ),
        "resolve_status": lambda: handler.resolve_status(relation_id, call["code"]),
        "clear_statuses": lambda: handler.clear_statuses(relation_id),
        "get_statuses": get_statuses,
        "is_resource_created": lambda: handler.is_resource_created(
            relation_id, call["request_id"]
        ),
        "are_all_resources_created": lambda: handler.are_all_resources_created(relation_id),
        "requests": lambda: list(handler.requests(relation())),
        "responses": lambda: list(handler.responses(relation(), response_type)),
    }
    if call["call"] not in calls:
        raise ValueError(f"unknown call {call['call']}")
    return calls[call["call"]]()


def _peer_interface(vector: dict[str, Any], lib: ModuleType, charm: CharmBase) -> Any:
    """The peer repository interface of a peer step's scope, over the vector's peer model."""
    step = vector["step"]
    endpoint = vector["relation"]["endpoint"]
    spec = {"base": "PeerModel", **vector["config"].get("peer_model", {})}
    data_model = model_class(lib, spec, "PeerModel")
    if step["scope"] == "app":
        return lib.OpsPeerRepositoryInterface(charm.model, endpoint, data_model)
    if step["scope"] == "unit":
        return lib.OpsPeerUnitRepositoryInterface(charm.model, endpoint, data_model)
    unit = charm.model.get_unit(step["unit"])
    return lib.OpsOtherPeerUnitRepositoryInterface(charm.model, endpoint, unit, data_model)


def _peer_call(vector: dict[str, Any], lib: ModuleType, charm: CharmBase) -> Any:
    """A peer step, made inside a hook; what the call returned."""
    step = vector["step"]
    relation_id = vector["relation"]["id"]
    interface = _peer_interface(vector, lib, charm)
    operation = step["peer"]
    if operation == "write_model":
        return interface.write_model(relation_id, interface.model(**step["model"]))
    if operation == "read_model":
        model = interface.build_model(relation_id)
        fields = vector["config"].get("peer_model", {}).get("fields", {})
        return {name: getattr(model, name, None) for name in fields}
    repository = interface.repository(relation_id)
    field = step["field"]
    group = lib.SecretGroup(step["group"]) if "group" in step else None
    calls = {
        "write_field": lambda: repository.write_field(field, step["value"]),
        "delete_field": lambda: repository.delete_field(field),
        "get_field": lambda: repository.get_field(field),
        "write_secret_field": lambda: repository.write_secret_field(field, step["value"], group),
        "delete_secret_field": lambda: repository.delete_secret_field(field, group),
        "get_secret_field": lambda: repository.get_secret_field(field, group),
    }
    if operation not in calls:
        raise ValueError(f"unknown peer step {operation}")
    return calls[operation]()


def _relation_call(
    vector: dict[str, Any], lib: ModuleType, charm: CharmBase, matcher: Matcher
) -> Any:
    """A relation-repository step, made inside a hook; what the call returned."""
    step = vector["step"]
    endpoint, relation_id = vector["relation"]["endpoint"], vector["relation"]["id"]
    relation = charm.model.get_relation(endpoint, relation_id)
    assert relation is not None
    components: dict[str, Any] = {
        "local-app": charm.app,
        "local-unit": charm.unit,
        "remote-app": relation.app,
        "remote-unit": charm.model.get_unit(step["unit"]) if "unit" in step else None,
    }
    interface = lib.OpsRelationRepositoryInterface(charm.model, endpoint)
    repository = interface.repository(relation_id, components[step["scope"]])
    field = step.get("field", "")
    group = lib.SecretGroup(step["group"]) if "group" in step else None
    uri = matcher.resolve(step["uri"]) if "uri" in step else None
    calls = {
        "get_data": lambda: repository.get_data(),
        "get_field": lambda: repository.get_field(field),
        "get_fields": lambda: repository.get_fields(*step["fields"]),
        "write_field": lambda: repository.write_field(field, step["value"]),
        "write_fields": lambda: repository.write_fields(step["mapping"]),
        "delete_field": lambda: repository.delete_field(field),
        "delete_fields": lambda: repository.delete_fields(*step["fields"]),
        "get_secret_field": lambda: repository.get_secret_field(
            field, group, uri=uri, short_uuid=step.get("short_uuid")
        ),
        "write_secret_field": lambda: repository.write_secret_field(field, step["value"], group),
        "delete_secret_field": lambda: repository.delete_secret_field(field, group),
    }
    if step["relation"] not in calls:
        raise ValueError(f"unknown relation step {step['relation']}")
    return calls[step["relation"]]()


def run(vector: dict[str, Any], lib: ModuleType) -> tuple[Setup, Outcome]:
    """Run a vector's step; the setup and what came out."""
    setup = build(vector, lib)
    ctx, state = setup.ctx, setup.state
    is_hook = "hook" in vector["step"]
    event = _hook_event(vector, setup) if is_hook else ctx.on.update_status()
    ctx.emitted_events.clear()
    result = None
    try:
        if is_hook:
            out = ctx.run(event, state)
        else:
            with ctx(event, state) as manager:
                if "peer" in vector["step"]:
                    result = _peer_call(vector, lib, manager.charm)
                elif "relation" in vector["step"]:
                    matcher = Matcher(setup.uris, encryption_keys(vector))
                    result = _relation_call(vector, lib, manager.charm, matcher)
                else:
                    handler = manager.charm.handler  # type: ignore[attr-defined]
                    matcher = Matcher(setup.uris, encryption_keys(vector))
                    result = _call(vector, lib, handler, matcher)
                out = manager.run()
    except testing.errors.UncaughtCharmError as error:
        return setup, Outcome(state=None, events=[], error=error.__cause__ or error)
    except Exception as error:  # raised by the call itself, outside the framework
        return setup, Outcome(state=None, events=[], error=error)
    events = [e for e in ctx.emitted_events if _is_library_event(e)]
    return setup, Outcome(state=out, events=events, error=None, result=result)


# --- comparing -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "resource_name") and hasattr(value, "privileges"):
        return {
            "resource_name": value.resource_name,
            "resource_type": value.resource_type,
            "privileges": list(value.privileges),
        }
    return value


def event_record(event: Any) -> dict[str, Any]:
    """An emitted event as the vectors describe events."""
    record: dict[str, Any] = {
        "kind": event.handle.kind,
        "relation_id": event.relation.id,
        "app": event.app.name if getattr(event, "app", None) is not None else None,
        "unit": event.unit.name if getattr(event, "unit", None) is not None else None,
    }
    for attribute in ("request", "response"):
        model = getattr(event, attribute, None)
        if model is not None:
            record[attribute] = model
    if hasattr(event, "requests"):
        record["requests"] = list(event.requests)
    if hasattr(event, "old_mtls_cert"):
        record["old_mtls_cert"] = event.old_mtls_cert
    status = getattr(event, "status", None)
    if status is not None:
        record["status"] = _status_record(status)
    return record


def _status_record(status: Any) -> dict[str, Any]:
    return {"code": status.code, "message": status.message, "resolution": status.resolution}


def _model_matches(
    expected: dict[str, Any], model: Any, matcher: Matcher, where: str, problems: list[str]
) -> None:
    for field, want in expected.items():
        got = _plain(getattr(model, field, None))
        if not matcher.value_matches(want, got):
            problems.append(f"{where}.{field}: expected {want!r}, got {got!r}")


def compare(vector: dict[str, Any], setup: Setup, outcome: Outcome) -> list[str]:
    """Every way the outcome differs from the vector's expectation (empty: it conforms)."""
    expect = vector["expect"]
    problems: list[str] = []
    if "error" in expect:
        if outcome.error is None:
            problems.append(f"expected an error {expect['error']}, the step succeeded")
        return problems
    if outcome.error is not None:
        problems.append(f"unexpected error: {type(outcome.error).__name__}: {outcome.error}")
        return problems
    assert outcome.state is not None
    out = outcome.state
    matcher = Matcher(dict(setup.uris), encryption_keys(vector))
    # Secrets created in the step: their labels name them in expectations.
    for secret in out.secrets:
        if secret.owner is not None and secret.label and secret.label not in matcher.uris:
            matcher.uris[secret.label] = secret.id
            if "encryption-key" in secret.latest_content:
                matcher.keys[secret.label] = secret.latest_content["encryption-key"]

    problems.extend(_bags_problems(vector, out, matcher))
    problems.extend(_secret_problems(vector, setup, out, matcher))
    rejections = [e for e in outcome.events if e.handle.kind.endswith("_rejected")]
    events = [e for e in outcome.events if not e.handle.kind.endswith("_rejected")]
    problems.extend(_rejection_problems(vector, _with_aliases(rejections, problems)))
    problems.extend(_events_problems(vector, events, matcher))
    if "result" in vector["expect"]:
        problems.extend(_result_problems(vector["expect"]["result"], outcome.result, matcher))
    return problems


_REJECTION_KINDS = ("request_rejected", "response_rejected")


def _with_aliases(events: list[Any], problems: list[str]) -> list[tuple[Any, str | None]]:
    """The rejection events, each with its alias (``None`` when it has none).

    ``<alias>_response_rejected`` right after a rejection event is that rejection's aliased
    event (as for every aliased requirer event); an aliased event that follows none is a
    problem.
    """
    paired: list[tuple[Any, str | None]] = []
    for event in events:
        kind = event.handle.kind
        if kind in _REJECTION_KINDS:
            paired.append((event, None))
            continue
        if paired and paired[-1][1] is None:
            plain, _ = paired[-1]
            suffix = f"_{plain.handle.kind}"
            if kind.endswith(suffix) and event.request_id == plain.request_id:
                paired[-1] = (plain, kind.removesuffix(suffix))
                continue
        problems.append(f"rejections: {kind} follows no rejection of its relation and request")
    return paired


def _rejection_problems(
    vector: dict[str, Any], rejections: list[tuple[Any, str | None]]
) -> list[str]:
    """The rejection events, with their aliases, against ``expect.rejections`` (none if absent)."""
    want = vector["expect"].get("rejections", [])
    if len(want) != len(rejections):
        got = [(e.request_id, alias, str(e.error)) for e, alias in rejections]
        return [f"rejections: expected {len(want)}, got {got}"]
    problems: list[str] = []
    for index, (w, (event, alias)) in enumerate(zip(want, rejections, strict=True)):
        error = event.error
        actual = {
            "relation_id": event.relation.id,
            "request_id": event.request_id,
            "alias": alias,
        }
        for field, value in actual.items():
            if field in w and w[field] != value:
                problems.append(
                    f"rejections[{index}].{field}: expected {w[field]!r}, got {value!r}"
                )
        for field in ("kind", "relation_id", "bag", "key"):
            if field in w["error"] and w["error"][field] != getattr(error, field):
                problems.append(
                    f"rejections[{index}].error.{field}: expected {w['error'][field]!r}, "
                    f"got {getattr(error, field)!r}"
                )
        contains = w["error"].get("reason_contains")
        if contains is not None and contains not in error.reason:
            problems.append(
                f"rejections[{index}].error reason {error.reason!r} lacks {contains!r}"
            )
    return problems


def _result_problems(want: Any, got: Any, matcher: Matcher) -> list[str]:
    """A call's result: a list of models (only the listed fields checked) or a plain value."""
    if isinstance(want, list) and all(isinstance(w, dict) for w in want) and want:
        if not isinstance(got, list) or len(got) != len(want):
            return [f"result: expected {len(want)} items, got {got!r}"]
        problems: list[str] = []
        for index, (w, item) in enumerate(zip(want, got, strict=True)):
            if isinstance(item, dict):
                if not matcher.value_matches(w, item):
                    problems.append(f"result[{index}]: expected {w!r}, got {item!r}")
            else:
                _model_matches(w, item, matcher, f"result[{index}]", problems)
        return problems
    if not matcher.value_matches(want, got):
        return [f"result: expected {want!r}, got {got!r}"]
    return []


def _bags_problems(vector: dict[str, Any], out: testing.State, matcher: Matcher) -> list[str]:
    relation = out.get_relation(vector["relation"]["id"])
    if isinstance(relation, testing.PeerRelation):
        return _peer_bags_problems(vector, relation, matcher)
    actual_bags: dict[str, Any] = {
        "local_app": dict(relation.local_app_data),
        "local_unit": dict(relation.local_unit_data),
        "remote_app": dict(relation.remote_app_data),
        "remote_units": {
            f"{vector['relation']['remote_app']}/{n}": dict(b)
            for n, b in relation.remote_units_data.items()
        },
    }
    initial_bags = vector.get("databags", {})
    expected_bags = vector["expect"].get("databags", {})
    problems = []
    for name in BAGS:
        want = expected_bags.get(name, initial_bags.get(name, {}))
        if name == "remote_units":
            want = {u: want.get(u, {}) for u in vector["relation"]["remote_units"]}
        problems.extend(bag_problems(name, want, actual_bags[name], matcher))
    return problems


def _peer_bags_problems(
    vector: dict[str, Any], relation: testing.PeerRelation, matcher: Matcher
) -> list[str]:
    """A peer relation's bags: the application's, this unit's and its peers' (by unit name)."""
    app = vector["local"]["app"]
    actual: dict[str, Any] = {
        "local_app": dict(relation.local_app_data),
        "local_unit": dict(relation.local_unit_data),
        "remote_units": {f"{app}/{n}": dict(b) for n, b in relation.peers_data.items()},
    }
    initial_bags = vector.get("databags", {})
    expected_bags = vector["expect"].get("databags", {})
    problems = []
    for name, got in actual.items():
        want = expected_bags.get(name, initial_bags.get(name, {}))
        if name == "remote_units":
            want = {u: want.get(u, {}) for u in vector["relation"]["remote_units"]}
        problems.extend(bag_problems(name, want, got, matcher))
    return problems


def _events_problems(vector: dict[str, Any], events: list[Any], matcher: Matcher) -> list[str]:
    actual_events = [event_record(e) for e in events]
    expected_events = vector["expect"].get("events", [])
    kinds = [e["kind"] for e in actual_events]
    if kinds != [e["kind"] for e in expected_events]:
        return [f"events: expected {[e['kind'] for e in expected_events]}, got {kinds}"]
    problems: list[str] = []
    for index, (want, got) in enumerate(zip(expected_events, actual_events, strict=True)):
        where = f"events[{index}] {want['kind']}"
        for field, value in want.items():
            if field == "kind":
                continue
            if field in ("request", "response"):
                if field not in got:
                    problems.append(f"{where}: no {field}")
                else:
                    _model_matches(value, got[field], matcher, f"{where}.{field}", problems)
            elif field == "requests":
                models = got.get("requests", [])
                if len(models) != len(value):
                    problems.append(f"{where}.requests: {len(models)} instead of {len(value)}")
                for i, (w, m) in enumerate(zip(value, models, strict=False)):
                    _model_matches(w, m, matcher, f"{where}.requests[{i}]", problems)
            elif not matcher.value_matches(value, got.get(field)):
                problems.append(f"{where}.{field}: expected {value!r}, got {got.get(field)!r}")
    return problems


def bag_problems(
    name: str, want: dict[str, Any], got: dict[str, Any], matcher: Matcher
) -> list[str]:
    """The differences between an expected and an actual databag (or map of unit bags)."""
    problems = []
    for key in sorted(want.keys() | got.keys()):
        if key not in got:
            problems.append(f"{name}: missing key {key!r} (expected {want[key]!r})")
        elif key not in want:
            problems.append(f"{name}: unexpected key {key!r} = {got[key]!r}")
        elif isinstance(want[key], dict):
            problems.extend(bag_problems(f"{name}[{key}]", want[key], got[key], matcher))
        elif not matcher.matches(want[key], got[key]):
            problems.append(f"{name}[{key!r}]:\n  expected {want[key]}\n  actual   {got[key]}")
    return problems


def _secret_problems(
    vector: dict[str, Any], setup: Setup, out: testing.State, matcher: Matcher
) -> list[str]:
    problems = []
    relation_id = vector["relation"]["id"]
    by_id = {s.id: s for s in out.secrets}
    listed = set()
    for want in vector["expect"].get("secrets", []):
        label = want["label"]
        secret_id = matcher.uris.get(label)
        secret = by_id.get(secret_id) if secret_id else None
        where = f"secret {label}"
        if secret is None:
            if not want.get("absent"):
                problems.append(f"{where}: not found")
            continue
        listed.add(secret.id)
        if want.get("absent"):
            problems.append(f"{where}: still exists")
            continue
        problems.extend(_one_secret_problems(want, secret, setup, relation_id))
    for secret in out.secrets:
        created = secret.id not in {s.id for s in setup.state.secrets}
        if created and secret.id not in listed:
            problems.append(
                f"unexpected secret created: label {secret.label!r}, "
                f"keys {sorted(secret.latest_content)}"
            )
    return problems


def _one_secret_problems(
    want: dict[str, Any], secret: testing.Secret, setup: Setup, relation_id: int
) -> list[str]:
    where = f"secret {want['label']}"
    problems = []
    content = dict(secret.latest_content)
    if "content" in want and content != want["content"]:
        problems.append(f"{where}: content expected {want['content']}, got {content}")
    granted = relation_id in secret.remote_grants
    if "granted" in want and granted != want["granted"]:
        problems.append(f"{where}: granted expected {want['granted']}, got {granted}")
    initial = setup.initial.get(want["label"])
    added = secret._latest_revision - (initial._latest_revision if initial else 0)
    if "new_revisions" in want and added != want["new_revisions"]:
        problems.append(f"{where}: {added} new revisions instead of {want['new_revisions']}")
    if "revisions" in want and secret._latest_revision != want["revisions"]:
        problems.append(f"{where}: {secret._latest_revision} revisions, not {want['revisions']}")
    if "consumer_label" in want and secret.label != want["consumer_label"]:
        problems.append(
            f"{where}: known by the label {secret.label!r}, not {want['consumer_label']!r}"
        )
    return problems


def expected_error(vector: dict[str, Any]) -> dict[str, Any] | None:
    """The error a vector expects, if any."""
    return vector["expect"].get("error")


# --- secret hygiene --------------------------------------------------------------------------

MIN_SECRET_LEN = 6
"""Shorter values are not searched for (``True`` would match unrelated text)."""

SECRET_FIELDS = (
    "username",
    "password",
    "uris",
    "read_only_uris",
    "tls_ca",
    "entity_name",
    "entity_password",
    "mtls_cert",
)
"""The fields of the standard request and response models that live in a secret group."""


def secret_values(vector: dict[str, Any], outcome: Outcome) -> set[str]:
    """A vector's secret values (the same definition as the Rust runner's).

    The content of the secrets it seeds and of every secret after its step, the secret fields of
    its requests, responses and peer values, and the fields its models put in a secret group.
    """
    values: set[str] = set()
    for secret in vector.get("secrets", []):
        for key in ("content", "latest_content"):
            values.update(v for v in (secret.get(key) or {}).values() if isinstance(v, str))
    fields = list(SECRET_FIELDS)
    for model in ("request_model", "response_model"):
        spec = vector.get("config", {}).get(model)
        if isinstance(spec, dict):
            fields.extend(k for k, group in spec.get("fields", {}).items() if group is not None)
    step = vector["step"]
    objects = [step.get("response") or {}, *step.get("responses", [])]
    objects.extend(vector.get("config", {}).get("requests", []))
    for obj in objects:
        values.update(obj[f] for f in fields if isinstance(obj.get(f), str))
    if "peer" in step and step.get("group") is not None and isinstance(step.get("value"), str):
        values.add(step["value"])
    if outcome.state is not None:
        for secret in outcome.state.secrets:
            values.update(v for v in secret.latest_content.values() if isinstance(v, str))
    return {v for v in values if len(v) >= MIN_SECRET_LEN}


def secret_leaks(vector: dict[str, Any], setup: Setup, outcome: Outcome) -> list[str]:
    """Where a secret value of the vector shows in what the step produced.

    Scanned: the local unit's bags, the charm's log, the error's ``str`` and ``repr``, and each
    event's ``repr``.
    """
    seen: list[tuple[str, str]] = []
    if outcome.state is not None:
        for relation in outcome.state.relations:
            for where, bag in (
                ("local app bag", relation.local_app_data),
                ("local unit bag", relation.local_unit_data),
            ):
                seen.extend((f"{where} key {k}", v) for k, v in bag.items())
    seen.extend(("log", line.message) for line in setup.ctx.juju_log)
    if outcome.error is not None:
        seen.append(("error", f"{outcome.error} / {outcome.error!r}"))
    seen.extend(("event repr", repr(event)) for event in outcome.events)
    secrets = secret_values(vector, outcome)
    return [
        f"secret value {secret!r} in the {where}"
        for where, text in seen
        for secret in sorted(secrets)
        if secret in text
    ]
