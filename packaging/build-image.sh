#!/usr/bin/env sh
# packaging/build-image.sh BINARY TAG [docker args...]: builds the FROM
# scratch image around a static portainer-mcp binary. Refuses a binary
# that is dynamically linked: a scratch image has no libc to load.
set -eu
bin=$1 tag=$2
shift 2
case "$(ldd "$bin" 2>&1 || true)" in
  *"not a dynamic executable"*|*"statically linked"*) ;;
  *) echo "$bin is dynamically linked; build it static (see .ci/run)" >&2; exit 1 ;;
esac
ca=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
[ -s "$ca" ] || { echo "no CA bundle at $ca (Debian: apt-get install ca-certificates)" >&2; exit 1; }
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$bin" "$ctx/portainer-mcp"
cp "$ca" "$ctx/ca-certificates.crt"
cp "$(dirname "$0")/Dockerfile" "$ctx/Dockerfile"
docker "$@" build -q -t "$tag" "$ctx"
