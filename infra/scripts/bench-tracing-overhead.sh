#!/usr/bin/env bash
# Tracing overhead on one embedded run: the same `./pipeline run` (fresh store each time) with telemetry exported by
# OTLP to a local receiver ("on") and with the OpenTelemetry SDK disabled ("off", OTEL_SDK_DISABLED=true), alternating,
# REPS times each. Prints each run's wall seconds and the median and spread (max - min) per mode; docs/telemetry.md.
# Usage: bash infra/scripts/bench-tracing-overhead.sh DATA_DIR [REPS] [extra `pipeline run` options...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${1:?usage: bench-tracing-overhead.sh DATA_DIR [REPS] [run options...]}
reps=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
work=$(mktemp -d)
# A receiver that accepts every OTLP/HTTP export and counts the bytes, so that "on" pays for serialising and sending.
/usr/bin/python3 - "$work/port" "$work/received" <<'PY' &
import http.server, sys
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        size = int(self.headers.get("Content-Length", 0)); self.rfile.read(size)
        with open(sys.argv[2], "a") as f: f.write(f"{self.path} {size}\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
open(sys.argv[1], "w").write(str(server.server_address[1])); server.serve_forever()
PY
receiver=$!
trap 'kill $receiver 2>/dev/null; rm -rf "$work"' EXIT
while [ ! -s "$work/port" ]; do sleep 0.1; done
export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$(cat "$work/port")" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
"$root/pipeline" --help >/dev/null # builds first, outside the timings
for rep in $(seq 1 "$reps"); do
  for mode in on off; do
    store="$work/store-$mode-$rep"
    start=$(date +%s.%N)
    if [ "$mode" = off ]; then disabled=true; else disabled=false; fi
    : > "$work/received"
    OTEL_SDK_DISABLED=$disabled "$root/pipeline" run "$data" --store "$store" --json "$@" > "$work/out.json" 2>/dev/null
    end=$(date +%s.%N)
    seconds=$(echo "$end - $start" | bc)
    echo "$mode $rep $seconds exports=$(grep -c /v1/traces "$work/received" || true)" | tee -a "$work/times"
    rm -rf "$store"
  done
done
for mode in on off; do
  grep "^$mode " "$work/times" | awk '{print $3}' | sort -n | awk -v mode="$mode" '
    { v[NR] = $1 } END { printf "%s: median %.2f s, spread %.2f s (min %.2f, max %.2f) over %d runs\n", mode, v[int((NR + 1) / 2)], v[NR] - v[1], v[1], v[NR], NR }'
done
