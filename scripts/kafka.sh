#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft broker+controller) without Docker.
#
#   scripts/kafka.sh fetch    download Kafka + runtime deps from Maven Central into .cache/kafka/<version>/lib
#   scripts/kafka.sh start    format a fresh data dir and start the broker in the background
#   scripts/kafka.sh stop     stop the broker started by this script
#   scripts/kafka.sh status   exit 0 if running, 3 if not
#   scripts/kafka.sh logs     tail the broker log
#
# Environment: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1),
#              KAFKA_DATA_DIR (.tmp/kafka-<port>), KAFKA_HEAP (-Xmx512m -Xms512m),
#              KAFKA_VERSION (3.9.1), KAFKA_START_TIMEOUT (60 seconds),
#              KAFKA_KEEP_DATA=1 (start: restart on the existing data dir instead of a fresh one),
#              KAFKA_EXTRA_PROPERTIES (lines of key=value appended to server.properties; a key given
#              again there overrides the generated one, e.g. listeners for an extra SASL_SSL listener),
#              KAFKA_FORMAT_ARGS (lines, each one extra argument of `StorageTool format` at start,
#              e.g. --add-scram and 'SCRAM-SHA-256=[name=alice,password=...]').
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
SLF4J_VERSION="1.7.36"
CACHE_DIR="${ROOT_DIR}/.cache/kafka/${KAFKA_VERSION}"
LIB_DIR="${CACHE_DIR}/lib"
MARKER="${CACHE_DIR}/.complete"

KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-${ROOT_DIR}/.tmp/kafka-${KAFKA_PORT}}"
KAFKA_HEAP="${KAFKA_HEAP:--Xmx512m -Xms512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"

PID_FILE="${KAFKA_DATA_DIR}/kafka.pid"
PROPS_FILE="${KAFKA_DATA_DIR}/server.properties"
LOG4J_FILE="${KAFKA_DATA_DIR}/log4j.properties"
LOG_FILE="${KAFKA_DATA_DIR}/server.log"
STDOUT_FILE="${KAFKA_DATA_DIR}/kafka.out"

JVM_OPTS=(-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true)

log() { printf '[kafka] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

now_ms() { date +%s%3N; }

fetch() {
  if [[ -f "${MARKER}" ]]; then
    log "kafka ${KAFKA_VERSION} already fetched (${LIB_DIR})"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH"
  log "fetching kafka_2.13:${KAFKA_VERSION} + runtime deps from Maven Central"
  local tmp
  tmp="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand tmp now
  trap "rm -rf '${tmp}'" EXIT
  cat >"${tmp}/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.kafka</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
      <exclusions>
        <exclusion><groupId>ch.qos.logback</groupId><artifactId>*</artifactId></exclusion>
        <exclusion><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId></exclusion>
        <exclusion><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId></exclusion>
        <exclusion><groupId>org.slf4j</groupId><artifactId>slf4j-log4j12</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>${SLF4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
EOF
  rm -rf "${LIB_DIR}"
  mkdir -p "${LIB_DIR}"
  if ! mvn -q -B -Dstyle.color=never -f "${tmp}/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="${LIB_DIR}" >"${tmp}/mvn.log" 2>&1; then
    cat "${tmp}/mvn.log" >&2
    die "maven dependency resolution failed"
  fi
  [[ -f "${LIB_DIR}/kafka_2.13-${KAFKA_VERSION}.jar" ]] || die "kafka jar missing after fetch"
  date -u +%FT%TZ >"${MARKER}"
  log "fetched $(find "${LIB_DIR}" -name '*.jar' | wc -l) jars into ${LIB_DIR}"
}

read_pid() {
  [[ -f "${PID_FILE}" ]] || return 1
  local pid
  pid="$(cat "${PID_FILE}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  printf '%s' "${pid}"
}

# True if the pid from the pid file is alive and is the broker we started.
is_running() {
  local pid
  pid="$(read_pid)" || return 1
  kill -0 "${pid}" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF "kafka.Kafka ${PROPS_FILE}"
}

# Same format as `kafka.tools.StorageTool random-uuid` (base64url of 16 random bytes),
# generated without paying for an extra JVM start.
random_uuid() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "${id}" == -* || "${id}" == AAAAAAAAAAAAAAAAAAAAA[AB] ]] || break
  done
  printf '%s' "${id}"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_config() {
  cat >"${PROPS_FILE}" <<EOF
# Generated by scripts/kafka.sh — single-node KRaft broker+controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${KAFKA_DATA_DIR}/logs
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
EOF
  if [[ -n "${KAFKA_EXTRA_PROPERTIES:-}" ]]; then
    printf '%s\n' "${KAFKA_EXTRA_PROPERTIES}" >>"${PROPS_FILE}"
  fi
  cat >"${LOG4J_FILE}" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${LOG_FILE}
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
}

start() {
  if is_running; then
    log "already running (pid $(read_pid), port ${KAFKA_PORT})"
    return 0
  fi
  if port_open "${KAFKA_PORT}"; then
    die "port ${KAFKA_PORT} is in use by a process not started by this script"
  fi
  command -v java >/dev/null 2>&1 || die "java not found on PATH"
  fetch

  local t0 cp cluster_id pid
  t0="$(now_ms)"
  cp="${LIB_DIR}/*"
  if [[ "${KAFKA_KEEP_DATA:-0}" == 1 && -f "${KAFKA_DATA_DIR}/logs/meta.properties" ]]; then
    # A restart of the same broker: keep its topics, offsets and cluster id.
    : >"${LOG_FILE}"
  else
    rm -rf "${KAFKA_DATA_DIR}"
    mkdir -p "${KAFKA_DATA_DIR}/logs"
    write_config
    cluster_id="$(random_uuid)"
    local format_args=()
    if [[ -n "${KAFKA_FORMAT_ARGS:-}" ]]; then
      mapfile -t format_args <<<"${KAFKA_FORMAT_ARGS}"
    fi
    java -Dlog4j.configuration="file:${LOG4J_FILE}" -cp "${cp}" \
      kafka.tools.StorageTool format -t "${cluster_id}" -c "${PROPS_FILE}" "${format_args[@]}" \
      >"${KAFKA_DATA_DIR}/format.out" 2>&1 \
      || { cat "${KAFKA_DATA_DIR}/format.out" >&2; die "storage format failed"; }
  fi

  # shellcheck disable=SC2086 # KAFKA_HEAP is intentionally word-split
  setsid nohup java ${KAFKA_HEAP} "${JVM_OPTS[@]}" \
    -Dlog4j.configuration="file:${LOG4J_FILE}" -Dkafka.logs.dir="${KAFKA_DATA_DIR}" \
    -cp "${cp}" kafka.Kafka "${PROPS_FILE}" \
    >"${STDOUT_FILE}" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "${pid}" >"${PID_FILE}"
  log "starting broker (pid ${pid}, port ${KAFKA_PORT}, data ${KAFKA_DATA_DIR})"

  local deadline=$((t0 + KAFKA_START_TIMEOUT * 1000))
  while :; do
    if ! kill -0 "${pid}" 2>/dev/null; then
      log "broker process exited during startup"
      tail -n 50 "${LOG_FILE}" "${STDOUT_FILE}" >&2 2>/dev/null || true
      rm -f "${PID_FILE}"
      exit 1
    fi
    if port_open "${KAFKA_PORT}" && grep -q 'Kafka Server started' "${LOG_FILE}" 2>/dev/null; then
      break
    fi
    if (($(now_ms) > deadline)); then
      log "broker did not start within ${KAFKA_START_TIMEOUT}s; last 50 log lines:"
      tail -n 50 "${LOG_FILE}" >&2 2>/dev/null || true
      stop
      exit 1
    fi
    sleep 0.2
  done
  local elapsed=$(($(now_ms) - t0))
  log "broker up on 127.0.0.1:${KAFKA_PORT} in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000)))s"
}

stop() {
  local pid
  if ! pid="$(read_pid)"; then
    log "not running (no pid file)"
    return 0
  fi
  if ! is_running; then
    log "not running (stale pid file for ${pid})"
    rm -f "${PID_FILE}"
    return 0
  fi
  log "stopping broker (pid ${pid})"
  kill -TERM "${pid}" 2>/dev/null || true
  local i
  for ((i = 0; i < 150; i++)); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "${pid}" 2>/dev/null; then
    log "still alive after 15s, sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "${PID_FILE}"
  log "stopped"
}

status() {
  if is_running; then
    echo "running (pid $(read_pid), port ${KAFKA_PORT})"
    return 0
  fi
  echo "stopped (port ${KAFKA_PORT})"
  return 3
}

logs() {
  [[ -f "${LOG_FILE}" ]] || die "no log file at ${LOG_FILE}"
  tail -n 100 -F "${LOG_FILE}"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  logs) logs ;;
  *)
    echo "usage: $0 fetch|start|stop|status|logs" >&2
    exit 2
    ;;
esac
