#!/usr/bin/env bash
# Measures the per-request revocation check of the sample API with wrk on loopback. By default it runs the
# embedded default: API host and silo in one process, with SQLite storage. With --cluster it runs the local
# cluster in Release mode (PostgreSQL, two silos, two API hosts), and wrk calls API host 1. It prints requests
# per second, latency percentiles and the API host's memory, and installs wrk from Debian packages if missing.
#
# Usage: bench/run.sh [--cluster] [--duration SECONDS] [--connections N] [--users N]
set -euo pipefail

duration=15
connections=64
users=200
cluster=0
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration=${2:?}; shift 2 ;;
        --connections) connections=${2:?}; shift 2 ;;
        --users) users=${2:?}; shift 2 ;;
        --cluster) cluster=1; shift ;;
        -h|--help) sed -n '2,7p' "$0" | sed -E 's/^# ?//'; exit 0 ;;
        *) echo "Unknown argument '$1'; see --help." >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
chmod 755 "$work" # the local cluster's PostgreSQL runs as the postgres user and keeps its data in here
port=5799
api="http://127.0.0.1:$port"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

echo "building (Release)"
dotnet publish "$root/src/ApiHost" -c Release -o "$work/app" -v quiet -nologo >/dev/null

# A signing key and a user for this run only; the password hash is made by the app itself.
key=$(head -c 32 /dev/urandom | base64)
hash=$(echo bench-password | dotnet "$work/app/OrleansTokens.ApiHost.dll" hash-password)
export ASPNETCORE_ENVIRONMENT=Production
export Jwt__SigningKey=$key
export OrleansTokens__Cluster__Storage__SqlitePath="$work/bench.db"
export OrleansTokens__Cluster__Endpoints__SiloPort=11799
export OrleansTokens__Cluster__Endpoints__GatewayPort=30799
export Logging__LogLevel__Default=Warning
export RateLimiting__Login__PermitLimit=1000000
for i in $(seq 1 "$users"); do
    export "Users__user${i}__PasswordHash=$hash"
done

if [ "$cluster" -eq 1 ]; then
    # The cluster's own settings (deploy/cluster.env) replace the key; the users above are added to them.
    offset=1300
    api="http://127.0.0.1:$((5001 + offset))"
    "$root/scripts/local-cluster.sh" --release --port-offset "$offset" --state-dir "$work/cluster" \
        >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 240); do
        grep -q '\[local-cluster\] ready' "$work/server.log" && break
        sleep 1
    done
else
    (cd "$work/app" && exec dotnet OrleansTokens.ApiHost.dll --urls "$api") >"$work/server.log" 2>&1 &
    server_pid=$!
fi
for _ in $(seq 1 60); do
    curl -fs "$api/health/ready" >/dev/null 2>&1 && break
    sleep 1
done

echo "logging in $users users"
: >"$work/tokens"
for i in $(seq 1 "$users"); do
    response=$(curl -fs -X POST "$api/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\": \"user$i\", \"password\": \"bench-password\"}")
    echo "$response" | sed -E 's/.*"access_token":"([^"]+)".*/\1/' >>"$work/tokens"
done

# Each wrk connection sends the token of one of the users, so the checks spread over many grains.
cat >"$work/tokens.lua" <<LUA
local tokens = {}
for line in io.lines("$work/tokens") do tokens[#tokens + 1] = line end
local counter = 0
setup = function(thread) counter = counter + 1; thread:set("offset", counter) end
init = function() index = offset end
request = function()
    index = index % #tokens + 1
    return wrk.format("GET", "/protected", { ["Authorization"] = "Bearer " .. tokens[index] })
end
LUA

run() { # label, then wrk arguments
    local label=$1
    shift
    echo
    echo "== $label"
    wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors'
}

run "baseline: GET /health/live (no authentication)" "$api/health/live"
run "GET /protected: JWT validation plus the revocation check, $users users" -s "$work/tokens.lua" "$api"

api_pid=$server_pid
if [ "$cluster" -eq 1 ]; then
    api_pid=$(awk '$1 == "api1" {print $2}' "$work/cluster/pids")
fi
rss=$(ps -o rss= -p "$api_pid" 2>/dev/null || true)
echo
echo "API host resident memory after the runs: $((${rss:-0} / 1024)) MiB"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; wrk and the server share the cores"
