"""The description of the reference library's surface, and the committed JSON file holding it.

Walks ``dpcharmlibs.interfaces``: its modules' public names (read from their source by AST),
its classes' bases, constructors, members and signatures, the instance attributes their
``__init__`` sets (also by AST), and its module-level objects. ``generate`` then checks the
instance attributes on real instances (``recipes``) before writing them down.
"""

from __future__ import annotations

import ast
import enum
import importlib
import importlib.metadata
import inspect
import json
import logging
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surface.kinds import jsonable, member_kind, name_kind, plain, secret_groups, static_lookup
from surface.layout import DISTRIBUTION, OUTPUT, REFERENCE, SUBMODULES, in_package, relative
from surface.recipes import recipe_for, verify_instances
from surface.signatures import callable_notation, function_notation, notation, unwrap

PROTOCOL_DUNDERS = (
    "__getitem__",
    "__setitem__",
    "__delitem__",
    "__iter__",
    "__len__",
    "__contains__",
    "__call__",
    "__enter__",
    "__exit__",
    "__eq__",
    "__class_getitem__",
)
"""Dunders a charm reaches through syntax (``m[k]``, ``for``, ``==``, ``Cls[T]``...)."""

IGNORED_BASES = ("builtins.object", "typing.Generic", "abc.ABC")


def qualified(cls: type) -> str:
    """``module.qualname`` of a class."""
    return f"{cls.__module__}.{cls.__qualname__}"


def is_deprecated(raw: Any) -> bool:
    """Whether a class attribute carries a PEP 702 ``__deprecated__`` marker."""
    target = getattr(raw, "__func__", raw)
    return getattr(target, "__deprecated__", None) is not None or (
        getattr(raw, "__deprecated__", None) is not None
    )


def top_level_bindings(module: types.ModuleType, package: str) -> dict[str, str]:
    """The names a module's source binds at top level: ``"defined"`` or ``"re-exported"``.

    Names imported from outside the package are left out, and so is whatever an
    ``if TYPE_CHECKING:`` block binds.
    """
    tree = ast.parse(inspect.getsource(module))
    found: dict[str, str] = {}
    outside: set[str] = set()

    def define(name: str) -> None:
        if name not in outside:  # `except ImportError: psycopg2 = None` is still psycopg2
            found[name] = "defined"

    def visit(statements: list[ast.stmt]) -> None:  # noqa: PLR0912
        for node in statements:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                define(node.name)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            define(name.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                define(node.target.id)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    outside.add(alias.asname or alias.name.split(".")[0])
                    found.pop(alias.asname or alias.name.split(".")[0], None)
            elif isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:
                    base = module.__name__.split(".")
                    if not hasattr(module, "__path__"):
                        base = base[:-1]
                    base = base[: len(base) - node.level + 1]
                    source = ".".join([*base, *([source] if source else [])])
                for alias in node.names:
                    if in_package(source, package):
                        found[alias.asname or alias.name] = "re-exported"
                    else:
                        outside.add(alias.asname or alias.name)
            elif isinstance(node, ast.If):
                test = ast.unparse(node.test)
                if test not in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(tree.body)
    return found


def public_names(module: types.ModuleType, package: str) -> dict[str, str]:
    """The public names of a module and where they come from (see the package's docstring)."""
    if hasattr(module, "__all__"):
        return dict.fromkeys(sorted(module.__all__), "exported")
    names: dict[str, str] = {}
    for name, origin in sorted(top_level_bindings(module, package).items()):
        if name.startswith("_") or not hasattr(module, name):
            continue
        value = getattr(module, name)
        if inspect.ismodule(value) or isinstance(value, logging.Logger):
            continue
        names[name] = origin
    return names


@dataclass
class Describer:
    """Walks the reference package and builds its description."""

    package: str = REFERENCE
    modules: dict[str, Any] = field(default_factory=dict)
    classes: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, Any] = field(default_factory=dict)
    homes: dict[int, str] = field(default_factory=dict)

    def key_of(self, cls: type) -> str:
        """A class's key: package-relative for the package's, ``module.qualname`` otherwise."""
        if in_package(cls.__module__, self.package):
            return f"{relative(cls.__module__, self.package)}.{cls.__qualname__}"
        return qualified(cls)

    def origin_of(self, cls: type) -> str:
        """Who defines a class: the package, pydantic, or someone else."""
        if in_package(cls.__module__, self.package):
            return "package"
        if cls.__module__.split(".")[0] == "pydantic":
            return "pydantic"
        return "external"

    def describe(self) -> dict[str, Any]:
        """The whole description, as it goes into the JSON file."""
        package = importlib.import_module(self.package)
        loaded = {"": package}
        for rel in SUBMODULES:
            loaded[rel] = importlib.import_module(f"{self.package}.{rel}")
        # Homes first: where each class, function and object is defined.
        for rel, module in loaded.items():
            for name, origin in public_names(module, self.package).items():
                value = getattr(module, name)
                if inspect.isclass(value) or inspect.isfunction(value):
                    if in_package(value.__module__, self.package):
                        self.homes[id(value)] = (
                            f"{relative(value.__module__, self.package)}.{value.__qualname__}"
                        )
                elif origin == "defined" and name_kind(value) == "object":
                    self.homes[id(value)] = f"{rel}.{name}"
        for rel, module in loaded.items():
            names = {}
            for name, origin in public_names(module, self.package).items():
                names[name] = self.describe_name(rel, name, getattr(module, name), origin)
            self.modules[rel] = {"has_all": hasattr(module, "__all__"), "names": names}
        return {
            "about": (
                "The public surface of dpcharmlibs.interfaces, generated by "
                "host-python/tools/gen_surface.py --write; do not edit."
            ),
            "reference": {
                "package": self.package,
                "version": importlib.metadata.version(DISTRIBUTION),
                "pydantic": importlib.metadata.version("pydantic"),
                "ops": importlib.metadata.version("ops"),
            },
            "modules": self.modules,
            "classes": dict(sorted(self.classes.items())),
            "objects": dict(sorted(self.objects.items())),
            "definitions": dict(sorted(self.definitions.items())),
        }

    def describe_name(self, rel: str, name: str, value: Any, origin: str) -> dict[str, Any]:
        """One module-level name."""
        kind = name_kind(value)
        entry: dict[str, Any] = {"kind": kind, "origin": origin}
        home = self.homes.get(id(value))
        if home is not None:
            entry["home"] = home
        if kind == "class" and in_package(value.__module__, self.package):
            self.describe_class(value)
        elif kind == "function" and home == f"{rel}.{name}":
            entry["signature"] = function_notation(value, name)
        elif kind == "constant":
            entry["value"] = plain(value)
        elif kind == "typevar":
            bound = value.__bound__
            # Only a bound of the package's is compared (ours cannot be bound to BaseModel).
            if inspect.isclass(bound) and in_package(bound.__module__, self.package):
                entry["bound"] = bound.__name__
        elif kind == "alias":
            entry["groups"] = secret_groups(value)
        elif kind == "object":
            entry["type"] = qualified(type(value))
            if home == f"{rel}.{name}":
                self.describe_object(home, value)
        return entry

    def describe_object(self, key: str, value: Any) -> None:
        """A module-level object (a pydantic ``TypeAdapter``): its type's public methods."""
        members = {}
        for name in sorted({n for k in type(value).__mro__ for n in vars(k)}):
            if name.startswith("_"):
                continue
            if static_lookup(type(value), name) is None:
                continue
            bound = getattr(value, name)
            if callable(bound):
                try:
                    signature = notation(inspect.signature(bound), bound=False)
                except (TypeError, ValueError):
                    signature = None
                members[name] = {"kind": "callable", "signature": signature}
            else:
                members[name] = {"kind": "attribute"}
        self.objects[key] = {"type": qualified(type(value)), "members": members}

    def member_names(self, cls: type) -> list[str]:
        """The member names of a class that are part of the surface."""
        names: set[str] = set()
        for klass in cls.__mro__:
            if klass is object:
                continue
            names.update(n for n in vars(klass) if not n.startswith("_"))
        for dunder in PROTOCOL_DUNDERS:
            found = static_lookup(cls, dunder)
            if found is None:
                continue
            if dunder == "__class_getitem__" and not type_parameters(cls):
                continue
            names.add(dunder)
        kept = []
        for name in sorted(names):
            _, owner = static_lookup(cls, name)  # type: ignore[misc]
            # What a builtin base (tuple, dict, Exception) or the standard library (Enum)
            # gives is covered by the issubclass case of that base, and varies with Python.
            if owner.__module__ in ("builtins", "enum"):
                continue
            kept.append(name)
        return kept

    def describe_class(self, cls: type) -> None:
        """A class of the package: bases, constructor, members, instance attributes."""
        key = self.key_of(cls)
        if key in self.classes:
            return
        self.classes[key] = {}  # against recursion through bases
        for base in cls.__mro__[1:]:
            if in_package(base.__module__, self.package):
                self.describe_class(base)
        entry: dict[str, Any] = {
            "bases": [
                self.key_of(base)
                for base in cls.__mro__[1:]
                if qualified(base) not in IGNORED_BASES and self.origin_of(base) != "pydantic"
            ],
            "type_parameters": type_parameters(cls),
            "abstract": inspect.isabstract(cls),
            "signature": self.constructor(cls),
            "members": {},
            "instance_attributes": self.instance_attributes(cls),
        }
        for name in self.member_names(cls):
            entry["members"][name] = self.describe_member(cls, name)
        if entry["instance_attributes"] and not entry["abstract"]:
            recipe = recipe_for(key, cls)
            if recipe is None:
                raise SystemExit(f"{key}: no recipe to build an instance; add one to RECIPES")
            entry["recipe"] = recipe
        self.classes[key] = entry

    def constructor(self, cls: type) -> list[str] | None:
        """The constructor's notation, when the package or pydantic defines it."""
        if issubclass(cls, enum.Enum):
            return None
        owners = [static_lookup(cls, n) for n in ("__init__", "__new__")]
        if not any(o is not None and self.origin_of(o[1]) != "external" for o in owners):
            return None
        try:
            return notation(inspect.signature(cls), bound=False)
        except (TypeError, ValueError):
            return None

    def describe_member(self, cls: type, name: str) -> str:
        """A member of a class, as a reference into ``definitions``."""
        raw, owner = static_lookup(cls, name)  # type: ignore[misc]
        origin = self.origin_of(owner)
        key = f"{self.key_of(owner)}.{name}"
        if key in self.definitions:
            return key
        if name in PROTOCOL_DUNDERS:
            if name == "__eq__" and owner is object:
                return key
            self.definitions[key] = {"kind": "protocol", "origin": origin}
            return key
        kind = member_kind(raw, cls, name)
        entry: dict[str, Any] = {"kind": kind, "origin": origin}
        if is_deprecated(raw):
            entry["deprecated"] = True
        if origin != "external":
            if kind in ("method", "classmethod", "staticmethod"):
                entry["signature"] = callable_notation(raw, name)
            elif kind == "attribute" and origin == "package" and name != "model_config":
                # (pydantic writes a `model_config` into every model class: its configuration,
                # not a value a charm relies on.)
                self.describe_attribute(raw, entry)
            elif kind == "enum-member" and jsonable(raw.value):
                entry["value"] = plain(raw.value)
        self.definitions[key] = entry
        return key

    def describe_attribute(self, raw: Any, entry: dict[str, Any]) -> None:
        """What a class attribute holds: an event source's event, a value, a package object."""
        event_type = getattr(raw, "event_type", None)
        if type(raw).__name__ == "EventSource" and inspect.isclass(event_type):
            entry["event_type"] = event_type.__name__
        elif jsonable(raw):
            entry["value"] = plain(raw)
        elif in_package(type(raw).__module__, self.package):
            entry["value_type"] = type(raw).__name__

    def instance_attributes(self, cls: type) -> dict[str, Any]:
        """``self.X = ...`` in the ``__init__`` of the class and its bases, and model fields."""
        found: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            init = vars(klass).get("__init__")
            if not inspect.isfunction(init) or self.origin_of(klass) == "pydantic":
                continue
            try:
                source = textwrap.dedent(inspect.getsource(unwrap(init, "__init__")))
            except (OSError, TypeError):
                continue
            function = ast.parse(source).body[0]
            if not isinstance(function, ast.FunctionDef) or not function.args.args:
                continue
            this = function.args.args[0].arg
            for node in ast.walk(function):
                targets: list[ast.expr] = []
                if isinstance(node, ast.Assign):
                    targets = [t for target in node.targets for t in ast.walk(target)]
                elif isinstance(node, ast.AnnAssign):
                    targets = [node.target]
                for target in targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == this
                        and not target.attr.startswith("_")
                    ):
                        found[target.attr] = {"set_in": f"{self.key_of(klass)}.__init__"}
        fields = getattr(cls, "__pydantic_fields__", None)
        if isinstance(fields, dict):
            for name, info in fields.items():
                found[name] = {"set_in": "pydantic field", "alias": info.alias}
        return dict(sorted(found.items()))


def type_parameters(cls: type) -> int:
    """How many type parameters a class takes (``Cls[T]``)."""
    metadata = getattr(cls, "__pydantic_generic_metadata__", None)
    if isinstance(metadata, dict) and "parameters" in metadata:
        return len(metadata["parameters"])
    return len(getattr(cls, "__parameters__", ()) or ())


def generate() -> str:
    """The JSON text of the reference's surface."""
    description = Describer().describe()
    verify_instances(description)
    return json.dumps(description, indent=1, sort_keys=False) + "\n"


def load_reference(path: Path = OUTPUT) -> dict[str, Any]:
    """The committed description."""
    return json.loads(path.read_text())
