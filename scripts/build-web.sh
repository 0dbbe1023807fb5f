#!/usr/bin/env bash
# Builds the front-end bundles into web/dist (embedded by go:embed). No-op until web/ exists.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f web/package.json ]; then
  (cd web && npm run --silent build)
fi
