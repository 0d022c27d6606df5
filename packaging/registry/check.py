"""Checks packaging/server.json, our MCP registry entry, against the
registry's schema as imported (server.schema.json, see import_schema.py)
and against what this repository builds: the schema it names is the one
imported, its version is the crate's, and each package is one CI builds,
under our own name.

    python3 packaging/registry/check.py
"""

import hashlib
import json
import re
import sys
import tomllib
from pathlib import Path

import jsonschema

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# The packages CI builds and starts, by registry type, under the names we own.
OURS = {
    "npm": lambda p, v: p["identifier"] == "portainer-mcp-rs" and p.get("version") == v,
    "pypi": lambda p, v: p["identifier"] == "portainer-mcp-rs" and p.get("version") == v,
    "oci": lambda p, v: re.fullmatch(r"ghcr\.io/[^/]+/portainer-mcp-rs:" + re.escape(v), p["identifier"]),
    "mcpb": lambda p, v: p["identifier"].endswith(f"/portainer-mcp-rs-{v}-linux-amd64.mcpb"),
}


def problems():
    source = tomllib.loads((HERE / "server.schema.SOURCE.toml").read_text())
    schema_bytes = (HERE / "server.schema.json").read_bytes()
    if hashlib.sha256(schema_bytes).hexdigest() != source["output"]["sha256"]:
        yield "server.schema.json is not what import_schema.py wrote: re-import it"
    schema = json.loads(schema_bytes)
    entry = json.loads((ROOT / "packaging" / "server.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    for e in sorted(validator.iter_errors(entry), key=lambda e: list(e.path)):
        yield f"schema: /{'/'.join(map(str, e.path))}: {e.message}"
    if entry.get("$schema") != source["schema"]["id"]:
        yield f"$schema is {entry.get('$schema')}, not the imported {source['schema']['id']}"
    version = tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]["version"]
    if entry.get("version") != version:
        yield f"version {entry.get('version')} is not the crate's {version}"
    for p in entry.get("packages", []):
        ours = OURS.get(p.get("registryType"))
        if ours is None or not ours(p, version):
            yield f"package {p.get('registryType')} {p.get('identifier')}: not one CI builds under our name at {version}"


def main():
    found = list(problems())
    for p in found:
        print(f"packaging/server.json: {p}", file=sys.stderr)
    if found:
        sys.exit(1)
    entry = json.loads((ROOT / "packaging" / "server.json").read_text())
    kinds = ", ".join(p["registryType"] for p in entry["packages"])
    print(f"packaging/server.json: valid against the registry schema {entry['$schema']}; packages: {kinds}")


if __name__ == "__main__":
    main()
