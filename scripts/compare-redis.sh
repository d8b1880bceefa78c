#!/usr/bin/env bash
# compare-redis.sh: the same redis-benchmark runs against a real
# redis-server and against photon serve, side by side in one run, on two
# free loopback ports, alternating which server goes first from test to
# test so that drift on a shared machine falls on both. Prints a Markdown
# table of requests per second and p50/p99 latency.
#
#   scripts/compare-redis.sh              # the full run (a few minutes)
#   N=100000 scripts/compare-redis.sh     # a quick one
#
# Environment: N (requests a test, 1000000), R (keyspace, -r, 100000),
# C (clients, 50), TESTS (redis-benchmark -t list), PIPELINES ("1 16").
# Both servers run without persistence and are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
R=${R:-100000}
C=${C:-50}
TESTS=${TESTS:-set,get,incr,lpush,rpush,lpop,rpop,lrange_100,hset}
PIPELINES=${PIPELINES:-"1 16"}

for tool in redis-server redis-cli redis-benchmark go; do
	command -v "$tool" >/dev/null || { echo "compare-redis.sh: $tool is not installed" >&2; exit 1; }
done

script=compare-redis.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

go build -o "$work/photon" .
redis_port=$(freeport)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
	--daemonize no --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
photon_port=$(freeport)
while [ "$photon_port" = "$redis_port" ]; do photon_port=$(freeport); done
"$work/photon" serve --port "$photon_port" --bind 127.0.0.1 --save '' --dir "$work" \
	--loglevel warning 2>"$work/photon.log" &
pids+=($!)
waitping "$redis_port"
waitping "$photon_port"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "versions: $(go version | cut -d' ' -f3), $(redis-server --version | cut -d' ' -f3 | sed 's/v=/redis-server /')"
echo "command: N=$N R=$R C=$C TESTS=$TESTS PIPELINES=\"$PIPELINES\" scripts/compare-redis.sh"
echo "each run: redis-benchmark -t <test> -n $N -r $R -c $C -P <pipeline> --csv"
echo

# bench runs one test against port $1 and prints its CSV rows, without
# the header and without the LPUSH that lrange_100 runs first.
bench() {
	redis-benchmark -p "$1" -t "$2" -n "$N" -r "$R" -c "$C" -P "$3" --csv 2>/dev/null |
		grep -v '^"test"' | grep -v 'needed to benchmark' || true
}

# field prints CSV column $2 of the row in $1.
field() { echo "$1" | tr -d '"' | cut -d, -f"$2"; }

echo "| test | pipeline | redis ops/s | photon ops/s | photon/redis | redis p50/p99 ms | photon p50/p99 ms |"
echo "| --- | --- | ---: | ---: | ---: | --- | --- |"
i=0
failed=0
for p in $PIPELINES; do
	redis-cli -p "$redis_port" flushall >/dev/null
	redis-cli -p "$photon_port" flushall >/dev/null
	for t in ${TESTS//,/ }; do
		if ((i % 2 == 0)); then
			r=$(bench "$redis_port" "$t" "$p")
			ph=$(bench "$photon_port" "$t" "$p")
		else
			ph=$(bench "$photon_port" "$t" "$p")
			r=$(bench "$redis_port" "$t" "$p")
		fi
		i=$((i + 1))
		if [ -z "$r" ] || [ -z "$ph" ]; then
			echo "| $t | $p | ${r:+ok}${r:-failed} | ${ph:+ok}${ph:-failed} | | | |"
			failed=1
			continue
		fi
		# CSV columns: test, rps, avg, min, p50, p95, p99, max.
		rr=$(field "$r" 2)
		pr=$(field "$ph" 2)
		ratio=$(awk -v a="$pr" -v b="$rr" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
		printf '| %s | %s | %.0f | %.0f | %s | %s / %s | %s / %s |\n' \
			"$(field "$r" 1)" "$p" "$rr" "$pr" "$ratio" \
			"$(field "$r" 5)" "$(field "$r" 7)" "$(field "$ph" 5)" "$(field "$ph" 7)"
	done
done
if [ -s "$work/photon.log" ]; then
	echo
	echo "photon logged:"
	cat "$work/photon.log"
fi
exit "$failed"
