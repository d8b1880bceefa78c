#!/usr/bin/env bash
# aof-fsync.sh: what the append-only file costs writes, by fsync policy,
# against redis-server doing the same. For each server and each policy
# (no AOF; appendfsync no, everysec, always) it starts a fresh server in
# a new directory and runs redis-benchmark's SET against it, then prints
# requests per second and p50/p99 latency side by side.
#
#   scripts/aof-fsync.sh                 # about two minutes
#   N=20000 scripts/aof-fsync.sh         # a quick look
#
# Environment: N (requests a run, 100000; a tenth of it under always),
# C (clients, 50), PIPELINES ("1 16").
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
C=${C:-50}
PIPELINES=${PIPELINES:-"1 16"}

for tool in redis-server redis-cli redis-benchmark go; do
	command -v "$tool" >/dev/null || { echo "aof-fsync.sh: $tool is not installed" >&2; exit 1; }
done

script=aof-fsync.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

go build -o "$work/photon" .

# start starts server $1 with policy $2 in a new directory and sets port
# to its port. A port that freeport found free may be taken by the time
# the server binds it (by a benchmark client's own end, often); then it
# tries another.
start() {
	local dir pid
	dir=$(mktemp -d "$work/$1-$2.XXXX")
	local aof=(--appendonly yes --appendfsync "$2")
	[ "$2" = off ] && aof=(--appendonly no)
	for _ in 1 2 3; do
		port=$(freeport)
		if [ "$1" = redis ]; then
			redis-server --port "$port" --bind 127.0.0.1 --save '' "${aof[@]}" \
				--daemonize no --dir "$dir" --logfile "$dir/redis.log" >/dev/null &
		else
			"$work/photon" serve --port "$port" --bind 127.0.0.1 --save '' "${aof[@]}" \
				--dir "$dir" --loglevel warning >/dev/null 2>"$dir/photon.log" &
		fi
		pid=$!
		pids+=("$pid")
		for _ in $(seq 100); do
			[ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	done
	echo "$script: $1 with appendfsync $2 does not start; its log:" >&2
	tail -n 20 "$dir"/*.log >&2 || true
	exit 1
}

# bench runs SET against port $1 with pipeline $2 and $3 requests, and
# prints "ops/s p50 p99".
bench() {
	redis-benchmark -p "$1" -t set -n "$3" -r 100000 -c "$C" -P "$2" --csv 2>/dev/null |
		grep -v '^"test"' | tr -d '"' | awk -F, '{ printf "%d %s %s\n", $2, $5, $7 }'
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "versions: $(go version | cut -d' ' -f3), $(redis-server --version | cut -d' ' -f3 | sed 's/v=/redis-server /')"
echo "command: N=$N C=$C PIPELINES=\"$PIPELINES\" scripts/aof-fsync.sh"
echo "each run: redis-benchmark -t set -n <N, N/10 under always> -r 100000 -c $C -P <pipeline> --csv, on a fresh server"
echo

echo "| appendfsync | pipeline | redis ops/s | photon ops/s | photon/redis | redis p50/p99 ms | photon p50/p99 ms |"
echo "| --- | --- | ---: | ---: | ---: | --- | --- |"
for policy in off no everysec always; do
	n=$N
	[ "$policy" = always ] && n=$((N / 10))
	for p in $PIPELINES; do
		start redis "$policy"
		read -r rrps rp50 rp99 <<<"$(bench "$port" "$p" "$n")"
		redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
		start photon "$policy"
		read -r prps pp50 pp99 <<<"$(bench "$port" "$p" "$n")"
		redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
		label=$policy
		[ "$policy" = off ] && label="(appendonly no)"
		ratio=$(awk -v a="$prps" -v b="$rrps" 'BEGIN { printf "%.2f", a / b }')
		echo "| $label | $p | $rrps | $prps | $ratio | $rp50 / $rp99 | $pp50 / $pp99 |"
	done
done
