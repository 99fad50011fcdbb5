#!/usr/bin/env python3
"""TEST DOUBLE: a stand-in for Juju's hook tools. Not Juju, not for production.

Used by tests/rust/cli.rs and tests/rust/conformance_cli.rs to run the `data-interfaces`
command-line host the way Juju runs a charm: one process per hook, hook tools on PATH, the
hook's context in JUJU_* variables. README.md (next to this file) lists what was checked
against Juju's own tools.

Install it by writing, for each tool name, a wrapper in a directory on PATH:

    #!/bin/sh
    exec python3 /path/to/fake_juju.py relation-get "$@"

The model lives in `$FAKE_JUJU_STATE/state.json` (guarded by a lock file), so every process
of every unit sees the same databags and secrets. The caller is `$JUJU_UNIT_NAME`.

Tools: relation-ids, relation-list, relation-model-get, relation-get, relation-set,
is-leader, status-set, secret-add, secret-get, secret-info-get, secret-set, secret-grant,
secret-remove, juju-log. Administration (for tests, not a Juju tool): `fake-juju init`,
`fake-juju deploy APP N` (leader: APP/0), `fake-juju relate APP1 EP1 APP2 EP2` (prints the id;
the same application twice makes a peer relation). An application may carry its own
`model_uuid` in the state (a cross-model relation).
The forms ops uses are accepted too (`-r ENDPOINT:ID`, `--relation`, secret values as
`KEY#file=PATH`), so that a charm can run under `ops.main` over it (bench/hook_dispatch.py).

Juju's rules enforced here:
  * a unit writes only its own unit bag, and its application's bag only when it is the leader;
  * a unit reads its own application's bag only when it is the leader, except on a peer
    relation;
  * an empty value in relation-set deletes the key;
  * only the leader adds, changes, grants, removes or inspects (secret-info-get) an
    application-owned secret; a unit-owned secret only by its unit;
  * a consumer reads a secret only once it is granted on a relation to its application, and
    sees the revision it tracks until it passes --refresh;
  * owner labels are unique per owner; secret keys follow Juju's rule.
Every invocation's command line is appended, under the same lock, to
`$FAKE_JUJU_STATE/calls.jsonl`: one JSON list `[unit, tool, args...]` a line (the unit is
`$JUJU_UNIT_NAME`, empty for `fake-juju`), so tests can check that no secret value ever
appeared on a command line and count the calls a hook makes; `juju-log` lines go to
`$FAKE_JUJU_STATE/log.jsonl` (`[unit, level, message]`) the same way. Both are files of their
own, only appended to, and a tool that changes nothing does not write state.json back, so a
call costs the same however many calls came before it.
"""

import fcntl
import json
import os
import re
import sys

STATE_DIR = os.environ.get("FAKE_JUJU_STATE", "")
KEY_RULE = re.compile(r"^[a-z](?:-?[a-z0-9]){2,}$")


class ToolError(Exception):
    """A hook tool failure: printed as `ERROR <message>` on stderr, exit code 1."""


def load():
    path = os.path.join(STATE_DIR, "state.json")
    if not os.path.exists(path):
        return {
            "model_uuid": "00000000-0000-4000-8000-000000000000",
            "apps": {},
            "relations": {},
            "secrets": {},
            "next_relation": 0,
            "next_secret": 0,
        }
    with open(path) as f:
        return json.load(f)


def save(state):
    path = os.path.join(STATE_DIR, "state.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, separators=(",", ":"))
    os.replace(tmp, path)


# The tools that never change the model: their calls do not write the state back, so a call
# costs the same however many calls came before (the calls and the log lines are files of
# their own, appended to).
READ_ONLY = frozenset(
    "relation-ids relation-list relation-model-get relation-get is-leader secret-info-get "
    "juju-log".split()
)


def append(name, line):
    """Append one JSON line to `name` in the state directory (the caller holds the lock)."""
    with open(os.path.join(STATE_DIR, name), "a") as f:
        f.write(json.dumps(line) + "\n")


def record(call):
    """Append one call to `calls.jsonl` (the caller holds the lock)."""
    append("calls.jsonl", call)


def app_of(unit):
    return unit.split("/")[0]


class Caller:
    def __init__(self, state):
        self.state = state
        self.unit = os.environ.get("JUJU_UNIT_NAME", "")
        if not self.unit:
            raise ToolError("JUJU_UNIT_NAME not set: not in a hook context")
        self.app = app_of(self.unit)
        if self.app not in state["apps"]:
            raise ToolError(f"unit {self.unit} not found")

    def leader(self):
        return self.state["apps"][self.app]["leader"] == self.unit

    def relation(self, rid):
        # `-r 7` or, as ops passes it, `-r database:7` (the endpoint must match).
        endpoint, _, number = str(rid).rpartition(":")
        rel = self.state["relations"].get(number)
        if rel is None or self.app not in rel["endpoints"]:
            raise ToolError(f"relation {rid} not found")
        if endpoint and rel["endpoints"][self.app] != endpoint:
            raise ToolError(f"relation {rid} not found")
        return rel

    def remote_app(self, rel):
        """The other application; for a peer relation, the unit's own."""
        return next((a for a in rel["endpoints"] if a != self.app), self.app)

    def model_of(self, app):
        """The uuid of the model an application lives in (another one: cross-model)."""
        return self.state["apps"].get(app, {}).get("model_uuid") or self.state["model_uuid"]

    def owns(self, secret):
        kind, who = secret["owner"].split(":", 1)
        if kind == "unit":
            return who == self.unit
        return who == self.app and self.leader()

    def granted(self, secret):
        owner_app = app_of(secret["owner"].split(":", 1)[1])
        for rid in secret["grants"]:
            rel = self.state["relations"].get(str(rid))
            if (
                rel
                and owner_app in rel["endpoints"]
                and self.app in rel["endpoints"]
                and self.app != owner_app
            ):
                return True
        return False


def parse(args, flags, switches=()):
    """Split `args` into options (`flags` take a value, `switches` do not) and positionals."""
    opts, pos = {}, []
    it = iter(args)
    for arg in it:
        if arg == "--":
            pos.extend(it)
            break
        name, eq, inline = arg.partition("=")
        if name in flags:
            opts[name] = inline if eq else next(it, None)
            if opts[name] is None:
                raise ToolError(f"option {name} needs a value")
        elif name in switches:  # a boolean flag, as Go's flag package reads it: --x, --x=false
            opts[name] = inline.lower() not in ("false", "0") if eq else True
        elif arg.startswith("--format"):
            fmt = inline if eq else next(it, "")
            if fmt != "json":
                raise ToolError("the test double prints JSON only")
        elif arg.startswith("-") and arg != "-":
            raise ToolError(f"option provided but not defined: {arg}")
        else:
            pos.append(arg)
    return opts, pos


def read_map(source):
    """A key-value map from a file (`-` is stdin): JSON, or simple `key: value` YAML lines."""
    text = sys.stdin.read() if source == "-" else open(source).read()
    try:
        data = json.loads(text)
    except ValueError:
        data = {}
        for line in text.splitlines():
            if line.strip():
                key, _, value = line.partition(":")
                data[key.strip()] = value.strip().strip('"')
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ToolError("expected a map of strings")
    return data


def content_of(opts, pos):
    content = {}
    if "--file" in opts:
        content.update(read_map(opts["--file"]))
    for item in pos:
        key, eq, value = item.partition("=")
        if not eq:
            raise ToolError(f"expected key=value, got {key!r}")
        if key.endswith("#file"):  # `key#file=PATH`, as ops passes secret values
            key = key[: -len("#file")]
            with open(value) as f:
                value = f.read()
        content[key] = value
    if not content:
        raise ToolError("secret content cannot be empty")
    for key in content:
        if not KEY_RULE.match(key):
            raise ToolError(f"invalid secret key {key!r}")
    return content


def secret_id(uri):
    """The id of a secret URI: `secret:ID`, `secret://MODEL-UUID/ID` or a bare `ID`."""
    return uri.rsplit("/", 1)[-1].split(":")[-1]


def find_secret(state, caller, uri=None, label=None):
    if uri is not None:
        for key, secret in state["secrets"].items():
            if secret_id(key) == secret_id(uri):
                return key, secret
        raise ToolError(f'secret "{secret_id(uri)}" not found')
    for uri, secret in state["secrets"].items():
        if caller.owns(secret) and secret["label"] == label:
            return uri, secret
        if secret["consumers"].get(caller.unit, {}).get("label") == label:
            return uri, secret
    raise ToolError(f'secret with label "{label}" not found')


def tool(name, args, state):
    out = None
    if name == "fake-juju":
        return admin(args, state)
    caller = Caller(state)
    if name == "relation-ids":
        _, pos = parse(args, ())
        out = [
            f"{pos[0]}:{rid}"
            for rid, rel in sorted(state["relations"].items(), key=lambda kv: int(kv[0]))
            if rel["endpoints"].get(caller.app) == pos[0]
        ]
    elif name == "relation-list":
        opts, _ = parse(args, ("-r",), ("--app",))
        rel = caller.relation(opts["-r"])
        remote = caller.remote_app(rel)
        units = [u for u in state["apps"][remote]["units"] if u != caller.unit]
        out = remote if opts.get("--app") else units
    elif name == "relation-model-get":
        opts, _ = parse(args, ("-r",))
        rel = caller.relation(opts["-r"])
        out = {"uuid": caller.model_of(caller.remote_app(rel))}
    elif name == "relation-get":
        opts, pos = parse(args, ("-r",), ("--app",))
        rel = caller.relation(opts["-r"])
        key = pos[0] if pos else "-"
        who = pos[1] if len(pos) > 1 else os.environ.get("JUJU_REMOTE_UNIT", caller.unit)
        if opts.get("--app"):
            if who not in rel["endpoints"]:
                raise ToolError(f"application {who} not found in relation {opts['-r']}")
            peer = len(rel["endpoints"]) == 1
            if who == caller.app and not caller.leader() and not peer:
                raise ToolError("permission denied: only the leader reads its application bag")
            bag = rel["app_bags"].get(who, {})
        else:
            if app_of(who) not in rel["endpoints"]:
                raise ToolError(f"unit {who} not found in relation {opts['-r']}")
            bag = rel["unit_bags"].get(who, {})
        out = dict(bag) if key == "-" else bag.get(key, "")
    elif name == "relation-set":
        opts, pos = parse(args, ("-r", "--file"), ("--app",))
        rel = caller.relation(opts.get("-r", os.environ.get("JUJU_RELATION_ID", "").split(":")[-1]))
        changes = read_map(opts["--file"]) if "--file" in opts else {}
        for item in pos:
            key, _, value = item.partition("=")
            changes[key] = value
        if opts.get("--app"):
            if not caller.leader():
                raise ToolError(
                    "cannot write relation settings: permission denied (not the leader)"
                )
            bag = rel["app_bags"].setdefault(caller.app, {})
        else:
            bag = rel["unit_bags"].setdefault(caller.unit, {})
        for key, value in changes.items():
            if value == "":
                bag.pop(key, None)
            else:
                bag[key] = value
    elif name == "is-leader":
        parse(args, ())
        out = caller.leader()
    elif name == "secret-add":
        opts, pos = parse(args, ("--owner", "--label", "--file", "--description"))
        owner = opts.get("--owner", "application")
        if owner == "application":
            if not caller.leader():
                raise ToolError("permission denied: only the leader adds application secrets")
            owner_id = f"application:{caller.app}"
        elif owner == "unit":
            owner_id = f"unit:{caller.unit}"
        else:
            raise ToolError(f"invalid owner {owner!r}")
        content = content_of(opts, pos)
        label = opts.get("--label")
        if label and any(
            s["owner"] == owner_id and s["label"] == label for s in state["secrets"].values()
        ):
            raise ToolError(f'secret with label "{label}" already exists')
        state["next_secret"] += 1
        # Juju 3 prints the URI with the owner's model uuid.
        uri = "secret://%s/%020x" % (caller.model_of(caller.app), 0xC0FFEE000 + state["next_secret"])
        state["secrets"][uri] = {
            "owner": owner_id,
            "label": label,
            "latest": 1,
            "revisions": {"1": content},
            "grants": [],
            "consumers": {},
        }
        print(uri)
    elif name == "secret-get":
        opts, pos = parse(args, ("--label",), ("--refresh", "--peek"))
        uri, secret = find_secret(state, caller, pos[0] if pos else None, opts.get("--label"))
        if caller.owns(secret) or (secret["owner"] == f"application:{caller.app}"):
            if not caller.owns(secret):
                raise ToolError("permission denied: only the leader reads an application secret")
            if "--label" in opts and pos:
                secret["label"] = opts["--label"]
            out = secret["revisions"][str(secret["latest"])]
        else:
            if not caller.granted(secret):
                raise ToolError(f"permission denied: secret {uri} is not granted to {caller.app}")
            consumer = secret["consumers"].setdefault(caller.unit, {"tracked": secret["latest"]})
            if "--label" in opts:
                consumer["label"] = opts["--label"]
            revision = (
                secret["latest"]
                if opts.get("--refresh") or opts.get("--peek")
                else consumer["tracked"]
            )
            if opts.get("--refresh"):
                consumer["tracked"] = secret["latest"]
            content = secret["revisions"].get(str(revision))
            if content is None:
                raise ToolError(f"secret {uri} revision {revision} not found")
            out = content
    elif name == "secret-info-get":
        opts, pos = parse(args, ("--label",))
        if pos and "--label" in opts:
            raise ToolError("specify either a secret URI or label but not both")
        if not pos and "--label" not in opts:
            raise ToolError("require either a secret URI or label")
        uri, secret = find_secret(state, caller, pos[0] if pos else None, opts.get("--label"))
        if not caller.owns(secret):
            raise ToolError(f"permission denied: {caller.unit} does not own secret {uri}")
        # Keyed by the bare id, as Juju prints it.
        out = {
            secret_id(uri): {
                "revision": secret["latest"],
                "label": secret["label"] or "",
                "owner": secret["owner"].split(":")[0],
            }
        }
    elif name in ("secret-set", "secret-grant", "secret-remove"):
        flags = {
            "secret-set": ("--file", "--label", "--description", "--owner"),
            "secret-grant": ("-r", "--relation", "--unit"),
            "secret-remove": ("--revision",),
        }[name]
        opts, pos = parse(args, flags)
        if not pos:
            raise ToolError("missing secret URI")
        uri, secret = find_secret(state, caller, pos[0])
        if not caller.owns(secret):
            raise ToolError(f"permission denied: {caller.unit} does not own secret {uri}")
        if name == "secret-set":
            secret["latest"] += 1
            secret["revisions"][str(secret["latest"])] = content_of(opts, pos[1:])
        elif name == "secret-grant":
            ref = opts.get("-r", opts.get("--relation"))
            if ref is None:
                raise ToolError("missing relation")
            caller.relation(ref)
            rid = int(ref.rpartition(":")[2])
            if rid not in secret["grants"]:
                secret["grants"].append(rid)
        elif "--revision" in opts:
            if secret["revisions"].pop(opts["--revision"], None) is None:
                raise ToolError(f"secret {uri} revision {opts['--revision']} not found")
        else:
            del state["secrets"][uri]
    elif name == "status-set":
        opts, pos = parse(args, (), ("--application",))
        if opts.get("--application") and not caller.leader():
            raise ToolError("this unit is not the leader")
        state.setdefault("status", {})[caller.unit] = pos[:2]
    elif name == "juju-log":
        opts, pos = parse(args, ("--log-level", "-l"))
        append("log.jsonl", [caller.unit, opts.get("--log-level", "INFO"), " ".join(pos)])
    else:
        raise ToolError(f"unknown hook tool {name}")
    if out is not None:
        print(json.dumps(out))


def admin(args, state):
    if args[:1] == ["init"]:
        if len(args) > 1:
            state["model_uuid"] = args[1]
    elif args[:1] == ["deploy"]:
        app, count = args[1], int(args[2])
        units = [f"{app}/{i}" for i in range(count)]
        state["apps"][app] = {"units": units, "leader": units[0]}
    elif args[:1] == ["relate"]:
        app1, ep1, app2, ep2 = args[1:5]
        rid = state["next_relation"]
        state["next_relation"] += 1
        state["relations"][str(rid)] = {
            "endpoints": {app1: ep1, app2: ep2},
            "app_bags": {app1: {}, app2: {}},
            "unit_bags": {},
        }
        print(rid)
    else:
        raise ToolError("usage: fake-juju init [UUID] | deploy APP N | relate APP1 EP1 APP2 EP2")


def main():
    if not STATE_DIR:
        print("ERROR FAKE_JUJU_STATE is not set", file=sys.stderr)
        return 1
    name, args = sys.argv[1], sys.argv[2:]
    with open(os.path.join(STATE_DIR, "lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record([os.environ.get("JUJU_UNIT_NAME", ""), name] + args)
        state = load()
        try:
            tool(name, args, state)
        except ToolError as error:
            print(f"ERROR {error}", file=sys.stderr)
            return 1
        if name not in READ_ONLY:
            save(state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
