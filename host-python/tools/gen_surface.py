"""The public surface of ``dpcharmlibs.interfaces`` 1.2.2, and the check that ours offers it.

``data_interfaces_wasm`` is a drop-in replacement: a charm switches by changing only its import
line. This tool describes what such a charm can reach in the real package, attribute by
attribute, into ``tests/python/surface_reference.json`` (committed, so the test does not
depend on how the reference happens to import), and checks ``data_interfaces_wasm`` against
that description. ``tests/python/test_surface.py`` runs one case per item; the accepted gaps,
each with its reason, are in ``tests/python/surface_exceptions.toml``::

    .venv/bin/python host-python/tools/gen_surface.py --write  # regenerate the description
    .venv/bin/python host-python/tools/gen_surface.py --check  # fail if it is not current
    .venv/bin/python host-python/tools/gen_surface.py --gaps   # list what ours lacks today

Describe the reference in a fresh interpreter: a handler built with ``relation_aliases``
defines its aliased events on the library's ``ResourceRequiresEvents`` class itself, so a
process that has run charms describes more than the package offers. The test runs ``--check``
in a subprocess for that reason.

What the surface is
-------------------

**Modules.** The package and each of its submodules (``diff``, ``errors``, ``events``,
``handlers``, ``models``, ``repository``, ``repository_interfaces``, ``secrets``, ``types``,
``utils``) must import under ``data_interfaces_wasm`` with the same dotted path.

**Names of a module.** A module with ``__all__`` (the package itself) offers exactly its
``__all__``. Any other module offers every name its own source binds at top level (``class``,
``def``, assignments, ``from ... import``; what an ``if TYPE_CHECKING:`` block imports is not
bound at run time and does not count) that:

* has no leading underscore;
* is defined in that module, or imported there from another module *of the package* (an
  intra-package re-export such as ``models.SecretGroup``, which the library itself imports
  from ``models``: ``from ...interfaces.models import X`` works, so a drop-in must accept it);
* is not a module, not a name imported from outside the package (stdlib, ``typing``,
  ``typing_extensions``, ``ops``, ``pydantic``, ``cryptography``: those are the charm's own
  imports to make), and not the module's ``logging.Logger`` (a log channel, not API).

This keeps TypeVars (``TCommon``, ``TRepository``), constants (``STATUS_FIELD``,
``RESOURCE_ALIASES``, ``SECRET_PREFIX``, ``MODEL_ERRORS``), type aliases and the pydantic
``TypeAdapter`` objects (``DataContract``). Each name is checked for its kind (class,
function, TypeVar and its bound's name, NewType, type alias and the secret group of an
``Annotated`` alias, object), for a constant's JSON value, and for a class, function or object
re-exported from its home module, for being the very same object as at its home (so
``isinstance`` across import paths agrees).

**Classes.** For each class defined in the package (checked once, at its home module):

* its bases: ``issubclass`` must hold for every package base and every external base in its
  MRO except ``object``, ``typing.Generic``, ``abc.ABC`` and pydantic's classes (the pydantic
  API is offered without pydantic, so ``BaseModel`` itself cannot be a base);
* its constructor's signature, when ``__init__``/``__new__`` come from the package or from
  pydantic (not for enums, exceptions, ``TypedDict`` or ``ObjectEvents`` constructors);
* every member: the union of the public names in the ``__dict__`` of each class of its MRO
  except ``object`` (a class-level ``dir()`` without the metaclass), plus the protocol dunders
  a charm uses through syntax (``__getitem__``, ``__setitem__``, ``__delitem__``,
  ``__iter__``, ``__len__``, ``__contains__``, ``__call__``, ``__enter__``, ``__exit__``;
  ``__eq__`` when it is not ``object``'s; ``__class_getitem__`` when the class has type
  parameters). Members defined in the package or in pydantic (``model_dump``,
  ``model_validate``, ``model_fields``, ``model_copy``, ... and ``TypeAdapter``'s methods) are
  checked for their kind (method, classmethod, staticmethod, property, class-property,
  attribute, enum member), a constant class attribute's value, an ``EventSource``'s event class
  and, for callables, the signature. Members inherited from ``ops`` (``ops.Object``,
  ``EventBase``, ``CharmEvents``...) and the protocol dunders are only checked for presence:
  they count when the real class has them and ours does not. Members deprecated with a PEP 702
  ``__deprecated__`` marker (pydantic's V1 API: ``dict``, ``json``, ``parse_obj``, ``copy``,
  ...) count too, marked ``"deprecated"`` in the description: they still work, and real charms
  call them (``EntityPermissionModel.dict()``). Not listed as members: what a builtin base
  (``tuple``, ``dict``, ``Exception``) or ``Enum`` gives (the ``issubclass`` case of that base
  covers it, and it varies with the Python version);
* its instance attributes: every public ``self.X = ...`` in the ``__init__`` of the class and of
  each base with Python source (the package's and ``ops``'), and a pydantic model's fields.
  Annotation-only declarations (``EventHandlers.component: ...``) do not count by themselves:
  the subclasses that set them do. They are checked on a real instance of ours, built the way
  the library's is (``RECIPES``) in an ``ops.testing`` (Scenario) context; the generator builds
  the library's the same way and fails if an attribute it found is not on the real instance.
  Abstract classes are not instantiated: their concrete subclasses carry their attributes.

**Signatures** are compared for compatibility: ours must accept every call the library's
accepts. Each positional parameter must be accepted at the same position (with the same name
when it can also be passed by keyword), each keyword must be accepted (by name or by
``**kwargs``), a parameter with a default must keep one, ``*args``/``**kwargs`` must stay, and
an extra parameter of ours must be optional. Parameters whose name starts with an underscore
(pydantic's ``_parent_namespace_depth``) are private and not required. A method is compared
without its ``self``/``cls``; a method that a decorator wraps without ``functools.wraps`` (the
library's ``ensure_leader_for_app``) is compared as the function it wraps.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import enum
import fnmatch
import importlib
import importlib.metadata
import inspect
import json
import logging
import sys
import textwrap
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest's own dependency
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "python" / "surface_reference.json"
EXCEPTIONS = ROOT / "tests" / "python" / "surface_exceptions.toml"

REFERENCE = "dpcharmlibs.interfaces"
DISTRIBUTION = "dpcharmlibs-interfaces"
OURS = "data_interfaces_wasm"
SUBMODULES = (
    "diff",
    "errors",
    "events",
    "handlers",
    "models",
    "repository",
    "repository_interfaces",
    "secrets",
    "types",
    "utils",
)

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

CATEGORIES = {
    "module": "missing modules",
    "name": "missing names (or wrong kind, value, identity)",
    "hierarchy": "missing base classes",
    "member": "missing attributes (or wrong kind, value)",
    "signature": "signature mismatches",
    "instance": "missing instance attributes",
}

# --------------------------------------------------------------------------------------------
# Small helpers shared by the description and the check.
# --------------------------------------------------------------------------------------------


def module_path(package: str, rel: str) -> str:
    """The dotted name of a module given relative to the package (``""`` is the package)."""
    return f"{package}.{rel}" if rel else package


def dotted(package: str, key: str) -> str:
    """A package-relative key (``"models.RequirerCommonModel"``, ``".Diff"``) as a path."""
    return f"{package}{key}" if key.startswith(".") else f"{package}.{key}"


def split_key(key: str) -> tuple[str, str]:
    """``"models.RequirerCommonModel"`` -> ``("models", "RequirerCommonModel")``."""
    rel, _, name = key.rpartition(".")
    return rel, name


def jsonable(value: Any) -> bool:
    """Whether a value is plain data that JSON keeps as it is (tuples become lists)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return not isinstance(value, enum.Enum)
    if isinstance(value, (list, tuple)):
        return all(jsonable(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and jsonable(v) for k, v in value.items())
    return False


def plain(value: Any) -> Any:
    """A JSON-able value as JSON gives it back (tuples as lists)."""
    return json.loads(json.dumps(value))


def unwrap(function: Any, name: str) -> Any:
    """The function a decorator wraps: ``__wrapped__``, else the closure's function ``name``."""
    seen = 0
    while seen < 10:
        seen += 1
        wrapped = getattr(function, "__wrapped__", None)
        if wrapped is not None:
            function = wrapped
            continue
        closure = getattr(function, "__closure__", None) or ()
        if getattr(function, "__name__", name) != name and closure:
            inner = []
            for cell in closure:
                with contextlib.suppress(ValueError):
                    content = cell.cell_contents
                    if inspect.isfunction(content) and content.__name__ == name:
                        inner.append(content)
            if len(inner) == 1:
                function = inner[0]
                continue
        break
    return function


def qualified(cls: type) -> str:
    """``module.qualname`` of a class."""
    return f"{cls.__module__}.{cls.__qualname__}"


def is_deprecated(raw: Any) -> bool:
    """Whether a class attribute carries a PEP 702 ``__deprecated__`` marker."""
    target = getattr(raw, "__func__", raw)
    return getattr(target, "__deprecated__", None) is not None or (
        getattr(raw, "__deprecated__", None) is not None
    )


def static_lookup(cls: type, name: str) -> tuple[Any, type] | None:
    """The raw attribute ``name`` of ``cls`` and the class that defines it, without calling it.

    Walks the MRO's ``__dict__`` (not ``object``'s), then the metaclass's (a class-level
    property defined on a metaclass counts).
    """
    for klass in cls.__mro__:
        if klass is object:
            continue
        if name in vars(klass):
            return vars(klass)[name], klass
    for klass in type(cls).__mro__:
        if klass in (type, object):
            continue
        raw = vars(klass).get(name)
        if isinstance(raw, property):
            return raw, klass
    return None


def member_kind(raw: Any, cls: type, name: str) -> str:  # noqa: PLR0911
    """What a raw class attribute is, seen from a charm."""
    if isinstance(raw, enum.Enum):
        return "enum-member"
    if isinstance(raw, staticmethod):
        return "staticmethod"
    if isinstance(raw, classmethod):
        return "class-property" if isinstance(raw.__func__, property) else "classmethod"
    if inspect.isfunction(raw) or (inspect.ismethoddescriptor(raw) and callable(raw)):
        return "method"
    if isinstance(raw, (property, types.DynamicClassAttribute)) or (
        type(raw).__name__ == "cached_property"
    ):
        return "property"
    descriptor = type(raw)
    if hasattr(descriptor, "__get__") and not callable(raw):
        if hasattr(descriptor, "__set__") or hasattr(descriptor, "__delete__"):
            return "property"
        # A non-data descriptor: one that gives a value on the class too is a class-property
        # (pydantic's `model_fields`); one that gives itself (ops' `EventSource`, the
        # `on` of a handler) is an attribute bound per instance.
        try:
            value = getattr(cls, name)
        except Exception:
            return "property"
        return "attribute" if value is raw else "class-property"
    return "attribute"


# Kinds of ours that a charm cannot tell from the library's kind.
COMPATIBLE_KINDS = {
    "method": {"method"},
    "classmethod": {"classmethod"},
    "staticmethod": {"staticmethod"},
    "property": {"property", "class-property"},
    "class-property": {"class-property", "attribute"},
    "attribute": {"attribute", "class-property"},
    "enum-member": {"enum-member"},
}

# --------------------------------------------------------------------------------------------
# Signatures: a Python-like notation in the JSON, and the compatibility rule.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of a signature."""

    name: str
    kind: inspect._ParameterKind
    optional: bool


def notation(signature: inspect.Signature, *, bound: bool) -> list[str]:
    """A signature as a list of Python-like items: ``a``, ``b=``, ``/``, ``*``, ``*args``."""
    params = list(signature.parameters.values())
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if bound and params and params[0].kind in positional:
        params = params[1:]
    items: list[str] = []
    star = False
    for i, param in enumerate(params):
        if param.kind is param.VAR_POSITIONAL:
            items.append(f"*{param.name}")
            star = True
        elif param.kind is param.VAR_KEYWORD:
            items.append(f"**{param.name}")
        else:
            if param.kind is param.KEYWORD_ONLY and not star:
                items.append("*")
                star = True
            items.append(param.name + ("=" if param.default is not param.empty else ""))
        following = params[i + 1] if i + 1 < len(params) else None
        if param.kind is param.POSITIONAL_ONLY and (
            following is None or following.kind is not param.POSITIONAL_ONLY
        ):
            items.append("/")
    return items


def parse_notation(items: list[str]) -> list[Param]:
    """The parameters a notation describes."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params: list[Param] = []
    if "/" in items:
        kind = inspect.Parameter.POSITIONAL_ONLY
    for item in items:
        if item == "/":
            kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        elif item == "*":
            kind = inspect.Parameter.KEYWORD_ONLY
        elif item.startswith("**"):
            params.append(Param(item[2:], inspect.Parameter.VAR_KEYWORD, True))
        elif item.startswith("*"):
            params.append(Param(item[1:], inspect.Parameter.VAR_POSITIONAL, True))
            kind = inspect.Parameter.KEYWORD_ONLY
        else:
            params.append(Param(item.rstrip("="), kind, item.endswith("=")))
    return params


def incompatibilities(reference: list[str], ours: list[str]) -> list[str]:  # noqa: PLR0912
    """Why a call the library's signature accepts would fail on ours (empty: none)."""
    real = [p for p in parse_notation(reference) if not p.name.startswith("_")]
    mine = parse_notation(ours)
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    by_name = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    mine_positional = [p for p in mine if p.kind in positional]
    mine_named = {p.name: p for p in mine if p.kind in by_name}
    var_positional = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in mine)
    var_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in mine)
    problems: list[str] = []
    matched: set[str] = set()
    for i, param in enumerate(p for p in real if p.kind in positional):
        if i < len(mine_positional):
            other = mine_positional[i]
            matched.add(other.name)
            if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and other.name != param.name:
                problems.append(
                    f"positional parameter {i + 1} is {other.name!r}, the library's is "
                    f"{param.name!r}"
                )
            elif param.optional and not other.optional:
                problems.append(f"{param.name!r} must be optional")
        elif not var_positional:
            problems.append(f"does not accept {param.name!r} as positional parameter {i + 1}")
    for param in real:
        if param.kind not in by_name:
            continue
        other = mine_named.get(param.name)
        if other is not None:
            matched.add(other.name)
            if param.optional and not other.optional and param.kind not in positional:
                problems.append(f"{param.name!r} must be optional")
        elif not var_keyword:
            problems.append(f"does not accept the keyword {param.name!r}")
    kinds = {p.kind for p in real}
    if inspect.Parameter.VAR_POSITIONAL in kinds and not var_positional:
        problems.append("does not accept extra positional arguments (*args)")
    if inspect.Parameter.VAR_KEYWORD in kinds and not var_keyword:
        problems.append("does not accept extra keyword arguments (**kwargs)")
    for param in mine:
        named = param.kind in (*positional, inspect.Parameter.KEYWORD_ONLY)
        if named and not param.optional and param.name not in matched:
            problems.append(f"requires {param.name!r}, which the library does not")
    return list(dict.fromkeys(problems))


def callable_notation(raw: Any, name: str) -> list[str] | None:
    """The notation of a raw class attribute that is a callable (``None`` if it has none)."""
    bound = True
    if isinstance(raw, staticmethod):
        target, bound = raw.__func__, False
    elif isinstance(raw, classmethod):
        target = raw.__func__
    else:
        target = raw
    try:
        signature = inspect.signature(unwrap(target, name))
    except (TypeError, ValueError):
        return None
    return notation(signature, bound=bound)


def function_notation(function: Any, name: str) -> list[str] | None:
    """The notation of a module-level callable."""
    try:
        return notation(inspect.signature(unwrap(function, name)), bound=False)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# The description of the reference.
# --------------------------------------------------------------------------------------------


def in_package(obj_module: str | None, package: str) -> bool:
    """Whether a ``__module__`` belongs to the package."""
    return bool(obj_module) and (obj_module == package or obj_module.startswith(package + "."))


def relative(obj_module: str, package: str) -> str:
    """A package module's name relative to the package."""
    return obj_module[len(package) + 1 :] if obj_module != package else ""


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
    """The public names of a module and where they come from (see the module's docstring)."""
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


def is_type_form(value: Any) -> bool:
    """Whether a value is a typing construct used as an annotation (an alias)."""
    if typing.get_origin(value) is not None or isinstance(value, types.UnionType):
        return True
    if type(value).__name__ == "TypeAliasType":
        return True
    return (
        isinstance(value, tuple)
        and bool(value)
        and all(is_type_form(item) or isinstance(item, type) for item in value)
    )


def secret_groups(value: Any) -> list[str]:
    """The string metadata of an ``Annotated`` alias (a secret field's group)."""
    if typing.get_origin(value) is typing.Annotated:
        return [m for m in value.__metadata__ if isinstance(m, str)]
    return []


def name_kind(value: Any) -> str:  # noqa: PLR0911
    """The kind of a module-level name."""
    if inspect.isclass(value):
        return "class"
    if isinstance(value, typing.TypeVar):
        return "typevar"
    if isinstance(value, typing.NewType):
        return "newtype"
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        return "function"
    if jsonable(value):
        return "constant"
    if is_type_form(value):
        return "alias"
    return "object"


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


# --------------------------------------------------------------------------------------------
# Instances: built the same way for both libraries, in an ops.testing (Scenario) context.
# --------------------------------------------------------------------------------------------

META = {
    "name": "surface",
    "provides": {"database": {"interface": "database_client"}},
    "requires": {"db-client": {"interface": "database_client"}},
    "peers": {"peers": {"interface": "surface_peers"}},
}


@dataclass
class World:
    """What a recipe builds with: the library's package and a live ops model."""

    lib: Any
    charm: Any
    relation: Any
    peers: Any
    other_unit: Any

    def handle(self, cls: type) -> Any:
        """A fresh event handle."""
        import ops

        return ops.Handle(self.charm, cls.__name__, "surface")


def _request(w: World) -> Any:
    return w.lib.RequirerCommonModel(resource="db")


def _response(w: World) -> Any:
    return w.lib.ResourceProviderModel(resource="db")


def _status(w: World) -> Any:
    return w.lib.RelationStatus(code=4001, message="waiting", resolution="wait")


RECIPES: dict[str, Callable[[World, Any], Any]] = {
    "provider-event": lambda w, c: c(w.handle(c), w.relation, w.relation.app, None, _request(w)),
    "bulk-event": lambda w, c: c(w.handle(c), w.relation, w.relation.app, None, [_request(w)]),
    "requirer-event": lambda w, c: c(w.handle(c), w.relation, w.relation.app, None, _response(w)),
    "status-event": lambda w, c: c(w.handle(c), w.relation, _status(w), app=w.relation.app),
    "object-events": lambda w, c: c(w.charm, "surface"),
    "event-handlers": lambda w, c: c(w.charm, "database"),
    "provider-handler": lambda w, c: c(w.charm, "database", w.lib.RequirerCommonModel),
    "requirer-handler": lambda w, c: c(
        w.charm, "db-client", [_request(w)], w.lib.ResourceProviderModel
    ),
    "relation-repository": lambda w, c: c(w.charm.model, w.relation, w.charm.app),
    "peer-app-repository": lambda w, c: c(w.charm.model, w.peers, w.charm.app),
    "peer-unit-repository": lambda w, c: c(w.charm.model, w.peers, w.charm.unit),
    "other-peer-unit-repository": lambda w, c: c(w.charm.model, w.peers, w.other_unit),
    "repository-interface": lambda w, c: c(
        w.charm.model, "peers", w.charm.app, w.lib.OpsPeerRepository, w.lib.PeerModel
    ),
    "relation-repository-interface": lambda w, c: c(
        w.charm.model, "database", w.lib.RequirerCommonModel
    ),
    "peer-repository-interface": lambda w, c: c(w.charm.model, "peers", w.lib.PeerModel),
    "other-peer-unit-repository-interface": lambda w, c: c(
        w.charm.model, "peers", w.other_unit, w.lib.PeerModel
    ),
    "cached-secret": lambda w, c: c(w.charm.model, w.charm.app, "surface.secret"),
    "secret-cache": lambda w, c: c(w.charm.model, w.charm.app),
    "model": lambda w, c: c(),
    "entity-permission-model": lambda w, c: c(
        resource_name="db", resource_type="table", privileges=["SELECT"]
    ),
    "relation-status": lambda w, c: c(code=4001, message="waiting", resolution="wait"),
}
"""How to build an instance of each kind of class, with the library's own arguments."""

CLASS_RECIPES = {
    "events.BulkResourcesRequestedEvent": "bulk-event",
    "events.ResourceProvidesEvents": "object-events",
    "events.ResourceRequiresEvents": "object-events",
    "events.StatusEventBase": "status-event",
    "events.StatusRaisedEvent": "status-event",
    "events.StatusResolvedEvent": "status-event",
    "handlers.EventHandlers": "event-handlers",
    "handlers.ResourceProviderEventHandler": "provider-handler",
    "handlers.ResourceRequirerEventHandler": "requirer-handler",
    "repository.OpsRelationRepository": "relation-repository",
    "repository.OpsPeerRepository": "peer-app-repository",
    "repository.OpsPeerUnitRepository": "peer-unit-repository",
    "repository.OpsOtherPeerUnitRepository": "other-peer-unit-repository",
    "repository_interfaces.RepositoryInterface": "repository-interface",
    "repository_interfaces.OpsRelationRepositoryInterface": "relation-repository-interface",
    "repository_interfaces.OpsPeerRepositoryInterface": "peer-repository-interface",
    "repository_interfaces.OpsPeerUnitRepositoryInterface": "peer-repository-interface",
    "repository_interfaces.OpsOtherPeerUnitRepositoryInterface": (
        "other-peer-unit-repository-interface"
    ),
    "secrets.CachedSecret": "cached-secret",
    "secrets.SecretCache": "secret-cache",
    "models.EntityPermissionModel": "entity-permission-model",
    "models.RelationStatus": "relation-status",
}
"""The recipe of each class of the reference that has instance attributes."""


def recipe_for(key: str, cls: type) -> str | None:
    """The recipe that builds a class of the reference."""
    if key in CLASS_RECIPES:
        return CLASS_RECIPES[key]
    names = {klass.__name__ for klass in cls.__mro__}
    if "ResourceProviderEvent" in names:
        return "provider-event"
    if "ResourceRequirerEvent" in names:
        return "requirer-event"
    if "BaseModel" in names:
        return "model"
    return None


@dataclass
class Probe:
    """What building one class's instance gave: an error, or each attribute's outcome."""

    error: str | None = None
    attributes: dict[str, str | None] = field(default_factory=dict)


def probe(lib_name: str, wanted: dict[str, tuple[Any, str, list[str]]]) -> dict[str, Probe]:
    """Build each wanted class (``key -> (class, recipe, attribute names)``) and read them.

    Everything happens inside one ops.testing context, so that properties that read the
    model work; an attribute's outcome is ``None`` when it reads, else why it does not.
    """
    import ops
    from ops import testing

    class SurfaceCharm(ops.CharmBase):
        pass

    ctx = testing.Context(SurfaceCharm, meta=META, app_name="surface", unit_id=0)
    state = testing.State(
        leader=True,
        relations={
            testing.Relation("database", "database_client", remote_app_name="client", id=1),
            testing.Relation("db-client", "database_client", remote_app_name="server", id=2),
            testing.PeerRelation("peers", "surface_peers", id=3, peers_data={1: {}}),
        },
    )
    results: dict[str, Probe] = {}
    with ctx(ctx.on.update_status(), state) as manager:
        charm = manager.charm
        world = World(
            lib=importlib.import_module(lib_name),
            charm=charm,
            relation=charm.model.get_relation("database", 1),
            peers=charm.model.get_relation("peers", 3),
            other_unit=charm.model.get_unit("surface/1"),
        )
        for key, (cls, recipe, attributes) in wanted.items():
            try:
                instance = RECIPES[recipe](world, cls)
            except Exception as e:
                results[key] = Probe(error=f"{type(e).__name__}: {e}")
                continue
            outcome: dict[str, str | None] = {}
            for name in attributes:
                try:
                    getattr(instance, name)
                except AttributeError:
                    outcome[name] = "not set"
                except Exception as e:
                    outcome[name] = f"reading it raises {type(e).__name__}: {e}"
                else:
                    outcome[name] = None
            results[key] = Probe(attributes=outcome)
        manager.run()
    return results


def verify_instances(description: dict[str, Any]) -> None:
    """Every instance attribute found in the source is on a real instance of the library."""
    wanted = {}
    for key, entry in description["classes"].items():
        if entry.get("recipe"):
            rel, name = split_key(key)
            cls = getattr(importlib.import_module(module_path(REFERENCE, rel)), name)
            wanted[key] = (cls, entry["recipe"], list(entry["instance_attributes"]))
    problems = []
    for key, result in probe(REFERENCE, wanted).items():
        if result.error:
            problems.append(f"{key}: the recipe fails on the library: {result.error}")
        problems += [f"{key}().{a}: {why}" for a, why in result.attributes.items() if why]
    if problems:
        raise SystemExit("instance attributes not on a real instance:\n" + "\n".join(problems))


def generate() -> str:
    """The JSON text of the reference's surface."""
    description = Describer().describe()
    verify_instances(description)
    return json.dumps(description, indent=1, sort_keys=False) + "\n"


def load_reference(path: Path = OUTPUT) -> dict[str, Any]:
    """The committed description."""
    return json.loads(path.read_text())


# --------------------------------------------------------------------------------------------
# The check of ours against the description.
# --------------------------------------------------------------------------------------------


class Ours:
    """``data_interfaces_wasm`` as a charm sees it: every module imported first, then looked at.

    Importing every submodule before reading any name matters: a submodule import can rebind
    a package attribute of the same name (``data_interfaces_wasm.diff``, the function).
    """

    def __init__(self, reference: dict[str, Any], package: str = OURS) -> None:
        self.package = package
        self.reference = reference
        self.modules: dict[str, types.ModuleType | str] = {}
        for rel in reference["modules"]:
            try:
                self.modules[rel] = importlib.import_module(module_path(package, rel))
            except Exception as e:
                self.modules[rel] = f"{type(e).__name__}: {e}"
        self._probes: dict[str, Probe] | None = None
        # Where the library offers each object: its home first, then the package, then others.
        self.aliases: dict[str, list[str]] = {}
        for rel, module in reference["modules"].items():
            for name, entry in module["names"].items():
                if "home" in entry:
                    self.aliases.setdefault(entry["home"], [entry["home"]]).append(f"{rel}.{name}")
        for home, keys in self.aliases.items():
            unique = list(dict.fromkeys(keys))
            self.aliases[home] = sorted(unique, key=lambda k, h=home: (k != h, k[0] != "."))

    def module(self, rel: str) -> types.ModuleType | None:
        """An imported module, or ``None``."""
        module = self.modules.get(rel)
        if module is None:
            try:
                module = self.modules[rel] = importlib.import_module(
                    module_path(self.package, rel)
                )
            except Exception as e:
                module = self.modules[rel] = f"{type(e).__name__}: {e}"
        return module if isinstance(module, types.ModuleType) else None

    def lookup(self, key: str) -> tuple[bool, Any]:
        """The object at a package-relative key, if any."""
        rel, name = split_key(key)
        module = self.module(rel)
        if module is None or not hasattr(module, name):
            return False, None
        return True, getattr(module, name)

    def resolve(self, home: str) -> tuple[bool, Any, str]:
        """The object whose home is ``home``: there, else where the library also exports it.

        Returns whether it was found, it, and the key it was found at.
        """
        for key in self.aliases.get(home, [home]):
            found, value = self.lookup(key)
            if found:
                return True, value, key
        return False, None, home

    def probes(self) -> dict[str, Probe]:
        """Our instances, built like the library's, and their attributes (computed once)."""
        if self._probes is None:
            wanted = {}
            failed = {}
            for key, entry in self.reference["classes"].items():
                if not entry.get("recipe"):
                    continue
                found, cls, _ = self.resolve(key)
                if not found or not inspect.isclass(cls):
                    failed[key] = Probe(error="the class is missing")
                    continue
                names = list(entry["instance_attributes"])
                names += [
                    n
                    for n, d in entry["members"].items()
                    if self.reference["definitions"][d]["kind"] == "property"
                ]
                wanted[key] = (cls, entry["recipe"], names)
            try:
                self._probes = probe(self.package, wanted) | failed
            except Exception as e:  # the context itself failed: every probe reports it
                self._probes = {key: Probe(error=f"{type(e).__name__}: {e}") for key in wanted}
                self._probes |= failed
        return self._probes


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


# --------------------------------------------------------------------------------------------
# Accepted gaps.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """An accepted gap: a case id, or a pattern (``*``), and why ours does not offer it."""

    path: str
    reason: str

    def covers(self, case_id: str) -> bool:
        """Whether the gap covers a case: the path itself, or anything below it."""
        return any(
            fnmatch.fnmatchcase(case_id, pattern)
            for pattern in (self.path, f"{self.path}.*", f"{self.path}(*")
        )


def load_gaps(path: Path = EXCEPTIONS) -> list[Gap]:
    """The accepted gaps of ``surface_exceptions.toml``."""
    data = tomllib.loads(path.read_text())
    unknown = set(data) - {"gap"}
    if unknown:
        raise ValueError(f"{path.name}: unknown tables {sorted(unknown)}")
    gaps = []
    for item in data.get("gap", []):
        if set(item) != {"path", "reason"}:
            raise ValueError(f"{path.name}: a [[gap]] has exactly `path` and `reason`: {item}")
        gaps.append(Gap(path=item["path"], reason=item["reason"]))
    return gaps


DERIVED = ("the class is missing", "the object is missing")
"""Problems that only repeat that a class or object is missing (reported once, as a name)."""


def report(reference: dict[str, Any], gaps: list[Gap]) -> Iterator[str]:
    """The gaps of ours today, grouped by category (accepted ones marked).

    A case that fails only because its class or object is missing, or a signature case of a
    missing callable, is counted but not listed: the name or member case says it.
    """
    ours = Ours(reference)
    failing: dict[str, list[str]] = {category: [] for category in CATEGORIES}
    derived = 0
    for case in cases(reference):
        problem = case.check(ours)
        if problem is None:
            continue
        if problem in DERIVED or (case.category == "signature" and problem == "missing"):
            derived += 1
            continue
        accepted = [gap for gap in gaps if gap.covers(case.id)]
        mark = f"  [accepted: {accepted[0].path}]" if accepted else ""
        failing[case.category].append(f"  {case.id}: {problem}{mark}")
    for category, lines in failing.items():
        yield f"{CATEGORIES[category]} ({len(lines)}):"
        yield from lines
    yield f"(and {derived} failing cases that only follow from a missing class, object or method)"


def main() -> int:
    """Write, check, or report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="regenerate the reference file")
    group.add_argument("--check", action="store_true", help="fail if it is not current")
    group.add_argument("--gaps", action="store_true", help="list what ours lacks today")
    args = parser.parse_args()
    if args.gaps:
        for line in report(load_reference(), load_gaps()):
            print(line)
        return 0
    text = generate()
    if args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is not current: run {Path(__file__).name} --write", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
