"""The malformed corpus's files are what ``tests/malformed/generate.py`` writes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "malformed"


def test_the_corpus_files_are_current_with_their_generator() -> None:
    spec = importlib.util.spec_from_file_location("generate", CORPUS / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    for name, text in generate.write().items():
        assert (CORPUS / name).read_text() == text, f"run python {CORPUS / 'generate.py'}"
