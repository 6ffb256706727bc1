#!/usr/bin/env bash
# Installs everything the tests need (Python packages in .venv; as root: Chromium,
# chromedriver, Mosquitto, PostgreSQL from Debian) and runs the whole suite.
#   ./test.sh            every test
#   ./test.sh -k ingest  pytest arguments pass through
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-test.txt
source tests/services.sh
export IOC_TEST_REQUIRE_SERVICES="${IOC_TEST_REQUIRE_SERVICES:-1}"
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
