"""Fixtures shared by the Python host's tests."""

from __future__ import annotations

import pytest

import charms_ours
from harness import RelationPair


@pytest.fixture
def ours_both_sides() -> RelationPair:
    """The README's charms, both on data_interfaces_wasm."""
    return RelationPair(charms_ours.ClientCharm, charms_ours.SampleCharm)
