#!/usr/bin/env bats
# tcpserver.bats — the program run per connection by ucspi-tcp's tcpserver
# (fds 0 and 1 are the connection, TCPREMOTEIP is set), directly, through
# examples/tcpserver/run.sh and through the s6 service directory in
# examples/s6.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	require_bin
	command -v tcpserver > /dev/null ||
	    skip "tcpserver is not installed (Debian package ucspi-tcp)"
	LOG=$BATS_TEST_TMPDIR/server.log
}

teardown() {
	close_clients
	if [ -n "${SCANDIR:-}" ]; then
		s6-svscanctl -t "$SCANDIR" 2>/dev/null || true
		wait_exit "$SVSCAN_PID" 10 || true
	fi
	bg_cleanup
}

start_tcpserver() {
	start_server "$LOG" tcpserver -q -H -R -l 0 127.0.0.1 @PORT@ "$BIN" --allow-root "$@"
}

@test "tcpserver: GET /healthz is 200 with the JSON status" {
	start_tcpserver
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '{"status":"ok"}'
	assert_equal "$(header_value Connection < "$BATS_TEST_TMPDIR/h")" "close"
}

@test "tcpserver: the log line shows the remote address 127.0.0.1" {
	start_tcpserver
	get "http://127.0.0.1:$PORT/healthz?secret=1"
	assert_equal "$HTTP_CODE" 200
	wait_grep 'Z 127\.0\.0\.1 GET /healthz 200 ' "$LOG" || fail "no log line: $(cat "$LOG")"
	run cat "$LOG"
	refute_output --partial 'secret'
}

@test "tcpserver: GET /openapi.json is the file byte for byte" {
	start_tcpserver
	get "http://127.0.0.1:$PORT/openapi.json"
	assert_equal "$HTTP_CODE" 200
	cmp "$BATS_TEST_TMPDIR/b" "$OPENAPI"
}

@test "tcpserver: 404 and 405 with Allow" {
	start_tcpserver
	get "http://127.0.0.1:$PORT/missing"
	assert_equal "$HTTP_CODE" 404
	assert_error_json 404 "Not Found"
	get "http://127.0.0.1:$PORT/openapi.json" -X PUT
	assert_equal "$HTTP_CODE" 405
	assert_equal "$(header_value Allow < "$BATS_TEST_TMPDIR/h")" "GET, HEAD"
}

@test "tcpserver: flags after the program name take effect (--read-timeout 1)" {
	start_tcpserver --read-timeout 1
	local t0 elapsed
	t0=$(now_ms)
	open_stalled 7 "$PORT" 'GET /healthz HTTP/1.1\r\n'
	run timeout 20 cat <&7
	elapsed=$(($(now_ms) - t0))
	assert_line --index 0 $'HTTP/1.1 408 Request Timeout\r'
	((elapsed < 5000)) || fail "answered after ${elapsed} ms"
}

@test "stderr on the socket (as xinetd does): the log never reaches the client" {
	start_server "$LOG" tcpserver -q -H -R -l 0 127.0.0.1 @PORT@ \
	    sh -c 'exec "$0" --allow-root 2>&1' "$BIN"
	exec 7<> "/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' >&7
	timeout 20 cat <&7 > "$BATS_TEST_TMPDIR/resp"
	run head -n 1 "$BATS_TEST_TMPDIR/resp"
	assert_output $'HTTP/1.1 200 OK\r'
	# Exactly the head and the 16 body bytes: no log line after them.
	run http_body < "$BATS_TEST_TMPDIR/resp"
	assert_output '{"status":"ok"}'
	run cat "$BATS_TEST_TMPDIR/resp"
	refute_output --partial 'GET /healthz'
	refute_output --partial 'htcondor-api:'
}

@test "examples/tcpserver/run.sh serves requests" {
	[ -x "$EXAMPLES/tcpserver/run.sh" ] || fail "examples/tcpserver/run.sh is missing or not executable"
	local runas
	runas=$(id -un)
	HTCONDOR_API=$BIN HOST=127.0.0.1 MAXCONN=4 RUNAS=$runas \
	    start_server "$LOG" env PORT=@PORT@ "$EXAMPLES/tcpserver/run.sh" --allow-root
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '{"status":"ok"}'
	wait_grep 'Z 127\.0\.0\.1 GET /healthz 200 ' "$LOG" || fail "no log line: $(cat "$LOG")"
}

@test "examples/s6: s6-svscan runs the service, s6-log keeps the log" {
	command -v s6-svscan > /dev/null || skip "s6 is not installed (Debian package s6)"
	local sv logdir user
	user=$(id -un)
	SCANDIR=$BATS_TEST_TMPDIR/scan
	sv=$SCANDIR/htcondor-api
	logdir=$BATS_TEST_TMPDIR/s6log
	mkdir -p "$SCANDIR" "$logdir"
	cp -R "$EXAMPLES/s6/htcondor-api" "$SCANDIR/"
	assert_equal "$(cat "$sv/type")" "longrun"
	PORT=$(free_port)
	# Same scripts, with this machine's user, port, paths and binary.
	sed -i -e "s|s6-setuidgid htcondor-api|s6-setuidgid $user|" \
	    -e "s|0\.0\.0\.0 8080|127.0.0.1 $PORT|" \
	    -e "s|/usr/local/sbin/htcondor-api|$(printf '%q' "$BIN") --allow-root|" \
	    "$sv/run"
	sed -i -e "s|s6-setuidgid nobody|s6-setuidgid $user|" \
	    -e "s|/var/log/htcondor-api|$logdir|" "$sv/log/run"
	# Only root may drop privileges (setgroups): as another user, the
	# scripts run as that user already, without the s6-setuidgid step.
	if [ "$(id -u)" -ne 0 ]; then
		sed -i -e "s|s6-setuidgid $user ||" "$sv/run" "$sv/log/run"
		! grep -q "^[^#]*s6-setuidgid" "$sv/run" "$sv/log/run" ||
		    fail "s6-setuidgid left in the scripts"
	fi
	sh -n "$sv/run"
	sh -n "$sv/log/run"
	bg_start "$LOG" s6-svscan "$SCANDIR"
	SVSCAN_PID=$BG_PID
	wait_listen "$PORT" || fail "the service did not listen: $(cat "$LOG")"
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '{"status":"ok"}'
	# s6-log writes "current" with a TAI64N stamp before each line.
	wait_grep '^@[0-9a-f]{24} .*Z 127\.0\.0\.1 GET /healthz 200 ' "$logdir/current" ||
	    fail "no log line in s6-log's current: $(cat "$logdir/current" 2>&1)"
	run s6-svstat "$sv"
	assert_output --partial 'up'
}
