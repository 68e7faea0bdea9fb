# helpers.bash — shared set-up for the end-to-end bats suites.
#
# Loaded by every tests/bats/*.bats with `load helpers`.  Provides the
# binary under test ($BIN), free loopback ports, background processes that
# teardown always kills, bounded waits, and small HTTP helpers.  Nothing
# here sleeps longer than one polling step (0.05 s) at a time, and every
# wait has an upper bound.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

REPO="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
BIN="${HTCONDOR_API_BIN:-$REPO/htcondor-api}"
OPENAPI="$REPO/openapi/openapi.json"
EXAMPLES="$REPO/examples"

# The configuration the program reads must not come from the machine the
# tests run on: ONLY_ENV means "no configuration files at all", and no
# HTTP_API_* override may leak in from the caller's environment.
export CONDOR_CONFIG=ONLY_ENV
while IFS='=' read -r _v _; do
	case $_v in _CONDOR_*) unset "$_v" ;; esac
done < <(env)
unset _v
# No proxy may sit between curl and the loopback server.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

# Generous bounds: a loaded 2-core CI machine must still pass.
WAIT_SECS=${WAIT_SECS:-15}

# Fail a test at once, with a clear message, when the binary is missing
# (call it from setup): every step would fail less clearly otherwise.
require_bin() {
	[ -x "$BIN" ] || fail "binary under test $BIN is missing or not executable"
}

# Is the binary under test built with AddressSanitizer?
asan_build() {
	readelf -sW "$BIN" 2>/dev/null | grep -q '__asan_init'
}

# A monotonic-enough clock in milliseconds (bash 5 EPOCHREALTIME).
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# TCP sockets on local port $1, from /proc/net/tcp and tcp6 (no ss or
# netstat needed): prints their states in hex (0A is LISTEN).
port_states() {
	local hex
	hex=$(printf ':%04X' "$1")
	awk -v p="$hex" 'FNR > 1 && substr($2, length($2) - 4) == p { print $4 }' \
	    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Is PORT free (no socket at all uses it as its local port)?
port_free() {
	[ -z "$(port_states "$1")" ]
}

# Does something listen on PORT?
port_listening() {
	port_states "$1" | grep -qx 0A
}

# Print a random port in 20000-60000 with nothing listening on it.
free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
		if port_free "$p"; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# Wait until something listens on PORT (read from /proc, so that no probe
# connection disturbs the server), or until PID (optional) has died.
# 0 when listening, 1 otherwise.
wait_listen() {
	local port=$1 pid=${2:-} deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		port_listening "$port" && return 0
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.05
	done
	return 1
}

# Wait until nothing listens on PORT any more.
wait_unlisten() {
	local port=$1 deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		port_listening "$port" || return 0
		sleep 0.05
	done
	return 1
}

# Wait until process PID has exited (bounded); 0 when it has.
wait_exit() {
	local pid=$1 secs=${2:-$WAIT_SECS} deadline
	deadline=$(($(now_ms) + secs * 1000))
	while (($(now_ms) < deadline)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# The pids of the child processes of PID (zombies included), from /proc
# (no procps needed).
children_of() {
	local f
	for f in /proc/[0-9]*/status; do
		grep -qx "PPid:[[:space:]]*$1" "$f" 2>/dev/null && basename "${f%/status}"
	done
	return 0
}

# Wait until FILE contains a line matching the extended regex RE.
wait_grep() {
	local re=$1 file=$2 deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# bg_start LOG CMD...: run CMD in the background in its own session
# (process group), stdout and stderr appended to LOG, stdin from
# /dev/null, and fd 3 (bats' own) closed.  Sets BG_PID.  teardown kills
# it and everything it started.
bg_start() {
	local log=$1
	shift
	setsid "$@" < /dev/null >> "$log" 2>&1 3>&- &
	BG_PID=$!
	echo "$BG_PID" >> "$BATS_TEST_TMPDIR/.bg_pids"
}

# Kill every background process group this test started: TERM, a bounded
# wait, then KILL.
bg_cleanup() {
	local pid
	[ -f "$BATS_TEST_TMPDIR/.bg_pids" ] || return 0
	while read -r pid; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	done < "$BATS_TEST_TMPDIR/.bg_pids"
	while read -r pid; do
		if ! wait_exit "$pid" 5; then
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
		fi
		# Children in the group (a stalled per-connection child).
		kill -KILL -- "-$pid" 2>/dev/null || true
	done < "$BATS_TEST_TMPDIR/.bg_pids"
	rm -f "$BATS_TEST_TMPDIR/.bg_pids"
}

# Close the raw client sockets tests may have opened on fds 7 and 8.
close_clients() {
	exec 7>&- 8>&-
}

teardown() {
	close_clients
	bg_cleanup
}

# start_server LOG ARGS...: start "$BIN --allow-root --listen 127.0.0.1:PORT
# ARGS..." on a free port, retrying another port if the bind loses a race.
# Sets PORT and SERVER_PID.  An argument "@PORT@" is replaced by the port
# and then no --listen is added (for wrappers such as tcpserver): pass the
# whole command line in that case, starting with the program to run.
start_server() {
	local log=$1 try a
	shift
	local -a cmd
	for ((try = 0; try < 5; try++)); do
		PORT=$(free_port) || return 1
		cmd=()
		local templ=0
		for a in "$@"; do
			if [[ $a == *@PORT@* ]]; then
				templ=1
				cmd+=("${a//@PORT@/$PORT}")
			else
				cmd+=("$a")
			fi
		done
		if ((templ == 0)); then
			cmd=("$BIN" --allow-root --listen "127.0.0.1:$PORT" "${cmd[@]}")
		fi
		bg_start "$log" "${cmd[@]}"
		SERVER_PID=$BG_PID
		if wait_listen "$PORT" "$SERVER_PID"; then
			return 0
		fi
		kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
		wait_exit "$SERVER_PID" 5 || true
	done
	echo "server did not start; its log:" >&2
	cat "$log" >&2
	return 1
}

# hcurl ARGS...: curl with a bound on the whole transfer, no proxy, quiet
# but showing errors.
hcurl() {
	curl -sS --max-time 20 --connect-timeout 10 --noproxy '*' "$@"
}

# get URL [curl args]: fetch URL; sets HTTP_CODE, and leaves the headers in
# $BATS_TEST_TMPDIR/h and the body in $BATS_TEST_TMPDIR/b.
get() {
	local url=$1
	shift
	HTTP_CODE=$(hcurl -o "$BATS_TEST_TMPDIR/b" -D "$BATS_TEST_TMPDIR/h" \
	    -w '%{http_code}' "$@" "$url")
}

# The value of header NAME in a raw head read from stdin (first match,
# CR stripped, case-blind name).
header_value() {
	tr -d '\r' | awk -v n="$(echo "$1" | tr 'A-Z' 'a-z')" '
		/^$/ { exit }
		{ i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) {
			v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v; exit } }'
}

# The body of a raw HTTP response read from stdin (everything after the
# first empty line).
http_body() {
	sed '1,/^\r$/d'
}

# Assert that the JSON error body in FILE (default the last body) has the
# shape {"error": REASON, "message": "...", "code": CODE}.
assert_error_json() {
	local code=$1 reason=$2 file=${3:-$BATS_TEST_TMPDIR/b}
	run cat "$file"
	assert_output --regexp "^\{\"error\": \"$reason\", \"message\": \"[^\"]+\", \"code\": $code\}$"
}

# Write a partial request on a raw connection to 127.0.0.1:PORT kept on
# fd FD (7 or 8), then leave it open.
open_stalled() {
	local fd=$1 port=$2 text=$3
	eval "exec $fd<>/dev/tcp/127.0.0.1/$port"
	printf '%b' "$text" >&"$fd"
}

# inetd REQUEST [ARGS...]: pipe REQUEST (printf %b escapes) into the binary
# as inetd would hand it a connection.  Leaves the answer in $OUT, the log
# in $ERR, the exit status in $RC.
inetd() {
	local req=$1
	shift
	OUT=$BATS_TEST_TMPDIR/out ERR=$BATS_TEST_TMPDIR/err
	RC=0
	printf '%b' "$req" | timeout 20 "$BIN" --allow-root "$@" > "$OUT" 2> "$ERR" || RC=$?
}

# token_req METHOD PATH [BODY]: one request with $TOKEN piped into the
# binary as inetd would hand it a connection, the body sent as it is;
# the answer goes to $OUT and the log to $ERR (set both first, since
# `run` gives the function a subshell), and the status line is printed.
token_req() {
	local body=${3:-}
	{
		printf '%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n' "$1" "$2" "$TOKEN"
		printf 'Content-Type: application/json\r\nContent-Length: %s\r\n' "${#body}"
		printf 'Connection: close\r\n\r\n%s' "$body"
	} | timeout 20 "$BIN" --allow-root > "$OUT" 2> "$ERR"
	head -n 1 "$OUT" | tr -d '\r'
}

# --- The test schedd (tests/schedd) ---------------------------------------

SCHEDD="${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/test-schedd"
MINT="${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/mint-token"
GEN="$REPO/tests/schedd/gen-jobs.sh"

# start_test_schedd ARGS...: the test schedd on an ephemeral port with
# the POOL key $T/pool.key and ARGS (-j JOBS, -H HISTORY, -x FAULT ...);
# its address file is what the API reads (SCHEDD_ADDRESS_FILE).  Sets
# SCHEDD_PID; the log is $T/schedd.log.
start_test_schedd() {
	local i
	[ -x "$SCHEDD" ] || fail "test schedd $SCHEDD is missing"
	rm -f "$T/addr"
	bg_start "$T/schedd.log" "$SCHEDD" -k "$T/pool.key" -a "$T/addr" "$@"
	SCHEDD_PID=$BG_PID
	for ((i = 0; i < 300; i++)); do
		[ -s "$T/addr" ] && break
		sleep 0.05
	done
	[ -s "$T/addr" ] || fail "test schedd did not start: $(cat "$T/schedd.log")"
	export _CONDOR_SCHEDD_ADDRESS_FILE="$T/addr"
}
