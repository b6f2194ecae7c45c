# Shared by scripts/db.sh and scripts/kafka.sh: a background server known by its pid file.
# The sourcing script defines PID_FILE, log() and is_running() (which checks the pid is its server).

now_ms() { date +%s%3N; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid in PID_FILE, or failure when there is none.
read_pid() {
  [[ -f "${PID_FILE}" ]] || return 1
  local pid
  pid="$(cat "${PID_FILE}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  printf '%s' "${pid}"
}

# SIGTERM to the server, SIGKILL after GRACE seconds; removes the pid file. Usage: stop_server GRACE
stop_server() {
  local grace=$1 pid i
  if ! pid="$(read_pid)"; then
    log "not running (no pid file)"
    return 0
  fi
  if ! is_running; then
    log "not running (stale pid file for ${pid})"
    rm -f "${PID_FILE}"
    return 0
  fi
  log "stopping (pid ${pid})"
  kill -TERM "${pid}" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "${pid}" 2>/dev/null; then
    log "still alive after ${grace}s, sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "${PID_FILE}"
}
