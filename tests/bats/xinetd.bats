#!/usr/bin/env bats
# xinetd.bats — the program behind a real xinetd configured from
# examples/xinetd/htcondor-api.  xinetd connects stdin, stdout *and
# stderr* to the socket: the program must then log to syslog, never to
# the client.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	require_bin
	[ -x /usr/sbin/xinetd ] || skip "xinetd is not installed (Debian package xinetd)"
	LOG=$BATS_TEST_TMPDIR/xinetd.out
}

# Start xinetd in the foreground with the example service, made to listen
# on 127.0.0.1 and a free port, run as root with --allow-root (as root in
# CI), read no HTCondor configuration files and log to a file.
start_xinetd() {
	local dir=$BATS_TEST_TMPDIR/xinetd try
	mkdir -p "$dir"
	for ((try = 0; try < 5; try++)); do
		PORT=$(free_port)
		{
			printf 'defaults\n{\n}\n'
			sed -e "s|^\([[:space:]]*port[[:space:]]*=\).*|\1 $PORT\n\tbind\t\t= 127.0.0.1|" \
			    -e "s|^\([[:space:]]*user[[:space:]]*=\).*|\1 $(id -un)|" \
			    -e "s|^\([[:space:]]*group[[:space:]]*=\).*|\1 $(id -gn)|" \
			    -e "s|^\([[:space:]]*server[[:space:]]*=\).*|\1 $BIN\n\tserver_args\t= --allow-root\n\tenv\t\t= CONDOR_CONFIG=ONLY_ENV|" \
			    -e "s|^\([[:space:]]*log_type[[:space:]]*=\).*|\1 FILE $dir/service.log|" \
			    "$EXAMPLES/xinetd/htcondor-api"
		} > "$dir/xinetd.conf"
		bg_start "$LOG" /usr/sbin/xinetd -dontfork -f "$dir/xinetd.conf" \
		    -pidfile "$dir/xinetd.pid"
		wait_listen "$PORT" "$BG_PID" && { XINETD_DIR=$dir; return 0; }
	done
	fail "xinetd did not start: $(cat "$LOG")"
}

@test "xinetd: the example service answers GET /healthz with 200" {
	start_xinetd
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '{"status":"ok"}'
}

@test "xinetd: the example service serves /openapi.json byte for byte, 404 and 405" {
	start_xinetd
	get "http://127.0.0.1:$PORT/openapi.json"
	assert_equal "$HTTP_CODE" 200
	cmp "$BATS_TEST_TMPDIR/b" "$OPENAPI"
	get "http://127.0.0.1:$PORT/nothing"
	assert_equal "$HTTP_CODE" 404
	assert_error_json 404 "Not Found"
	get "http://127.0.0.1:$PORT/healthz" -X DELETE
	assert_equal "$HTTP_CODE" 405
	assert_equal "$(header_value Allow < "$BATS_TEST_TMPDIR/h")" "GET, HEAD"
}

@test "xinetd: stderr is the socket, yet no log line reaches the client" {
	start_xinetd
	exec 7<> "/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' >&7
	timeout 20 cat <&7 > "$BATS_TEST_TMPDIR/resp"
	run head -n 1 "$BATS_TEST_TMPDIR/resp"
	assert_output $'HTTP/1.1 200 OK\r'
	# Exactly the head and the body: nothing after it.
	run http_body < "$BATS_TEST_TMPDIR/resp"
	assert_output '{"status":"ok"}'
	run cat "$BATS_TEST_TMPDIR/resp"
	refute_output --partial 'GET /healthz 200'
}

@test "xinetd: an error answer is not followed by a log line either" {
	start_xinetd
	exec 7<> "/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /healthz HTTP/1.1\r\n\r\n' >&7
	timeout 20 cat <&7 > "$BATS_TEST_TMPDIR/resp"
	run head -n 1 "$BATS_TEST_TMPDIR/resp"
	assert_output $'HTTP/1.1 400 Bad Request\r'
	http_body < "$BATS_TEST_TMPDIR/resp" > "$BATS_TEST_TMPDIR/b"
	assert_error_json 400 "Bad Request"
}

@test "xinetd: xinetd logs the connection and the exit status 0" {
	start_xinetd
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	wait_grep 'EXIT: htcondor-api status=0' "$XINETD_DIR/service.log" ||
	    fail "no EXIT line: $(cat "$XINETD_DIR/service.log" 2>&1)"
}
