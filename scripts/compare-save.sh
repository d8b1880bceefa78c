#!/usr/bin/env bash
# compare-save.sh: SAVE and startup load of the same N strings
# `key:I` -> `value:I` in a real redis-server and in photon serve, side by
# side in one run, alternating which server goes first so that drift on a
# shared machine falls on both. Prints a Markdown table of the best of
# ROUNDS SAVEs and loads of each, the file sizes and the ratios, and
# checks photon's file with redis-check-rdb.
#
#   scripts/compare-save.sh             # 1M keys, 3 rounds
#   N=100000 scripts/compare-save.sh    # a quick one
#
# SAVE is timed from the client, as the time the SAVE command takes on a
# connection already open. A load is the time each server logs for
# reading its file at start ("DB loaded from disk: ... seconds" and
# "snapshot loaded ... took=..."). Both servers run one thread of
# commands (photon serve --io-threads 1, its default) and are stopped on
# exit.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
ROUNDS=${ROUNDS:-3}

for tool in redis-server redis-cli redis-check-rdb go awk; do
	command -v "$tool" >/dev/null || { echo "compare-save.sh: $tool is not installed" >&2; exit 1; }
done

script=compare-save.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

go build -o "$work/photon" .
mkdir -p "$work/redis" "$work/photon-data"

# up waits until the server with PID $1 answers PING on port $2, and
# fails if it exits first (another process took the port meanwhile).
up() {
	for _ in $(seq 300); do
		[ "$(redis-cli -p "$2" ping 2>/dev/null)" = PONG ] && return 0
		case "$(ps -o stat= -p "$1" 2>/dev/null)" in
		"" | Z*) return 1 ;; # exited, or a zombie not yet waited for
		esac
		sleep 0.1
	done
	return 1
}

# startredis starts redis-server on its file in $work/redis and sets
# redis_pid and redis_port; startphoton does the same for photon serve.
# Each tries another port when the one it picked is taken.
startredis() {
	local try
	for try in 1 2 3; do
		redis_port=$(freeport)
		redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
			--dir "$work/redis" --dbfilename dump.rdb --logfile "$work/redis.log" &
		redis_pid=$!
		pids+=("$redis_pid")
		up "$redis_pid" "$redis_port" && return
		stop "$redis_pid"
	done
	echo "$script: redis-server did not start; its log:" >&2
	tail -n 20 "$work/redis.log" >&2
	exit 1
}
startphoton() {
	local try
	for try in 1 2 3; do
		photon_port=$(freeport)
		"$work/photon" serve --port "$photon_port" --bind 127.0.0.1 --save '' \
			--dir "$work/photon-data" --dbfilename dump.rdb 2>"$work/photon.log" &
		photon_pid=$!
		pids+=("$photon_pid")
		up "$photon_pid" "$photon_port" && return
		stop "$photon_pid"
	done
	echo "$script: photon serve did not start; its log:" >&2
	tail -n 20 "$work/photon.log" >&2
	exit 1
}

# stop stops the server with PID $1, waits for it to exit and forgets it.
stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	local rest=() pid
	for pid in "${pids[@]}"; do
		[ "$pid" = "$1" ] || rest+=("$pid")
	done
	pids=("${rest[@]}")
}

# now prints the time in milliseconds, with microseconds.
now() { date +%s.%N | awk '{ printf "%.3f", $1 * 1000 }'; }

# savetime runs SAVE on the server on port $1 and prints how many
# milliseconds it took.
savetime() {
	local start end reply
	# A connection opened first, so that SAVE's time is not the dial's.
	exec 3<>"/dev/tcp/127.0.0.1/$1"
	start=$(now)
	printf 'SAVE\r\n' >&3
	read -r reply <&3
	end=$(now)
	exec 3>&-
	[ "${reply%$'\r'}" = "+OK" ] || { echo "$script: SAVE on port $1 answered $reply" >&2; exit 1; }
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }'
}

# min prints the smallest of its arguments.
min() { printf '%s\n' "$@" | sort -n | head -n1; }

# ratio prints $1 / $2 with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "versions: $(go version | cut -d' ' -f3), $(redis-server --version | cut -d' ' -f3 | sed 's/v=/redis-server /')"
echo "command: N=$N ROUNDS=$ROUNDS scripts/compare-save.sh"
echo

startredis
startphoton
awk -v n="$N" 'BEGIN {
	for (i = 0; i < n; i++) {
		k = "key:" i; v = "value:" i
		printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
	}
}' >"$work/load.resp"
redis-cli -p "$redis_port" --pipe <"$work/load.resp" >/dev/null
redis-cli -p "$photon_port" --pipe <"$work/load.resp" >/dev/null
rm "$work/load.resp"
for port in "$redis_port" "$photon_port"; do
	keys=$(redis-cli -p "$port" dbsize)
	[ "$keys" = "$N" ] || { echo "$script: the server on port $port holds $keys keys, not $N" >&2; exit 1; }
done

redis_saves=()
photon_saves=()
for ((i = 0; i < ROUNDS; i++)); do
	if ((i % 2 == 0)); then
		redis_saves+=("$(savetime "$redis_port")")
		photon_saves+=("$(savetime "$photon_port")")
	else
		photon_saves+=("$(savetime "$photon_port")")
		redis_saves+=("$(savetime "$redis_port")")
	fi
done
stop "$redis_pid"
stop "$photon_pid"
redis_size=$(stat -c %s "$work/redis/dump.rdb")
photon_size=$(stat -c %s "$work/photon-data/dump.rdb")
check=$(redis-check-rdb "$work/photon-data/dump.rdb" 2>&1 | grep -c 'RDB looks OK' || true)
[ "$check" = 1 ] || { echo "$script: redis-check-rdb refuses photon's file:" >&2; redis-check-rdb "$work/photon-data/dump.rdb" >&2; exit 1; }

# loadtime starts the server named $1 on its file, checks that it holds
# every key, stops it and sets ms to the milliseconds it logged for
# loading the file. It runs in this shell, not a subshell, so that the
# servers it starts are stopped on exit whatever happens.
loadtime() {
	local keys
	if [ "$1" = redis ]; then
		: >"$work/redis.log"
		startredis
		keys=$(redis-cli -p "$redis_port" dbsize)
		stop "$redis_pid"
		ms=$(sed -n 's/.*DB loaded from disk: \([0-9.]*\) seconds.*/\1/p' "$work/redis.log" | awk '{ printf "%.0f", $1 * 1000 }')
	else
		startphoton
		keys=$(redis-cli -p "$photon_port" dbsize)
		stop "$photon_pid"
		ms=$(sed -n 's/.*snapshot loaded.* took=\([0-9.]*\)\(m\?s\).*/\1 \2/p' "$work/photon.log" |
			awk '{ printf "%.0f", $2 == "s" ? $1 * 1000 : $1 }')
	fi
	[ "$keys" = "$N" ] || { echo "$script: $1 loaded $keys keys, not $N" >&2; exit 1; }
	[ -n "$ms" ] || { echo "$script: $1 logged no load time" >&2; exit 1; }
}

redis_loads=()
photon_loads=()
for ((i = 0; i < ROUNDS; i++)); do
	if ((i % 2 == 0)); then
		loadtime redis && redis_loads+=("$ms")
		loadtime photon && photon_loads+=("$ms")
	else
		loadtime photon && photon_loads+=("$ms")
		loadtime redis && redis_loads+=("$ms")
	fi
done

rs=$(min "${redis_saves[@]}")
ps=$(min "${photon_saves[@]}")
rl=$(min "${redis_loads[@]}")
pl=$(min "${photon_loads[@]}")
echo "| $N keys \`key:N\` -> \`value:N\` | redis-server | photon | photon/redis |"
echo "| --- | ---: | ---: | ---: |"
echo "| SAVE, best of $ROUNDS (all, ms) | $rs ms (${redis_saves[*]}) | $ps ms (${photon_saves[*]}) | $(ratio "$ps" "$rs") |"
echo "| load at start, best of $ROUNDS (all, ms) | $rl ms (${redis_loads[*]}) | $pl ms (${photon_loads[*]}) | $(ratio "$pl" "$rl") |"
echo "| file size | $redis_size B | $photon_size B | $(ratio "$photon_size" "$redis_size") |"
echo
echo "redis-check-rdb on photon's file: RDB looks OK"
