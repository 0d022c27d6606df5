"""Checks packaging/server.json, our MCP registry entry, against the
registry's schema as imported (server.schema.json, see import_schema.py)
and against what this repository builds: the schema it names is the one
imported, its version is the crate's, and each package is one CI builds,
under our own name.

The committed entry holds three blanks a release fills: REPOSITORY (the
GitHub repository released from, owner/name), OWNER (its owner: spelled
as GitHub spells it in the registry namespace io.github.OWNER, whose
grant is case-sensitive, and in lower case in the image's name, as
ghcr.io wants it) and the bundle's SHA-256 (zeros). With --release, the
entry is filled for the repository and the bundle given, checked again
with no blank left, and written to OUT: the file the release workflow
publishes (CI renders one from its own bundle).

    python3 packaging/registry/check.py
    python3 packaging/registry/check.py --release OWNER/NAME BUNDLE.mcpb OUT.json
"""

import argparse
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


# The blanks of the committed entry, and where each may stand.
REPOSITORY = "REPOSITORY"
OWNER = "OWNER"
NO_SHA = "0" * 64
BLANKS_AT = {
    "/name", "/repository/url", "/packages/2/identifier", "/packages/3/identifier", "/packages/3/fileSha256",
}
# A GitHub repository, owner/name, as GitHub spells it.
GITHUB_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}/[A-Za-z0-9._-]{1,100}")


def strings(value, at=""):
    """Every string in `value` with its JSON pointer."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, f"{at}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, f"{at}/{i}")
    elif isinstance(value, str):
        yield at, value


def blanks(entry):
    return [at for at, s in strings(entry) if OWNER in s or REPOSITORY in s or s == NO_SHA]


def render(entry, repository, bundle):
    """The entry as a release from `repository` publishes it, the bundle's
    SHA-256 filled in."""
    sha = hashlib.sha256(Path(bundle).read_bytes()).hexdigest()
    owner = repository.split("/")[0]

    def fill(value):
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str):
            if value == NO_SHA:
                return sha
            value = value.replace(REPOSITORY, repository).replace(f"ghcr.io/{OWNER}", f"ghcr.io/{owner.lower()}")
            return value.replace(OWNER, owner)
        return value

    return fill(entry)


def problems(entry, released=False):
    source = tomllib.loads((HERE / "server.schema.SOURCE.toml").read_text())
    schema_bytes = (HERE / "server.schema.json").read_bytes()
    if hashlib.sha256(schema_bytes).hexdigest() != source["output"]["sha256"]:
        yield "server.schema.json is not what import_schema.py wrote: re-import it"
    schema = json.loads(schema_bytes)
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
    left = blanks(entry)
    if released and left:
        yield f"blanks left in the released entry at {', '.join(left)}"
    for at in [] if released else sorted(set(left) - BLANKS_AT):
        yield f"a blank (REPOSITORY, OWNER or a zero SHA-256) at {at}, where no release fills it"


def report(name, found):
    for p in found:
        print(f"{name}: {p}", file=sys.stderr)
    if found:
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--release", nargs=3, metavar=("OWNER/NAME", "BUNDLE", "OUT"),
                    help="fill the entry for a release from GitHub repository OWNER/NAME with BUNDLE's "
                         "SHA-256, check it, write OUT")
    a = ap.parse_args()
    entry = json.loads((ROOT / "packaging" / "server.json").read_text())
    report("packaging/server.json", list(problems(entry)))
    kinds = ", ".join(p["registryType"] for p in entry["packages"])
    print(f"packaging/server.json: valid against the registry schema {entry['$schema']}; packages: {kinds}")
    if a.release:
        repository, bundle, out = a.release
        if not GITHUB_REPOSITORY.fullmatch(repository):
            sys.exit(f"--release: {repository!r} is not a GitHub repository (owner/name)")
        released = render(entry, repository, bundle)
        report(out, list(problems(released, released=True)))
        Path(out).write_text(json.dumps(released, indent=2) + "\n")
        print(f"{out}: the entry for a release from {repository}, bundle SHA-256 "
              f"{released['packages'][3]['fileSha256']}; valid, no blank left")


if __name__ == "__main__":
    main()
