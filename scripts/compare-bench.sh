#!/usr/bin/env bash
# compare-bench.sh: photon bench against redis-benchmark, as clients, side
# by side: the same flags, against the same redis-server, one after the
# other, alternating which client goes first from test to test so that
# drift on a shared machine falls on both. Prints a Markdown table of the
# requests per second each client reports and their ratio; as a check on
# both clients' arithmetic, the rate the server itself counted (INFO's
# total_commands_processed over the client's wall time, which includes
# connecting and, for the LRANGE tests, the LPUSH that fills the list
# first); and the CPU time each client spent per request, which is what
# decides, on a small machine, whether the client holds the server back.
#
#   scripts/compare-bench.sh                 # the full run (a few minutes)
#   N=100000 ROUNDS=1 scripts/compare-bench.sh   # a quick one
#   TARGET=photon scripts/compare-bench.sh   # against photon serve instead
#
# Environment: N (requests a test, 200000), R (keyspace, -r, 100000),
# C (clients, 50), TESTS (the -t list), PIPELINES ("1 16"), ROUNDS (runs
# of each test and pipeline, 2), TARGET (redis or photon). The server
# runs without persistence and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200000}
R=${R:-100000}
C=${C:-50}
TESTS=${TESTS:-ping_mbulk,set,get,incr,lpush,lpop,sadd,hset,zadd,lrange_100,lrange_600,mset}
PIPELINES=${PIPELINES:-"1 16"}
ROUNDS=${ROUNDS:-2}
TARGET=${TARGET:-redis}

for tool in redis-server redis-cli redis-benchmark go; do
	command -v "$tool" >/dev/null || { echo "compare-bench.sh: $tool is not installed" >&2; exit 1; }
done

script=compare-bench.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

go build -o "$work/photon" .
port=$(freeport)
case $TARGET in
redis)
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--daemonize no --dir "$work" --logfile "$work/redis.log" &
	;;
photon)
	"$work/photon" serve --port "$port" --bind 127.0.0.1 --save '' --dir "$work" \
		--loglevel warning 2>"$work/photon.log" &
	;;
*)
	echo "compare-bench.sh: TARGET must be redis or photon, not $TARGET" >&2
	exit 1
	;;
esac
pids+=($!)
waitping "$port"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $(go version | cut -d' ' -f3), $(redis-benchmark --version), server: $TARGET"
echo "command: N=$N R=$R C=$C TESTS=$TESTS PIPELINES=\"$PIPELINES\" ROUNDS=$ROUNDS TARGET=$TARGET scripts/compare-bench.sh"
echo "each run: <client> -p PORT -t <test> -n $N -r $R -c $C -P <pipeline> --csv"
echo

# served prints the server's count of commands processed.
served() { redis-cli -p "$port" info stats | tr -d '\r' | awk -F: '/^total_commands_processed:/ {print $2}'; }

# now prints the time in seconds, to the nanosecond.
now() { date +%s.%N; }

# run runs client $1 ("redis" or "photon") for test $2 at pipeline $3,
# leaving its CSV rows (no header) in $out, the server-side rate in
# $server_rps, and the client's CPU time (user + system) per request, in
# microseconds, in $cpu_us.
run() {
	local before after t0 t1 rows
	before=$(served)
	t0=$(now)
	TIMEFORMAT='%U %S'
	if [ "$1" = redis ]; then
		{ time out=$(redis-benchmark -p "$port" -t "$2" -n "$N" -r "$R" -c "$C" -P "$3" --csv 2>&1) || true; } 2>"$work/time"
	else
		{ time out=$("$work/photon" bench -p "$port" -t "$2" -n "$N" -r "$R" -c "$C" -P "$3" --csv 2>&1) || true; } 2>"$work/time"
	fi
	t1=$(now)
	after=$(served)
	rows=$(echo "$out" | grep -c '^"[A-Z]' || true)
	out=$(echo "$out" | grep -v '^"test"' | grep -v 'needed to benchmark' || true)
	server_rps=$(awk -v a="$before" -v b="$after" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f", (b - a - 1) / (t1 - t0) }')
	cpu_us=$(awk -v n="$N" -v rows="$rows" '{ if (rows > 0) printf "%.2f", ($1 + $2) * 1e6 / (n * rows) }' "$work/time")
}

# field prints CSV column $2 of the row in $1.
field() { echo "$1" | tr -d '"' | cut -d, -f"$2"; }

echo "| test | pipeline | round | redis-benchmark ops/s | photon bench ops/s | photon/redis-benchmark | server-side ops/s (redis-benchmark / photon bench) | client CPU µs/request (redis-benchmark / photon bench) | p50 ms (redis-benchmark / photon bench) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"
i=0
failed=0
ratios=()
for p in $PIPELINES; do
	redis-cli -p "$port" flushall >/dev/null
	for t in ${TESTS//,/ }; do
		for round in $(seq "$ROUNDS"); do
			if ((i % 2 == 0)); then
				run redis "$t" "$p"; rb=$out; rb_srv=$server_rps; rb_cpu=$cpu_us
				run photon "$t" "$p"; ph=$out; ph_srv=$server_rps; ph_cpu=$cpu_us
			else
				run photon "$t" "$p"; ph=$out; ph_srv=$server_rps; ph_cpu=$cpu_us
				run redis "$t" "$p"; rb=$out; rb_srv=$server_rps; rb_cpu=$cpu_us
			fi
			i=$((i + 1))
			if [ -z "$rb" ] || [ -z "$ph" ] || [ "$(echo "$rb" | wc -l)" != 1 ] || [ "$(echo "$ph" | wc -l)" != 1 ]; then
				echo "| $t | $p | $round | ${rb:-failed} | ${ph:-failed} | | | | |"
				failed=1
				continue
			fi
			# CSV columns: test, rps, avg, min, p50, p95, p99, max.
			rr=$(field "$rb" 2)
			pr=$(field "$ph" 2)
			ratio=$(awk -v a="$pr" -v b="$rr" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
			ratios+=("$ratio")
			printf '| %s | %s | %s | %.0f | %.0f | %s | %s / %s | %s / %s | %s / %s |\n' \
				"$(field "$rb" 1)" "$p" "$round" "$rr" "$pr" "$ratio" "$rb_srv" "$ph_srv" \
				"$rb_cpu" "$ph_cpu" "$(field "$rb" 5)" "$(field "$ph" 5)"
		done
	done
done
echo
printf '%s\n' "${ratios[@]}" | sort -n | awk '
	{ r[NR] = $1; s += log($1) }
	END { if (NR) printf "photon bench / redis-benchmark over %d runs: geometric mean %.2f, median %.2f, min %.2f, max %.2f\n", NR, exp(s / NR), (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2), r[1], r[NR] }'
exit "$failed"
