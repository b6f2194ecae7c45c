#!/usr/bin/env bash
# Creates (idempotently) the local account the worker and the tests use by default:
# analytics / analytics123 with the right to create and drop the tests' own databases (and to
# create the least-privilege accounts a test uses),
# and the `analytics` database. Runs as the server's root over the local socket
# (override with MYSQL_ROOT_ARGS, e.g. "-h 127.0.0.1 -uroot -psecret").
# Local development and CI only: production grants are narrower (see README).
set -euo pipefail
read -r -a root_args <<<"${MYSQL_ROOT_ARGS:--uroot}"
sql=""
for host in localhost 127.0.0.1 %; do
  sql+="CREATE USER IF NOT EXISTS 'analytics'@'${host}' IDENTIFIED BY 'analytics123';
ALTER USER 'analytics'@'${host}' IDENTIFIED BY 'analytics123';
GRANT ALL PRIVILEGES ON *.* TO 'analytics'@'${host}' WITH GRANT OPTION;
"
done
sql+="CREATE DATABASE IF NOT EXISTS analytics CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
FLUSH PRIVILEGES;"
mysql "${root_args[@]}" <<<"${sql}"
echo "account analytics/analytics123 and database analytics are ready"
