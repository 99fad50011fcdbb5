"""Writes the malformed-input corpus (``provider.json``, ``requirer.json``) next to this file.

The corpus is data, in the conformance vectors' format (``tests/conformance/README.md``), run by
the same runners; this script only spares writing near-identical vectors by hand. Run it after
changing it (``python tests/malformed/generate.py``); ``tests/python/test_malformed_corpus.py``
fails when the files are not what it writes.

Every vector puts one hostile input next to a well-formed one where the protocol allows it, and
expects: the well-formed entry handled (its event, its cache entry), the hostile one rejected
with a typed error naming relation, bag, key and entry (or, when the whole bag is unusable, the
hook failing with such an error and nothing written), and no secret value in any error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

NULLS = {
    "extra-user-roles": None,
    "extra-group-roles": None,
    "external-node-connectivity": False,
    "entity-type": None,
    "entity-permissions": None,
    "secret-mtls": None,
    "mtls-cert": None,
    "secret-requested-entity": None,
    "entity-name": None,
    "password": None,
    "prefix-matching": None,
    "entity-password": None,
}

GOOD_ID = "b7bf5c83ca2cd3de"
GOOD_REQUEST = {
    "resource": "clientdb",
    "request-id": GOOD_ID,
    "salt": "kkkkkkkk",
    **NULLS,
}
GOOD_CACHE = {
    GOOD_ID: {"resource": "clientdb", "request-id": GOOD_ID, "salt": "kkkkkkkk"}
}
BAD_ID = "ef142b87b00e1ba6"


def dumps(value: Any) -> str:
    """JSON as the Python library writes it (``json.dumps`` defaults)."""
    return json.dumps(value)


def good_event() -> dict[str, Any]:
    return {
        "kind": "resource_requested",
        "request": {"resource": "clientdb", "request_id": GOOD_ID, "salt": "kkkkkkkk"},
    }


def entry_rejected(
    index: int, reason: str, request_id: str | None = BAD_ID
) -> dict[str, Any]:
    rejection: dict[str, Any] = {
        "relation_id": 7,
        "error": {
            "kind": "invalid-databag",
            "relation_id": 7,
            "bag": "remote-app",
            "key": "requests",
            "reason_contains": f"entry {index}: {reason}",
        },
    }
    rejection["request_id"] = request_id
    return rejection


def bag_error(key: str, reason: str) -> dict[str, Any]:
    return {
        "kind": "invalid-databag",
        "relation_id": 7,
        "bag": "remote-app",
        "key": key,
        "reason_contains": reason,
    }


# --- provider side ---------------------------------------------------------------------------

# A wrong type for every request field: (field, hostile value, what the reason says).
WRONG_TYPES: list[tuple[str, Any, str]] = [
    ("resource", 5, "`resource`: expected a string or null, found a number"),
    ("request-id", 99, "`request-id`: expected a string or null, found a number"),
    ("salt", ["s"], "`salt`: expected a string or null, found an array"),
    (
        "extra-user-roles",
        1,
        "`extra-user-roles`: expected a string or null, found a number",
    ),
    (
        "extra-group-roles",
        True,
        "`extra-group-roles`: expected a string or null, found a boolean",
    ),
    (
        "external-node-connectivity",
        "perhaps",
        '`external-node-connectivity`: expected a boolean, found the string "perhaps"',
    ),
    (
        "external-node-connectivity",
        [],
        "`external-node-connectivity`: expected a boolean",
    ),
    ("entity-type", "ROBOT", '`entity-type`: expected USER or GROUP, found "ROBOT"'),
    ("entity-type", 3, "`entity-type`: expected a string or null, found a number"),
    ("entity-permissions", "[not json", "`entity-permissions`: not valid JSON"),
    ("entity-permissions", {"a": 1}, "`entity-permissions`"),
    ("entity-permissions", [{"resource_name": "t"}], "`entity-permissions`[0]"),
    (
        "entity-permissions",
        [7],
        "`entity-permissions`[0]: expected an object, found a number",
    ),
    ("secret-mtls", 9, "`secret-mtls`: expected a string or null, found a number"),
    (
        "mtls-cert",
        {"pem": "x"},
        "`mtls-cert`: expected a string or null, found an object",
    ),
    (
        "secret-requested-entity",
        ["secret:x"],
        "`secret-requested-entity`: expected a string or null, found an array",
    ),
    ("entity-name", 12, "`entity-name`: expected a string or null, found a number"),
    ("password", False, "`password`: expected a string or null, found a boolean"),
    (
        "entity-password",
        1.5,
        "`entity-password`: expected a string or null, found a number",
    ),
    (
        "prefix-matching",
        0,
        "`prefix-matching`: expected a string or null, found a number",
    ),
]


def provider_vectors() -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = []

    def add(
        name: str,
        description: str,
        requests: Any,
        *,
        expect: dict[str, Any],
        extra_bag: dict[str, str] | None = None,
        **more: Any,
    ) -> None:
        remote = {"version": "v1"}
        if requests is not None:
            remote["requests"] = (
                requests if isinstance(requests, str) else dumps(requests)
            )
        remote.update(extra_bag or {})
        vector = {
            "name": name,
            "description": description,
            "databags": {"remote_app": remote},
        }
        vector.update(more)
        vector["expect"] = expect
        vectors.append(vector)

    def one_bad(
        bad: Any, reason: str, request_id: str | None = BAD_ID
    ) -> dict[str, Any]:
        return {
            "events": [good_event()],
            "rejections": [entry_rejected(1, reason, request_id)],
            "databags": {"local_app": {"data": dumps(GOOD_CACHE)}, "local_unit": {}},
        }

    slugs: set[str] = set()
    for field, value, reason in WRONG_TYPES:
        bad = {
            **GOOD_REQUEST,
            "resource": "otherdb",
            "request-id": BAD_ID,
            field: value,
        }
        slug = f"{field}-as-{type(value).__name__}"
        if slug in slugs and isinstance(value, list) and value:
            # A second list of another kind: named by its items' type (names are unique).
            slug += f"-of-{type(value[0]).__name__}"
        slugs.add(slug)
        add(
            f"wrong-type-{slug}",
            f"A request whose `{field}` is {json.dumps(value)}: rejected with a typed error naming "
            "the entry and the field; the other request is handled; nothing cached for it.",
            [GOOD_REQUEST, bad],
            expect=one_bad(bad, reason, None if field == "request-id" else BAD_ID),
        )

    for name, item, reason in [
        ("entry-is-a-number", 42, "expected an object, found a number"),
        ("entry-is-a-string", "clientdb", "expected an object, found a string"),
        ("entry-is-null", None, "expected an object, found null"),
        ("entry-is-a-list", [GOOD_REQUEST], "expected an object, found an array"),
    ]:
        add(
            f"requests-{name}",
            f"An entry of `requests` that is not an object ({name}): rejected, the other handled.",
            [GOOD_REQUEST, item],
            expect=one_bad(item, reason, None),
        )

    add(
        "requests-is-not-json",
        "`requests` is not JSON: the hook fails with an invalid-databag error naming the key; "
        "nothing written.",
        '[{"resource": "clientdb",',
        expect={"error": bag_error("requests", "")},
    )
    add(
        "requests-is-an-object",
        "`requests` is a JSON object, not a list: the hook fails naming the key.",
        {"resource": "clientdb"},
        expect={"error": bag_error("requests", "")},
    )
    add(
        "requests-is-a-string-of-json",
        "`requests` is JSON text inside a JSON string: the hook fails naming the key.",
        dumps(dumps([GOOD_REQUEST])),
        expect={"error": bag_error("requests", "")},
    )
    add(
        "requests-nested-ten-thousand-levels",
        "`requests` nests 10,000 lists: the decoder's depth bound refuses it with a typed error "
        "(no stack overflow, no trap).",
        "{{nest:10000}}",
        expect={"error": bag_error("requests", "")},
    )
    add(
        "entity-permissions-nested-ten-thousand-levels",
        "A request's `entity-permissions` nests 10,000 lists: `requests` as a whole is refused by "
        "the depth bound.",
        dumps([{k: v for k, v in GOOD_REQUEST.items() if k != "entity-permissions"}])[
            :-2
        ]
        + ', "entity-permissions": {{nest:10000}}}]',
        expect={"error": bag_error("requests", "")},
    )
    add(
        "requests-empty-list",
        "`requests` is an empty list: no event, no rejection, nothing written.",
        [],
        expect={"events": [], "databags": {"local_app": {}, "local_unit": {}}},
    )
    add(
        "requests-missing",
        "`version` without `requests`: no event, nothing written.",
        None,
        expect={"events": [], "databags": {"local_app": {}, "local_unit": {}}},
    )
    add(
        "duplicated-request-id",
        "Two entries with the same `request-id`: the first is handled, the second rejected as a "
        "duplicate naming both entries.",
        [GOOD_REQUEST, {**GOOD_REQUEST, "resource": "otherdb", "salt": "bbbbbbbb"}],
        expect={
            "events": [good_event()],
            "rejections": [
                entry_rejected(
                    1, f"duplicate request id {GOOD_ID} (first in entry 0)", GOOD_ID
                )
            ],
            "databags": {"local_app": {"data": dumps(GOOD_CACHE)}, "local_unit": {}},
        },
    )
    for version, reason in [
        ("v2", 'unsupported contract version "v2"'),
        ("1", 'unsupported contract version "1"'),
        ("V1", 'unsupported contract version "V1"'),
    ]:
        vector_name = f"unknown-version-{version or 'empty'}"
        vectors.append(
            {
                "name": vector_name,
                "description": f"`version` is {json.dumps(version)}: the hook fails with an "
                "invalid-databag error on `version`; nothing written.",
                "databags": {
                    "remote_app": {
                        "version": version,
                        "requests": dumps([GOOD_REQUEST]),
                    }
                },
                "expect": {"error": bag_error("version", reason)},
            }
        )
    huge = {**GOOD_REQUEST, "resource": "{{repeat:1048576:a}}", "request-id": BAD_ID}
    add(
        "one-mebibyte-resource",
        "A 1 MiB resource name is a string like any other: handled, cached, no trap.",
        [huge],
        expect={
            "events": [
                {
                    "kind": "resource_requested",
                    "request": {
                        "resource": "{{repeat:1048576:a}}",
                        "request_id": BAD_ID,
                    },
                }
            ],
            "databags": {
                "local_app": {
                    "data": dumps(
                        {
                            BAD_ID: {
                                "resource": "{{repeat:1048576:a}}",
                                "request-id": BAD_ID,
                                "salt": "kkkkkkkk",
                            }
                        }
                    )
                },
                "local_unit": {},
            },
        },
    )
    five = [
        {
            **GOOD_REQUEST,
            "resource": "{{repeat:1048576:" + c + "}}",
            "request-id": c * 16,
        }
        for c in "abcde"
    ]
    add(
        "cache-over-the-host-call-bound",
        "Five 1 MiB requests make a 5 MiB cache, over the host's 4 MiB bound on one call: the "
        "host refuses the write with a typed too-large error and nothing is written.",
        dumps(five),
        expect={
            "error": {"kind": "host", "reason_contains": "over the host-call bound"}
        },
    )
    add(
        "control-characters-in-keys",
        "Unknown keys with control characters (in the bag and in a request) are kept and "
        "ignored: the request is handled, the key round-trips in the cache.",
        [{**GOOD_REQUEST, "\u0001odd\u0000key": "v"}],
        extra_bag={"\u0007bell\nkey": "x"},
        expect={
            "events": [good_event()],
            "databags": {
                "local_app": {
                    "data": dumps(
                        {GOOD_ID: {**GOOD_CACHE[GOOD_ID], "\u0001odd\u0000key": "v"}}
                    )
                },
                "local_unit": {},
            },
        },
    )
    add(
        "mtls-secret-vanished",
        "A request names an mtls secret that does not exist (removed, or never granted): that "
        "request is rejected with a typed secret error; the other is handled.",
        [
            GOOD_REQUEST,
            {**GOOD_REQUEST, "request-id": BAD_ID, "secret-mtls": "secret:gone0000"},
        ],
        config={"mtls_enabled": True},
        expect={
            "events": [good_event()],
            "rejections": [
                {"relation_id": 7, "request_id": BAD_ID, "error": {"kind": "secret"}}
            ],
            "databags": {"local_app": {"data": dumps(GOOD_CACHE)}, "local_unit": {}},
        },
    )
    add(
        "corrupt-own-cache-starts-afresh",
        "The provider's own `data` cache is not JSON (a hand edit, a crash): it is logged and "
        "rebuilt; the request is handled as new.",
        [GOOD_REQUEST],
        expect={
            "events": [good_event()],
            "databags": {"local_app": {"data": dumps(GOOD_CACHE)}, "local_unit": {}},
        },
    )
    vectors[-1]["databags"]["local_app"] = {"data": "{not json"}
    add(
        "corrupt-status-list-fails-the-hook",
        "The provider's own `status` is not a JSON list: the hook fails naming the key.",
        [GOOD_REQUEST],
        expect={
            "error": {
                "kind": "invalid-databag",
                "relation_id": 7,
                "bag": "local-app",
                "key": "status",
            }
        },
    )
    vectors[-1]["databags"]["local_app"] = {"status": "{not a list"}
    vectors.append(
        {
            "name": "unparsable-secret-label-is-ignored",
            "description": "secret-changed for a secret whose label is not one of the "
            "protocol's: no event, nothing written.",
            "databags": {
                "remote_app": {"version": "v1", "requests": dumps([GOOD_REQUEST])}
            },
            "secrets": [
                {
                    "label": "not-a-protocol-label",
                    "owner": "remote",
                    "content": {"key-one": "v"},
                }
            ],
            "step": {"hook": "secret-changed", "secret": "not-a-protocol-label"},
            "expect": {"events": [], "databags": {"local_app": {}, "local_unit": {}}},
        }
    )
    vectors.append(
        {
            "name": "label-with-a-non-numeric-relation-is-ignored",
            "description": "secret-changed for a label shaped like the protocol's but with a "
            "relation id that is not a number: no event, nothing written.",
            "databags": {
                "remote_app": {"version": "v1", "requests": dumps([GOOD_REQUEST])}
            },
            "secrets": [
                {
                    "label": "database.seven.b7bf5c83ca2cd3de.mtls.secret",
                    "owner": "remote",
                    "content": {"mtls-cert": "CERT"},
                }
            ],
            "step": {
                "hook": "secret-changed",
                "secret": "database.seven.b7bf5c83ca2cd3de.mtls.secret",
            },
            "expect": {"events": [], "databags": {"local_app": {}, "local_unit": {}}},
        }
    )
    vectors.append(
        {
            "name": "empty-bags-do-nothing",
            "description": "Every bag empty: no event, nothing written, no error.",
            "databags": {},
            "expect": {"events": [], "databags": {"local_app": {}, "local_unit": {}}},
        }
    )
    return vectors


# --- requirer side ---------------------------------------------------------------------------

GOOD_RESPONSE = {
    "resource": "clientdb",
    "request-id": GOOD_ID,
    "salt": "kkkkkkkk",
    "endpoints": "10.0.0.1:5432",
    "read-only-endpoints": None,
    "secret-user": "{{secret:database.7.b7bf5c83ca2cd3de.user.secret}}",
    "secret-tls": None,
    "secret-extra": None,
    "secret-entity": None,
    "version": None,
    "prefix-resources": None,
    "mtls-cert": None,
    "entity-name": None,
    "entity-password": None,
    "password": None,
}
OTHER_ID = "ef142b87b00e1ba6"
PROVIDER_CACHE = {
    GOOD_ID: {"resource": "clientdb", "request-id": GOOD_ID, "salt": "kkkkkkkk"},
    OTHER_ID: {"resource": "otherdb", "request-id": OTHER_ID, "salt": "bbbbbbbb"},
}
USER_SECRET = {
    "label": "database.7.b7bf5c83ca2cd3de.user.secret",
    "owner": "remote",
    "content": {"username": "relation_7_clientdb", "password": "s3cret-never-shown"},
}
GOOD_UNIT_CACHE = {
    GOOD_ID: {
        "resource": "clientdb",
        "request-id": GOOD_ID,
        "salt": "kkkkkkkk",
        "endpoints": "10.0.0.1:5432",
        "secret-user": "{{secret:database.7.b7bf5c83ca2cd3de.user.secret}}",
    }
}

RESPONSE_WRONG_TYPES: list[tuple[str, Any, str]] = [
    ("resource", 5, "`resource`"),
    ("endpoints", ["10.0.0.1"], "`endpoints`"),
    ("read-only-endpoints", 1, "`read-only-endpoints`"),
    ("secret-user", 3, "`secret-user`"),
    ("secret-tls", True, "`secret-tls`"),
    ("version", 14, "`version`"),
    ("prefix-resources", {"a": 1}, "`prefix-resources`"),
    ("secret-extra", ["secret:x"], "`secret-extra`"),
    ("secret-entity", {"uri": "secret:x"}, "`secret-entity`"),
    ("request-id", 99, "`request-id`"),
]


def requirer_vectors() -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = []

    def add(
        name: str,
        description: str,
        responses: Any,
        *,
        expect: dict[str, Any],
        data: Any = PROVIDER_CACHE,
        secrets: list[dict[str, Any]] | None = None,
    ) -> None:
        remote = {"version": "v1"}
        if responses is not None:
            remote["requests"] = (
                responses if isinstance(responses, str) else dumps(responses)
            )
        if data is not None:
            remote["data"] = data if isinstance(data, str) else dumps(data)
        vectors.append(
            {
                "name": name,
                "description": description,
                "databags": {"remote_app": remote},
                "secrets": [USER_SECRET] if secrets is None else secrets,
                "expect": expect,
            }
        )

    def good_created() -> dict[str, Any]:
        return {
            "kind": "resource_created",
            "response": {
                "resource": "clientdb",
                "request_id": GOOD_ID,
                "username": "relation_7_clientdb",
                "password": "s3cret-never-shown",
            },
        }

    def one_bad(reason: str, request_id: str | None = OTHER_ID) -> dict[str, Any]:
        return {
            "events": [good_created()],
            "rejections": [entry_rejected(0, reason, request_id)],
            "databags": {"local_unit": {"data": dumps(GOOD_UNIT_CACHE)}},
        }

    for field, value, reason in RESPONSE_WRONG_TYPES:
        bad = {
            **GOOD_RESPONSE,
            "resource": "otherdb",
            "request-id": OTHER_ID,
            field: value,
        }
        bad["secret-user"] = None if field != "secret-user" else value
        add(
            f"response-wrong-type-{field}-as-{type(value).__name__}",
            f"A response whose `{field}` is {json.dumps(value)}: rejected with a typed error "
            "naming the entry and the field; the other response fires; nothing cached for it.",
            [bad, GOOD_RESPONSE],
            expect=one_bad(reason, None if field == "request-id" else OTHER_ID),
        )
    add(
        "response-entry-is-not-an-object",
        "A response entry that is a number: rejected, the other fires.",
        [17, GOOD_RESPONSE],
        expect=one_bad("expected an object, found a number", None),
    )
    add(
        "response-to-no-known-request",
        "A response whose request id is not in the provider's `data`: rejected naming `data`; "
        "the other fires.",
        [
            {**GOOD_RESPONSE, "request-id": "ffffffffffffffff", "secret-user": None},
            GOOD_RESPONSE,
        ],
        expect={
            "events": [good_created()],
            "rejections": [
                {
                    "relation_id": 7,
                    "request_id": "ffffffffffffffff",
                    "error": {
                        "kind": "invalid-databag",
                        "bag": "remote-app",
                        "key": "data",
                        "reason_contains": "No request matching the response with response_id "
                        "ffffffffffffffff",
                    },
                }
            ],
            "databags": {"local_unit": {"data": dumps(GOOD_UNIT_CACHE)}},
        },
    )
    add(
        "response-secret-vanished",
        "A response whose `secret-user` names a secret that no longer exists: rejected with a "
        "typed secret error and not cached (it fires once the secret is readable).",
        [GOOD_RESPONSE],
        secrets=[],
        expect={
            "events": [],
            "rejections": [
                {"relation_id": 7, "request_id": GOOD_ID, "error": {"kind": "secret"}}
            ],
            "databags": {"local_unit": {}},
        },
    )
    vectors[-1]["databags"]["remote_app"]["requests"] = dumps(
        [{**GOOD_RESPONSE, "secret-user": "secret:gone0000"}]
    )
    add(
        "provider-requests-is-not-json",
        "The provider's `requests` is not JSON: the hook fails naming the key; nothing written.",
        "[{",
        expect={"error": bag_error("requests", "")},
    )
    add(
        "provider-requests-nested-ten-thousand-levels",
        "The provider's `requests` nests 10,000 lists: refused by the depth bound.",
        "{{nest:10000}}",
        expect={"error": bag_error("requests", "")},
    )
    add(
        "provider-data-is-not-json",
        "The provider's `data` is not JSON: the hook fails naming `data`; nothing written.",
        [GOOD_RESPONSE],
        data="{oops",
        expect={"error": bag_error("data", "")},
    )
    add(
        "provider-status-is-malformed",
        "The provider's `status` is a list of numbers: the hook fails naming `status`.",
        [GOOD_RESPONSE],
        expect={"error": bag_error("status", "")},
    )
    vectors[-1]["databags"]["remote_app"]["status"] = "[1, 2]"
    add(
        "provider-response-without-data-waits",
        "Responses without the provider's `data`: no event yet (the library's 'Missing data to "
        "compute diffs'), nothing cached, the secret label attached.",
        [GOOD_RESPONSE],
        data=None,
        expect={
            "events": [],
            "databags": {"local_unit": {}},
            "secrets": [
                {
                    "label": USER_SECRET["label"],
                    "consumer_label": USER_SECRET["label"],
                }
            ],
        },
    )
    return vectors


def write() -> dict[str, str]:
    """The corpus files' text, by file name."""
    files = {
        "provider.json": {
            "area": "hostile requirer bags, as a v1 provider reads them at relation-changed",
            "defaults": {
                "side": "provider",
                "config": {},
                "local": {
                    "app": "postgresql",
                    "unit": "postgresql/0",
                    "leader": True,
                    "model_uuid": "e5ad3f63-7b5c-4c1e-8d6e-4a0a2f1b9c01",
                },
                "relation": {
                    "id": 7,
                    "endpoint": "database",
                    "remote_app": "client",
                    "remote_units": ["client/0"],
                    "remote_model_uuid": None,
                },
                "step": {"hook": "relation-changed", "remote_unit": "client/0"},
            },
            "vectors": provider_vectors(),
        },
        "requirer.json": {
            "area": "hostile provider bags, as a v1 requirer reads them at relation-changed",
            "defaults": {
                "side": "requirer",
                "config": {"requests": [{"resource": "clientdb", "salt": "kkkkkkkk"}]},
                "local": {
                    "app": "client",
                    "unit": "client/0",
                    "leader": True,
                    "model_uuid": "e5ad3f63-7b5c-4c1e-8d6e-4a0a2f1b9c01",
                },
                "relation": {
                    "id": 7,
                    "endpoint": "database",
                    "remote_app": "postgresql",
                    "remote_units": ["postgresql/0"],
                    "remote_model_uuid": None,
                },
                "step": {"hook": "relation-changed", "remote_unit": "postgresql/0"},
            },
            "vectors": requirer_vectors(),
        },
    }
    return {
        name: json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        for name, doc in files.items()
    }


if __name__ == "__main__":
    for name, text in write().items():
        (HERE / name).write_text(text)
        print(f"wrote {HERE / name}")
