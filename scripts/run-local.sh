#!/usr/bin/env bash
# Runs the worker against real local services without Docker: the project's own Kafka
# (scripts/kafka.sh, port 9092 unless KAFKA_PORT is set) and the MySQL/MariaDB given by
# MYSQL_* (default analytics/analytics123@localhost:3306). Applies the migrations first,
# then runs `npm run worker` in the foreground; Ctrl-C stops the worker and the broker.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v java >/dev/null || { echo "run-local: Java 17+ is needed for the local Kafka broker" >&2; exit 1; }
[ -d node_modules ] || npm ci --no-audit --no-fund
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT}}"
bash scripts/kafka.sh start
trap 'bash scripts/kafka.sh stop' EXIT
npx mikro-orm migration:up
npm run worker
