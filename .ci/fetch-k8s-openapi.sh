#!/bin/sh
# Puts Kubernetes v1.27.0's OpenAPI (Swagger 2.0) description at
# $1/kubernetes-1.27.0-swagger.json, for the end-to-end check of every
# Kubernetes API request the suite records (tests/e2e/upstream.py). No
# registry we can reach ships a newer one: Debian 13's kube-openapi -dev
# package carries this one as test data. The machine's apt configuration is
# not touched: a private one points at its own Debian mirror, suite trixie.
set -eu
OUT=${1:?usage: fetch-k8s-openapi.sh OUTDIR}
FILE="$OUT/kubernetes-1.27.0-swagger.json"
SHA=ecadad734eb65fe73e9612304490398c0c9162cac9787468000fa0fa2af8ba3e
PKG=golang-k8s-kube-openapi-dev
VER=0.0~git20241212.2c72e55-2
if [ -f "$FILE" ] && echo "$SHA  $FILE" | sha256sum -c --status; then
  exit 0
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/lists/partial" "$W/cache/archives/partial" "$OUT"
URI=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$URI" ] || URI=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list)
echo "deb $URI trixie main" > "$W/sources.list"
O="-o Dir::Etc::SourceList=$W/sources.list -o Dir::Etc::SourceParts=/dev/null
 -o Dir::State::Lists=$W/lists -o Dir::Cache=$W/cache -o Dir::State::status=/dev/null
 -o Acquire::Languages=none -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $O -qq update
# shellcheck disable=SC2086
(cd "$W" && apt-get $O -qq download "$PKG=$VER")
dpkg-deb --fsys-tarfile "$W"/${PKG}_*.deb \
  | tar -xO ./usr/share/gocode/src/k8s.io/kube-openapi/pkg/schemaconv/testdata/swagger.json > "$FILE.part"
echo "$SHA  $FILE.part" | sha256sum -c --status || { echo "unexpected sha256 for $FILE" >&2; exit 1; }
mv "$FILE.part" "$FILE"
