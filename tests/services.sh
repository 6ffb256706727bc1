#!/usr/bin/env bash
# Installs (as root, only what is missing) and starts what the tests talk to for real:
# Chromium + chromedriver, Mosquitto (+ clients), PostgreSQL. Sourced by test.sh; exports
# IOC_TEST_PG_URL and IOC_TEST_MOSQUITTO_URL.
set -euo pipefail

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
command -v mosquitto >/dev/null || need+=(mosquitto)
command -v mosquitto_pub >/dev/null || need+=(mosquitto-clients)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
fc-list 2>/dev/null | grep -qi "noto sans" || need+=(fonts-noto-core)
# pdftoppm renders the report PDFs back to images (tests/integration/reports).
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "tests/services.sh: missing ${need[*]}; run as root or install them" >&2
  else
    echo "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Mosquitto on 127.0.0.1:1883 (the machine's own, or one we start with our config).
if ! port_open 1883 && command -v mosquitto >/dev/null; then
  mosquitto -d -c "$(dirname "${BASH_SOURCE[0]}")/mosquitto-test.conf"
  for _ in $(seq 50); do port_open 1883 && break; sleep 0.1; done
fi
export IOC_TEST_MOSQUITTO_URL="${IOC_TEST_MOSQUITTO_URL:-mqtt://127.0.0.1:1883}"

# PostgreSQL on 127.0.0.1:5432 with a database 'test'.
if ! port_open 5432 && command -v pg_ctlcluster >/dev/null; then
  ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
  if [ -n "$ver" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
    for _ in $(seq 100); do port_open 5432 && break; sleep 0.1; done
  fi
fi
if [ -z "${IOC_TEST_PG_URL:-}" ] && port_open 5432; then
  if psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1; then
    export IOC_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
  elif [ "$(id -u)" = 0 ]; then
    # A fresh Debian cluster asks for a password over TCP: give the tests a role of their own.
    su postgres -c "psql -q -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='ioc_test') THEN CREATE ROLE ioc_test LOGIN SUPERUSER PASSWORD 'ioc_test'; END IF; END \\\$\\\$;\"" >/dev/null
    export IOC_TEST_PG_URL="postgresql+psycopg://ioc_test:ioc_test@127.0.0.1:5432/postgres"
  fi
fi
echo "services: mosquitto=${IOC_TEST_MOSQUITTO_URL} postgres=${IOC_TEST_PG_URL:-none}"
