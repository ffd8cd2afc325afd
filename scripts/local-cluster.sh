#!/usr/bin/env bash
# Starts the OrleansTokens cluster topology as local processes on 127.0.0.1: PostgreSQL, the schema step,
# 2 silos and 2 API hosts. The same topology as docker-compose.yml without its nginx proxy, with the settings of
# deploy/cluster.env.
# Stops everything it started on Ctrl+C or SIGTERM.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: scripts/local-cluster.sh [--port-offset N] [--state-dir DIR] [--no-build] [--release]

  --port-offset N  add N to every port (default 0): PostgreSQL 15432, silos 11111/11112 with
                   gateways 30000/30001 and health 8091/8092, API hosts 5001/5002
  --state-dir DIR  PostgreSQL data, logs and process ids (default /var/tmp/orleans-tokens-cluster);
                   data kept there survives a restart of the cluster
  --no-build       use the binaries that are already built
  --release        build and run the Release configuration instead of Debug
USAGE
}

root=$(cd "$(dirname "$0")/.." && pwd)
offset=0
state_dir=/var/tmp/orleans-tokens-cluster
build=1
configuration=Debug
while [ $# -gt 0 ]; do
    case "$1" in
        --port-offset) offset=${2:?--port-offset needs a number}; shift 2 ;;
        --state-dir) state_dir=${2:?--state-dir needs a folder}; shift 2 ;;
        --no-build) build=0; shift ;;
        --release) configuration=Release; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "Unknown argument '$1'." >&2; usage >&2; exit 2 ;;
    esac
done
if ! [[ "$offset" =~ ^[0-9]+$ ]] || [ "$offset" -gt 9000 ]; then
    echo "--port-offset must be a whole number from 0 to 9000, not '$offset'." >&2
    exit 2
fi

# Below the kernel's ephemeral range (32768 and up), so no outgoing connection can hold the port.
pg_port=$((15432 + offset))
silo_ports=($((11111 + offset)) $((11112 + offset)))
gateway_ports=($((30000 + offset)) $((30001 + offset)))
silo_http_ports=($((8091 + offset)) $((8092 + offset)))
api_ports=($((5001 + offset)) $((5002 + offset)))

mkdir -p "$state_dir/logs"
state_dir=$(cd "$state_dir" && pwd)
pg_data="$state_dir/pgdata"
pids_file="$state_dir/pids"
: > "$pids_file"

log() { printf '[local-cluster] %s\n' "$*"; }

# PostgreSQL refuses to run as root, so as root the server runs as the postgres user.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

find_pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_bin=$(find_pg_bin)
if [ -z "$pg_bin" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "PostgreSQL is not installed. Install it with 'sudo apt-get install -y postgresql' and run again." >&2
        exit 1
    fi
    log "installing PostgreSQL from Debian packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(find_pg_bin)
fi

pids=()
stop_all() {
    trap - INT TERM EXIT
    log "stopping"
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    # A silo that cannot reach PostgreSQL can wait a minute on each step of its shutdown, so stop waiting after 30 s.
    local stop_deadline=$((SECONDS + 30))
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $stop_deadline ]; do
            sleep 0.5
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "pid $pid did not stop within 30 s after SIGTERM; sending SIGKILL"
            kill -9 "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
    log "stopped"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$state_dir"
    if ! as_pg test -w "$state_dir"; then
        echo "The postgres user cannot write to $state_dir, so PostgreSQL cannot keep its data there." >&2
        echo "Choose a --state-dir whose parent folders everyone may enter (mode 755), such as /var/tmp/..." >&2
        exit 1
    fi
fi
if [ ! -f "$pg_data/PG_VERSION" ]; then
    log "creating a PostgreSQL cluster in $pg_data"
    as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust --no-instructions >/dev/null
fi
log "starting PostgreSQL on 127.0.0.1:$pg_port"
as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/postgresql.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data" start >/dev/null
if ! as_pg psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'orleanstokens'" | grep -q 1; then
    as_pg psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE orleanstokens" >/dev/null
fi

if [ "$build" -eq 1 ]; then
    log "building"
    dotnet build "$root/src/Silo" -c "$configuration" -v quiet -nologo >"$state_dir/logs/build.log"
    dotnet build "$root/src/ApiHost" -c "$configuration" -v quiet -nologo >>"$state_dir/logs/build.log"
fi
silo_dll="$root/src/Silo/bin/$configuration/net10.0/OrleansTokens.Silo.dll"
api_dll="$root/src/ApiHost/bin/$configuration/net10.0/OrleansTokens.ApiHost.dll"

# Shared settings; lines starting with # are comments.
set -a
# shellcheck disable=SC1091
source "$root/deploy/cluster.env"
set +a
export ConnectionStrings__OrleansTokens="Host=127.0.0.1;Port=$pg_port;Database=orleanstokens;Username=postgres"
export OrleansTokens__Cluster__Endpoints__AdvertisedIPAddress=127.0.0.1

log "applying the schema"
dotnet "$silo_dll" migrate >"$state_dir/logs/migrate.log" 2>&1 || {
    cat "$state_dir/logs/migrate.log" >&2
    exit 1
}

start() { # name, dll, then arguments; runs in the dll's folder, which holds its appsettings.json
    local name=$1 dll=$2
    shift 2
    (cd "$(dirname "$dll")" && exec dotnet "$dll" "$@") >"$state_dir/logs/$name.log" 2>&1 &
    pids+=($!)
    echo "$name $!" >>"$pids_file"
}

for i in 0 1; do
    OrleansTokens__Cluster__Endpoints__SiloPort=${silo_ports[$i]} \
    OrleansTokens__Cluster__Endpoints__GatewayPort=${gateway_ports[$i]} \
        start "silo$((i + 1))" "$silo_dll" --urls "http://127.0.0.1:${silo_http_ports[$i]}"
done
for i in 0 1; do
    start "api$((i + 1))" "$api_dll" --urls "http://127.0.0.1:${api_ports[$i]}"
done

log "waiting for the API hosts to reach the cluster"
deadline=$((SECONDS + 120))
for port in "${api_ports[@]}"; do
    until curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            echo "The API host on port $port was not ready after 120 s; see $state_dir/logs." >&2
            exit 1
        fi
        sleep 1
    done
done

cat <<EOF
[local-cluster] ready
  API host 1:  http://127.0.0.1:${api_ports[0]}
  API host 2:  http://127.0.0.1:${api_ports[1]}
  silo 1:      port ${silo_ports[0]}, gateway ${gateway_ports[0]}, health http://127.0.0.1:${silo_http_ports[0]}/health/live
  silo 2:      port ${silo_ports[1]}, gateway ${gateway_ports[1]}, health http://127.0.0.1:${silo_http_ports[1]}/health/live
  PostgreSQL:  127.0.0.1:$pg_port, database orleanstokens, user postgres
  logs:        $state_dir/logs
Press Ctrl+C to stop.
EOF

# Runs until interrupted. A process that exits (or is killed) is reported once and does not stop the others.
declare -A reported=()
while true; do
    sleep 2
    while read -r name pid; do
        if [ -z "${reported[$name]:-}" ] && ! kill -0 "$pid" 2>/dev/null; then
            reported[$name]=1
            log "$name (pid $pid) has exited; see $state_dir/logs/$name.log"
        fi
    done <"$pids_file"
    if [ -z "${reported[postgresql]:-}" ] && ! as_pg "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
        reported[postgresql]=1
        log "PostgreSQL has stopped, and this script does not restart it: the cluster answers 503 until PostgreSQL runs again. See $pg_data/postgresql.log"
    fi
done
