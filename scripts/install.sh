#!/usr/bin/env bash
# Installs what kubetrail needs from a fresh clone: pnpm, the workspace's dependencies and, with
# --browser, Debian's Chromium for the end-to-end tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1; then
  echo "» installing pnpm"
  npm install -g pnpm@12
fi

# better-sqlite3 compiles from source where its prebuilt binary cannot be downloaded; node-gyp then
# finds Node's headers only through npm_config_nodedir (pnpm ignores `nodedir` in .npmrc). Set it
# only where the headers are, so machines with internet keep using the prebuilt binary path.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

echo "» installing dependencies"
pnpm install --frozen-lockfile

if [ "${1:-}" = "--browser" ]; then
  if [ -n "${KUBETRAIL_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    echo "» chromium present"
  elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "» installing Debian's chromium for the end-to-end tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The end-to-end tests need Chromium: install it (e.g. 'sudo apt-get install chromium') or set KUBETRAIL_CHROMIUM=/path/to/chrome." >&2
    exit 1
  fi
fi
