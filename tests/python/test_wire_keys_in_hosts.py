"""The hosts do not spell the protocol's wire keys: every protocol decision lives in ``core``.

A host that needs a wire key in its code is deciding something about the protocol (DESIGN.md,
rule 1). This test scans the hosts' sources for string literals equal to a wire key and fails
on every occurrence that ``wire_keys_allowlist.toml`` does not accept with a reason.

The wire keys are not typed here; they are read from the sources of truth:

* the field names of the WIT ``request`` and ``response`` records (``wit/data-interfaces.wit``),
  as they travel: ``read-only-uris`` is the key ``read-only-uris``, ``%resource`` is
  ``resource``;
* core's key constants: every ``const`` (public or not) in ``core/src/**/*.rs`` of type ``&str``
  or ``[&str; N]`` whose doc comment calls it a key or keys (``ALIAS_KEY``, ``DATA_KEY``,
  ``STATUS_KEY``, ``ENCRYPTION_SECRET`` "the bag key ...", ``ENCRYPTION_KEY`` "the content key
  ...", ``RESOURCE_ALIASES``, v0's ``NOT_REQUEST`` and ``RESPONSE_KEYS``,
  ``IMMUTABLE_KEYS``, ``CONSUMER_GROUP_PREFIX``, ...). Core documents each constant, so its
  own words decide: secret groups (``GROUP``, ``EXTRA_GROUP``), error texts and test data
  are not keys and say so. Constants of ``#[cfg(test)]`` items are test data.

``NOT_WIRE_KEYS`` lists the record fields left out, with why. The scanned sources are
``host-rust/src/**/*.rs``, ``host-cli/src/**/*.rs``, ``host-python/src/*.rs`` and
``host-python/python/data_interfaces_wasm/*.py``. A Rust literal is a string, byte string or
raw string outside comments (doc comments included: their examples are documentation) and
outside ``#[cfg(test)]`` items (unit tests name endpoints and secret contents as sample data),
and a module file a ``#[cfg(test)]`` ``#[path = "..."]`` item includes is such an item whole;
a Python literal is a ``STRING`` token (docstrings included). The comparison is exact: the
snake-case names the hosts give the WIT records' fields (``request_id``) are the boundary's
names, not wire keys; a single-word one (``salt``) matches, and is allowlisted as such.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[2]
WIT = ROOT / "wit" / "data-interfaces.wit"
CORE = ROOT / "core" / "src"
ALLOWLIST = Path(__file__).with_name("wire_keys_allowlist.toml")
HOST_SOURCES = (
    "host-rust/src/**/*.rs",
    "host-cli/src/**/*.rs",
    "host-python/src/*.rs",
    "host-python/python/data_interfaces_wasm/*.py",
)

NOT_WIRE_KEYS = {
    "extra": "the WIT records' list of subclass fields and unknown keys (each travels under its "
    "own key, never under `extra`); also pydantic's `model_config['extra']` in the models",
    "cleared": "the WIT response's list of keys a charm set to none, a call argument that is "
    "empty in every response the component returns and never written to a bag",
}
"""Fields of the ``request`` and ``response`` records that are not wire keys, with why."""


# --- the wire keys, from the WIT and core -----------------------------------------------------


def wit_record_fields(record: str) -> list[str]:
    """The field names of a WIT record, as they travel (``%`` escapes dropped)."""
    text = WIT.read_text()
    found = re.search(rf"^\s*record\s+%?{record}\s*\{{(.*?)^\s*\}}", text, re.M | re.S)
    assert found, f"no record {record} in {WIT}"
    body = re.sub(r"//[^\n]*", "", found.group(1))
    return [name.lstrip("%") for name in re.findall(r"^\s*(%?[a-z][a-z0-9-]*)\s*:", body, re.M)]


@dataclass(frozen=True)
class CoreConstant:
    """A string constant of core: where, its name, its doc comment and its values."""

    file: str
    name: str
    doc: str
    values: tuple[str, ...]

    @property
    def is_key(self) -> bool:
        return re.search(r"\bkeys?\b", self.doc, re.I) is not None


CONST = re.compile(
    r"^\s*(?:pub(?:\([a-z]+\))?\s+)?const\s+([A-Z][A-Z0-9_]*)\s*:\s*(?:&str|\[&str;\s*\d+\])\s*="
)


def core_constants() -> list[CoreConstant]:
    """Every ``&str`` and ``[&str; N]`` constant of ``core/src/*.rs``, with its doc comment."""
    found = []
    for path in sorted(CORE.rglob("*.rs")):
        text = path.read_text()
        lines = text.splitlines()
        in_tests = cfg_test_lines(text)
        for index, line in enumerate(lines):
            match = CONST.match(line)
            if match is None or index + 1 in in_tests:
                continue
            doc = []
            above = index - 1
            while above >= 0 and lines[above].strip().startswith("///"):
                doc.insert(0, lines[above].strip().removeprefix("///").strip())
                above -= 1
            text, end = line, index
            while not text.rstrip().endswith(";"):
                end += 1
                text += lines[end]
            values = tuple(value for _, value in rust_literals(text.split("=", 1)[1]))
            file = path.relative_to(CORE).as_posix()
            found.append(CoreConstant(file, match.group(1), " ".join(doc), values))
    return found


def wire_keys() -> dict[str, list[str]]:
    """Every wire key, with where it comes from (``wit:response``, ``core:ALIAS_KEY``)."""
    keys: dict[str, list[str]] = {}
    for record in ("request", "response"):
        for name in wit_record_fields(record):
            keys.setdefault(name, []).append(f"wit:{record}")
    for constant in core_constants():
        if constant.is_key:
            for value in constant.values:
                keys.setdefault(value, []).append(f"core:{constant.name}")
    return {key: sources for key, sources in keys.items() if key not in NOT_WIRE_KEYS}


# --- string literals in the hosts' sources ----------------------------------------------------

RAW_STRING = re.compile(r'b?r(#*)"')
CHAR = re.compile(r"'(?:\\.|\\u\{[0-9a-fA-F]+\}|[^\\'])'")
CFG_TEST = re.compile(r"#\[cfg\(test\)\]")


def _ends_identifier(text: str, i: int) -> bool:
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")


def _rust_tokens(text: str) -> Iterator[tuple[str, int, str]]:
    """The tokens of Rust source that the scan needs, outside comments.

    ``("str", line, value)`` for each literal, ``("punct", line, c)`` for ``{``, ``}`` and
    ``;``, and ``("cfg-test", line, "")`` for ``#[cfg(test)]``.
    """
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i) + 2
            line += text.count("\n", i, end)
            i = end
        elif (raw := RAW_STRING.match(text, i)) and not _ends_identifier(text, i):
            close = '"' + raw.group(1)
            end = text.index(close, raw.end())
            yield "str", line, text[raw.end() : end]
            line += text.count("\n", i, end)
            i = end + len(close)
        elif c == '"' or (c == "b" and text.startswith('b"', i)):
            start = i + (2 if c == "b" else 1)
            end = start
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            yield "str", line, text[start:end]
            line += text.count("\n", i, end)
            i = end + 1
        elif c == "'" and (char := CHAR.match(text, i)):
            i = char.end()
        elif c in "{};":
            yield "punct", line, c
            i += 1
        elif c == "#" and (cfg := CFG_TEST.match(text, i)):
            yield "cfg-test", line, ""
            i = cfg.end()
        else:
            i += 1


def _rust_items(text: str) -> Iterator[tuple[str, int, str]]:
    """The string literals of Rust source and its ``#[cfg(test)]`` items, outside comments.

    ``("str", line, value)`` for each literal outside the items, ``("test", first, last)``
    (its first and last lines, the last as text) for each item.
    """
    skipping, depth, first = False, 0, 0
    for kind, line, value in _rust_tokens(text):
        if kind == "cfg-test" and not skipping:
            skipping, depth, first = True, 0, line
        elif skipping and kind == "punct":
            depth += {"{": 1, "}": -1, ";": 0}[value]
            if depth == 0 and value in "};":
                skipping = False
                yield "test", first, str(line)
        elif kind == "str" and not skipping:
            yield "str", line, value


def rust_literals(text: str) -> list[tuple[int, str]]:
    """The string literals of Rust source, by line, outside comments and ``#[cfg(test)]`` items."""
    return [(line, value) for kind, line, value in _rust_items(text) if kind == "str"]


def cfg_test_lines(text: str) -> set[int]:
    """The lines of Rust source that ``#[cfg(test)]`` items span."""
    return {
        line
        for kind, first, last in _rust_items(text)
        if kind == "test"
        for line in range(first, int(last) + 1)
    }


def python_literals(text: str) -> list[tuple[int, str]]:
    """The ``str`` literals of Python source, by line (f-strings are not literals)."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        prefix = re.match(r"[a-zA-Z]*", token.string).group()  # type: ignore[union-attr]
        if token.type == tokenize.STRING and "f" not in prefix.lower():
            value = ast.literal_eval(token.string)
            if isinstance(value, str):
                found.append((token.start[0], value))
    return found


CFG_TEST_PATH = re.compile(r'#\[cfg\(test\)\]\s*#\[path\s*=\s*"([^"]+)"\]\s*mod\s+\w+\s*;')


def cfg_test_module_files(paths: set[Path]) -> set[Path]:
    """The Rust files that a ``#[cfg(test)] #[path = "..."] mod x;`` of a sibling includes."""
    included = set()
    for path in paths:
        if path.suffix == ".rs":
            for name in CFG_TEST_PATH.findall(path.read_text()):
                included.add((path.parent / name).resolve())
    return included


def host_files() -> list[str]:
    paths = {path for pattern in HOST_SOURCES for path in ROOT.glob(pattern)}
    tests = cfg_test_module_files(paths)
    return sorted(
        path.relative_to(ROOT).as_posix() for path in paths if path.resolve() not in tests
    )


def occurrences(file: str, keys: dict[str, list[str]]) -> dict[str, list[int]]:
    """The wire keys a host file spells, with the lines that spell each."""
    text = (ROOT / file).read_text()
    literals = python_literals(text) if file.endswith(".py") else rust_literals(text)
    found: dict[str, list[int]] = {}
    for line, value in literals:
        if value in keys:
            found.setdefault(value, []).append(line)
    return found


WIRE_KEYS = wire_keys()
HOST_FILES = host_files()
ALLOWED = tomllib.loads(ALLOWLIST.read_text())["allow"]
ALLOWED_KEYS = {(entry["file"], key) for entry in ALLOWED for key in entry["keys"]}


# --- where the wire keys come from ------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "source"),
    [
        ("resource", "wit:request"),
        ("read-only-uris", "wit:response"),
        ("secret-requested-entity", "wit:request"),
        ("alias", "core:ALIAS_KEY"),
        ("data", "core:DATA_KEY"),
        ("status", "core:STATUS_KEY"),
        ("encryption-secret", "core:ENCRYPTION_SECRET"),
        ("encryption-key", "core:ENCRYPTION_KEY"),
        ("plugin-url", "core:RESOURCE_ALIASES"),
        ("consumer-group-prefix", "core:CONSUMER_GROUP_PREFIX"),
        ("version", "core:NOT_REQUEST"),
        ("entity-type", "core:IMMUTABLE_KEYS"),
    ],
    ids=lambda value: value,
)
def test_a_wire_key_is_read_from_its_source(key: str, source: str) -> None:
    assert source in WIRE_KEYS.get(key, []), WIRE_KEYS.get(key)


@pytest.mark.parametrize(
    "name",
    ["GROUP", "EXTRA_GROUP", "OTHER_UNIT_READ_ONLY"],
)
def test_a_core_constant_that_its_doc_does_not_call_a_key_is_not_one(name: str) -> None:
    (constant,) = [c for c in core_constants() if c.name == name]
    assert not constant.is_key, constant.doc


@pytest.mark.parametrize("word", sorted(NOT_WIRE_KEYS))
def test_a_field_left_out_is_a_field_of_the_wit_records(word: str) -> None:
    assert word in wit_record_fields("request") + wit_record_fields("response")
    assert word not in WIRE_KEYS


# --- the scanner ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('let a = "password";', [(1, "password")]),
        ('let a = b"tls";', [(1, "tls")]),
        ('let a = r#"say "uris""#;', [(1, 'say "uris"')]),
        ('let a = "a \\"q\\"";\nlet b = "salt";', [(1, 'a \\"q\\"'), (2, "salt")]),
        ('// "password"\n/* "tls" */ let a = "uris";', [(2, "uris")]),
        ('/// `.clear("password")`\nfn f() {}', []),
        ('let c = \'"\'; let d = "salt";', [(1, "salt")]),
        ("fn f<'a>(x: &'a str) -> &'a str { \"salt\" }", [(1, "salt")]),
        (
            '#[cfg(test)]\nmod tests {\n  fn f() { "password"; }\n}\nconst A: &str = "tls";',
            [(5, "tls")],
        ),
        ('#[cfg(test)]\nuse x::y;\nconst A: &str = "tls";', [(3, "tls")]),
    ],
    ids=[
        "string",
        "byte string",
        "raw string",
        "escapes and lines",
        "comments",
        "doc comment",
        "char literal",
        "lifetimes",
        "cfg(test) module",
        "cfg(test) item",
    ],
)
def test_the_rust_scanner_finds_string_literals(
    source: str, expected: list[tuple[int, str]]
) -> None:
    assert rust_literals(source) == expected


def test_the_python_scanner_finds_string_literals_but_not_f_strings() -> None:
    source = 'a = "password"  # "tls"\nb = f"{a}-uris"\nc = (\n    "salt"\n)\n'
    assert python_literals(source) == [(1, "password"), (4, "salt")]


def test_a_test_module_file_is_left_out_only_when_cfg_test_includes_it(tmp_path: Path) -> None:
    (tmp_path / "a.rs").write_text('#[cfg(test)]\n#[path = "a_tests.rs"]\nmod tests;\n')
    (tmp_path / "b.rs").write_text('#[path = "b_more.rs"]\nmod more;\n')
    paths = {tmp_path / name for name in ("a.rs", "a_tests.rs", "b.rs", "b_more.rs")}
    for path in paths - {tmp_path / "a.rs", tmp_path / "b.rs"}:
        path.write_text("")
    assert cfg_test_module_files(paths) == {(tmp_path / "a_tests.rs").resolve()}


def test_every_host_source_tree_has_files() -> None:
    for pattern in HOST_SOURCES:
        assert any(ROOT.glob(pattern)), pattern


# --- the hosts --------------------------------------------------------------------------------


@pytest.mark.parametrize("file", HOST_FILES)
def test_a_host_file_spells_no_wire_key_outside_the_allowlist(file: str) -> None:
    offending = [
        f'{file}:{line}: "{key}" ({", ".join(WIRE_KEYS[key])})'
        for key, lines in occurrences(file, WIRE_KEYS).items()
        if (file, key) not in ALLOWED_KEYS
        for line in lines
    ]
    assert not offending, (
        "the host spells protocol wire keys; call the component, or allowlist each in "
        "wire_keys_allowlist.toml with its reason:\n" + "\n".join(offending)
    )


@pytest.mark.parametrize(
    ("file", "key"),
    sorted(ALLOWED_KEYS),
    ids=[f"{file}:{key}" for file, key in sorted(ALLOWED_KEYS)],
)
def test_an_allowlist_entry_still_matches_an_occurrence(file: str, key: str) -> None:
    assert key in WIRE_KEYS, f"{key!r} is no longer a wire key: remove it from the allowlist"
    assert (ROOT / file).is_file(), f"{file} is gone: remove its entry from the allowlist"
    assert key in occurrences(file, WIRE_KEYS), f"{file} no longer spells {key!r}: remove it"


@pytest.mark.parametrize("entry", ALLOWED, ids=[entry["file"] for entry in ALLOWED])
def test_an_allowlist_entry_names_a_scanned_file_its_keys_and_one_line_of_reason(
    entry: dict[str, object],
) -> None:
    assert set(entry) == {"file", "keys", "reason"}
    assert entry["file"] in HOST_FILES
    assert entry["keys"] and entry["keys"] == sorted(set(entry["keys"]))  # type: ignore[type-var]
    reason = entry["reason"]
    assert isinstance(reason, str) and reason.strip() and "\n" not in reason


def test_a_file_has_one_allowlist_entry_per_reason() -> None:
    pairs = [(entry["file"], entry["reason"]) for entry in ALLOWED]
    assert len(pairs) == len(set(pairs))


# --- the hosts' views of the records, checked against the WIT ---------------------------------


@pytest.mark.parametrize("record", ["request", "response"])
def test_the_native_modules_record_fields_are_the_wit_records_fields(record: str) -> None:
    from data_interfaces_wasm import _native

    fields = [name.replace("-", "_") for name in wit_record_fields(record)]
    assert _native.record_fields(record) == fields


@pytest.mark.parametrize("record", ["request", "response"])
def test_the_python_models_standard_fields_are_the_wit_records_wire_fields(record: str) -> None:
    from data_interfaces_wasm import models

    fields = [name.replace("-", "_") for name in wit_record_fields(record)]
    assert models._record_fields(record) == {n for n in fields if n not in NOT_WIRE_KEYS}
