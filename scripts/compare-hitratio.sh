#!/usr/bin/env bash
# compare-hitratio.sh: photon serve's cache hit ratio beside a real
# redis-server's under the same Zipf-distributed cache-aside workload
# (scripts/zipfhit: GET a key, SET it with a 100-byte value on a miss),
# with the same maxmemory, maxmemory-policy and maxmemory-samples. Prints
# a table: policy, each server's hit ratio, the difference in percentage
# points, and the keys each held at the end.
#
#   scripts/compare-hitratio.sh
#   MAXMEMORY="8mb" POLICIES=allkeys-lfu OPS=100000 scripts/compare-hitratio.sh
#
# Environment: MAXMEMORY ("8mb 2mb"), POLICIES ("allkeys-lru allkeys-lfu"),
# SAMPLES (5), OPS (300000 GETs, warm-up included), WARMUP (100000),
# KEYS (200000 possible keys), S (Zipf exponent, 1.1).
# The servers run without persistence and are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

MAXMEMORY=${MAXMEMORY:-8mb 2mb}
POLICIES=${POLICIES:-allkeys-lru allkeys-lfu}
SAMPLES=${SAMPLES:-5}
OPS=${OPS:-300000}
WARMUP=${WARMUP:-100000}
KEYS=${KEYS:-200000}
S=${S:-1.1}

for tool in redis-server redis-cli go; do
	command -v "$tool" >/dev/null || { echo "compare-hitratio.sh: $tool is not installed" >&2; exit 1; }
done

script=compare-hitratio.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

go build -o "$work/photon" .
go build -o "$work/zipfhit" ./scripts/zipfhit

redis_port=$(freeport)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
	--dir "$work" --logfile "$work/redis.log" &
pids+=($!)
photon_port=$(freeport)
while [ "$photon_port" = "$redis_port" ]; do photon_port=$(freeport); done
"$work/photon" serve --port "$photon_port" --bind 127.0.0.1 --save '' --dir "$work" \
	--loglevel warning 2>"$work/photon.log" &
pids+=($!)
waitping "$redis_port"
waitping "$photon_port"

# measure prints zipfhit's output line for the server on port $1 with
# maxmemory $2 and policy $3.
measure() {
	timeout 600 "$work/zipfhit" -addr "127.0.0.1:$1" -maxmemory "$2" -policy "$3" \
		-samples "$SAMPLES" -ops "$OPS" -warmup "$WARMUP" -keys "$KEYS" -s "$S"
}

# field prints the value of name=value field $2 in zipfhit's line $1.
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), $(redis-server --version | cut -d' ' -f3 | sed 's/v=/redis-server /')"
echo "command: MAXMEMORY=\"$MAXMEMORY\" POLICIES=\"$POLICIES\" SAMPLES=$SAMPLES OPS=$OPS WARMUP=$WARMUP KEYS=$KEYS S=$S scripts/compare-hitratio.sh"
echo "workload: GET a Zipf(s=$S) key of $KEYS, SET it (100 bytes) on a miss; hit ratio over the $((OPS - WARMUP)) GETs after $WARMUP of warm-up"
echo
echo "| maxmemory | policy | redis-server hit ratio | photon hit ratio | difference (points) | keys held, redis-server | keys held, photon |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for mem in $MAXMEMORY; do
	for policy in $POLICIES; do
		r=$(measure "$redis_port" "$mem" "$policy")
		p=$(measure "$photon_port" "$mem" "$policy")
		rh=$(field "$r" hit_ratio)
		ph=$(field "$p" hit_ratio)
		printf '| %s | %s | %.2f%% | %.2f%% | %+.2f | %s | %s |\n' "$mem" "$policy" \
			"$(awk -v x="$rh" 'BEGIN {print x * 100}')" "$(awk -v x="$ph" 'BEGIN {print x * 100}')" \
			"$(awk -v a="$ph" -v b="$rh" 'BEGIN {print (a - b) * 100}')" \
			"$(field "$r" keys)" "$(field "$p" keys)"
	done
done

if [ -s "$work/photon.log" ]; then
	echo
	echo "photon logged:"
	cat "$work/photon.log"
fi
