"""The hook-tool calls each hook makes, by tool, as Juju runs it.

Each hook runs in a fresh process under ``ops.main`` with its hook tools played by the double
(``tests/hooktools/fake_juju.py``), counted by ``bench/hook_dispatch.hook_calls``. Every hook
makes the same calls each time, so the counts are exact. ``juju-log`` counts ops' own lines
(``ops ... up and running``, the Juju event and one line per custom event it emits; a unit's
first hook also reports its local storage).

Ours are the README's charms (``charms_ours.py``); the floors are charms without a library
(``bench/floor_charms.py``): ``bare`` observes nothing, ``reads`` makes only the reads the
protocol needs in that hook. A hook starts from the model and ops state of the README
handshake (requirer relation-created, provider relation-changed, requirer relation-changed),
or of a requirer with 10 requests.
"""

from __future__ import annotations

import dataclasses
import pathlib
import sys
from collections import Counter

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bench"))
from hook_dispatch import World, hook_calls


@dataclasses.dataclass
class Handshake:
    """A model of the double, and its snapshots before each hook of the handshake."""

    world: World
    snapshots: dict[str, pathlib.Path]

    def calls(self, before: str, variant: str, side: str, hook: str) -> Counter[str]:
        """The calls of one hook run from the snapshot taken ``before``."""
        self.world.restore(self.snapshots[before])
        return hook_calls(self.world, variant, side, hook)


@pytest.fixture(scope="module")
def readme(tmp_path_factory: pytest.TempPathFactory) -> Handshake:
    """The README handshake, ours on both sides."""
    world = World(tmp_path_factory.mktemp("readme"), "ours")
    snapshots = {"nothing": world.snapshot("nothing")}
    world.run("ours", "requirer", "created")
    snapshots["requests"] = world.snapshot("requests")
    world.run("ours", "provider", "changed")
    snapshots["answered"] = world.snapshot("answered")
    return Handshake(world, snapshots)


@pytest.fixture(scope="module")
def ten_requests(tmp_path_factory: pytest.TempPathFactory) -> Handshake:
    """Our README requirer asking for 10 databases, once it has written its requests."""
    world = World(tmp_path_factory.mktemp("ten"), "ours", n_requests=10)
    world.run("ours", "requirer", "created")
    return Handshake(world, {"requests": world.snapshot("requests")})


# Ours.


def test_requirer_relation_created_writes_the_readme_requests(readme: Handshake) -> None:
    assert readme.calls("nothing", "ours", "requirer", "created") == {
        "juju-log": 4,
        "relation-ids": 1,
        "relation-list": 1,
        "is-leader": 1,
        "relation-get": 1,
        "relation-set": 1,
    }


def test_provider_relation_changed_answers_the_readme_two_requests(readme: Handshake) -> None:
    assert readme.calls("requests", "ours", "provider", "changed") == {
        "juju-log": 6,
        "relation-ids": 1,
        "relation-list": 1,
        "is-leader": 1,
        "relation-get": 2,
        "secret-add": 2,
        "secret-grant": 2,
        "relation-set": 1,
    }


def test_requirer_relation_changed_takes_in_two_responses(readme: Handshake) -> None:
    assert readme.calls("answered", "ours", "requirer", "changed") == {
        "juju-log": 4,
        "relation-ids": 1,
        "relation-list": 1,
        "is-leader": 1,
        "relation-get": 2,
        "secret-get": 2,
        "relation-set": 1,
    }


def test_provider_relation_changed_with_nothing_new(readme: Handshake) -> None:
    assert readme.calls("answered", "ours", "provider", "changed") == {
        "juju-log": 2,
        "relation-ids": 1,
        "relation-list": 1,
        "is-leader": 1,
        "relation-get": 2,
    }


def test_provider_relation_changed_answers_ten_new_requests(ten_requests: Handshake) -> None:
    assert ten_requests.calls("requests", "ours", "provider", "changed") == {
        "juju-log": 14,
        "relation-ids": 1,
        "relation-list": 1,
        "is-leader": 1,
        "relation-get": 2,
        "secret-add": 10,
        "secret-grant": 10,
        "relation-set": 1,
    }


# The floors: ops alone (bare), and the protocol's reads (reads).


@pytest.mark.parametrize(
    ("floor", "expected"),
    [
        ("bare", {"juju-log": 4, "relation-ids": 1, "relation-list": 1, "is-leader": 1}),
        (
            "reads",
            {
                "juju-log": 4,
                "relation-ids": 1,
                "relation-list": 1,
                "is-leader": 1,
                "relation-get": 1,
            },
        ),
    ],
)
def test_floor_requirer_relation_created(
    readme: Handshake, floor: str, expected: dict[str, int]
) -> None:
    assert readme.calls("nothing", floor, "requirer", "created") == expected


@pytest.mark.parametrize(
    ("floor", "expected"),
    [
        ("bare", {"juju-log": 4, "relation-ids": 1, "relation-list": 1, "is-leader": 1}),
        (
            "reads",
            {
                "juju-log": 4,
                "relation-ids": 1,
                "relation-list": 1,
                "is-leader": 1,
                "relation-get": 2,
            },
        ),
    ],
)
def test_floor_provider_relation_changed_with_the_readme_requests(
    readme: Handshake, floor: str, expected: dict[str, int]
) -> None:
    assert readme.calls("requests", floor, "provider", "changed") == expected


@pytest.mark.parametrize(
    ("floor", "expected"),
    [
        ("bare", {"juju-log": 2, "relation-ids": 1, "relation-list": 1, "is-leader": 1}),
        (
            "reads",
            {
                "juju-log": 2,
                "relation-ids": 1,
                "relation-list": 1,
                "is-leader": 1,
                "relation-get": 2,
            },
        ),
    ],
)
def test_floor_requirer_relation_changed_with_two_responses(
    readme: Handshake, floor: str, expected: dict[str, int]
) -> None:
    assert readme.calls("answered", floor, "requirer", "changed") == expected


@pytest.mark.parametrize(
    ("floor", "expected"),
    [
        ("bare", {"juju-log": 2, "relation-ids": 1, "relation-list": 1, "is-leader": 1}),
        (
            "reads",
            {
                "juju-log": 2,
                "relation-ids": 1,
                "relation-list": 1,
                "is-leader": 1,
                "relation-get": 2,
            },
        ),
    ],
)
def test_floor_provider_relation_changed_with_nothing_new(
    readme: Handshake, floor: str, expected: dict[str, int]
) -> None:
    assert readme.calls("answered", floor, "provider", "changed") == expected


@pytest.mark.parametrize(
    ("floor", "expected"),
    [
        ("bare", {"juju-log": 4, "relation-ids": 1, "relation-list": 1, "is-leader": 1}),
        (
            "reads",
            {
                "juju-log": 4,
                "relation-ids": 1,
                "relation-list": 1,
                "is-leader": 1,
                "relation-get": 2,
            },
        ),
    ],
)
def test_floor_provider_relation_changed_with_ten_new_requests(
    ten_requests: Handshake, floor: str, expected: dict[str, int]
) -> None:
    assert ten_requests.calls("requests", floor, "provider", "changed") == expected
