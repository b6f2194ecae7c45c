#!/usr/bin/env bash
# Runs the worker against real local services without Docker: the project's own Kafka
# (scripts/kafka.sh, 127.0.0.1:9092 unless KAFKA_PORT is set) and the project's own database
# server (scripts/db.sh: MySQL 8.0 on 127.0.0.1:13306, or DB_ENGINE=mariadb on 13307; DB_PORT
# overrides; a fresh data dir each run). With MYSQL_HOST set it uses that server instead.
# Applies the migrations, then runs `npm run worker` in the foreground; Ctrl-C stops the worker,
# then the database server and the broker.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v java >/dev/null || { echo "run-local: Java 17+ is needed for the local Kafka broker" >&2; exit 1; }
[ -d node_modules ] || npm ci --no-audit --no-fund

export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT}}"
started=()
stop_all() {
  local i
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do eval "${started[i]}" || true; done
}
trap stop_all EXIT

if [[ -z "${MYSQL_HOST:-}" ]]; then
  engine="${DB_ENGINE:-mysql}"
  [[ "${engine}" == mysql ]] && default_port=13306 || default_port=13307
  export DB_PORT="${DB_PORT:-${default_port}}"
  started+=("bash scripts/db.sh ${engine} stop")
  bash scripts/db.sh "${engine}" start
  export MYSQL_HOST=127.0.0.1 MYSQL_PORT="${DB_PORT}" MYSQL_USER=analytics MYSQL_PASSWORD=analytics123 \
    MYSQL_DATABASE=analytics
  echo "run-local: ${engine} on 127.0.0.1:${DB_PORT}; connect with:" >&2
  echo "  mysql -h127.0.0.1 -P${DB_PORT} -uanalytics -panalytics123 analytics" >&2
fi
started+=("bash scripts/kafka.sh stop")
bash scripts/kafka.sh start
npx mikro-orm migration:up
npm run worker
