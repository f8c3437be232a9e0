#!/usr/bin/env bash
# run_ingest_bench.sh: ingest throughput of `streamhook serve` with one Kinesis hook (kinesalite).
#
# Builds nothing: it uses the binaries of a build directory (default build/release). Everything it
# starts listens on 127.0.0.1 only and is stopped on exit; its temp dir is removed (--keep keeps it).
#
#   bench/run_ingest_bench.sh [--build-dir DIR] [--streamhook BIN] [--load-generator BIN]
#                             [--duration S] [--connections C] [--batch N] [--rate EVENTS_PER_S]
#                             [--shards N] [--no-fsync] [--keep]
#
# Prints events/s accepted, the share of fsyncs group commit saved, server CPU per event, peak RSS
# and how many records reached the emulator meanwhile (kinesalite tops out near 13k records/s, so
# delivery lags ingest by design of this setup; the spool absorbs the difference).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="$ROOT/build/release"
STREAMHOOK=""
LOAD_GENERATOR=""
DURATION=20
CONNECTIONS=8
BATCH=100
RATE=0
SHARDS=4
FSYNC_FLAG=""
KEEP=0

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --streamhook) STREAMHOOK=$2; shift 2 ;;
    --load-generator) LOAD_GENERATOR=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --shards) SHARDS=$2; shift 2 ;;
    --no-fsync) FSYNC_FLAG="--no-fsync"; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
STREAMHOOK=${STREAMHOOK:-$BUILD_DIR/src/cli/streamhook}
LOAD_GENERATOR=${LOAD_GENERATOR:-$BUILD_DIR/bench/load_generator}
for bin in "$STREAMHOOK" "$LOAD_GENERATOR"; do
  [[ -x "$bin" ]] || { echo "missing binary $bin: build it first (ninja -C $BUILD_DIR streamhook load_generator)" >&2; exit 2; }
done
KINESALITE="$ROOT/node_modules/kinesalite/cli.js"
PRELOAD="$ROOT/tests/support/listen-loopback.js"
[[ -f "$KINESALITE" ]] || { echo "missing $KINESALITE: run npm ci in $ROOT" >&2; exit 2; }

# The spool lives here: same disk as /tmp. A 20 s flat-out run writes well under 2 GiB, far below
# the default 4 GiB spool limit, but check the disk has room.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/streamhook-bench.XXXXXX")
if (( $(df --output=avail -k "$WORK" | tail -1) < 6 * 1024 * 1024 )); then
  echo "less than 6 GiB free under $WORK: the spool may fill up" >&2
fi

SERVER_PID=""
EMU_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # SIGTERM drains for up to 10 s; then stop waiting.
    for _ in $(seq 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n "$EMU_PID" ]] && kill -0 "$EMU_PID" 2>/dev/null; then
    kill -TERM "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
  fi
  if (( KEEP )); then echo "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for_port() {  # port, seconds
  for _ in $(seq $(( $2 * 10 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
metric_sum() {  # metrics file, metric name: the sum over all label sets (0 when absent)
  awk -v name="$2" '$1 == name || index($1, name "{") == 1 { s += $NF } END { printf "%.0f\n", s }' "$1"
}
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }  # utime + stime
scrape() { curl -sf "http://127.0.0.1:$PORT/metrics" >"$1"; }
admin() {  # method, path, JSON body
  curl -sf -X "$1" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$PORT$2" -d "$3"
}

# 1. Kinesalite with one stream.
EMU_PORT=$(free_port)
node -r "$PRELOAD" "$KINESALITE" --port "$EMU_PORT" --createStreamMs 0 --deleteStreamMs 0 \
  --updateStreamMs 0 >"$WORK/kinesalite.log" 2>&1 &
EMU_PID=$!
wait_for_port "$EMU_PORT" 30 || { echo "kinesalite did not start; see $WORK/kinesalite.log" >&2; exit 1; }
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
  AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
aws --endpoint-url "http://127.0.0.1:$EMU_PORT" --region us-east-1 kinesis create-stream \
  --stream-name events --shard-count "$SHARDS" >/dev/null

# 2. The server, fsync on unless --no-fsync.
PORT=$(free_port)
ADMIN_TOKEN="bench-admin-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
WRITE_KEY="wk_bench_$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
STREAMHOOK_ADMIN_TOKEN="$ADMIN_TOKEN" "$STREAMHOOK" serve --listen "127.0.0.1:$PORT" \
  --data-dir "$WORK/data" --log-level warn $FSYNC_FLAG >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do grep -q "streamhook listening on port" "$WORK/server.log" && break; sleep 0.1; done
grep -q "streamhook listening on port" "$WORK/server.log" ||
  { echo "streamhook did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }

# 3. Connector, source, one hook taking every Segment call.
admin PUT /admin/v1/connectors/kinesis "{\"region\":\"us-east-1\",\"accessKeyId\":\"$AWS_ACCESS_KEY_ID\",
  \"secretAccessKey\":\"$AWS_SECRET_ACCESS_KEY\",\"endpoint\":\"http://127.0.0.1:$EMU_PORT\",\"active\":true}" >/dev/null
admin POST /admin/v1/sources "{\"name\":\"bench\",\"writeKey\":\"$WRITE_KEY\"}" >/dev/null
admin POST /admin/v1/hooks '{"name":"all","type":"KINESIS","streamName":"events",
  "triggers":["TRACK","IDENTIFY","PAGE","SCREEN","GROUP","ALIAS"],"eventCodes":[],"payloadFormat":"segment",
  "partitionKey":"userId","batch":{"maxRecords":500,"maxBytes":5242880,"lingerMs":50},"enabled":true}' >/dev/null

# 4. The load, measured by /proc and /metrics on both sides of it.
CLK_TCK=$(getconf CLK_TCK)
scrape "$WORK/before.prom"
CPU_BEFORE=$(cpu_ticks "$SERVER_PID")
LOAD_ARGS=(--url "http://127.0.0.1:$PORT" --write-key "$WRITE_KEY" --duration "$DURATION"
  --batch "$BATCH" --connections "$CONNECTIONS" --json)
[[ "$RATE" != 0 ]] && LOAD_ARGS+=(--rate "$RATE")
"$LOAD_GENERATOR" "${LOAD_ARGS[@]}" >"$WORK/load.json" || true
CPU_AFTER=$(cpu_ticks "$SERVER_PID")
scrape "$WORK/after.prom"
PEAK_RSS_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")
[[ -s "$WORK/load.json" ]] || { echo "the load generator failed" >&2; exit 1; }

delta() { echo $(( $(metric_sum "$WORK/after.prom" "$1") - $(metric_sum "$WORK/before.prom" "$1") )); }
ACCEPTED_SERVER=$(delta streamhook_events_accepted_total)
APPENDS=$(delta streamhook_spool_appends_total)
FSYNCS=$(delta streamhook_spool_fsyncs_total)
DELIVERED=$(delta streamhook_records_delivered_total)
SPOOL_BYTES=$(metric_sum "$WORK/after.prom" streamhook_spool_bytes)

echo "streamhook serve ${FSYNC_FLAG:-(fsync on)}; load_generator ${LOAD_ARGS[*]/$WRITE_KEY/wk_***}"
echo "load generator: $(cat "$WORK/load.json")"
python3 - "$WORK/load.json" "$ACCEPTED_SERVER" "$APPENDS" "$FSYNCS" "$DELIVERED" "$CPU_BEFORE" "$CPU_AFTER" \
  "$CLK_TCK" "$PEAK_RSS_KB" "$SPOOL_BYTES" "${FSYNC_FLAG:-fsync}" <<'EOF'
import json, sys
load = json.load(open(sys.argv[1]))
accepted_server, appends, fsyncs, delivered, cpu0, cpu1, tck, hwm_kb, spool_bytes = map(int, sys.argv[2:11])
fsync_on = sys.argv[11] == "fsync"
cpu_s = (cpu1 - cpu0) / tck
events = load["eventsAccepted"]
lat = load["latencyMs"]
print(f"events/s accepted        {load['eventsPerSecondAccepted']:.0f}  ({events} events in {load['elapsedSeconds']:.1f} s; "
      f"server counted {accepted_server}; 2xx {load['status2xx']}, 4xx {load['status4xx']}, "
      f"5xx {load['status5xx']}, 503 {load['status503']}, transport errors {load['transportErrors']})")
print(f"request latency          p50 {lat['p50']:.2f} ms  p99 {lat['p99']:.2f} ms  max {lat['max']:.2f} ms")
if fsync_on and appends:
    print(f"fsyncs saved by group    {1 - fsyncs / appends:.1%}  ({fsyncs} fsyncs for {appends} appends)")
else:
    print(f"fsyncs saved by group    n/a (fsync off; {appends} appends)")
per_event = cpu_s / events * 1e6 if events else float('nan')
print(f"server CPU               {cpu_s:.2f} s = {per_event:.1f} us/event (utime+stime; includes delivery)")
print(f"server peak RSS          {hwm_kb / 1024:.0f} MiB (VmHWM)")
print(f"delivered during run     {delivered} records ({delivered / load['elapsedSeconds']:.0f}/s); "
      f"spool now {spool_bytes / 2**20:.0f} MiB")
EOF
