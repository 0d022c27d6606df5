#!/bin/sh
# Packs the npm packages: portainer-mcp-rs (the launcher, whose bin starts
# the binary) and the platform package for the binary given, e.g.
#   sh packaging/npm/pack.sh target/.../portainer-mcp linux-x64 target/npm
# The release workflow runs it once per platform build; CI packs linux-x64
# and starts it with npx from the tarballs, offline (packaging/smoke.py).
set -eu
bin=$1 platform=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
# The MCP registry checks an npm package's mcpName against its entry's name:
# a release packs with the entry it publishes (SERVER_JSON, filled in by
# packaging/registry/check.py --release), not the committed one with blanks.
# npm's provenance check wants the package's repository to be the one the
# release ran in: the entry's repository.
entry=${SERVER_JSON:-$root/packaging/server.json}
field() { node -p 'require(require("path").resolve(process.argv[1]))'"$1" "$entry"; }
mcp_name=$(field .name)
repository=$(field .repository.url)
os=${platform%-*} cpu=${platform#*-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/main/bin" "$work/platform/bin"
# npm pack runs in the package's own directory: OUT_DIR made absolute.
out=$(cd "$out" && pwd)

cp "$here/launcher.js" "$work/main/bin/portainer-mcp.js"
cp "$root/README.md" "$work/main/README.md"
cat > "$work/main/package.json" <<JSON
{
  "name": "portainer-mcp-rs",
  "version": "$version",
  "description": "MCP server for Portainer: Docker, Swarm and Kubernetes through Portainer's API (the native portainer-mcp binary)",
  "license": "MIT",
  "repository": { "type": "git", "url": "git+$repository.git" },
  "mcpName": "$mcp_name",
  "bin": { "portainer-mcp": "bin/portainer-mcp.js" },
  "files": ["bin/", "README.md"],
  "engines": { "node": ">=18" },
  "optionalDependencies": {
    "portainer-mcp-rs-linux-x64": "$version",
    "portainer-mcp-rs-linux-arm64": "$version"
  }
}
JSON

cp "$bin" "$work/platform/bin/portainer-mcp"
chmod 755 "$work/platform/bin/portainer-mcp"
cat > "$work/platform/package.json" <<JSON
{
  "name": "portainer-mcp-rs-$platform",
  "version": "$version",
  "description": "The portainer-mcp binary for $platform (installed by portainer-mcp-rs)",
  "license": "MIT",
  "repository": { "type": "git", "url": "git+$repository.git" },
  "os": ["$os"],
  "cpu": ["$cpu"],
  "files": ["bin/"]
}
JSON
(cd "$work/main" && npm pack --loglevel=error --pack-destination "$out" >/dev/null)
(cd "$work/platform" && npm pack --loglevel=error --pack-destination "$out" >/dev/null)
ls -l "$out"/portainer-mcp-rs-"$version".tgz "$out"/portainer-mcp-rs-"$platform"-"$version".tgz
