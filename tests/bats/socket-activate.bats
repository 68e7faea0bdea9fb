#!/usr/bin/env bats
# socket-activate.bats — the program run per connection the way a systemd
# socket unit with Accept=yes and StandardInput=socket runs it, simulated
# with systemd-socket-activate; and the example units checked with
# systemd-analyze verify.
#
# systemd-socket-activate needs --accept together with --inetd to hand the
# program one *connection* on fds 0 and 1 (Accept=yes); --inetd alone
# passes the listening socket, which is the Accept=no case.  It passes no
# environment but what -E names.

load helpers

bats_require_minimum_version 1.5.0

SSA=/usr/bin/systemd-socket-activate

setup() {
	require_bin
	[ -x "$SSA" ] || skip "systemd-socket-activate is not installed (Debian package systemd)"
	LOG=$BATS_TEST_TMPDIR/server.log
}

# start_ssa [-E VAR=VALUE...] -- [ARGS...]: the binary behind
# systemd-socket-activate on 127.0.0.1 and a free port (PORT).
start_ssa() {
	local -a envs=(-E CONDOR_CONFIG=ONLY_ENV)
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	start_server "$LOG" "$SSA" --accept --inetd -l 127.0.0.1:@PORT@ "${envs[@]}" \
	    "$BIN" --allow-root "$@"
}

@test "socket activation: GET /healthz is 200 with the JSON status" {
	start_ssa
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '{"status":"ok"}'
	assert_equal "$(header_value Content-Type < "$BATS_TEST_TMPDIR/h")" "application/json"
	assert_equal "$(header_value Connection < "$BATS_TEST_TMPDIR/h")" "close"
}

@test "socket activation: GET /openapi.json is the file byte for byte" {
	start_ssa
	get "http://127.0.0.1:$PORT/openapi.json"
	assert_equal "$HTTP_CODE" 200
	cmp "$BATS_TEST_TMPDIR/b" "$OPENAPI"
}

@test "socket activation: 404 with the JSON error body, 405 with Allow" {
	start_ssa
	get "http://127.0.0.1:$PORT/jobs"
	assert_equal "$HTTP_CODE" 404
	assert_error_json 404 "Not Found"
	get "http://127.0.0.1:$PORT/healthz" -X POST --data-binary x
	assert_equal "$HTTP_CODE" 405
	assert_equal "$(header_value Allow < "$BATS_TEST_TMPDIR/h")" "GET, HEAD"
}

@test "socket activation: one log line with the peer, and exit status 0" {
	start_ssa
	get "http://127.0.0.1:$PORT/healthz?q=hidden"
	assert_equal "$HTTP_CODE" 200
	wait_grep 'Z 127\.0\.0\.1 GET /healthz 200 ' "$LOG" || fail "no log line: $(cat "$LOG")"
	wait_grep 'Child [0-9]+ died with code 0' "$LOG" || fail "no clean exit: $(cat "$LOG")"
	run cat "$LOG"
	refute_output --partial 'hidden'
}

@test "socket activation: a client that sends nothing: exit 1, and the next is served" {
	start_ssa
	exec 7<> "/dev/tcp/127.0.0.1/$PORT"
	exec 7>&-
	wait_grep 'Child [0-9]+ died with code 1' "$LOG" || fail "no exit 1: $(cat "$LOG")"
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}

@test "socket activation: 20 sequential requests, one process each, all 200" {
	start_ssa
	local i codes=""
	for ((i = 0; i < 20; i++)); do
		codes+=$(hcurl -o /dev/null -w '%{http_code} ' "http://127.0.0.1:$PORT/healthz")
	done
	assert_equal "$codes" "$(printf '200 %.0s' {1..20})"
	# Allow the last child's exit to be logged.
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)) && (($(grep -c 'died with code 0' "$LOG") < 20)); do
		sleep 0.05
	done
	assert_equal "$(grep -c 'died with code 0' "$LOG")" 20
}

@test "socket activation: Environment=_CONDOR_HTTP_API_READ_TIMEOUT=1 takes effect" {
	start_ssa -E _CONDOR_HTTP_API_READ_TIMEOUT=1 --
	local t0 elapsed
	t0=$(now_ms)
	open_stalled 7 "$PORT" 'GET /healthz HTTP/1.1\r\nHost: x\r\n'
	run timeout 20 cat <&7
	elapsed=$(($(now_ms) - t0))
	assert_line --index 0 $'HTTP/1.1 408 Request Timeout\r'
	((elapsed < 5000)) || fail "answered after ${elapsed} ms, not within the 1 s deadline"
}

@test "socket activation: CONDOR_CONFIG naming a missing file: the child exits 3, no answer" {
	start_ssa -E "CONDOR_CONFIG=$BATS_TEST_TMPDIR/missing.conf" --
	run hcurl -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz"
	refute_output 200
	wait_grep 'Child [0-9]+ died with code 3' "$LOG" || fail "no exit 3: $(cat "$LOG")"
	run cat "$LOG"
	assert_output --partial "$BATS_TEST_TMPDIR/missing.conf"
}

# --- The example units -------------------------------------------------------

@test "examples/systemd: the socket unit listens on 8080 with Accept=yes" {
	run grep -E '^(ListenStream|Accept)=' "$EXAMPLES/systemd/htcondor-api.socket"
	assert_line 'ListenStream=8080'
	assert_line 'Accept=yes'
	run grep -E '^Standard(Input|Output|Error)=' "$EXAMPLES/systemd/htcondor-api@.service"
	assert_line 'StandardInput=socket'
	assert_line 'StandardOutput=socket'
	assert_line 'StandardError=journal'
}

@test "examples/systemd: the service unit is hardened" {
	local f=$EXAMPLES/systemd/htcondor-api@.service key
	for key in 'DynamicUser=yes' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
	    'ProtectHome=yes' 'PrivateTmp=yes' 'PrivateDevices=yes' \
	    'ProtectKernelTunables=yes' 'ProtectKernelModules=yes' \
	    'ProtectControlGroups=yes' 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
	    'RestrictNamespaces=yes' 'LockPersonality=yes' 'MemoryDenyWriteExecute=yes' \
	    'SystemCallArchitectures=native' 'CapabilityBoundingSet=' \
	    '#Environment=CONDOR_CONFIG=/etc/condor/condor_config'; do
		grep -qxF -- "$key" "$f" || fail "$f lacks the line: $key"
	done
}

@test "examples/systemd: systemd-analyze verify finds nothing to say" {
	command -v systemd-analyze > /dev/null ||
	    skip "systemd-analyze is not installed (Debian package systemd)"
	local d=$BATS_TEST_TMPDIR/units
	mkdir -p "$d"
	cp "$EXAMPLES/systemd/htcondor-api.socket" "$d/"
	# ExecStart must name an executable that exists here.
	sed "s|/usr/local/sbin/htcondor-api|$BIN|" \
	    "$EXAMPLES/systemd/htcondor-api@.service" > "$d/htcondor-api@.service"
	run timeout 60 systemd-analyze verify --man=no "$d/htcondor-api.socket" "$d/htcondor-api@.service"
	assert_success
	# Unknown or misplaced keys are only warnings: there must be none.
	assert_output ''
}

@test "examples/systemd: the ExecStart command line serves under socket activation" {
	local cmd
	cmd=$(sed -n 's/^ExecStart=//p' "$EXAMPLES/systemd/htcondor-api@.service")
	assert_equal "$cmd" /usr/local/sbin/htcondor-api
	# Run that command line (with this binary) the way the units do.
	start_server "$LOG" "$SSA" --accept --inetd -l 127.0.0.1:@PORT@ \
	    -E CONDOR_CONFIG=ONLY_ENV "$BIN" --allow-root ${cmd#/usr/local/sbin/htcondor-api}
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}
