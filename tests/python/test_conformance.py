"""The conformance vectors and the malformed corpus, run with our package over ``ops.testing``.

The vectors are ``tests/conformance/``, the corpus ``tests/malformed/``.

Every vector runs, one test each; deliberate differences are expected of us like any other.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import data_interfaces_wasm
import pytest

import conformance_support as cs

VECTORS = cs.load_vectors()
MALFORMED = cs.load_vectors(cs.MALFORMED_DIR)


def _error_problems(vector: dict[str, Any], error: BaseException | None) -> list[str]:
    want = cs.expected_error(vector)
    if want is None:
        return []
    if error is None:
        return [f"expected a {want['kind']} error, the step succeeded"]
    if "python" in want:  # the Python API raises a built-in exception for this error
        if type(error).__name__ != want["python"]:
            return [f"expected {want['python']}, got {type(error).__name__}: {error}"]
        text = want.get("reason_contains", "")
        return [] if text in str(error) else [f"error {error!r} lacks {text!r}"]
    if not isinstance(error, data_interfaces_wasm.ProtocolError):
        return [f"expected a ProtocolError, got {type(error).__name__}: {error}"]
    problems = []
    for field in ("kind", "relation_id", "bag", "key"):
        if field in want and getattr(error, field) != want[field]:
            problems.append(
                f"error.{field}: expected {want[field]!r}, got {getattr(error, field)!r}"
            )
    if "reason_contains" in want and want["reason_contains"] not in error.reason:
        problems.append(f"error.reason {error.reason!r} lacks {want['reason_contains']!r}")
    return problems


@pytest.mark.parametrize(("name", "vector"), VECTORS, ids=[name for name, _ in VECTORS])
def test_vector(name: str, vector: dict[str, Any]) -> None:
    setup, outcome = cs.run(vector, data_interfaces_wasm)
    problems = cs.compare(vector, setup, outcome) + _error_problems(vector, outcome.error)
    problems += cs.secret_leaks(vector, setup, outcome)
    assert not problems, f"{name} ({vector.get('description', '')}):\n" + "\n".join(problems)


@pytest.mark.parametrize(("name", "vector"), MALFORMED, ids=[name for name, _ in MALFORMED])
def test_malformed_input(name: str, vector: dict[str, Any]) -> None:
    """A hostile input gets a typed error or a rejection; nothing else is written.

    The well-formed entries next to it are handled.
    """
    test_vector(name, vector)


def test_the_secret_scan_reports_a_secret_value_in_a_log_line() -> None:
    name, vector = next(
        (name, v)
        for name, v in VECTORS
        if any(isinstance(s.get("content"), dict) for s in v.get("secrets", []))
    )
    setup, outcome = cs.run(vector, data_interfaces_wasm)
    assert cs.secret_leaks(vector, setup, outcome) == [], name
    secret = sorted(cs.secret_values(vector, outcome))[0]
    setup.ctx.juju_log.append(SimpleNamespace(level="INFO", message=f"got {secret}"))  # type: ignore[arg-type]
    assert cs.secret_leaks(vector, setup, outcome) == [f"secret value {secret!r} in the log"]
