#!/usr/bin/env bash
# Prometheus' own tool, for the alert rules' tests and the /metrics format check:
#
#   scripts/promtool.sh <promtool arguments>   e.g. scripts/promtool.sh test rules ops/prometheus/alerts.test.yml
#
# When promtool is not on PATH it installs Debian's `prometheus` package with apt-get (as root); the
# package's own server is kept from starting, so nothing is left listening on :9090.
set -euo pipefail

log() { printf '[promtool] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

install_promtool() {
  [[ "$(id -u)" == 0 ]] || die "promtool is missing (run as root, or: sudo apt-get install -y prometheus)"
  command -v apt-get >/dev/null 2>&1 || die "promtool is missing and there is no apt-get to install it"
  log "installing Debian's prometheus package (for promtool) with apt-get"
  # policy-rc.d 101 keeps invoke-rc.d from starting the package's server (no systemd here either);
  # the lock timeout waits for another apt-get (another script installing its own package).
  local policy=/usr/sbin/policy-rc.d added=0
  if [[ ! -e "${policy}" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"${policy}" && chmod +x "${policy}" && added=1
  fi
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends prometheus; } \
    >&2 || rc=$?
  ((added == 0)) || rm -f "${policy}"
  ((rc == 0)) || die "apt-get install prometheus failed"
  command -v promtool >/dev/null 2>&1 || die "the prometheus package did not provide promtool"
}

command -v promtool >/dev/null 2>&1 || install_promtool
exec promtool "$@"
