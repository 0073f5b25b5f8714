#!/usr/bin/env bash
# The GitHub Action's install step (action.yml): a released binary when SAGERULES_VERSION names
# one (downloaded with the GitHub CLI and checked against its .sha256), else `cargo install` of
# the action's own source (SAGERULES_SOURCE). Puts `sagerules` on the job's PATH.
set -euo pipefail
: "${SAGERULES_SOURCE:?the directory of the action source}"
BIN_DIR=${SAGERULES_BIN_DIR:-$HOME/.sagerules/bin}
mkdir -p "$BIN_DIR"
if [[ -n ${SAGERULES_VERSION:-} ]]; then
    asset="sagerules-x86_64-unknown-linux-gnu.tar.gz"
    work=$(mktemp -d)
    gh release download "$SAGERULES_VERSION" --repo "$SAGERULES_REPOSITORY" \
        --pattern "$asset" --pattern "$asset.sha256" --dir "$work"
    (cd "$work" && sha256sum --check "$asset.sha256")
    tar -xzf "$work/$asset" -C "$BIN_DIR" sagerules
else
    cargo install --locked --path "$SAGERULES_SOURCE/crates/sagerules-cli" --root "${BIN_DIR%/bin}" ${SAGERULES_CARGO_FLAGS:-}
fi
if [[ -n ${GITHUB_PATH:-} ]]; then
    echo "$BIN_DIR" >>"$GITHUB_PATH"
fi
"$BIN_DIR/sagerules" --version
