#!/usr/bin/env bash
# Installs what Bindery needs to build (and, with --test, to test) on a fresh Debian machine.
# Idempotent: runs in seconds when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

if ! need go; then
  echo "setup: Go 1.26 or newer is required (https://go.dev/doc/install)" >&2
  exit 1
fi
if ! need gcc; then
  echo "setup: installing gcc (DuckDB needs cgo)"
  apt-get update -qq && apt-get install -y -qq gcc >/dev/null
fi
go mod download

if [ -f web/package.json ]; then
  if ! need npm; then
    echo "setup: installing Node.js and npm"
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  fi
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# Browser tests drive Debian's Chromium; only the test setup needs it.
if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Chromium for the browser tests"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
