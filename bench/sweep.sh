#!/usr/bin/env bash
# Measures the PostgreSQL expired-state sweep. It starts a private PostgreSQL on 127.0.0.1, applies the schema
# with `OrleansTokens.Silo migrate`, and fills the grain state table with user rows (one session and one access
# token each, a tenth of them expired). It prints the time to write the rows with and without the expiry
# trigger, and the time to find the expired rows through the expiry index and by reading every payload.
#
# Usage: bench/sweep.sh [--rows N] [--port PORT]
set -euo pipefail

rows=1000000
port=15499
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=${2:?}; shift 2 ;;
        --port) port=${2:?}; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0" | sed -E 's/^# ?//'; exit 0 ;;
        *) echo "Unknown argument '$1'; see --help." >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /var/tmp/orleans-tokens-sweep.XXXXXX)
chmod 755 "$work"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
    as_pg "$pg_bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$work"
as_pg "$pg_bin/initdb" -D "$work/data" -U postgres -A trust --no-instructions >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/data" -l "$work/data/postgresql.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $work/data" start >/dev/null
psql_run() { as_pg psql -h 127.0.0.1 -p "$port" -U postgres -d sweep -v ON_ERROR_STOP=1 -qAt "$@"; }
as_pg psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE sweep"

echo "building the silo (Release) and applying the schema"
dotnet build "$root/src/Silo" -c Release -v quiet -nologo >/dev/null
ConnectionStrings__OrleansTokens="Host=127.0.0.1;Port=$port;Username=postgres;Database=sweep" \
    dotnet "$root/src/Silo/bin/Release/net10.0/OrleansTokens.Silo.dll" migrate >/dev/null

# One user row: a session whose refresh token expires in 14 days and an access token of 15 minutes, as the
# grain's JSON state has them. Every tenth user's session and token expired an hour ago.
fill() {
    psql_run <<SQL
\timing on
INSERT INTO orleans_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext,
                                 grain_type_hash, grain_id_hash, payload, version)
SELECT '$1', 'userTokens', 0, 0, 'user-' || i, 0, 0,
       convert_to(json_build_object(
           'tokens', json_build_object('access-' || i, json_build_object(
               'issuedAt', now() - interval '1 minute', 'expiresAt', e.at - interval '14 days' + interval '15 minutes',
               'sessionId', 'session-' || i)),
           'sessions', json_build_object('session-' || i, json_build_object(
               'createdAt', now() - interval '1 minute', 'lastRefreshedAt', null, 'expiresAt', e.at,
               'refreshJti', 'refresh-' || i, 'userAgent', 'curl/7.88.1', 'ipAddress', '127.0.0.1',
               'lastRotation', null)))::text, 'UTF8'),
       1
FROM generate_series(1, $rows) AS i
CROSS JOIN LATERAL (SELECT CASE WHEN i % 10 = 0 THEN now() - interval '1 hour'
                                ELSE now() + interval '14 days' END AS at) AS e;
SQL
}

echo "writing $rows rows without the expiry trigger"
psql_run -c "ALTER TABLE orleans_grain_state DISABLE TRIGGER orleans_tokens_state_expiry"
without=$(fill plain | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p')
psql_run -c "ALTER TABLE orleans_grain_state ENABLE TRIGGER orleans_tokens_state_expiry"
echo "writing $rows rows with the expiry trigger"
with=$(fill indexed | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p')
psql_run -c "VACUUM ANALYZE orleans_grain_state"

timed() { psql_run -c '\timing on' -c "$1" | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p'; }
count() { psql_run -c "$1"; }

indexed_sql="SELECT count(*) FROM orleans_grain_state
    WHERE service_id = 'indexed' AND grain_type = 'userTokens' AND expires_at <= now()"
# The sweep before the expiry column: every row's payload is parsed and its times compared.
scan_sql="SELECT count(*) FROM orleans_grain_state g
    WHERE g.service_id = 'indexed' AND g.grain_type = 'userTokens'
      AND NOT EXISTS (SELECT 1 FROM jsonb_each(convert_from(g.payload, 'UTF8')::jsonb -> 'tokens') AS t
                      WHERE (t.value ->> 'expiresAt')::timestamptz > now())
      AND NOT EXISTS (SELECT 1 FROM jsonb_each(convert_from(g.payload, 'UTF8')::jsonb -> 'sessions') AS s
                      WHERE (s.value ->> 'expiresAt')::timestamptz > now())"

timed "$indexed_sql" >/dev/null # warm the cache
indexed_ms=$(timed "$indexed_sql")
scan_ms=$(timed "$scan_sql")
expired=$(count "$indexed_sql")
scanned=$(count "$scan_sql")

echo
echo "rows per service: $rows, expired: $expired (payload scan found $scanned)"
printf 'write %s rows, trigger disabled: %10.0f ms\n' "$rows" "$without"
printf 'write %s rows, trigger enabled:  %10.0f ms\n' "$rows" "$with"
printf 'find expired rows through the index: %8.1f ms\n' "$indexed_ms"
printf 'find expired rows by payload scan:   %8.1f ms\n' "$scan_ms"
