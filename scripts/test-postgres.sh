#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the tests (the fleet
# store's contract suite) and prints the DSN for MDCHECK_TEST_POSTGRES:
#
#   export MDCHECK_TEST_POSTGRES=$(scripts/test-postgres.sh start DIR)
#   scripts/test-postgres.sh stop DIR
#   scripts/test-postgres.sh restart DIR    # a server restart, for tests
#
# DIR holds the cluster; it must not exist before start. Debian's
# postgresql package provides the server (apt-get install postgresql).
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a directory for the cluster}
# The first free port from 15432, unless PGPORT_TEST says which.
port=${PGPORT_TEST:-}
if [ -z "$port" ]; then
	for p in $(seq 15432 15531); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
	done
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "no PostgreSQL server: apt-get install postgresql" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $cmd in
start)
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1
	as_pg "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" -l "$dir/pg.log" -w start >/dev/null || { cat "$dir/pg.log" >&2; exit 1; }
	echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	;;
stop)
	as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	;;
restart)
	as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w restart >/dev/null
	;;
esac
