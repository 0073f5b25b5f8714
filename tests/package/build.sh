#!/usr/bin/env bash
# `make package`: the Lambda for provided.al2023 on arm64 and x86_64, built with cargo-lambda
# (zig as the cross linker, from PyPI's ziglang), stripped, one zip per architecture in dist/
# with `bootstrap` at its root, then checked: the highest GLIBC symbol version the binary needs
# is at most Amazon Linux 2023's (2.34), and the zip is below 10 MiB. Prints each zip's size
# and SHA-256.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
AL2023_GLIBC=2.34
MAX_ZIP=$((10 * 1024 * 1024))
# A target directory of its own: the stripped profile does not invalidate the release build
# the benchmarks use.
export CARGO_TARGET_DIR=$ROOT/target/package
export CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_DEBUG=false
mkdir -p dist
status=0
for arch in arm64 x86_64; do
    flag=--arm64
    [ "$arch" = x86_64 ] && flag=--x86-64
    PATH="$VENV/bin:$PATH" cargo-lambda lambda build --release "$flag" --package sagerules-lambda \
        --bin sagerules-config-rule --output-format zip --lambda-dir "$CARGO_TARGET_DIR/lambda-$arch"
    zip_path=dist/sagerules-config-rule-$arch.zip
    cp "$CARGO_TARGET_DIR/lambda-$arch/sagerules-config-rule/bootstrap.zip" "$zip_path"
    work=$(mktemp -d)
    unzip -q "$zip_path" -d "$work"
    [ -x "$work/bootstrap" ] || { echo "FAIL $arch: no executable bootstrap at the zip's root" >&2; status=1; }
    glibc=$(readelf -V "$work/bootstrap" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
    size=$(stat -c %s "$zip_path")
    sha=$(sha256sum "$zip_path" | cut -d' ' -f1)
    echo "$zip_path: $size bytes, sha256 $sha, needs GLIBC $glibc (AL2023 has $AL2023_GLIBC)"
    if [ "$(printf '%s\n%s\n' "$glibc" "$AL2023_GLIBC" | sort -V | tail -1)" != "$AL2023_GLIBC" ]; then
        echo "FAIL $arch: needs GLIBC $glibc, newer than Amazon Linux 2023's $AL2023_GLIBC" >&2
        status=1
    fi
    [ "$size" -lt "$MAX_ZIP" ] || { echo "FAIL $arch: $size bytes, not below 10 MiB" >&2; status=1; }
    file "$work/bootstrap" 2>/dev/null | sed 's/^/  /' || true
    rm -rf "$work"
done
exit $status
