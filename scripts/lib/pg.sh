# Throwaway PostgreSQL 15 for tests and the demo. Source this file, then:
#   pg_start [DIR]   starts a server on a free loopback port; exports BROKKR_PG_PORT, BROKKR_PG_DIR
#                    and BROKKR_TEST_DATABASE_URL (a superuser URL to database "postgres");
#                    BROKKR_PG_OPTIONS adds server options (scripts/bench --statements loads
#                    pg_stat_statements with it); BROKKR_PG_WRAPPER, a command the server
#                    runs under (scripts/bench --instructions runs it under valgrind)
#   pg_stop          stops it and removes its directory (safe to call twice, and from a trap)
# initdb refuses to run as root, so as root the server runs as the "postgres" user.

BROKKR_PGBIN=${BROKKR_PGBIN:-/usr/lib/postgresql/15/bin}

_pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A random port outside the kernel's ephemeral range: a port inside it can be the local end of any
# outgoing connection (the tests and benches open thousands), and then the server cannot bind it.
# Below the range when there is room there (15000 up), else above it; a host whose range leaves
# neither falls back to 15000-32767.
_pg_pick_port() {
  local low=32768 high=60999 from=15000 to port
  if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
    read -r low high </proc/sys/net/ipv4/ip_local_port_range || true
  fi
  if ((low - 15000 >= 1000)); then
    to=$low
  elif ((65535 - high >= 1000)); then
    from=$((high + 1)) to=65536
  else
    to=32768
  fi
  for _ in $(seq 1 50); do
    port=$((from + (RANDOM * 32768 + RANDOM) % (to - from)))
    if _pg_port_free "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# A failed start must not leave a server or a directory behind: the callers' traps only stop what
# pg_start exported, which a failure never does. A start that timed out may still be coming up.
_pg_discard() {
  local dir=$1 made=$2
  if [[ -f $dir/data/postmaster.pid ]]; then
    _pg_as_owner "$BROKKR_PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [[ -n $made ]]; then rm -rf "$made"; fi
  return 0
}

# The server's options, the same for the first start and for $dir/ctl's restarts. fsync off: the
# data is thrown away; max_connections: the concurrency tests open 16+ per process.
_pg_server_options() {
  local port=$1 dir=$2
  echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${BROKKR_PG_OPTIONS:-}"
}

pg_start() {
  # A directory pg_start makes is its own to remove when the start fails; one the caller names
  # (scripts/demo's) stays the caller's, with initdb's and the server's logs in it.
  local dir=${1:-} made=""
  if [[ -z $dir ]]; then
    dir=$(mktemp -d /tmp/brokkr-pg.XXXXXX)
    made=$dir
  else
    mkdir -p "$dir"
  fi
  chmod 755 "$dir"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$dir"; fi
  _pg_as_owner "$BROKKR_PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2 || true; _pg_discard "$dir" "$made"; return 1; }
  local server=()
  if [[ -n ${BROKKR_PG_WRAPPER:-} ]]; then
    printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$BROKKR_PG_WRAPPER" "$BROKKR_PGBIN/postgres" >"$dir/postgres"
    chmod 755 "$dir/postgres"
    server=(-p "$dir/postgres")
  fi
  # A port that nothing listens on can still be taken between the probe and the bind, or held as
  # the local end of a client connection (which no probe sees), so a bind failure picks another.
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(_pg_pick_port) || { echo "pg_start: no free loopback port found" >&2; _pg_discard "$dir" "$made"; return 1; }
    rm -f "$dir/server.log"
    if _pg_as_owner "$BROKKR_PGBIN/pg_ctl" "${server[@]}" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "$(_pg_server_options "$port" "$dir")" \
      start >/dev/null; then
      break
    fi
    if [[ $attempt -lt 5 ]] && grep -qs "Address already in use" "$dir/server.log"; then
      echo "pg_start: port $port was taken, trying another" >&2
      continue
    fi
    cat "$dir/server.log" >&2 || true
    _pg_discard "$dir" "$made"
    return 1
  done
  # $dir/ctl stop|start: tests of outage recovery stop and restart this server with it.
  local as_owner=""
  [[ $(id -u) -eq 0 ]] && as_owner="runuser -u postgres --"
  cat >"$dir/ctl" <<CTL
#!/usr/bin/env bash
case "\$1" in
  stop) $as_owner "$BROKKR_PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  start) $as_owner "$BROKKR_PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(_pg_server_options "$port" "$dir")" start >/dev/null ;;
  *) echo "usage: ctl stop|start" >&2; exit 2 ;;
esac
CTL
  chmod 755 "$dir/ctl"
  export BROKKR_PG_DIR=$dir BROKKR_PG_PORT=$port
  export BROKKR_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
}

# Stops the server without removing its data (tests of outage recovery restart it with pg_resume).
pg_pause() {
  [[ -n ${BROKKR_PG_DIR:-} && -d $BROKKR_PG_DIR/data ]] || return 0
  _pg_as_owner "$BROKKR_PGBIN/pg_ctl" -D "$BROKKR_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

pg_stop() {
  [[ -n ${BROKKR_PG_DIR:-} && -d $BROKKR_PG_DIR ]] || return 0
  pg_pause
  rm -rf "$BROKKR_PG_DIR"
  unset BROKKR_PG_DIR
}
