"""Importing the package stays cheap: no pydantic, and no native module until first use."""

from __future__ import annotations

import subprocess
import sys


def imported_after(statement: str) -> set[str]:
    code = f"{statement}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(out.split())


def test_importing_the_package_does_not_import_pydantic() -> None:
    assert not any(
        m.split(".")[0] == "pydantic" for m in imported_after("import data_interfaces_wasm")
    )


def test_importing_the_package_does_not_load_the_native_module() -> None:
    assert "data_interfaces_wasm._native" not in imported_after("import data_interfaces_wasm")


def test_building_the_readme_requests_does_not_import_pydantic() -> None:
    modules = imported_after(
        "from data_interfaces_wasm import RequirerCommonModel\n"
        "r = RequirerCommonModel(resource='clientdb')\n"
        "r.salt"
    )
    assert not any(m.split(".")[0] == "pydantic" for m in modules)
