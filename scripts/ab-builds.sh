#!/usr/bin/env bash
# ab-builds.sh: compare builds of photon serve with each other and with a
# real redis-server in one run. Each argument is NAME=COMMAND, a photon
# binary with any environment before it; every server runs without
# persistence on its own loopback port and directory. Each round runs
# redis-benchmark against every server in turn, then the script prints,
# per test and server, the median over the rounds of requests per second,
# p99 in ms, and the CPU ticks (utime+stime, 1/100 s) the server spent.
#
#   go build -o /tmp/photon-a . && git stash && go build -o /tmp/photon-b . && git stash pop
#   scripts/ab-builds.sh a=/tmp/photon-a b=/tmp/photon-b
#   TESTS=get,set P=16 N=1000000 ROUNDS=4 scripts/ab-builds.sh a=/tmp/photon-a 'nogc=GOGC=off /tmp/photon-a'
#
# Environment: TESTS (redis-benchmark -t list, get), N (200000), P
# (pipeline, 1), C (clients, 50), R (keyspace, 100000), ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
TESTS=${TESTS:-get}
N=${N:-200000}
P=${P:-1}
C=${C:-50}
R=${R:-100000}
ROUNDS=${ROUNDS:-3}
[ $# -gt 0 ] || { echo "usage: $0 NAME=COMMAND ..." >&2; exit 2; }
for tool in redis-server redis-cli redis-benchmark; do
	command -v "$tool" >/dev/null || { echo "ab-builds.sh: $tool is not installed" >&2; exit 1; }
done
script=ab-builds.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

names=() ports=() procs=()
port=$(freeport)
redis-server --port "$port" --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!) names+=(redis-server) ports+=("$port") procs+=($!)
for spec in "$@"; do
	name=${spec%%=*} cmd=${spec#*=}
	port=$(freeport)
	mkdir -p "$work/$name"
	# shellcheck disable=SC2086 # cmd is words: environment, then the binary
	(cd "$work/$name" && exec env $cmd serve --port "$port" --save '' >"$work/$name.log" 2>&1) &
	pids+=($!) names+=("$name") ports+=("$port") procs+=($!)
done
for p in "${ports[@]}"; do waitping "$p"; done

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "command: TESTS=$TESTS N=$N P=$P C=$C R=$R ROUNDS=$ROUNDS scripts/ab-builds.sh $*"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for _ in $(seq "$ROUNDS"); do
	for i in "${!names[@]}"; do
		for t in ${TESTS//,/ }; do
			before=$(cpu "${procs[$i]}")
			line=$(redis-benchmark -p "${ports[$i]}" -t "$t" -n "$N" -r "$R" -c "$C" -P "$P" --csv -q | tail -n 1)
			after=$(cpu "${procs[$i]}")
			# "test","rps","avg","min","p50","p95","p99","max"
			IFS=, read -r _ rps _ _ _ _ p99 _ <<<"${line//\"/}"
			echo "$t ${names[$i]} $rps $p99 $((after - before))" >>"$work/results"
		done
	done
done

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo
echo "| test | server | requests/s | p99 ms | CPU ticks |"
echo "| --- | --- | ---: | ---: | ---: |"
for t in ${TESTS//,/ }; do
	for name in "${names[@]}"; do
		rows=$(awk -v t="$t" -v n="$name" '$1 == t && $2 == n' "$work/results")
		printf '| %s | %s | %.0f | %s | %s |\n' "$t" "$name" \
			"$(awk '{print $3}' <<<"$rows" | median)" \
			"$(awk '{print $4}' <<<"$rows" | median)" \
			"$(awk '{print $5}' <<<"$rows" | median)"
	done
done
