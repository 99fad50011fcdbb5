"""Our package as a charm sees it, looked up by the description's keys.

Resolves a key of the description to our object (at its home, else where the library also
offers it) and builds our instances, once, for the instance attribute cases. Given the
library's name instead, it is the library seen the same way (the check of the checks).
"""

from __future__ import annotations

import importlib
import inspect
import types
from typing import Any

from surface.layout import OURS, module_path, split_key
from surface.recipes import Probe, probe


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
