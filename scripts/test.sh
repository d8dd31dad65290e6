#!/usr/bin/env bash
# Installs what Grid's tests need on a fresh Debian machine, then builds and runs every test.
# Ends with one line "N passed, N failed"; exits non-zero when a test fails or the build breaks.
set -uo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: docker-compose validates docker-compose.yml (no Docker engine is needed), Chromium drives
# the dashboard test, redis-server is the Redis the cluster tests run silos against (Orleans membership; its redis-cli
# too), postgresql is the PostgreSQL server (postgresql-15: initdb, pg_ctl, postgres, psql) of the job-store tests,
# openssl makes the passwords of both and the certificates of Redis's TLS port.
packages=(docker-compose chromium redis-server postgresql openssl)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || { echo "could not install ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

# The cluster tests need a Redis server of this run's own on loopback (127.0.0.1:6390, TLS on :6391, never the machine's
# own Redis service), with a password made once and kept in its state folder; scripts/redis.sh test-env hands them its
# connection strings as GRID_TEST_REDIS and GRID_TEST_REDIS_TLS, with the CA that signed its certificate in
# GRID_TEST_REDIS_CA. The tests' Redis fixture restarts the server through the same script.
bash scripts/redis.sh start 60 || { echo "the Redis server did not start; the cluster tests cannot run"; echo "0 passed, 1 failed"; exit 1; }
redis_env=$(bash scripts/redis.sh test-env) \
  || { echo "scripts/redis.sh test-env failed"; echo "0 passed, 1 failed"; exit 1; }
eval "$redis_env"
[ -n "${GRID_TEST_REDIS:-}" ] && [ -n "${GRID_TEST_REDIS_TLS:-}" ] && [ -s "${GRID_TEST_REDIS_CA:-}" ] \
  || { echo "scripts/redis.sh test-env did not give the Redis connection strings and CA"; echo "0 passed, 1 failed"; exit 1; }

# The job-store tests need a PostgreSQL server of this run's own on loopback (127.0.0.1:5440 only, never the machine's
# own PostgreSQL service on 5432): a private cluster made once with initdb in its state folder, where the role grid
# (owner of the database grid, no superuser) and the superuser grid_admin log in with passwords made once and kept
# there. scripts/postgres.sh test-env hands the tests their Npgsql connection strings as GRID_TEST_POSTGRES and
# GRID_TEST_POSTGRES_ADMIN. The tests' PostgreSQL fixture restarts the server through the same script.
bash scripts/postgres.sh start 60 \
  || { echo "the PostgreSQL server did not start; the job-store tests cannot run"; echo "0 passed, 1 failed"; exit 1; }
postgres_env=$(bash scripts/postgres.sh test-env) \
  || { echo "scripts/postgres.sh test-env failed"; echo "0 passed, 1 failed"; exit 1; }
eval "$postgres_env"
[ -n "${GRID_TEST_POSTGRES:-}" ] && [ -n "${GRID_TEST_POSTGRES_ADMIN:-}" ] \
  || { echo "scripts/postgres.sh test-env did not give the PostgreSQL connection strings"; echo "0 passed, 1 failed"; exit 1; }

command -v dotnet >/dev/null || { echo "the .NET SDK is not on PATH"; echo "0 passed, 1 failed"; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results=TestResults
rm -rf "$results"
# A test that hangs is stopped (and its process dumped) rather than eating the whole CI budget.
dotnet test Grid.sln -c Release --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" --blame-hang-timeout 10m
status=$?

counts=$(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = 0
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is not None:
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    # Each failed test again, with the first lines of its message, so the end of the log says which failed and why.
    for result in ET.parse(path).getroot().findall(".//{*}UnitTestResult"):
        if result.get("outcome") not in ("Passed", "NotExecuted"):
            message = result.find(".//{*}ErrorInfo/{*}Message")
            lines = (message.text or "").strip().splitlines() if message is not None else []
            print(f"FAILED {result.get('testName')} ({result.get('duration')}): {' | '.join(lines[:3])[:600]}", file=sys.stderr)
print(passed, failed)
PY
)
read -r passed failed <<<"${counts:-0 0}"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build broke or the test host crashed before reporting: count that as a failure.
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
