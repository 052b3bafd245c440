#!/usr/bin/env bash
# Builds the release into dist/: one static binary per platform, stamped
# with the version, commit and commit time; the CycloneDX SBOM of each
# binary (the Go modules and toolchain linked into it); and SHA256SUMS
# over all of them. Check a download with `sha256sum -c --ignore-missing
# SHA256SUMS`.
#
#   scripts/release.sh [VERSION]           (make release VERSION=v1.2.3)
#   PLATFORMS="linux/amd64" scripts/release.sh v1.2.3
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=$(git rev-parse HEAD 2>/dev/null || true)
date=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
platforms=${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64}
pkg=github.com/mdcheck/mdcheck/internal/cli
out=dist

# Build into a fresh folder and move it into place at the end, so that a
# failed build never leaves a half-made release behind.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mdcheck-release.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for p in $platforms; do
  os=${p%/*} arch=${p#*/}
  name=mdcheck_${version}_${os}_${arch}
  [ "$os" = windows ] && name=$name.exe
  echo "== $name"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
    -ldflags "-s -w -X $pkg.Version=$version -X $pkg.Commit=$commit -X $pkg.BuildDate=$date" \
    -o "$tmp/$name" ./cmd/mdcheck
  go run ./internal/release/selfsbom -version "$version" -date "$date" "$tmp/$name" > "$tmp/${name%.exe}.cdx.json"
done
(cd "$tmp" && sha256sum -- * > SHA256SUMS)

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
chmod 755 "$out"
cat "$out/SHA256SUMS"
