"""Behaviours spec section 11 lists as verified with no upstream unit test: the ids (spec 3)."""

from __future__ import annotations

import hashlib
import string

import pytest
from data_interfaces_wasm import gen_hash, gen_salt
from dpcharmlibs import interfaces as reference


@pytest.mark.parametrize(
    ("resource", "salt"),
    [
        ("data_platform", "kkkkkkkk"),
        ("", "xxxxxxxx"),
        ("clientdb", "kkkkkkkk"),
        ("other", "zzzzzzzz"),
    ],
)
def test_gen_hash_is_the_first_16_hex_digits_of_sha256_of_resource_colon_salt(
    resource: str, salt: str
) -> None:
    expected = hashlib.sha256(f"{resource}:{salt}".encode()).hexdigest()[:16]
    assert gen_hash(resource, salt) == expected == reference.gen_hash(resource, salt)


def test_gen_salt_is_16_letters_or_digits() -> None:
    salts = {gen_salt() for _ in range(20)}
    alphabet = set(string.ascii_letters + string.digits)
    assert all(len(salt) == 16 and set(salt) <= alphabet for salt in salts)
    assert len(salts) == 20
