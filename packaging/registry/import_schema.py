"""Imports the MCP registry's published server.json schema: its structure
only (validation keywords), as spec/ holds the API descriptions, with a
record of where it came from and the published file's sha256.

    python3 packaging/registry/import_schema.py PUBLISHED_FILE "WHERE IT CAME FROM"

PUBLISHED_FILE is https://static.modelcontextprotocol.io/schemas/<date>/server.schema.json
as downloaded; moving to a newer schema is a re-import plus the `$schema`
of packaging/server.json.
"""

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Prose and samples, not rules: left out (our repository keeps no upstream text).
DROPPED = ("description", "example", "examples", "$comment", "title")
# Maps whose keys are names (a property called "description"), not keywords.
NAMED = ("properties", "definitions", "patternProperties", "$defs")


def structure(node):
    if isinstance(node, list):
        return [structure(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in DROPPED:
            continue
        if k in NAMED and isinstance(v, dict):
            out[k] = {name: structure(s) for name, s in v.items()}
        else:
            out[k] = structure(v)
    return out


def main(path, origin):
    raw = Path(path).read_bytes()
    published = json.loads(raw)
    kept = json.dumps(structure(published), indent=2, sort_keys=True) + "\n"
    (HERE / "server.schema.json").write_text(kept)
    schema_id = published["$id"]
    version = schema_id.rstrip("/").split("/")[-2]
    (HERE / "server.schema.SOURCE.toml").write_text(
        "# Written by packaging/registry/import_schema.py; re-run it rather than editing.\n"
        "[schema]\n"
        f'id = "{schema_id}"\n'
        f'version = "{version}"\n\n'
        "[input]\n"
        f"origin = {json.dumps(origin)}\n"
        f'sha256 = "{hashlib.sha256(raw).hexdigest()}"\n'
        f"bytes = {len(raw)}\n"
        f'dropped = {json.dumps(list(DROPPED))}\n\n'
        "[output]\n"
        f'sha256 = "{hashlib.sha256(kept.encode()).hexdigest()}"\n'
    )
    print(f"imported {schema_id} ({len(raw)} bytes) into {HERE / 'server.schema.json'}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
