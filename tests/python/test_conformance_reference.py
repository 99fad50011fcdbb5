"""The conformance vectors, checked against the reference library, ``dpcharmlibs.interfaces``.

A vector is evidence of the protocol only if the real library does what it says. Each vector
runs here with ``dpcharmlibs.interfaces`` 1.2.2 over ``ops.testing``:

* a plain vector must hold for the reference library too (for an error vector: the library
  raises, with ``reference_contains`` in its message when the vector gives one);
* a vector marked ``deliberate_difference`` encodes our fix of a bug of the library (a row of
  ``docs/differences.md``): the library must *not* satisfy it, so the mark stays honest.
"""

from __future__ import annotations

from typing import Any

import pytest
from dpcharmlibs import interfaces as reference

import conformance_support as cs

VECTORS = cs.load_vectors()


def _problems(vector: dict[str, Any]) -> list[str]:
    setup, outcome = cs.run(vector, reference)
    problems = cs.compare(vector, setup, outcome)
    want = cs.expected_error(vector)
    if want is not None and outcome.error is not None:
        text = want.get("reference_contains")
        if text and text not in str(outcome.error):
            problems.append(f"the library raised {type(outcome.error).__name__}: {outcome.error}")
        if "python" in want and type(outcome.error).__name__ != want["python"]:
            problems.append(
                f"the library raised {type(outcome.error).__name__}, not {want['python']}"
            )
    return problems


# The reference library opens the status schema file and never closes it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(("name", "vector"), VECTORS, ids=[name for name, _ in VECTORS])
def test_reference_library_agrees(name: str, vector: dict[str, Any]) -> None:
    problems = _problems(vector)
    if "deliberate_difference" in vector:
        assert problems, (
            f"{name} is marked as deliberate difference {vector['deliberate_difference']} "
            "of docs/differences.md, but dpcharmlibs.interfaces behaves as the vector says"
        )
    else:
        assert not problems, f"{name}: dpcharmlibs.interfaces disagrees:\n" + "\n".join(problems)
