#!/usr/bin/env bash
# Installs gonogo for the GitHub Action: the released binary for this runner when there is one,
# else `cargo install --path` of the action's own checkout. The binary lands in
# $RUNNER_TEMP/gonogo/bin, which is added to GITHUB_PATH.
set -euo pipefail
VERSION="${GONOGO_VERSION:-latest}"
REPO="${GONOGO_ACTION_REPOSITORY:-}"
SRC="${GONOGO_ACTION_PATH:?}"
DEST="${RUNNER_TEMP:-/tmp}/gonogo"
mkdir -p "$DEST/bin"

case "${RUNNER_OS:-Linux}/${RUNNER_ARCH:-X64}" in
  Linux/X64) TRIPLE=x86_64-unknown-linux-musl ;;
  Linux/ARM64) TRIPLE=aarch64-unknown-linux-musl ;;
  macOS/ARM64) TRIPLE=aarch64-apple-darwin ;;
  macOS/X64) TRIPLE=x86_64-apple-darwin ;;
  *) TRIPLE= ;;
esac

download() {
  [ -n "$REPO" ] && [ -n "$TRIPLE" ] && [ "$VERSION" != "source" ] || return 1
  local asset="gonogo-$TRIPLE.tar.gz" base
  if [ "$VERSION" = "latest" ]; then
    base="https://github.com/$REPO/releases/latest/download"
  else
    base="https://github.com/$REPO/releases/download/$VERSION"
  fi
  local tmp
  tmp=$(mktemp -d)
  curl -fsSL --retry 3 -o "$tmp/$asset" "$base/$asset" || return 1
  curl -fsSL --retry 3 -o "$tmp/$asset.sha256" "$base/$asset.sha256" || return 1
  (cd "$tmp" && sha256sum -c "$asset.sha256" >/dev/null 2>&1 || shasum -a 256 -c "$asset.sha256" >/dev/null) || {
    echo "::error title=gonogo::checksum mismatch for $asset"; return 1; }
  tar -xzf "$tmp/$asset" -C "$DEST/bin" gonogo
  rm -rf "$tmp"
}

if download; then
  echo "gonogo $VERSION ($TRIPLE) installed from the release"
else
  echo "::notice title=gonogo::no release binary for ${TRIPLE:-this runner} ($VERSION); building from source"
  cargo install --locked --path "$SRC" --root "$DEST"
fi
echo "$DEST/bin" >> "$GITHUB_PATH"
"$DEST/bin/gonogo" --version
