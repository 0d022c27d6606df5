#!/usr/bin/env sh
# packaging/build-bundle.sh BINARY OUT.mcpb: the MCP Bundle for Claude
# Desktop (manifest in packaging/mcpb/), validated and packed with the
# @anthropic-ai/mcpb tool (MCPB=path/to/mcpb, default: on PATH).
set -eu
bin=$1 out=$2
mcpb=${MCPB:-mcpb}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/server"
cp "$(dirname "$0")/mcpb/manifest.json" "$stage/manifest.json"
cp "$bin" "$stage/server/portainer-mcp"
chmod 755 "$stage/server/portainer-mcp"
# The bundle's version is the crate's: VERSION, or what the binary says
# (which a cross-built binary cannot).
version=${VERSION:-$("$bin" --version | awk '{print $2}')}
python3 - "$stage/manifest.json" "$version" <<'PY'
import json, sys
p, v = sys.argv[1], sys.argv[2]
m = json.load(open(p))
m["version"] = v
json.dump(m, open(p, "w"), indent=2)
PY
"$mcpb" validate "$stage/manifest.json"
"$mcpb" pack "$stage" "$out"
