#!/usr/bin/env bash
# idle-connections.sh: what idle clients cost photon serve, and a real
# redis-server beside it for scale. For each server: run redis-benchmark,
# read the server's RSS (VmRSS), open IDLE idle connections (each sends one
# PING, then waits), read the RSS again, run the same benchmark with the
# idle connections held, close them and run it once more. Prints the RSS
# per idle connection and the throughput with and without them.
#
#   scripts/idle-connections.sh            # 10,000 idle connections
#   IDLE=2000 N=200000 scripts/idle-connections.sh
#
# Environment: IDLE (10000), N (requests a benchmark run, 1000000).
# The servers run without persistence and are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

IDLE=${IDLE:-10000}
N=${N:-1000000}
BENCH=(-c 50 -P 16 -t set,get -n "$N" -r 100000 --csv)

for tool in redis-server redis-cli redis-benchmark go; do
	command -v "$tool" >/dev/null || { echo "idle-connections.sh: $tool is not installed" >&2; exit 1; }
done

# Every idle connection is a descriptor in the server and one in
# idleconns; both inherit this limit, which Go raises to the hard limit.
need=$((IDLE + 200))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
	echo "idle-connections.sh: ulimit -Hn is $hard; $IDLE idle connections need $need" >&2
	exit 1
fi
soft=$(ulimit -Sn)
if [ "$soft" != unlimited ] && [ "$soft" -lt "$need" ]; then
	ulimit -n "$need"
fi

script=idle-connections.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# used_kib prints INFO's used_memory of the server on port $1 in KiB: the
# allocator's view, which counts buffers whose pages were never touched.
used_kib() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" {printf "%d", $2 / 1024}'; }

# rps prints "SET rps, GET rps" of one benchmark run against port $1.
rps() {
	redis-benchmark -p "$1" "${BENCH[@]}" 2>/dev/null | tr -d '"' |
		awk -F, '$1 == "SET" {s = $2} $1 == "GET" {g = $2} END {printf "%.0f / %.0f", s, g}'
}

go build -o "$work/photon" .
go build -o "$work/idleconns" ./scripts/idleconns

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3), $(redis-server --version | cut -d' ' -f3 | sed 's/v=/redis-server /')"
echo "command: IDLE=$IDLE N=$N scripts/idle-connections.sh"
echo "benchmark: redis-benchmark ${BENCH[*]}  (SET / GET requests per second)"
echo
echo "| server | RSS before | RSS with $IDLE idle | RSS per idle connection | used_memory per idle connection | ops/s, no idle | ops/s, $IDLE idle | ops/s, idle closed |"
echo "| --- | ---: | ---: | ---: | ---: | --- | --- | --- |"

measure() {
	local name=$1 port=$2 pid=$3
	waitping "$port"
	local before_rps before after with after_rps idle_pid used_before used_after
	before_rps=$(rps "$port")
	sleep 1
	before=$(rss_kib "$pid")
	used_before=$(used_kib "$port")
	"$work/idleconns" -addr "127.0.0.1:$port" -n "$IDLE" >"$work/idle.out" 2>&1 &
	idle_pid=$!
	pids+=("$idle_pid")
	for _ in $(seq 600); do
		grep -q 'connections open' "$work/idle.out" && break
		kill -0 "$idle_pid" 2>/dev/null || { cat "$work/idle.out" >&2; exit 1; }
		sleep 0.1
	done
	sleep 1
	after=$(rss_kib "$pid")
	used_after=$(used_kib "$port")
	with=$(rps "$port")
	kill "$idle_pid"
	wait "$idle_pid" 2>/dev/null || true
	sleep 1
	after_rps=$(rps "$port")
	printf '| %s | %d KiB | %d KiB | %.1f KiB | %.1f KiB | %s | %s | %s |\n' "$name" "$before" "$after" \
		"$(awk -v a="$after" -v b="$before" -v n="$IDLE" 'BEGIN {print (a - b) / n}')" \
		"$(awk -v a="$used_after" -v b="$used_before" -v n="$IDLE" 'BEGIN {print (a - b) / n}')" \
		"$before_rps" "$with" "$after_rps"
}

photon_port=$(freeport)
"$work/photon" serve --port "$photon_port" --bind 127.0.0.1 --save '' --dir "$work" \
	--maxclients $((IDLE + 100)) --loglevel warning 2>"$work/photon.log" &
photon_pid=$!
pids+=("$photon_pid")
measure photon "$photon_port" "$photon_pid"
kill "$photon_pid"

redis_port=$(freeport)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
	--maxclients $((IDLE + 100)) --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
pids+=("$redis_pid")
measure redis-server "$redis_port" "$redis_pid"

if [ -s "$work/photon.log" ]; then
	echo
	echo "photon logged:"
	cat "$work/photon.log"
fi
