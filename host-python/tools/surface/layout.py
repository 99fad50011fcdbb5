"""Where things are: the two packages compared, the committed files, and the keys.

The description addresses everything of a package by a package-relative key:
``"models.RequirerCommonModel"`` (a name of the submodule ``models``), ``".Diff"`` (a name of
the package itself). The same key names the library's object and ours.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
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


def in_package(obj_module: str | None, package: str) -> bool:
    """Whether a ``__module__`` belongs to the package."""
    return bool(obj_module) and (obj_module == package or obj_module.startswith(package + "."))


def relative(obj_module: str, package: str) -> str:
    """A package module's name relative to the package."""
    return obj_module[len(package) + 1 :] if obj_module != package else ""
