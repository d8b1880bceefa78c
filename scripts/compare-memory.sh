#!/usr/bin/env bash
# compare-memory.sh: loads the same data into a real redis-server and into
# photon serve, side by side, and prints a Markdown table of both
# processes' resident memory (VmRSS from /proc) and used_memory, and
# photon's RSS over redis-server's. photon's RSS is read after MEMORY
# PURGE (a full collection that returns freed pages to the system);
# redis-server is sent MEMORY PURGE too. Each dataset gets fresh servers.
#
#   scripts/compare-memory.sh           # 1M strings, then 100k of each collection
#   N=100000 M=10000 scripts/compare-memory.sh   # a quick one
#   DATASETS="lists longlist" scripts/compare-memory.sh   # lists only
#
# Datasets: strings: N keys key:N -> value:N; collections: M hashes of
# 10 fields, M lists of 10 elements, M sets and M zsets of 10 members;
# lists: M lists of 10 elements only; longlist: one list of N elements
# element:N. DATASETS names those to run, by default strings and
# collections.
# Both servers run without persistence and are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
M=${M:-100000}
DATASETS=${DATASETS:-strings collections}

for tool in redis-server redis-cli go awk; do
	command -v "$tool" >/dev/null || { echo "compare-memory.sh: $tool is not installed" >&2; exit 1; }
done

script=compare-memory.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

go build -o "$work/photon" .

# resp prints its arguments as one RESP command, for redis-cli --pipe.
gen_strings() {
	awk -v n="$N" 'BEGIN {
		for (i = 0; i < n; i++) {
			k = "key:" i; v = "value:" i
			printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
		}
	}'
}

gen_collections() {
	awk -v n="$M" 'function bulk(s) { return "$" length(s) "\r\n" s "\r\n" }
	BEGIN {
		for (i = 0; i < n; i++) {
			h = "*22\r\n" bulk("HSET") bulk("hash:" i)
			l = "*12\r\n" bulk("RPUSH") bulk("list:" i)
			s = "*12\r\n" bulk("SADD") bulk("set:" i)
			z = "*22\r\n" bulk("ZADD") bulk("zset:" i)
			for (j = 0; j < 10; j++) {
				h = h bulk("field:" j) bulk("value:" i ":" j)
				l = l bulk("element:" i ":" j)
				s = s bulk("member:" i ":" j)
				z = z bulk(j) bulk("member:" i ":" j)
			}
			printf "%s%s%s%s", h, l, s, z
		}
	}'
}

gen_lists() {
	awk -v n="$M" 'function bulk(s) { return "$" length(s) "\r\n" s "\r\n" }
	BEGIN {
		for (i = 0; i < n; i++) {
			l = "*12\r\n" bulk("RPUSH") bulk("list:" i)
			for (j = 0; j < 10; j++) {
				l = l bulk("element:" i ":" j)
			}
			printf "%s", l
		}
	}'
}

gen_longlist() {
	awk -v n="$N" 'BEGIN {
		for (i = 0; i < n; i++) {
			e = "element:" i
			printf "*3\r\n$5\r\nRPUSH\r\n$8\r\nlonglist\r\n$%d\r\n%s\r\n", length(e), e
		}
	}'
}

for dataset in $DATASETS; do
	case $dataset in
	strings | collections | lists | longlist) "gen_$dataset" >"$work/$dataset.resp" ;;
	*) echo "compare-memory.sh: unknown dataset $dataset in DATASETS" >&2; exit 1 ;;
	esac
done

rss() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }
used() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "versions: $(go version | cut -d' ' -f3), $(redis-server --version | cut -d' ' -f3 | sed 's/v=/redis-server /')"
echo "command: N=$N M=$M DATASETS=\"$DATASETS\" scripts/compare-memory.sh"
echo
echo "| dataset | redis RSS MB | photon RSS MB | photon/redis RSS | redis used_memory MB | photon used_memory MB | photon Go heap in use MB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"

for dataset in $DATASETS; do
	redis_port=$(freeport)
	redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
		--daemonize no --dir "$work" --logfile "$work/redis.log" &
	redis_pid=$!
	pids+=("$redis_pid")
	photon_port=$(freeport)
	while [ "$photon_port" = "$redis_port" ]; do photon_port=$(freeport); done
	"$work/photon" serve --port "$photon_port" --bind 127.0.0.1 --save '' --dir "$work" \
		--loglevel warning 2>"$work/photon.log" &
	photon_pid=$!
	pids+=("$photon_pid")
	waitping "$redis_port"
	waitping "$photon_port"

	redis-cli -p "$redis_port" --pipe <"$work/$dataset.resp" >/dev/null
	redis-cli -p "$photon_port" --pipe <"$work/$dataset.resp" >/dev/null
	redis-cli -p "$redis_port" memory purge >/dev/null
	redis-cli -p "$photon_port" memory purge >/dev/null
	sleep 1
	r=$(rss "$redis_pid")
	p=$(rss "$photon_pid")
	heap=$(redis-cli -p "$photon_port" info memory | tr -d '\r' | awk -F: '$1 == "used_memory_go_heap" { print $2 }')
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$dataset" "$(mb "$r")" "$(mb "$p")" \
		"$(awk -v a="$p" -v b="$r" 'BEGIN { printf "%.2f", a / b }')" \
		"$(mb "$(used "$redis_port")")" "$(mb "$(used "$photon_port")")" "$(mb "$heap")"

	redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
	redis-cli -p "$photon_port" shutdown nosave >/dev/null 2>&1 || true
	wait "$redis_pid" 2>/dev/null || true
	wait "$photon_pid" 2>/dev/null || true
done
if [ -s "$work/photon.log" ]; then
	echo
	echo "photon logged:"
	cat "$work/photon.log"
fi
