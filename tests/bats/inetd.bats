#!/usr/bin/env bats
# inetd.bats — one request piped into the binary on stdin, the answer read
# from stdout, as inetd / systemd Accept=yes / tcpserver hand it over; the
# command line, exit statuses and the configuration parameters.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	require_bin
}

H='Host: localhost\r\n'

# --- Routes ----------------------------------------------------------------

@test "GET /healthz answers 200 with the JSON status and the common headers" {
	inetd "GET /healthz HTTP/1.1\r\n${H}\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 200 OK\r'
	assert_equal "$(header_value Content-Type < "$OUT")" "application/json"
	assert_equal "$(header_value Content-Length < "$OUT")" "16"
	assert_equal "$(header_value Connection < "$OUT")" "close"
	assert_equal "$(header_value Cache-Control < "$OUT")" "no-store"
	assert_equal "$(header_value X-Content-Type-Options < "$OUT")" "nosniff"
	run header_value Date < "$OUT"
	assert_output --regexp '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$'
	run http_body < "$OUT"
	assert_output '{"status":"ok"}'
	# Content-Length counts exactly the body bytes.
	assert_equal "$(http_body < "$OUT" | wc -c)" 16
}

@test "GET /openapi.json answers the file openapi/openapi.json byte for byte" {
	inetd "GET /openapi.json HTTP/1.1\r\n${H}\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 200 OK\r'
	assert_equal "$(header_value Content-Type < "$OUT")" "application/json"
	assert_equal "$(header_value Content-Length < "$OUT")" "$(wc -c < "$OPENAPI")"
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/doc"
	cmp "$BATS_TEST_TMPDIR/doc" "$OPENAPI"
}

@test "an unknown path is 404 with the JSON error body" {
	inetd "GET /no/such/thing HTTP/1.1\r\n${H}\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 404 Not Found\r'
	assert_equal "$(header_value Content-Type < "$OUT")" "application/json"
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/b"
	assert_error_json 404 "Not Found"
	assert_equal "$(header_value Content-Length < "$OUT")" "$(wc -c < "$BATS_TEST_TMPDIR/b")"
}

@test "an error body never echoes the request path" {
	inetd "GET /%3Cscript%3Ealert(1)%3C/script%3E HTTP/1.1\r\n${H}\r\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 404 Not Found\r'
	run http_body < "$OUT"
	refute_output --partial 'script'
	refute_output --partial 'alert'
}

@test "a known path with the wrong method is 405 with an Allow header" {
	inetd "DELETE /healthz HTTP/1.1\r\n${H}\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 405 Method Not Allowed\r'
	assert_equal "$(header_value Allow < "$OUT")" "GET, HEAD"
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/b"
	assert_error_json 405 "Method Not Allowed"
}

@test "POST /openapi.json is 405 with Allow: GET, HEAD" {
	inetd "POST /openapi.json HTTP/1.1\r\n${H}Content-Length: 0\r\n\r\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 405 Method Not Allowed\r'
	assert_equal "$(header_value Allow < "$OUT")" "GET, HEAD"
}

# head_as_get PATH [HEADER]: GET and HEAD of PATH; HEAD must answer the
# same status line and header fields (Date aside) and no body at all.
head_as_get() {
	local path=$1 hdr=${2:+$2\r\n}
	inetd "GET $path HTTP/1.1\r\n${H}${hdr}\r\n"
	grep -v '^Date:' "$OUT" | sed '/^\r$/q' > "$BATS_TEST_TMPDIR/get"
	inetd "HEAD $path HTTP/1.1\r\n${H}${hdr}\r\n"
	assert_equal "$RC" 0
	grep -v '^Date:' "$OUT" > "$BATS_TEST_TMPDIR/head"
	# The answer ends with the empty line: no byte follows the head.
	assert_equal "$(tail -c 4 "$OUT" | od -An -c | tr -d ' ')" '\r\n\r\n'
	cmp "$BATS_TEST_TMPDIR/get" "$BATS_TEST_TMPDIR/head"
}

@test "HEAD /healthz is GET's head with its Content-Length and no body (RFC 9110 9.3.2)" {
	head_as_get /healthz
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 200 OK\r'
	assert_equal "$(header_value Content-Length < "$OUT")" "16"
	assert_equal "$(http_body < "$OUT" | wc -c)" 0
}

@test "HEAD /openapi.json is GET's head with the document's length, no body" {
	head_as_get /openapi.json
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 200 OK\r'
	assert_equal "$(header_value Content-Length < "$OUT")" "$(wc -c < "$OPENAPI")"
	assert_equal "$(http_body < "$OUT" | wc -c)" 0
}

@test "HEAD /api/v1/jobs without a token is 401 as GET is, without a body" {
	head_as_get /api/v1/jobs
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 401 Unauthorized\r'
	run header_value WWW-Authenticate < "$OUT"
	assert_output --partial Bearer
	assert_equal "$(http_body < "$OUT" | wc -c)" 0
}

@test "HEAD on a route without GET is 405 with Allow, without a body" {
	inetd "HEAD /api/v1/jobs/1/hold HTTP/1.1\r\n${H}\r\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 405 Method Not Allowed\r'
	assert_equal "$(header_value Allow < "$OUT")" "POST"
	assert_equal "$(http_body < "$OUT" | wc -c)" 0
}

@test "HEAD on an unknown path is 404 without a body" {
	inetd "HEAD /no/such/thing HTTP/1.1\r\n${H}\r\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 404 Not Found\r'
	assert_equal "$(http_body < "$OUT" | wc -c)" 0
}

# --- Protocol --------------------------------------------------------------

@test "two Authorization fields are 400, and neither token is used" {
	inetd "GET /api/v1/jobs HTTP/1.1\r\n${H}Authorization: Bearer a.b.c\r\nAuthorization: Bearer d.e.f\r\n\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 400 Bad Request\r'
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/b"
	assert_error_json 400 "Bad Request"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial 'more than one Authorization'
}

@test "an HTTP/1.1 request without Host is 400" {
	inetd "GET /healthz HTTP/1.1\r\n\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 400 Bad Request\r'
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/b"
	assert_error_json 400 "Bad Request"
}

@test "an HTTP/1.0 request without Host is served" {
	inetd "GET /healthz HTTP/1.0\r\n\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output --regexp $'^HTTP/1\\.[01] 200 OK\r$'
	assert_equal "$(header_value Connection < "$OUT")" "close"
	run http_body < "$OUT"
	assert_output '{"status":"ok"}'
}

@test "HTTP/2.0 in the request line is 505" {
	inetd "GET /healthz HTTP/2.0\r\n${H}\r\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 505 HTTP Version Not Supported\r'
}

@test "a bare LF line ending is 400" {
	inetd "GET /healthz HTTP/1.1\nHost: x\n\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 400 Bad Request\r'
}

@test "a dot-dot segment in the path is 400" {
	inetd "GET /a/../healthz HTTP/1.1\r\n${H}\r\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 400 Bad Request\r'
}

@test "Content-Length together with Transfer-Encoding is 400" {
	inetd "POST /healthz HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 400 Bad Request\r'
}

@test "a connection closed inside the head is 400 and exits 0" {
	inetd "GET /healthz HTTP/1.1\r\nHost: x\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 400 Bad Request\r'
}

@test "a client that sends nothing gets no answer and the exit status is 1" {
	inetd ""
	assert_equal "$RC" 1
	assert_equal "$(wc -c < "$OUT")" 0
}

@test "Expect: 100-continue on a 405 route gets the final 405 and no 100" {
	inetd "POST /healthz HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 405 Method Not Allowed\r'
	run cat "$OUT"
	refute_output --partial '100 Continue'
	assert_equal "$(header_value Allow < "$OUT")" "GET, HEAD"
}

@test "a chunked upload to a known path without that method is 405" {
	inetd "POST /healthz HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 405 Method Not Allowed\r'
	assert_equal "$(header_value Allow < "$OUT")" "GET, HEAD"
	# One answer only: the body bytes are not taken for a second request.
	assert_equal "$(grep -c '^HTTP/' "$OUT")" 1
}

@test "a GET with a chunked body to /healthz is still answered once, 200" {
	inetd "GET /healthz HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 200 OK\r'
	assert_equal "$(grep -c '^HTTP/' "$OUT")" 1
	run http_body < "$OUT"
	assert_output '{"status":"ok"}'
}

@test "an unsupported transfer coding is 501" {
	inetd "POST /healthz HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 501 Not Implemented\r'
}

# --- JSON request bodies ---------------------------------------------------

# patch_body BODY: PATCH /api/v1/jobs/1 with BODY (printf %b escapes) and a
# token-shaped string.  The body is checked before the token, which no
# schedd could accept: a body that passes is answered 401.
patch_body() {
	local len
	len=$(printf '%b' "$1" | wc -c)
	inetd "PATCH /api/v1/jobs/1 HTTP/1.1\r\n${H}Authorization: Bearer a.b.c\r\nContent-Type: application/json\r\nContent-Length: $len\r\n\r\n$1"
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/b"
	STATUS=$(head -n 1 "$OUT" | cut -d' ' -f2)
}

@test "a JSON body with invalid UTF-8 is 400 naming the fault and where" {
	local bytes why
	while IFS='|' read -r bytes why; do
		patch_body "{\"attributes\": {\"A\": \"x${bytes}\"}}"
		[ "$STATUS" = 400 ] || fail "$bytes: status $STATUS"
		assert_error_json 400 "Bad Request"
		run cat "$BATS_TEST_TMPDIR/b"
		assert_output --partial "not valid UTF-8: $why at byte 23"
	done <<-'EOF'
		\xff|a byte that never occurs in UTF-8
		\xc0\xaf|an overlong encoding
		\xe0\x80\xaf|an overlong encoding
		\xf0\x80\x80\xaf|an overlong encoding
		\xed\xa0\x80|a UTF-16 surrogate
		\xf4\x90\x80\x80|a code point past U+10FFFF
		\xf5\x80\x80\x80|a code point past U+10FFFF
		\xe2\x82|a truncated sequence
		\xe2\x82y|a truncated sequence
		\x80|a continuation byte without a lead byte
	EOF
}

@test "a JSON body with valid UTF-8 passes the body check" {
	patch_body '{"attributes": {"A": "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf \\u00e9 \\\\u0000"}}'
	assert_equal "$STATUS" 401
}

@test "\\u0000 or a NUL byte in a JSON body is 400, not a string cut short" {
	patch_body '{"attributes": {"A": "a\\u0000b"}}'
	assert_equal "$STATUS" 400
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial 'NUL'
	patch_body '{"attributes": {"A\\u0000B": 1}}'
	assert_equal "$STATUS" 400
	patch_body '{"attributes": {"A": "a\x00b"}}'
	assert_equal "$STATUS" 400
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial 'NUL'
}

# --- Log -------------------------------------------------------------------

@test "one log line on stderr with method, path and status, without the query" {
	inetd "GET /healthz?token=s3cr3t HTTP/1.1\r\n${H}\r\n"
	assert_equal "$RC" 0
	assert_equal "$(wc -l < "$ERR")" 1
	run cat "$ERR"
	assert_output --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z .* GET /healthz 200 '
	refute_output --partial 's3cr3t'
	refute_output --partial '?'
	# The answer is not on stderr, the log not on stdout.
	run cat "$OUT"
	refute_output --partial 'GET /healthz'
}

@test "the log line records an error status" {
	inetd "PUT /healthz HTTP/1.1\r\n${H}Content-Length: 0\r\n\r\n"
	run cat "$ERR"
	assert_output --regexp ' PUT /healthz 405 '
}

@test "a decoded newline in the path cannot split the log line" {
	inetd "GET /a%0Aforged%0D HTTP/1.1\r\n${H}\r\n"
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 404 Not Found\r'
	assert_equal "$(wc -l < "$ERR")" 1
	run cat "$ERR"
	assert_output --regexp ' GET /a\?forged\? 404 '
}

@test "a message with CR, LF or ESC in it cannot forge a log line" {
	# A configuration value is quoted in the error message; this one
	# carries a whole request line and a terminal escape.
	CONDOR_CONFIG=/dev/null _CONDOR_HTTP_API_MAX_BODY=$'1\nZ ::1 GET /f 200 0 0ms root\r\e[2K\t\x7fz' \
	    inetd "GET /healthz HTTP/1.1\r\n${H}\r\n"
	assert_equal "$(wc -l < "$ERR")" 1
	run cat "$ERR"
	assert_output 'htcondor-api: configuration: HTTP_API_MAX_BODY: invalid value "1?Z ::1 GET /f 200 0 0ms root??[2K??z"'
}

@test "the log line takes the peer from TCPREMOTEIP when stdin is no socket" {
	TCPREMOTEIP=192.0.2.7 inetd "GET /healthz HTTP/1.1\r\n${H}\r\n"
	run cat "$ERR"
	assert_output --regexp 'Z 192\.0\.2\.7 GET /healthz 200 '
}

# --- Command line ----------------------------------------------------------

@test "--version prints the version and exits 0" {
	run --separate-stderr "$BIN" --version
	assert_success
	assert_output --regexp '^htcondor-api [0-9]+\.[0-9]+\.[0-9]+'
}

@test "--help prints the usage on stdout and exits 0" {
	run --separate-stderr "$BIN" --help
	assert_success
	assert_output --partial 'usage: htcondor-api'
	assert_output --partial '--listen'
	assert_output --partial '--tls-cert'
}

@test "an unknown flag is a usage error: exit 2 and the usage on stderr" {
	run --separate-stderr "$BIN" --allow-root --no-such-flag
	assert_failure 2
	assert_equal "$output" ""
	[[ $stderr == *"--no-such-flag"* ]] || fail "stderr does not name the flag: $stderr"
	[[ $stderr == *"usage: htcondor-api"* ]] || fail "no usage on stderr: $stderr"
}

@test "a flag without its value is a usage error: exit 2" {
	run --separate-stderr "$BIN" --allow-root --read-timeout
	assert_failure 2
	[[ $stderr == *"--read-timeout"* ]] || fail "stderr does not name the flag: $stderr"
}

@test "a flag with a bad value is a usage error: exit 2" {
	run --separate-stderr "$BIN" --allow-root --read-timeout soon < /dev/null
	assert_failure 2
	[[ $stderr == *"HTTP_API_READ_TIMEOUT"* || $stderr == *"read-timeout"* ]] ||
	    fail "stderr does not name the setting: $stderr"
}

@test "stdin a terminal: usage on stderr and exit 2" {
	command -v script > /dev/null || skip "script(1) from util-linux is not installed: no pty to test with"
	run timeout 20 script -qec "$(printf '%q' "$BIN") --allow-root" /dev/null < /dev/null
	assert_failure 2
	assert_output --partial 'usage: htcondor-api'
}

# as_root CMD...: CMD with user id 0: as it is when we are root, else in a
# user namespace that maps us to root (unshare -r), so the root checks run
# for every contributor.  Skips, saying why, only where neither works.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		unshare -r true 2> /dev/null ||
		    skip "not root, and unshare -r cannot map us to root in a user namespace"
		unshare -r "$@"
	fi
}

# as_user CMD...: CMD as an unprivileged user: as it is when we are not
# root, else as nobody (setpriv from util-linux).
as_user() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
	else
		command -v setpriv > /dev/null ||
		    skip "running as root and setpriv(1) is missing: cannot drop to nobody"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	fi
}

@test "running as root without --allow-root is refused with exit 4" {
	as_root true
	run --separate-stderr as_root "$BIN" < /dev/null
	assert_failure 4
	assert_equal "$output" ""
	[[ $stderr == *"root"* ]] || fail "stderr does not say why: $stderr"
}

@test "running as root with --allow-root serves the request" {
	as_root true
	RC=0
	printf 'GET /healthz HTTP/1.1\r\n%b\r\n' "$H" |
	    as_root timeout 20 "$BIN" --allow-root > "$BATS_TEST_TMPDIR/out" ||
	    RC=$?
	assert_equal "$RC" 0
	run head -n 1 "$BATS_TEST_TMPDIR/out"
	assert_output $'HTTP/1.1 200 OK\r'
}

@test "an unprivileged user needs no --allow-root" {
	as_user true
	RC=0
	printf 'GET /healthz HTTP/1.1\r\n%b\r\n' "$H" |
	    as_user timeout 20 "$BIN" > "$BATS_TEST_TMPDIR/out" || RC=$?
	assert_equal "$RC" 0
	run head -n 1 "$BATS_TEST_TMPDIR/out"
	assert_output $'HTTP/1.1 200 OK\r'
}

# --- Configuration ---------------------------------------------------------

# slow_inetd ARGS...: hand the binary a connection (a FIFO kept open for
# writing) that carries part of a request head and then stalls.  Sets RC,
# OUT, ERR and ELAPSED (ms).
slow_inetd() {
	local fifo=$BATS_TEST_TMPDIR/fifo t0
	OUT=$BATS_TEST_TMPDIR/out ERR=$BATS_TEST_TMPDIR/err
	mkfifo "$fifo"
	exec 8<> "$fifo"
	printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&8
	t0=$(now_ms)
	RC=0
	timeout 20 "$BIN" --allow-root "$@" < "$fifo" > "$OUT" 2> "$ERR" || RC=$?
	ELAPSED=$(($(now_ms) - t0))
	exec 8>&-
}

assert_slowloris_408() {
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 408 Request Timeout\r'
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/b"
	assert_error_json 408 "Request Timeout"
	((ELAPSED >= 800)) || fail "answered after ${ELAPSED} ms, before the 1 s deadline"
	((ELAPSED < 5000)) || fail "answered after ${ELAPSED} ms, not within the 1 s deadline"
}

@test "--read-timeout 1: a stalled head gets 408 after about 1 s" {
	slow_inetd --read-timeout 1
	assert_equal "$RC" 0
	assert_slowloris_408
}

@test "CONDOR_CONFIG naming a missing file: exit 3 with an error naming it" {
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/nowhere/condor_config \
	    run --separate-stderr "$BIN" --allow-root < /dev/null
	assert_failure 3
	assert_equal "$output" ""
	[[ $stderr == *"$BATS_TEST_TMPDIR/nowhere/condor_config"* ]] ||
	    fail "stderr does not name the file: $stderr"
}

@test "HTTP_API_READ_TIMEOUT from the configuration file takes effect" {
	printf 'HTTP_API_READ_TIMEOUT = 1\n' > "$BATS_TEST_TMPDIR/condor_config"
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/condor_config slow_inetd
	assert_equal "$RC" 0
	assert_slowloris_408
}

@test "_CONDOR_HTTP_API_READ_TIMEOUT in the environment takes effect" {
	_CONDOR_HTTP_API_READ_TIMEOUT=1 slow_inetd
	assert_equal "$RC" 0
	assert_slowloris_408
}

@test "_CONDOR_HTTP_API_READ_TIMEOUT overrides the configuration file" {
	printf 'HTTP_API_READ_TIMEOUT = 60\n' > "$BATS_TEST_TMPDIR/condor_config"
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/condor_config _CONDOR_HTTP_API_READ_TIMEOUT=1 slow_inetd
	assert_equal "$RC" 0
	assert_slowloris_408
}

@test "--read-timeout overrides the configuration file" {
	printf 'HTTP_API_READ_TIMEOUT = 60\n' > "$BATS_TEST_TMPDIR/condor_config"
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/condor_config slow_inetd --read-timeout 1
	assert_equal "$RC" 0
	assert_slowloris_408
}

@test "a duration with a unit (1s) is accepted from the configuration" {
	printf 'HTTP_API_READ_TIMEOUT = 1s\n' > "$BATS_TEST_TMPDIR/condor_config"
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/condor_config slow_inetd
	assert_equal "$RC" 0
	assert_slowloris_408
}

@test "a bad HTTP_API_READ_TIMEOUT in the configuration file: exit 3 naming it" {
	printf 'HTTP_API_READ_TIMEOUT = soon\n' > "$BATS_TEST_TMPDIR/condor_config"
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/condor_config \
	    run --separate-stderr "$BIN" --allow-root < /dev/null
	assert_failure 3
	[[ $stderr == *"HTTP_API_READ_TIMEOUT"* ]] || fail "stderr does not name the parameter: $stderr"
}

@test "a bad _CONDOR_HTTP_API_MAX_CHILDREN in the environment: exit 3" {
	_CONDOR_HTTP_API_MAX_CHILDREN=0 run --separate-stderr "$BIN" --allow-root < /dev/null
	assert_failure 3
	[[ $stderr == *"HTTP_API_MAX_CHILDREN"* ]] || fail "stderr does not name the parameter: $stderr"
}

@test "a bad HTTP_API_MAX_BODY in the configuration file: exit 3" {
	printf 'HTTP_API_MAX_BODY = -5\n' > "$BATS_TEST_TMPDIR/condor_config"
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/condor_config \
	    run --separate-stderr "$BIN" --allow-root < /dev/null
	assert_failure 3
	[[ $stderr == *"HTTP_API_MAX_BODY"* ]] || fail "stderr does not name the parameter: $stderr"
}

@test "a configuration file with a syntax error: exit 3 naming the file" {
	printf 'HTTP_API_READ_TIMEOUT = 5\nthis line has no operator\n' > "$BATS_TEST_TMPDIR/condor_config"
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/condor_config \
	    run --separate-stderr "$BIN" --allow-root < /dev/null
	assert_failure 3
	[[ $stderr == *"$BATS_TEST_TMPDIR/condor_config"* ]] || fail "stderr does not name the file: $stderr"
}

@test "a configuration file with unrelated parameters serves normally" {
	printf 'SCHEDD_HOST = example.org\nHTTP_API_MAX_BODY = 1024\n' > "$BATS_TEST_TMPDIR/condor_config"
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/condor_config inetd "GET /healthz HTTP/1.1\r\n${H}\r\n"
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 200 OK\r'
}
