#!/usr/bin/env bats
# listen.bats — the program as its own fork-per-connection server
# (--listen), exercised with curl and raw bash /dev/tcp clients on the
# loopback.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	require_bin
	LOG=$BATS_TEST_TMPDIR/server.log
}

@test "--listen: GET /healthz is 200 with the JSON status" {
	start_server "$LOG"
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '{"status":"ok"}'
	assert_equal "$(header_value Content-Type < "$BATS_TEST_TMPDIR/h")" "application/json"
	assert_equal "$(header_value Connection < "$BATS_TEST_TMPDIR/h")" "close"
	assert_equal "$(header_value Cache-Control < "$BATS_TEST_TMPDIR/h")" "no-store"
}

@test "--listen: ordinary requests leave no error lines in the server log" {
	start_server "$LOG"
	local i deadline
	for i in 1 2 3; do
		get "http://127.0.0.1:$PORT/healthz"
		assert_equal "$HTTP_CODE" 200
	done
	# Wait until the parent has reaped those children (zombies count
	# too), then make one more request: the parent has been through its
	# loop after each reaping by the time it serves it.
	deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)) && [ -n "$(children_of "$SERVER_PID")" ]; do
		sleep 0.05
	done
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	run grep -v -E 'htcondor-api: listening on |Z 127\.0\.0\.1 GET /healthz 200 ' "$LOG"
	assert_output ''
}

@test "--listen: the log has a start line and one line per request with the peer" {
	start_server "$LOG"
	get "http://127.0.0.1:$PORT/healthz?x=1"
	assert_equal "$HTTP_CODE" 200
	wait_grep ' 127\.0\.0\.1 GET /healthz 200 ' "$LOG" || fail "no request log line: $(cat "$LOG")"
	run cat "$LOG"
	assert_output --partial "listening on 127.0.0.1:$PORT"
	refute_output --partial 'x=1'
}

@test "--listen: GET /openapi.json is the file byte for byte" {
	start_server "$LOG"
	get "http://127.0.0.1:$PORT/openapi.json"
	assert_equal "$HTTP_CODE" 200
	cmp "$BATS_TEST_TMPDIR/b" "$OPENAPI"
}

@test "--listen: an unknown path is 404 with the JSON error body" {
	start_server "$LOG"
	get "http://127.0.0.1:$PORT/nope"
	assert_equal "$HTTP_CODE" 404
	assert_error_json 404 "Not Found"
}

@test "--listen: a wrong method is 405 with Allow: GET, HEAD" {
	start_server "$LOG"
	get "http://127.0.0.1:$PORT/healthz" -X POST -d 'x=1'
	assert_equal "$HTTP_CODE" 405
	assert_equal "$(header_value Allow < "$BATS_TEST_TMPDIR/h")" "GET, HEAD"
	assert_error_json 405 "Method Not Allowed"
}

@test "--listen: Expect: 100-continue on a 405 route gets the 405 at once" {
	start_server "$LOG"
	# curl waits for a 100 (or the final answer) before sending the body;
	# the final answer must come at once, without an interim 100.
	head -c 4096 /dev/zero > "$BATS_TEST_TMPDIR/upload"
	get "http://127.0.0.1:$PORT/healthz" -H 'Expect: 100-continue' \
	    --expect100-timeout 15 --data-binary "@$BATS_TEST_TMPDIR/upload"
	assert_equal "$HTTP_CODE" 405
	run cat "$BATS_TEST_TMPDIR/h"
	refute_output --partial '100 Continue'
}

@test "--listen=ADDR form works too" {
	local try
	for ((try = 0; try < 5; try++)); do
		PORT=$(free_port)
		bg_start "$LOG" "$BIN" --allow-root "--listen=127.0.0.1:$PORT"
		wait_listen "$PORT" "$BG_PID" && break
	done
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}

# listen_default ARGS...: start "$BIN --allow-root ARGS" with
# HTTP_API_LISTEN_ADDR set to a free loopback port (in $PORT).
listen_default() {
	local try
	for ((try = 0; try < 5; try++)); do
		PORT=$(free_port)
		_CONDOR_HTTP_API_LISTEN_ADDR="127.0.0.1:$PORT" bg_start "$LOG" "$BIN" --allow-root "$@"
		wait_listen "$PORT" "$BG_PID" && return 0
	done
	fail "did not listen on HTTP_API_LISTEN_ADDR: $(cat "$LOG")"
}

@test "--listen without an address listens on HTTP_API_LISTEN_ADDR" {
	listen_default --listen
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	run cat "$LOG"
	assert_output --partial "listening on 127.0.0.1:$PORT"
}

@test "--listen followed by another option listens on HTTP_API_LISTEN_ADDR" {
	listen_default --listen --max-children 4
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}

@test "--listen with an address overrides HTTP_API_LISTEN_ADDR" {
	local other=$(free_port) try
	for ((try = 0; try < 5; try++)); do
		PORT=$(free_port)
		_CONDOR_HTTP_API_LISTEN_ADDR="127.0.0.1:$other" bg_start "$LOG" "$BIN" --allow-root --listen "127.0.0.1:$PORT"
		wait_listen "$PORT" "$BG_PID" && break
	done
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	! port_listening "$other" || fail "also listening on HTTP_API_LISTEN_ADDR"
}

@test "--listen without an address and no HTTP_API_LISTEN_ADDR exits 2 and says why" {
	run --separate-stderr timeout 20 "$BIN" --allow-root --listen
	assert_failure 2
	[[ $stderr == *HTTP_API_LISTEN_ADDR* ]] || fail "stderr does not name the parameter: $stderr"
}

@test "HTTP_API_LISTEN_ADDR alone does not turn on --listen (inetd mode stays)" {
	PORT=$(free_port)
	_CONDOR_HTTP_API_LISTEN_ADDR="127.0.0.1:$PORT" inetd 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
	assert_equal "$RC" 0
	run cat "$OUT"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
}

@test "--listen [::1]:PORT serves over IPv6" {
	grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null ||
	    skip "no IPv6 loopback address ::1 on this machine"
	local try ok=0
	for ((try = 0; try < 5; try++)); do
		PORT=$(free_port)
		bg_start "$LOG" "$BIN" --allow-root --listen "[::1]:$PORT"
		if wait_listen "$PORT" "$BG_PID"; then
			ok=1
			break
		fi
	done
	((ok)) || fail "did not listen on [::1]: $(cat "$LOG")"
	get "http://[::1]:$PORT/healthz" -g
	assert_equal "$HTTP_CODE" 200
	wait_grep ' ::1 GET /healthz 200 ' "$LOG" || fail "log does not show ::1: $(cat "$LOG")"
}

@test "--listen with a malformed address exits 1 and says why" {
	run --separate-stderr timeout 20 "$BIN" --allow-root --listen 127.0.0.1
	assert_failure 1
	[[ $stderr == *"127.0.0.1"* ]] || fail "stderr does not name the address: $stderr"
	run --separate-stderr timeout 20 "$BIN" --allow-root --listen '[::1:80'
	assert_failure 1
	run --separate-stderr timeout 20 "$BIN" --allow-root --listen '127.0.0.1:http'
	assert_failure 1
}

# harden_fails SYSCALLS [WHEN]: start the listener under strace with
# SYSCALLS failing EPERM (the WHEN-th call only, when given); it must not
# serve but exit 1 naming what it could not do.  Sets stderr.
harden_fails() {
	command -v strace > /dev/null || skip "strace is not installed: cannot make the call fail"
	run --separate-stderr timeout 10 strace -qq -f -o /dev/null \
	    -e trace="$1" -e inject="$1:error=EPERM${2:+:when=$2}" \
	    "$BIN" --allow-root --listen "127.0.0.1:$(free_port)"
	[[ $stderr != *"PTRACE_TRACEME"* && $stderr != *"ptrace"*"Operation not permitted"* ]] ||
	    skip "ptrace is not permitted here: $stderr"
	assert_failure 1
	[[ $stderr == *"Operation not permitted"* ]] || fail "stderr does not say why: $stderr"
	! [[ $stderr == *"listening on"* ]] || fail "it listened anyway: $stderr"
}

@test "a failing setrlimit(RLIMIT_CORE) is a start-up error (exit 1), not ignored" {
	# ASan's runtime sets resource limits itself before main runs.
	! asan_build || skip "an ASan build's runtime calls setrlimit before main"
	harden_fails prlimit64,setrlimit
	[[ $stderr == *"setrlimit(RLIMIT_CORE)"* ]] || fail "stderr does not name the call: $stderr"
}

@test "a failing prctl(PR_SET_DUMPABLE) is a start-up error (exit 1), not ignored" {
	harden_fails prctl 1
	[[ $stderr == *"PR_SET_DUMPABLE"* ]] || fail "stderr does not name the call: $stderr"
}

@test "a failing prctl(PR_SET_NO_NEW_PRIVS) is a start-up error (exit 1), not ignored" {
	harden_fails prctl 2
	[[ $stderr == *"PR_SET_NO_NEW_PRIVS"* ]] || fail "stderr does not name the call: $stderr"
}

@test "--listen on an address that is not local exits 1" {
	# 192.0.2.1 (TEST-NET-1) is never assigned to this machine.
	run --separate-stderr timeout 20 "$BIN" --allow-root --listen 192.0.2.1:8080
	assert_failure 1
	[[ $stderr == *"cannot listen"* ]] || fail "stderr does not say why: $stderr"
}

@test "--listen on a port already in use exits 1" {
	start_server "$LOG"
	run --separate-stderr timeout 20 "$BIN" --allow-root --listen "127.0.0.1:$PORT"
	assert_failure 1
	[[ $stderr == *"cannot listen"* ]] || fail "stderr does not say why: $stderr"
}

@test "--max-children 1: a second connection waits in the queue and is served when the slot frees" {
	start_server "$LOG" --max-children 1
	# Hold the one child with a client that sent half a head and stalls.
	open_stalled 7 "$PORT" 'GET /healthz HTTP/1.1\r\n'
	hcurl -o "$BATS_TEST_TMPDIR/b" -D "$BATS_TEST_TMPDIR/h" -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/healthz" > "$BATS_TEST_TMPDIR/code" 3>&- &
	local waiter=$!
	# The listener does not answer it (no 503): it waits in the kernel's
	# queue while the slot is busy.
	sleep 1
	kill -0 "$waiter" || fail "the queued request was answered: $(cat "$BATS_TEST_TMPDIR/code")"
	# The stalled client completes its request and is answered.
	printf 'Host: x\r\n\r\n' >&7
	run timeout 20 cat <&7
	assert_output --partial 'HTTP/1.1 200 OK'
	exec 7>&-
	# Its child exits; the queued connection is served.
	wait "$waiter" || fail "the queued request failed"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/code")" 200
}

@test "_CONDOR_HTTP_API_MAX_CHILDREN=1 in the environment caps the children too" {
	_CONDOR_HTTP_API_MAX_CHILDREN=1 start_server "$LOG"
	open_stalled 7 "$PORT" 'GET /healthz HTTP/1.1\r\n'
	# Queued behind the stalled one: no answer within a second.
	run hcurl -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$PORT/healthz"
	assert_failure 28
}

@test "--max-children 8: 100 concurrent clients sending 20 requests each get 2000 answers of 200" {
	start_server "$LOG" --max-children 8
	local i j pids=() args=()
	for ((j = 0; j < 20; j++)); do
		args+=(-o /dev/null "http://127.0.0.1:$PORT/healthz")
	done
	# Each curl makes its 20 requests one after the other (the server
	# closes every connection); 100 of them run at once.
	for ((i = 0; i < 100; i++)); do
		timeout 120 curl -sS --max-time 60 --noproxy '*' \
		    -w '%{http_code}\n' "${args[@]}" > "$BATS_TEST_TMPDIR/c$i" 2>&1 3>&- &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || true
	done
	run sh -c "cat '$BATS_TEST_TMPDIR'/c* | sort | uniq -c | awk '{ print \$2 \": \" \$1 }'"
	assert_output "200: 2000"
}

@test "HTTP_API_MAX_PER_IP=1: a second connection from the same address gets 503, another address is served" {
	_CONDOR_HTTP_API_MAX_PER_IP=1 start_server "$LOG"
	open_stalled 7 "$PORT" 'GET /healthz HTTP/1.1\r\n'
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 503
	run header_value Retry-After < "$BATS_TEST_TMPDIR/h"
	assert_output --regexp '^[0-9]+$'
	assert_equal "$(header_value Cache-Control < "$BATS_TEST_TMPDIR/h")" "no-store"
	assert_error_json 503 "Service Unavailable"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial 'from this address'
	# The whole 127/8 is local on Linux: 127.0.0.2 is another peer.
	get "http://127.0.0.1:$PORT/healthz" --interface 127.0.0.2
	assert_equal "$HTTP_CODE" 200
	# Once the first connection is answered, its address is served again.
	printf 'Host: x\r\n\r\n' >&7
	run timeout 20 cat <&7
	assert_output --partial 'HTTP/1.1 200 OK'
	exec 7>&-
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		get "http://127.0.0.1:$PORT/healthz"
		[ "$HTTP_CODE" = 200 ] && break
		sleep 0.05
	done
	assert_equal "$HTTP_CODE" 200
}

@test "HTTP_API_MAX_PER_IP is off by default: one address may use several slots" {
	start_server "$LOG"
	open_stalled 7 "$PORT" 'GET /healthz HTTP/1.1\r\n'
	open_stalled 8 "$PORT" 'GET /healthz HTTP/1.1\r\n'
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}

@test "HTTP_API_MAX_PER_IP that is not a number from 0 is a configuration error (exit 3)" {
	_CONDOR_HTTP_API_MAX_PER_IP=-1 run --separate-stderr timeout 20 "$BIN" --allow-root --listen "127.0.0.1:$(free_port)"
	assert_failure 3
	[[ $stderr == *HTTP_API_MAX_PER_IP* ]] || fail "stderr does not name the parameter: $stderr"
}

@test "SIGTERM: the server stops accepting, exits 0 and the port closes" {
	start_server "$LOG"
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" || fail "server still running after SIGTERM"
	local rc=0
	wait "$SERVER_PID" || rc=$?
	assert_equal "$rc" 0
	! port_listening "$PORT" || fail "port $PORT still listening"
	run hcurl -o /dev/null "http://127.0.0.1:$PORT/healthz"
	assert_failure
}

# stop_idle SIGNAL: send SIGNAL to an idle listener; it must exit 0 within
# 2 s (it waits for no connection) and close its port.
stop_idle() {
	local t0 elapsed rc=0
	start_server "$LOG"
	wait_listen "$PORT" "$SERVER_PID" || fail "not listening"
	t0=$(now_ms)
	kill "-$1" "$SERVER_PID"
	wait_exit "$SERVER_PID" || fail "server still running after $1"
	elapsed=$(($(now_ms) - t0))
	wait "$SERVER_PID" || rc=$?
	assert_equal "$rc" 0
	((elapsed < 2000)) || fail "exited ${elapsed} ms after $1"
	! port_listening "$PORT" || fail "port $PORT still listening"
	run cat "$LOG"
	assert_output --partial 'stopping'
}

@test "SIGTERM: an idle listener exits 0 at once" {
	stop_idle TERM
}

@test "SIGHUP: an idle listener stops like SIGTERM, exiting 0 (not 129)" {
	stop_idle HUP
}

@test "SIGTERM arriving just before the listener waits is acted on at once" {
	# gdb stops the listener where it is about to wait for a connection
	# (accept4 or ppoll) and delivers SIGTERM there, before the wait
	# starts: the race window that a plain accept4 loop loses, since its
	# flag is set while nothing is left to wake the wait.
	command -v gdb > /dev/null || skip "gdb is not installed"
	PORT=$(free_port)
	# LeakSanitizer (in ASan builds) cannot run under ptrace: off here.
	run timeout -k 1 10 gdb -q -batch -ex 'set breakpoint pending on' \
	    -ex 'set environment ASAN_OPTIONS=detect_leaks=0' \
	    -ex 'handle SIGTERM nostop noprint pass' \
	    -ex 'break accept4' -ex 'break ppoll' -ex run -ex delete \
	    -ex 'signal SIGTERM' \
	    --args "$BIN" --allow-root --listen "127.0.0.1:$PORT"
	[[ $output != *"ptrace: Operation not permitted"* ]] ||
	    skip "ptrace is not permitted here"
	[[ $output == *"exited normally"* ]] ||
	    fail "the listener did not exit 0 on SIGTERM (gdb status $status): $output"
}

@test "SIGTERM: the server waits for a request in progress before exiting" {
	start_server "$LOG"
	open_stalled 7 "$PORT" 'GET /healthz HTTP/1.1\r\n'
	# Let the parent accept the connection and fork its child.
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)) && [ -z "$(children_of "$SERVER_PID")" ]; do
		sleep 0.05
	done
	[ -n "$(children_of "$SERVER_PID")" ] || fail "no child for the stalled connection"
	kill -TERM "$SERVER_PID"
	# The listening socket goes away, the parent stays for its child.
	wait_unlisten "$PORT" || fail "still listening after SIGTERM"
	kill -0 "$SERVER_PID" || fail "server exited before its child finished"
	printf 'Host: x\r\n\r\n' >&7
	run timeout 20 cat <&7
	assert_output --partial 'HTTP/1.1 200 OK'
	assert_output --partial '{"status":"ok"}'
	exec 7>&-
	wait_exit "$SERVER_PID" || fail "server still running after its last child"
	local rc=0
	wait "$SERVER_PID" || rc=$?
	assert_equal "$rc" 0
	run cat "$LOG"
	assert_output --partial 'stopping'
}

@test "--listen: 50 sequential requests are all 200" {
	start_server "$LOG"
	local i codes=""
	for ((i = 0; i < 50; i++)); do
		codes+=$(hcurl -o /dev/null -w '%{http_code} ' "http://127.0.0.1:$PORT/healthz")
	done
	assert_equal "$codes" "$(printf '200 %.0s' {1..50})"
}

@test "--listen: 8 parallel clients are all 200" {
	start_server "$LOG"
	local i pids=()
	for ((i = 0; i < 8; i++)); do
		hcurl -o "$BATS_TEST_TMPDIR/p$i.body" -w '%{http_code}' \
		    "http://127.0.0.1:$PORT/openapi.json" > "$BATS_TEST_TMPDIR/p$i.code" 3>&- &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fail "a parallel curl failed"
	done
	for ((i = 0; i < 8; i++)); do
		assert_equal "$(cat "$BATS_TEST_TMPDIR/p$i.code")" 200
		cmp "$BATS_TEST_TMPDIR/p$i.body" "$OPENAPI"
	done
}

@test "--listen: a stalled head gets 408 within the read timeout" {
	start_server "$LOG" --read-timeout 2
	local t0 elapsed
	t0=$(now_ms)
	open_stalled 7 "$PORT" 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: '
	run timeout 20 cat <&7
	elapsed=$(($(now_ms) - t0))
	assert_line --index 0 $'HTTP/1.1 408 Request Timeout\r'
	assert_output --partial '"code": 408'
	((elapsed >= 1500)) || fail "answered after ${elapsed} ms, before the 2 s deadline"
	((elapsed < 5000)) || fail "answered after ${elapsed} ms, well past the 2 s deadline"
	wait_grep ' 408 ' "$LOG" || fail "no 408 in the log: $(cat "$LOG")"
}

@test "--listen: a head trickled a byte at a time still meets the deadline" {
	# Sending slowly does not extend the deadline: it is for the whole head.
	start_server "$LOG" --read-timeout 2
	local t0 elapsed
	exec 7<> "/dev/tcp/127.0.0.1/$PORT"
	t0=$(now_ms)
	# The writer is a subshell: once the server has closed, a write may
	# raise SIGPIPE, which must not hit the test shell.
	(
		head='GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
		for ((i = 0; i < ${#head}; i++)); do
			printf '%b' "${head:i:1}" >&7 || exit 0
			sleep 0.1
		done
	) 2>/dev/null 3>&- &
	echo $! >> "$BATS_TEST_TMPDIR/.bg_pids"
	run timeout 20 cat <&7
	elapsed=$(($(now_ms) - t0))
	assert_line --index 0 $'HTTP/1.1 408 Request Timeout\r'
	((elapsed >= 1500)) || fail "answered after ${elapsed} ms, before the 2 s deadline"
	((elapsed < 5000)) || fail "answered after ${elapsed} ms, well past the 2 s deadline"
}

# send_body_slowly FD LENGTH CHUNK INTERVAL COUNT: open a POST on FD whose
# head announces LENGTH body bytes, then (in the background) send COUNT
# pieces of CHUNK, one every INTERVAL seconds.  The head carries a
# token-shaped string, which is all it takes to have the body read.
send_body_slowly() {
	local fd=$1 len=$2 chunk=$3 interval=$4 count=$5
	eval "exec $fd<>/dev/tcp/127.0.0.1/$PORT"
	printf 'POST /api/v1/jobs/1.0/hold HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer aaaa.bbbb.cccc\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n' "$len" >&"$fd"
	# A subshell: a write after the server closed may raise SIGPIPE.
	(
		for ((i = 0; i < count; i++)); do
			printf '%s' "$chunk" >&"$fd" || exit 0
			sleep "$interval"
		done
	) 2>/dev/null 3>&- &
	echo $! >> "$BATS_TEST_TMPDIR/.bg_pids"
}

@test "--listen: a body trickled under HTTP_API_MIN_BODY_RATE is cut with 408 soon after the grace period" {
	# Grace 2 s (the read timeout), then 100 B/s; the client sends 25 B/s,
	# never stalling a read: cut at 2 s + received/100 s, about 2.7 s.
	_CONDOR_HTTP_API_MIN_BODY_RATE=100 start_server "$LOG" --read-timeout 2
	local t0 elapsed
	t0=$(now_ms)
	send_body_slowly 7 10000 xxxxx 0.2 40
	run timeout 30 cat <&7
	elapsed=$(($(now_ms) - t0))
	assert_line --index 0 $'HTTP/1.1 408 Request Timeout\r'
	assert_output --partial 'minimum rate'
	((elapsed >= 2000)) || fail "cut after ${elapsed} ms, within the 2 s grace"
	((elapsed < 6000)) || fail "cut after ${elapsed} ms, well past the rate's deadline (about 2.7 s)"
}

@test "--listen: a steady body above HTTP_API_MIN_BODY_RATE is read in full even past the grace period" {
	# 1000 bytes at 250 B/s: 4 s, twice the grace, never below 100 B/s.
	_CONDOR_HTTP_API_MIN_BODY_RATE=100 start_server "$LOG" --read-timeout 2
	send_body_slowly 7 1000 "$(printf 'x%.0s' {1..50})" 0.2 20
	run timeout 30 cat <&7
	# The whole body arrived and was parsed (it is not JSON).
	assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
	assert_output --partial 'not valid JSON'
}

@test "HTTP_API_MIN_BODY_RATE that is not a number from 0 is a configuration error (exit 3)" {
	_CONDOR_HTTP_API_MIN_BODY_RATE=fast run --separate-stderr timeout 20 "$BIN" --allow-root --listen "127.0.0.1:$(free_port)"
	assert_failure 3
	[[ $stderr == *HTTP_API_MIN_BODY_RATE* ]] || fail "stderr does not name the parameter: $stderr"
}

@test "--listen: a client that connects and closes gets nothing and the server goes on" {
	start_server "$LOG"
	exec 7<> "/dev/tcp/127.0.0.1/$PORT"
	exec 7>&-
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	kill -0 "$SERVER_PID"
}
