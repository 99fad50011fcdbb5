"""The cases: one per item of the description, each with the check of ours against it.

A case is named by the path a charm would use with ours (``import ...``, ``pkg.mod.Name``,
``issubclass(...)``, ``pkg.mod.Cls.member``, ``pkg.mod.Cls()``, ``pkg.mod.Cls().attribute``);
its check returns ``None`` when ours offers the item, else what is wrong.
"""

from __future__ import annotations

import enum
import importlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from surface.kinds import (
    COMPATIBLE_KINDS,
    jsonable,
    member_kind,
    name_kind,
    plain,
    secret_groups,
    static_lookup,
)
from surface.layout import OURS, dotted, module_path, split_key
from surface.ours import Ours
from surface.signatures import callable_notation, function_notation, incompatibilities, notation


@dataclass(frozen=True)
class Case:
    """One item of the surface: its id (a dotted path of ours), category and check."""

    id: str
    category: str
    check: Callable[[Ours], str | None]


def check_module(rel: str) -> Callable[[Ours], str | None]:
    """The module imports."""

    def check(ours: Ours) -> str | None:
        if ours.module(rel) is None:
            return f"cannot be imported ({ours.modules[rel]})"
        return None

    return check


def check_name(rel: str, name: str, entry: dict[str, Any]) -> Callable[[Ours], str | None]:
    """A module-level name: present, of the same kind and value, the same object as at home."""

    def check(ours: Ours) -> str | None:  # noqa: PLR0911
        module = ours.module(rel)
        if module is None:
            return f"its module cannot be imported ({ours.modules[rel]})"
        if not hasattr(module, name):
            return "missing"
        value = getattr(module, name)
        kind = entry["kind"]
        mine = name_kind(value)
        if kind in ("class", "typevar", "newtype") and mine != kind:
            return f"is a {mine} ({type(value).__name__}), the library's is a {kind}"
        if kind == "function" and not callable(value):
            return f"is not callable ({type(value).__name__}), the library's is a function"
        if kind == "constant" and (not jsonable(value) or plain(value) != entry["value"]):
            return f"is {value!r}, the library's is {entry['value']!r}"
        if kind == "typevar" and "bound" in entry:
            bound = value.__bound__
            bound_name = getattr(bound, "__name__", None) if bound is not None else None
            if bound_name != entry["bound"]:
                return f"is bound to {bound_name}, the library's TypeVar to {entry['bound']}"
        if kind == "alias" and secret_groups(value) != entry["groups"]:
            return f"names secret group(s) {secret_groups(value)}, the library's {entry['groups']}"
        home = entry.get("home")
        if home and home != f"{rel}.{name}":
            found, at_home, _ = ours.resolve(home)
            if found and at_home is not value:
                return f"is not the same object as {dotted(ours.package, home)}"
        return None

    return check


def resolve_class(ours: Ours, key: str) -> tuple[type | None, str | None]:
    """Our class for a reference class key, or why there is none."""
    found, cls, _ = ours.resolve(key)
    if not found:
        return None, "the class is missing"
    if not inspect.isclass(cls):
        return None, f"is not a class ({type(cls).__name__})"
    return cls, None


def external_class(name: str) -> type | None:
    """A class outside the package, from ``module.qualname``."""
    module_name, _, qualname = name.rpartition(".")
    while module_name:
        try:
            obj: Any = importlib.import_module(module_name)
        except ImportError:
            module_name, _, head = module_name.rpartition(".")
            qualname = f"{head}.{qualname}"
            continue
        for part in qualname.split("."):
            obj = getattr(obj, part, None)
        return obj if inspect.isclass(obj) else None
    return None


def check_base(key: str, base: str, package_base: bool) -> Callable[[Ours], str | None]:
    """``issubclass(ours, base)``."""

    def check(ours: Ours) -> str | None:
        cls, why = resolve_class(ours, key)
        if cls is None:
            return why
        if package_base:
            other, why = resolve_class(ours, base)
            if other is None:
                return f"the base {dotted(ours.package, base)}: {why}"
        else:
            other = external_class(base)
            if other is None:
                return f"{base} cannot be imported"
        if not issubclass(cls, other):
            return "is not a subclass"
        return None

    return check


def check_member(key: str, name: str, entry: dict[str, Any]) -> Callable[[Ours], str | None]:
    """A class member: present; for the package's and pydantic's, same kind and value."""

    def check(ours: Ours) -> str | None:  # noqa: PLR0911, PLR0912
        cls, why = resolve_class(ours, key)
        if cls is None:
            return why
        found = static_lookup(cls, name)
        if found is None or (name == "__eq__" and found[1] is object):
            if entry["kind"] == "property":
                result = ours.probes().get(key)
                if result and not result.error and result.attributes.get(name) is None:
                    return None  # ours sets it on the instance: a charm cannot tell
            return "missing"
        if entry["kind"] == "protocol" or entry["origin"] == "external":
            return None
        raw, owner = found
        # A property of the metaclass gives its value on the class: a class-property.
        kind = "class-property" if issubclass(owner, type) else member_kind(raw, cls, name)
        if kind not in COMPATIBLE_KINDS.get(entry["kind"], {entry["kind"]}):
            return f"is a {kind}, the library's is a {entry['kind']}"
        if "value" in entry:
            try:
                value = getattr(cls, name)
            except Exception as e:
                return f"reading it on the class raises {type(e).__name__}: {e}"
            if isinstance(value, enum.Enum):
                value = value.value
            if not jsonable(value) or plain(value) != entry["value"]:
                return f"is {value!r}, the library's is {entry['value']!r}"
        if "event_type" in entry:
            event_type = getattr(getattr(raw, "event_type", None), "__name__", None)
            if type(raw).__name__ != "EventSource" or event_type != entry["event_type"]:
                return f"is not an EventSource of {entry['event_type']} ({raw!r})"
        if "value_type" in entry and type(raw).__name__ != entry["value_type"]:
            return f"is a {type(raw).__name__}, the library's a {entry['value_type']}"
        return None

    return check


def check_signature(
    target: Callable[[Ours], tuple[list[str] | None, str | None]], reference: list[str]
) -> Callable[[Ours], str | None]:
    """A callable of ours accepts every call the library's accepts."""

    def check(ours: Ours) -> str | None:
        signature, why = target(ours)
        if signature is None:
            return why
        problems = incompatibilities(reference, signature)
        if problems:
            return "; ".join(problems) + f" (library: ({', '.join(reference)}))"
        return None

    return check


def function_target(home: str) -> Callable[[Ours], tuple[list[str] | None, str | None]]:
    """A module-level function's signature."""

    def target(ours: Ours) -> tuple[list[str] | None, str | None]:
        found, value, _ = ours.resolve(home)
        if not found:
            return None, "missing"
        signature = function_notation(value, split_key(home)[1])
        return (signature, None) if signature is not None else (None, "has no signature")

    return target


def constructor_target(key: str) -> Callable[[Ours], tuple[list[str] | None, str | None]]:
    """A class's constructor signature."""

    def target(ours: Ours) -> tuple[list[str] | None, str | None]:
        cls, why = resolve_class(ours, key)
        if cls is None:
            return None, why
        try:
            return notation(inspect.signature(cls), bound=False), None
        except (TypeError, ValueError) as e:
            return None, f"has no signature ({e})"

    return target


def method_target(key: str, name: str) -> Callable[[Ours], tuple[list[str] | None, str | None]]:
    """A method's signature, without ``self``/``cls``."""

    def target(ours: Ours) -> tuple[list[str] | None, str | None]:
        cls, why = resolve_class(ours, key)
        if cls is None:
            return None, why
        found = static_lookup(cls, name)
        if found is None:
            return None, "missing"
        signature = callable_notation(found[0], name)
        return (signature, None) if signature is not None else (None, "has no signature")

    return target


def object_member_target(
    home: str, name: str
) -> Callable[[Ours], tuple[list[str] | None, str | None]]:
    """The signature of a method of a module-level object, as bound to it."""

    def target(ours: Ours) -> tuple[list[str] | None, str | None]:
        found, value, _ = ours.resolve(home)
        if not found:
            return None, "the object is missing"
        member = getattr(value, name, None)
        if member is None or not callable(member):
            return None, "missing"
        try:
            return notation(inspect.signature(member), bound=False), None
        except (TypeError, ValueError) as e:
            return None, f"has no signature ({e})"

    return target


def check_object_member(
    home: str, name: str, entry: dict[str, Any]
) -> Callable[[Ours], str | None]:
    """A public member of a module-level object (a ``TypeAdapter``'s method)."""

    def check(ours: Ours) -> str | None:
        found, value, _ = ours.resolve(home)
        if not found:
            return "the object is missing"
        if not hasattr(value, name):
            return "missing"
        if entry["kind"] == "callable" and not callable(getattr(value, name)):
            return "is not callable"
        return None

    return check


def check_instance(key: str, name: str) -> Callable[[Ours], str | None]:
    """An attribute the library's ``__init__`` sets is on our instance too."""

    def check(ours: Ours) -> str | None:
        result = ours.probes().get(key)
        if result is None:
            return "no instance was built"
        if result.error:
            return f"could not build an instance the library's way: {result.error}"
        return result.attributes.get(name, "not read")

    return check


def name_cases(reference: dict[str, Any], package: str) -> Iterator[Case]:
    """The modules, and the names of each module (with a function's signature at its home)."""
    for rel in reference["modules"]:
        if rel:
            yield Case(f"import {module_path(package, rel)}", "module", check_module(rel))
    for rel, module in reference["modules"].items():
        for name, entry in module["names"].items():
            path = f"{module_path(package, rel)}.{name}"
            yield Case(path, "name", check_name(rel, name, entry))
            if entry.get("signature") is not None:
                signature = check_signature(function_target(f"{rel}.{name}"), entry["signature"])
                yield Case(f"{path}()", "signature", signature)


def class_cases(reference: dict[str, Any], package: str) -> Iterator[Case]:
    """Each class's bases, constructor, members (and their signatures), instance attributes."""
    definitions = reference["definitions"]
    for key, entry in reference["classes"].items():
        path = dotted(package, key)
        for base in entry["bases"]:
            package_base = base in reference["classes"]
            shown = dotted(package, base) if package_base else base
            check = check_base(key, base, package_base)
            yield Case(f"issubclass({path}, {shown})", "hierarchy", check)
        if entry["signature"] is not None:
            check = check_signature(constructor_target(key), entry["signature"])
            yield Case(f"{path}()", "signature", check)
        for name, definition in entry["members"].items():
            member = definitions[definition]
            yield Case(f"{path}.{name}", "member", check_member(key, name, member))
            if member.get("signature") is not None:
                check = check_signature(method_target(key, name), member["signature"])
                yield Case(f"{path}.{name}()", "signature", check)
        if entry.get("recipe"):
            for name in entry["instance_attributes"]:
                yield Case(f"{path}().{name}", "instance", check_instance(key, name))


def object_cases(reference: dict[str, Any], package: str) -> Iterator[Case]:
    """The members of module-level objects (pydantic's ``TypeAdapter``) and their signatures."""
    for home, entry in reference["objects"].items():
        path = dotted(package, home)
        for name, member in entry["members"].items():
            yield Case(f"{path}.{name}", "member", check_object_member(home, name, member))
            if member.get("signature") is not None:
                check = check_signature(object_member_target(home, name), member["signature"])
                yield Case(f"{path}.{name}()", "signature", check)


def cases(reference: dict[str, Any], package: str = OURS) -> list[Case]:
    """Every item of the surface, one case each, in a stable order."""
    found = [
        *name_cases(reference, package),
        *class_cases(reference, package),
        *object_cases(reference, package),
    ]
    ids = [case.id for case in found]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate case ids: {sorted(duplicates)}")
    return found
