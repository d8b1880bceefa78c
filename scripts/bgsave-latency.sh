#!/usr/bin/env bash
# bgsave-latency.sh: how much background saves slow clients down. Loads
# the same KEYS keys into a real redis-server and into photon serve, then
# runs redis-benchmark against each twice: once alone, and once while
# BGSAVE is asked for every 100 ms, so that a save is running for most of
# the run. Prints requests per second and p50/p99/max latency for both
# phases, how many saves ran, and the time each server held its clients
# up to start a save (INFO stats latest_fork_usec: Redis's fork, photon's
# copy of the keyspace under the lock).
#
#   scripts/bgsave-latency.sh                    # 1M keys (a few minutes)
#   KEYS=100000 N=100000 scripts/bgsave-latency.sh   # a quick look
#
# Environment: KEYS (1000000), N (requests a test, 300000), C (clients,
# 50), P (pipeline, 1), TESTS (set,get).
set -euo pipefail
cd "$(dirname "$0")/.."

KEYS=${KEYS:-1000000}
N=${N:-300000}
C=${C:-50}
P=${P:-1}
TESTS=${TESTS:-set,get}

for tool in redis-server redis-cli redis-benchmark go awk; do
	command -v "$tool" >/dev/null || { echo "bgsave-latency.sh: $tool is not installed" >&2; exit 1; }
done

script=bgsave-latency.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

go build -o "$work/photon" .
mkdir -p "$work/redis" "$work/photon-data"
redis_port=$(freeport)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
	--daemonize no --dir "$work/redis" --logfile "$work/redis.log" &
pids+=($!)
photon_port=$(freeport)
while [ "$photon_port" = "$redis_port" ]; do photon_port=$(freeport); done
"$work/photon" serve --port "$photon_port" --bind 127.0.0.1 --save '' --dir "$work/photon-data" \
	--loglevel warning 2>"$work/photon.log" &
pids+=($!)
waitping "$redis_port"
waitping "$photon_port"

# populate loads KEYS keys named as redis-benchmark -r names them
# (key:000000000042) into the server on port $1.
populate() {
	seq 0 $((KEYS - 1)) |
		awk '{ k = sprintf("key:%012d", $1); v = "value:" $1;
			printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v }' |
		redis-cli -p "$1" --pipe >/dev/null
}

# info prints field $2 of INFO on port $1.
info() { redis-cli -p "$1" info | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'; }

# bench runs the tests against port $1 and prints CSV rows without the header.
bench() {
	redis-benchmark -p "$1" -t "$TESTS" -n "$N" -r "$KEYS" -c "$C" -P "$P" --csv 2>/dev/null | grep -v '^"test"'
}

# saving runs bench on port $1 while asking for a BGSAVE every 100 ms.
saving() {
	(while :; do redis-cli -p "$1" bgsave >/dev/null 2>&1; sleep 0.1; done) &
	local loop=$!
	bench "$1"
	kill "$loop"
	wait "$loop" 2>/dev/null || true
	while [ "$(info "$1" rdb_bgsave_in_progress)" = 1 ]; do sleep 0.1; done
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "versions: $(go version | cut -d' ' -f3), $(redis-server --version | cut -d' ' -f3 | sed 's/v=/redis-server /')"
echo "command: KEYS=$KEYS N=$N C=$C P=$P TESTS=$TESTS scripts/bgsave-latency.sh"
echo "each run: redis-benchmark -t $TESTS -n $N -r $KEYS -c $C -P $P --csv"
echo

for port in "$redis_port" "$photon_port"; do populate "$port"; done
echo "keys: redis $(redis-cli -p "$redis_port" dbsize), photon $(redis-cli -p "$photon_port" dbsize)"
echo

echo "| server | test | background saves | ops/s | p50 ms | p99 ms | max ms |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: |"
for server in redis photon; do
	port=$redis_port
	[ "$server" = photon ] && port=$photon_port
	for phase in none running; do
		before=$(info "$port" rdb_saves)
		if [ "$phase" = none ]; then rows=$(bench "$port"); else rows=$(saving "$port"); fi
		saves=$(($(info "$port" rdb_saves) - before))
		label=$phase
		[ "$phase" = running ] && label="$saves during the run"
		echo "$rows" | tr -d '"' | while IFS=, read -r test rps _avg _min p50 _p95 p99 max; do
			echo "| $server | $test | $label | ${rps%.*} | $p50 | $p99 | $max |"
		done
	done
	echo "| $server | latest_fork_usec | $(info "$port" latest_fork_usec) µs | | | | |"
done
