#!/usr/bin/env bash
# Makes sure a local MariaDB answers on 127.0.0.1:3306: starts the installed server if it is
# down, installs Debian's mariadb-server first if there is none. For this machine kind and CI.
set -euo pipefail
if mysqladmin -uroot ping >/dev/null 2>&1; then echo "mariadb already running"; exit 0; fi
if ! command -v mariadbd >/dev/null 2>&1; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-server
fi
install -d -o mysql -g mysql /run/mysqld
start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
for ((i = 0; i < 60; i++)); do
  if mysqladmin -uroot ping >/dev/null 2>&1; then echo "mariadb is up"; exit 0; fi
  sleep 1
done
echo "mariadb did not come up within 60s" >&2
exit 1
