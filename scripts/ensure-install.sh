#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json.
# npm scripts run with node_modules/.bin first on PATH, so after this `node` is the project's
# Node 24 (from the `node` npm package), whatever Node the machine has.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
