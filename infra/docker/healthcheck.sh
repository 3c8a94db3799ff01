#!/usr/bin/env bash
# The containers' health probe: exits 0 when GET http://127.0.0.1:8080<PATH> answers 200, else 1.
#   healthcheck /health/ready      (docker-compose.yml)      healthcheck /health/live
# The .NET runtime images have no curl or wget; bash's /dev/tcp speaks enough HTTP/1.0 for a status line.
# HEALTHCHECK_PORT overrides the port (the tests use it).
set -uo pipefail
path=${1:-/health/ready}
port=${HEALTHCHECK_PORT:-8080}
if ! exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  echo "healthcheck: nothing listens on 127.0.0.1:$port" >&2
  exit 1
fi
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
status=""
IFS= read -r -t 10 status <&3
exec 3<&-
status=${status%$'\r'}
if [[ $status =~ ^HTTP/1\.[01]\ 200( |$) ]]; then
  exit 0
fi
echo "healthcheck: GET $path answered '${status:-nothing}'" >&2
exit 1
