#!/usr/bin/env bash
# run_pipeline_bench.sh: end-to-end throughput, CPU and latency of `streamhook serve` from
# /v1/batch to Kinesis acknowledgement, against the TLS sink (kinesis_sink), and the same load on the
# "Segment classic" Node baseline (bench/baseline/segment_classic.js: one PutRecord per event).
#
# Builds nothing: it uses the binaries of a build directory (default build/release). Everything it
# starts listens on 127.0.0.1 only and is stopped on exit; its temp dir is removed (--keep keeps it).
#
#   bench/run_pipeline_bench.sh [--build-dir DIR] [--streamhook BIN] [--load-generator BIN]
#                               [--sink BIN] [--duration S] [--connections C] [--batch N]
#                               [--shards N] [--throttle-share X] [--half-rate R] [--linger-ms MS]
#                               [--drain-timeout S] [--users N] [--zipf S] [--aggregation]
#                               [--shard-rate RECORDS_PER_S]
#                               [--phases flat,half,baseline] [--server-wrapper CMD]
#                               [--callgrind OUT_PREFIX] [--keep]
#
# Phases, each on a fresh server and data dir (fsync on, the default):
#   flat      load_generator flat out for --duration s, then wait (up to --drain-timeout s) until
#             every accepted event is delivered;
#   half      the same at --rate = half of the flat phase's sustained rate (or --half-rate R);
#   baseline  the Node receiver flat out with the same load, against the same sink.
# Prints per phase: events/s accepted and delivered, streamhook CPU us per delivered event,
# ingest-to-ack latency p50/p99 from streamhook_delivery_latency_seconds, peak RSS, records per
# PutRecords, bytes on the wire per event; then streamhook / baseline ratios.
# --server-wrapper runs streamhook under a tool, e.g. "valgrind --tool=callgrind
# --callgrind-out-file=/tmp/sh.%p.callgrind" (the figures are then the tool's, not streamhook's).
# --callgrind P runs it under callgrind collecting only from load start to drained (start-up and
# connector set-up, e.g. loading the system CA store, excluded): P.<pid> for callgrind_annotate.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="$ROOT/build/release"
STREAMHOOK=""
LOAD_GENERATOR=""
SINK=""
DURATION=20
CONNECTIONS=8
BATCH=100
SHARDS=512
THROTTLE=0
HALF_RATE=0
LINGER_MS=50
DRAIN_TIMEOUT=120
USERS=100000
ZIPF=1.1
AGGREGATION=""
SHARD_RATE=""
SHARD_RATE_ARG=""
PHASES="flat,half,baseline"
SERVER_WRAPPER=""
CALLGRIND=""
KEEP=0

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 2; }  # the header
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --streamhook) STREAMHOOK=$2; shift 2 ;;
    --load-generator) LOAD_GENERATOR=$2; shift 2 ;;
    --sink) SINK=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --shards) SHARDS=$2; shift 2 ;;
    --throttle-share) THROTTLE=$2; shift 2 ;;
    --half-rate) HALF_RATE=$2; shift 2 ;;
    --linger-ms) LINGER_MS=$2; shift 2 ;;
    --drain-timeout) DRAIN_TIMEOUT=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --zipf) ZIPF=$2; shift 2 ;;
    --aggregation) AGGREGATION=',"aggregation":{"enabled":true}'; shift ;;
    --shard-rate)  # the hook's per-shard cap (default: Kinesis's 1000 records/s, 1 MiB/s); bytes R KiB/s
      SHARD_RATE_ARG=" --shard-rate $2"
      SHARD_RATE=",\"shardRate\":{\"recordsPerSecond\":$2,\"bytesPerSecond\":$(( $2 * 1024 < 104857600 ? $2 * 1024 : 104857600 ))}"
      shift 2 ;;
    --phases) PHASES=$2; shift 2 ;;
    --server-wrapper) SERVER_WRAPPER=$2; shift 2 ;;
    --callgrind) CALLGRIND=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ -n "$CALLGRIND" ]] &&
  SERVER_WRAPPER="valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=$CALLGRIND.%p"
STREAMHOOK=${STREAMHOOK:-$BUILD_DIR/src/cli/streamhook}
LOAD_GENERATOR=${LOAD_GENERATOR:-$BUILD_DIR/bench/load_generator}
SINK=${SINK:-$BUILD_DIR/bench/kinesis_sink}
for bin in "$STREAMHOOK" "$LOAD_GENERATOR" "$SINK"; do
  [[ -x "$bin" ]] || { echo "missing binary $bin: build it first (ninja -C $BUILD_DIR streamhook load_generator kinesis_sink)" >&2; exit 2; }
done
BASELINE="$ROOT/bench/baseline/segment_classic.js"
[[ -d "$ROOT/node_modules/@aws-sdk/client-kinesis" ]] || [[ ",$PHASES," != *,baseline,* ]] ||
  { echo "missing node_modules/@aws-sdk/client-kinesis: run npm ci in $ROOT" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/streamhook-pipeline.XXXXXX")
SINK_PID=""
SERVER_PID=""
BASE_PID=""
stop_pid() {  # pid, seconds to wait after SIGTERM before SIGKILL
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq $(( $2 * 10 ))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop_pid "$SERVER_PID" 15  # SIGTERM drains for up to 10 s
  stop_pid "$BASE_PID" 5
  stop_pid "$SINK_PID" 5
  if (( KEEP )); then echo "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for_line() {  # file, pattern, seconds
  for _ in $(seq $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
metric_sum() {  # metrics file, metric name: the sum over all label sets (0 when absent)
  awk -v name="$2" '$1 == name || index($1, name "{") == 1 { s += $NF } END { printf "%.0f\n", s }' "$1"
}
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }  # utime + stime
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
admin() {  # method, path, JSON body
  curl -sf -X "$1" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$PORT$2" -d "$3"
}
# A snapshot of everything a phase measures, into $1.*: metrics (or baseline stats), sink counters,
# CPU ticks of the measured process, of the sink and of the load generator's parent shell time.
snapshot() {  # prefix, measured pid, metrics URL
  curl -sf "$3" >"$1.prom" || true
  curl -sf "http://127.0.0.1:$SINK_STATS_PORT/stats" >"$1.sink.json"
  echo "$(date +%s.%N) $(cpu_ticks "$2") $(cpu_ticks "$SINK_PID")" >"$1.cpu"
}

# 1. A self-signed certificate for 127.0.0.1 (its own CA), made now, and the sink.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/sink.key" -out "$WORK/sink.pem" 2>/dev/null
"$SINK" --cert "$WORK/sink.pem" --key "$WORK/sink.key" --shards "$SHARDS" --throttle-share "$THROTTLE" \
  >"$WORK/sink.log" 2>&1 &
SINK_PID=$!
wait_for_line "$WORK/sink.log" "listening on" 10 || { echo "kinesis_sink did not start:" >&2; cat "$WORK/sink.log" >&2; exit 1; }
SINK_PORT=$(sed -n 's|.*https://127.0.0.1:\([0-9]*\).*|\1|p' "$WORK/sink.log")
SINK_STATS_PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/stats.*|\1|p' "$WORK/sink.log")
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
WRITE_KEY="wk_bench_$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
CLK_TCK=$(getconf CLK_TCK)

start_streamhook() {  # phase dir
  PORT=$(free_port)
  ADMIN_TOKEN="bench-admin-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  # shellcheck disable=SC2086 # the wrapper is a command line
  STREAMHOOK_ADMIN_TOKEN="$ADMIN_TOKEN" $SERVER_WRAPPER "$STREAMHOOK" serve --listen "127.0.0.1:$PORT" \
    --data-dir "$1/data" --log-level warn >"$1/server.log" 2>&1 &
  SERVER_PID=$!
  wait_for_line "$1/server.log" "streamhook listening on port" 120 ||
    { echo "streamhook did not start:" >&2; cat "$1/server.log" >&2; exit 1; }
  admin PUT /admin/v1/connectors/kinesis "{\"region\":\"us-east-1\",\"accessKeyId\":\"$AWS_ACCESS_KEY_ID\",
    \"secretAccessKey\":\"$AWS_SECRET_ACCESS_KEY\",\"endpoint\":\"https://127.0.0.1:$SINK_PORT\",
    \"caFile\":\"$WORK/sink.pem\",\"active\":true}" >/dev/null
  admin POST /admin/v1/sources "{\"name\":\"bench\",\"writeKey\":\"$WRITE_KEY\"}" >/dev/null
  admin POST /admin/v1/hooks "{\"name\":\"all\",\"type\":\"KINESIS\",\"streamName\":\"events\",
    \"triggers\":[\"TRACK\",\"IDENTIFY\",\"PAGE\",\"SCREEN\",\"GROUP\",\"ALIAS\"],\"eventCodes\":[],
    \"payloadFormat\":\"segment\",\"partitionKey\":\"userId\",
    \"batch\":{\"maxRecords\":500,\"maxBytes\":5242880,\"lingerMs\":$LINGER_MS}$AGGREGATION$SHARD_RATE,\"enabled\":true}" >/dev/null
  # The hook's start-up DescribeStreamSummary, before the clock starts.
  for _ in $(seq 50); do
    [[ $(curl -sf "http://127.0.0.1:$SINK_STATS_PORT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["otherCalls"])') -gt 0 ]] && break
    sleep 0.1
  done
}

run_load() {  # phase dir, target URL, rate (0: flat out)
  local args=(--url "$2" --write-key "$WRITE_KEY" --duration "$DURATION" --batch "$BATCH"
    --connections "$CONNECTIONS" --users "$USERS" --zipf "$ZIPF" --json)
  [[ "$3" != 0 ]] && args+=(--rate "$3")
  echo "load_generator ${args[*]/$WRITE_KEY/wk_***}" >"$1/load.cmd"
  /usr/bin/time -f '%U %S' -o "$1/load.time" "$LOAD_GENERATOR" "${args[@]}" >"$1/load.json" || true
  [[ -s "$1/load.json" ]] || { echo "the load generator failed" >&2; exit 1; }
}

# A streamhook phase: load, then wait until everything accepted is delivered (or the time-out).
streamhook_phase() {  # name, rate
  local dir="$WORK/$1"
  mkdir -p "$dir"
  start_streamhook "$dir"
  local metrics="http://127.0.0.1:$PORT/metrics"
  load_avg >"$dir/loadavg.before"
  [[ -n "$CALLGRIND" ]] && callgrind_control -i on "$SERVER_PID" >/dev/null
  snapshot "$dir/before" "$SERVER_PID" "$metrics"
  run_load "$dir" "http://127.0.0.1:$PORT" "$2"
  snapshot "$dir/loadend" "$SERVER_PID" "$metrics"
  load_avg >"$dir/loadavg.loadend"
  local accepted drained=0
  accepted=$(( $(metric_sum "$dir/loadend.prom" streamhook_events_accepted_total) - $(metric_sum "$dir/before.prom" streamhook_events_accepted_total) ))
  local deadline=$(( SECONDS + DRAIN_TIMEOUT ))
  while (( SECONDS < deadline )); do
    curl -sf "$metrics" >"$dir/poll.prom" || true
    if (( $(metric_sum "$dir/poll.prom" streamhook_records_delivered_total) - $(metric_sum "$dir/before.prom" streamhook_records_delivered_total) >= accepted )); then
      drained=1; break
    fi
    sleep 0.1
  done
  snapshot "$dir/after" "$SERVER_PID" "$metrics"
  [[ -n "$CALLGRIND" ]] && callgrind_control -i off "$SERVER_PID" >/dev/null
  echo "$drained" >"$dir/drained"
  awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status" >"$dir/hwm_kb"
  stop_pid "$SERVER_PID" $([[ -n "$SERVER_WRAPPER" ]] && echo 300 || echo 15)  # a tool writes its output at exit
  SERVER_PID=""
}

baseline_phase() {
  local dir="$WORK/baseline"
  mkdir -p "$dir"
  local port
  port=$(free_port)
  NODE_EXTRA_CA_CERTS="$WORK/sink.pem" NODE_NO_WARNINGS=1 node "$BASELINE" --port "$port" \
    --endpoint "https://127.0.0.1:$SINK_PORT" --write-key "$WRITE_KEY" >"$dir/baseline.log" 2>&1 &
  BASE_PID=$!
  wait_for_line "$dir/baseline.log" "listening on" 30 ||
    { echo "the baseline did not start:" >&2; cat "$dir/baseline.log" >&2; exit 1; }
  local stats="http://127.0.0.1:$port/stats"
  load_avg >"$dir/loadavg.before"
  snapshot "$dir/before" "$BASE_PID" "$stats"
  run_load "$dir" "http://127.0.0.1:$port" 0
  snapshot "$dir/loadend" "$BASE_PID" "$stats"
  load_avg >"$dir/loadavg.loadend"
  # Acknowledged only once delivered: nothing left to drain.
  cp "$dir/loadend.prom" "$dir/after.prom"; cp "$dir/loadend.sink.json" "$dir/after.sink.json"
  cp "$dir/loadend.cpu" "$dir/after.cpu"; echo 1 >"$dir/drained"
  awk '/^VmHWM:/ { print $2 }' "/proc/$BASE_PID/status" >"$dir/hwm_kb"
  stop_pid "$BASE_PID" 5
  BASE_PID=""
}

REPORT="$ROOT/bench/pipeline_report.py"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(load_avg)"
echo "settings: --duration $DURATION --connections $CONNECTIONS --batch $BATCH --shards $SHARDS" \
  "--users $USERS --zipf $ZIPF --throttle-share $THROTTLE --linger-ms $LINGER_MS" \
  "${AGGREGATION:+--aggregation}$SHARD_RATE_ARG; streamhook fsync on"
if [[ ",$PHASES," == *,flat,* ]]; then
  streamhook_phase flat 0
  python3 "$REPORT" phase "$WORK/flat" "$CLK_TCK" "streamhook flat out"
fi
if [[ ",$PHASES," == *,half,* ]]; then
  if [[ "$HALF_RATE" == 0 ]]; then
    [[ -d "$WORK/flat" ]] || { echo "the half phase needs the flat phase or --half-rate" >&2; exit 2; }
    HALF_RATE=$(python3 "$REPORT" half-rate "$WORK/flat" "$CLK_TCK")
  fi
  streamhook_phase half "$HALF_RATE"
  python3 "$REPORT" phase "$WORK/half" "$CLK_TCK" "streamhook at --rate $HALF_RATE (half of max)"
fi
if [[ ",$PHASES," == *,baseline,* ]]; then
  baseline_phase
  python3 "$REPORT" phase "$WORK/baseline" "$CLK_TCK" "baseline (Node, one PutRecord per event)"
  [[ -d "$WORK/flat" ]] && python3 "$REPORT" ratio "$WORK/flat" "$WORK/baseline" "$CLK_TCK"
fi
echo "sink totals: $(curl -sf "http://127.0.0.1:$SINK_STATS_PORT/stats")"
