#!/usr/bin/env bash
# Case creation through the HTTP API on SQLite (issue 2), beside the storage ceiling of the same rows.
#
#   bench/api/run.sh                      # build, 64 connections x 30 s, then the ceiling (1 and 64 writers)
#   CONNECTIONS=8 DURATION=10s bench/api/run.sh
#   SWEEP="1 4 16" bench/api/run.sh        # also short runs at these connection counts (each on a fresh app)
#   SKIP_BUILD=1 SKIP_CEILING=1 ...        # reuse the last Release build / API only
#   RATE=400 bench/api/run.sh              # the fixed-rate run at 400 cases/s (default: 25% of the measured ceiling)
#   SKIP_RATE=1 ...                        # no fixed-rate run
#   SKIP_MAIN=1 ...                        # no closed-loop run (with RATE or the ceiling: only the fixed-rate run)
#
# Two API runs: "main" is closed-loop (each connection sends its next request when the last is answered, so the rate
# is the most the server takes and latency is mostly queueing); "rate" sends RATE requests a second on a fixed
# schedule over the same connections, the latency a client sees at that load (issue 2's target: p99 under 50 ms at
# 25% of the ceiling).
#
# Needs: dotnet (SDK in global.json), wrk (apt-get install -y wrk). Debian's "bombardier" package is an
# unrelated game; the Go load generator of that name is not packaged, so this uses wrk + create-case.lua.
# Results land in bench/api/results/<timestamp>/ (git-ignored). The load generator runs on the same
# machine as the server, so on a small box they share the cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PORT="${PORT:-5390}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-45s}"   # long enough for tiered JIT to finish optimising EF Core and ASP.NET Core
CEILING_SECONDS="${CEILING_SECONDS:-30}"
CEILING_WRITERS="${CEILING_WRITERS:-1,64}"
CEILING_EXTRA="${CEILING_EXTRA:-}"          # e.g. "--serialize" or "--busy-timeout-ms 30000"
SWEEP="${SWEEP:-}"
API_KEY="${API_KEY:-pk_bench_0123456789abcdef0123456789abcdef}"
results="${RESULTS:-$here/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$results"
app_dll="$root/src/Pishkhan/bin/Release/net10.0/Pishkhan.dll"
ceiling_dll="$here/Ceiling/bin/Release/net10.0/Pishkhan.Bench.Api.Ceiling.dll"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
if [[ -z "${SKIP_BUILD:-}" ]]; then
  dotnet build "$root/src/Pishkhan/Pishkhan.csproj" -c Release -nologo -v q
  dotnet build "$here/Ceiling/Pishkhan.Bench.Api.Ceiling.csproj" -c Release -nologo -v q
fi

{
  echo "date_utc=$(date -u +%FT%TZ)"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$(nproc)"
  echo "mem=$(free -h | awk '/^Mem:/{print $2}')"
  echo "dotnet=$(dotnet --version)"
  echo "wrk=$(wrk -v 2>&1 | head -1)"
  echo "git=$(git -C "$root" rev-parse --short HEAD)"
} | tee "$results/machine.txt"

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

# cpu_seconds PID: user+system CPU seconds the process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

# start_server DATA_DIR: starts the app on a fresh data directory and waits for /health.
start_server() {
  local data="$1"
  env Pishkhan__DataDirectory="$data" \
      Pishkhan__Bootstrap__AdminEmail=admin@bench.local \
      Pishkhan__Bootstrap__AdminPassword='Bench-Pass-123!' \
      Pishkhan__Bootstrap__ApiKey="$API_KEY" \
      Pishkhan__SeedDemoData=false \
      ASPNETCORE_ENVIRONMENT=Production \
      Logging__LogLevel__Default=Warning \
      dotnet "$app_dll" --urls "http://127.0.0.1:$PORT" >"$data.server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")" == 200 ]]; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$data.server.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the app did not become healthy" >&2
  exit 1
}

create_contact() {
  curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/contacts" \
    -H "X-Api-Key: $API_KEY" -H 'Content-Type: application/json' \
    -d '{"name":"Bench Contact","emails":["bench@example.com"]}' | sed -n 's/^{"id":"\([^"]*\)".*/\1/p'
}

# load NAME CONNECTIONS DURATION: one wrk run against a freshly started app; leaves the data dir in $results/NAME.
load() {
  local name="$1" conns="$2" duration="$3" data="$results/$1"
  mkdir -p "$data"
  start_server "$data/app"
  PISHKHAN_CONTACT_ID="$(create_contact)"
  [[ -n "$PISHKHAN_CONTACT_ID" ]] || { echo "could not create the bench contact" >&2; exit 1; }
  export PISHKHAN_CONTACT_ID PISHKHAN_API_KEY="$API_KEY"
  echo "== $name: contact $PISHKHAN_CONTACT_ID, warm-up $WARMUP x 8 connections, then $conns connections x $duration"
  env -u PISHKHAN_RATE wrk -t "$THREADS" -c 8 -d "$WARMUP" -s "$here/create-case.lua" "http://127.0.0.1:$PORT" >"$data/warmup.txt"
  grep -E '^(created_201|non_201)=' "$data/warmup.txt" | sed 's/^/   warm-up /'
  local threads=$(( conns < THREADS ? conns : THREADS ))
  export PISHKHAN_THREADS="$threads"
  local cpu0; cpu0="$(cpu_seconds "$server_pid")"
  ( sleep "$(( ${duration%s} / 2 ))"; top -b -n1 -w 200 | head -20 >"$data/top.txt" ) &
  local top_pid=$!
  /usr/bin/time -f 'wrk_cpu_user_s=%U wrk_cpu_sys_s=%S' -o "$data/wrk-cpu.txt" \
    wrk -t "$threads" -c "$conns" -d "$duration" --latency --timeout 30s -s "$here/create-case.lua" "http://127.0.0.1:$PORT" \
    | tee "$data/wrk.txt"
  wait "$top_pid"
  local cpu1; cpu1="$(cpu_seconds "$server_pid")"
  echo "server_cpu_s=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN{printf "%.1f", b - a}')" | tee -a "$data/wrk.txt"
  cat "$data/wrk-cpu.txt" | tee -a "$data/wrk.txt"
  stop_server
  if command -v sqlite3 >/dev/null; then
    echo "cases_in_file=$(sqlite3 "$data/app/pishkhan.db" 'SELECT count(*) FROM Cases;')" | tee -a "$data/wrk.txt"
  fi
}

[[ -n "${SKIP_MAIN:-}" ]] || load main "$CONNECTIONS" "$DURATION"
for c in $SWEEP; do
  load "sweep-c$c" "$c" "${SWEEP_DURATION:-10s}"
done

if [[ -z "${SKIP_CEILING:-}" ]]; then
  echo "== storage ceiling: the same rows, raw INSERTs, ${CEILING_SECONDS}s per writer count, on copies of $results/main/app/pishkhan.db"
  # shellcheck disable=SC2086
  dotnet "$ceiling_dll" "$results/main/app/pishkhan.db" --seconds "$CEILING_SECONDS" --writers "$CEILING_WRITERS" $CEILING_EXTRA \
    | tee "$results/ceiling.txt"
fi
if [[ -z "${SKIP_RATE:-}" ]]; then
  rate="${RATE:-}"
  if [[ -z "$rate" && -f "$results/ceiling.txt" ]]; then
    rate="$(awk '/^writers=1 /{for (i = 1; i <= NF; i++) if ($i ~ /^rate=/) { sub("rate=", "", $i); sub("/s", "", $i); printf "%d", ($i * 0.25) + 0.999 }}' "$results/ceiling.txt")"
  fi
  if [[ -n "$rate" ]]; then
    echo "== fixed rate: $rate cases/s over $CONNECTIONS connections"
    export PISHKHAN_RATE="$rate"
    load rate "$CONNECTIONS" "$DURATION"
    unset PISHKHAN_RATE
  fi
fi
echo "results: $results"
