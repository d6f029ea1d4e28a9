#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json.
# npm scripts run with node_modules/.bin first on PATH, so after this `node` is the project's
# Node 24 (from the `node` npm package), whatever Node the machine has.
#
# `npm install` rather than `npm ci`: with this machine's npm 11 configuration
# (omit-lockfile-registry-resolved) npm writes lock files that `npm ci` then rejects as out of
# sync (optional platform packages of rollup and esbuild are left out). `npm install` installs
# exactly the locked versions and leaves the lock file unchanged when it is in sync.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies…"
  npm install --no-audit --no-fund --loglevel=error
fi
