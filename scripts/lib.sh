# lib.sh: what the benchmark scripts share. Source it after setting
# `script` to the caller's name; it makes a work directory, stops the
# processes whose PIDs are added to `pids`, and removes the directory on
# exit.

work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# freeport prints a loopback TCP port nothing listens on, below Linux's
# default ephemeral range (32768-60999), so that no client connection of
# the run can be holding it.
freeport() {
	local port
	while :; do
		port=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
}

# waitping waits until the server on port $1 answers PING.
waitping() {
	for _ in $(seq 100); do
		[ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return
		sleep 0.1
	done
	echo "$script: nothing answers on port $1; the servers' logs:" >&2
	tail -n 20 "$work"/*.log >&2 || true
	exit 1
}
