#!/usr/bin/env bash
# Fetches the upstream API descriptions the e2e suite checks requests
# against (never committed: see spec/*.SOURCE.toml) from where they were
# first taken, into DIR, and checks each against the sha256 recorded in
# spec/. For machines without ../shared/upstream (GitHub Actions); set
# E2E_UPSTREAM=DIR afterwards.
set -euo pipefail
dir=${1:?usage: fetch-upstream.sh DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The sha256 spec/<record> gives for its input file.
recorded() { sed -n 's/^sha256 = "\(.*\)"/\1/p' "$repo/spec/$1"; }

check() { # FILE RECORD
  local want got
  want=$(recorded "$2")
  got=$(sha256sum "$dir/$1" | cut -d' ' -f1)
  if [ "$want" != "$got" ]; then
    echo "fetch-upstream: $1 has sha256 $got, spec/$2 records $want" >&2
    exit 1
  fi
  echo "fetch-upstream: $1 ok"
}

# Portainer EE 2.45.3: inside the mcp-portainer wheel on PyPI.
python3 -m pip download --no-deps --quiet mcp-portainer==2.45.3 -d "$work"
python3 - "$work" "$dir/portainer-ee-2.45.3.openapi.yaml" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/mcp_portainer-2.45.3-*.whl")[0]
open(sys.argv[2], "wb").write(zipfile.ZipFile(wheel).read("portainer_mcp/data/portainer-patched.yaml"))
PY
check portainer-ee-2.45.3.openapi.yaml portainer-ee-2.45.3.SOURCE.toml

# Docker Engine API 1.41: Debian 12's golang-github-docker-docker-dev.
deb=golang-github-docker-docker-dev_20.10.24+dfsg1-1+deb12u1_all.deb
curl -sSfL -o "$work/$deb" "https://deb.debian.org/debian/pool/main/d/docker.io/$deb"
dpkg-deb --fsys-tarfile "$work/$deb" | tar -x -C "$work" --wildcards '*/docker/api/swagger.yaml'
cp "$(find "$work" -path '*/docker/api/swagger.yaml' | head -1)" "$dir/docker-engine-api-1.41.swagger.yaml"
check docker-engine-api-1.41.swagger.yaml docker.SOURCE.toml

# Portainer CE 2.39.0: cbnsndwch/portainer-api-docs at the recorded commit.
commit=2a52713ca712b3629342ad42e0a95bc9d136cce7
curl -sSfL -o "$dir/portainer-ce-2.39.0.openapi.yaml" \
  "https://raw.githubusercontent.com/cbnsndwch/portainer-api-docs/$commit/content/oas/portainer-ce/2.39.0.yml"
check portainer-ce-2.39.0.openapi.yaml portainer-ce-2.39.0.SOURCE.toml
