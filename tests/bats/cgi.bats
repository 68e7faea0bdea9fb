#!/usr/bin/env bats
# cgi.bats — the program as a CGI/1.1 program (RFC 3875): run directly with
# a CGI environment, and behind a real lighttpd configured from
# examples/cgi/lighttpd.conf and from lighttpd-auth.conf (lighttpd checks
# passwords, REMOTE_USER names the user).

load helpers

bats_require_minimum_version 1.5.0

setup() {
	require_bin
}

# cgi [VAR=VALUE...]: run the binary as a CGI program with a minimal CGI
# environment plus the given variables, stdin from $CGI_STDIN (default
# /dev/null).  Leaves $OUT, $ERR and $RC.
cgi() {
	OUT=$BATS_TEST_TMPDIR/out ERR=$BATS_TEST_TMPDIR/err
	RC=0
	env -i PATH="$PATH" CONDOR_CONFIG=ONLY_ENV GATEWAY_INTERFACE=CGI/1.1 \
	    SERVER_PROTOCOL=HTTP/1.1 REQUEST_METHOD=GET SERVER_NAME=localhost \
	    SERVER_PORT=80 REMOTE_ADDR=198.51.100.9 SCRIPT_NAME= "$@" \
	    timeout 20 "$BIN" --allow-root < "${CGI_STDIN:-/dev/null}" \
	    > "$OUT" 2> "$ERR" || RC=$?
}

# --- Direct CGI ------------------------------------------------------------

@test "CGI: GET /healthz prints Status: 200 OK, the headers and the body" {
	cgi PATH_INFO=/healthz
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'Status: 200 OK\r'
	assert_equal "$(header_value Content-Type < "$OUT")" "application/json"
	assert_equal "$(header_value Content-Length < "$OUT")" "16"
	assert_equal "$(header_value Cache-Control < "$OUT")" "no-store"
	run http_body < "$OUT"
	assert_output '{"status":"ok"}'
}

@test "CGI: the answer has no HTTP status line and no hop-by-hop headers" {
	cgi PATH_INFO=/healthz
	assert_equal "$RC" 0
	run cat "$OUT"
	# The answer is there, as CGI wants it: a Status: header first, then
	# the other headers and the body ...
	assert_line --index 0 $'Status: 200 OK\r'
	assert_line $'Content-Type: application/json\r'
	assert_output --partial '{"status":"ok"}'
	# ... and none of what only the web server may say.
	refute_output --partial 'HTTP/1.1'
	refute_line --partial 'Connection:'
	refute_line --partial 'Transfer-Encoding:'
}

@test "CGI: GET /openapi.json is the file byte for byte" {
	cgi PATH_INFO=/openapi.json
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'Status: 200 OK\r'
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/doc"
	cmp "$BATS_TEST_TMPDIR/doc" "$OPENAPI"
}

@test "CGI: an unknown path is Status: 404 with the JSON error body" {
	cgi PATH_INFO=/api/v0/nothing
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'Status: 404 Not Found\r'
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/b"
	assert_error_json 404 "Not Found"
}

@test "CGI: a wrong method is Status: 405 with Allow" {
	cgi PATH_INFO=/healthz REQUEST_METHOD=DELETE
	run head -n 1 "$OUT"
	assert_output $'Status: 405 Method Not Allowed\r'
	assert_equal "$(header_value Allow < "$OUT")" "GET, HEAD"
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/b"
	assert_error_json 405 "Method Not Allowed"
}

@test "CGI: a POST with a body on stdin to a GET-only path is 405" {
	printf 'a=1' > "$BATS_TEST_TMPDIR/in"
	CGI_STDIN=$BATS_TEST_TMPDIR/in cgi PATH_INFO=/healthz REQUEST_METHOD=POST \
	    CONTENT_LENGTH=3 CONTENT_TYPE=application/x-www-form-urlencoded
	run head -n 1 "$OUT"
	assert_output $'Status: 405 Method Not Allowed\r'
}

@test "CGI: no PATH_INFO is the path / (404)" {
	cgi
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'Status: 404 Not Found\r'
}

@test "CGI: no REQUEST_METHOD is Status: 400" {
	OUT=$BATS_TEST_TMPDIR/out
	env -i PATH="$PATH" CONDOR_CONFIG=ONLY_ENV GATEWAY_INTERFACE=CGI/1.1 \
	    PATH_INFO=/healthz timeout 20 "$BIN" --allow-root < /dev/null > "$OUT" 2>/dev/null || true
	run head -n 1 "$OUT"
	assert_output $'Status: 400 Bad Request\r'
}

@test "CGI: a dot-dot segment in PATH_INFO is Status: 400" {
	cgi PATH_INFO=/x/../healthz
	run head -n 1 "$OUT"
	assert_output $'Status: 400 Bad Request\r'
}

@test "CGI: a malformed CONTENT_LENGTH is Status: 400" {
	cgi PATH_INFO=/healthz REQUEST_METHOD=POST CONTENT_LENGTH=12abc
	run head -n 1 "$OUT"
	assert_output $'Status: 400 Bad Request\r'
}

@test "CGI: one log line on stderr with REMOTE_ADDR, method, path, status, no query" {
	cgi PATH_INFO=/healthz QUERY_STRING=token=s3cr3t
	assert_equal "$RC" 0
	assert_equal "$(wc -l < "$ERR")" 1
	run cat "$ERR"
	assert_output --regexp 'Z 198\.51\.100\.9 GET /healthz 200 '
	refute_output --partial 's3cr3t'
}

@test "CGI: GATEWAY_INTERFACE with stdin a terminal is still CGI, not usage" {
	command -v script > /dev/null || skip "script(1) from util-linux is not installed: no pty to test with"
	run timeout 20 script -qec "env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/healthz CONDOR_CONFIG=ONLY_ENV $(printf '%q' "$BIN") --allow-root" /dev/null < /dev/null
	assert_success
	assert_output --partial 'Status: 200 OK'
	refute_output --partial 'usage:'
}

# --- Direct CGI: the user the web server authenticated (REMOTE_USER) ------

# auth_setup: the POOL signing key (readable by its owner only), the test
# schedd that verifies tokens signed with it, and the domains; for the
# tests where the web server names the user.
auth_setup() {
	T=$BATS_TEST_TMPDIR
	head -c 64 /dev/urandom > "$T/pool.key"
	chmod 600 "$T/pool.key"
	sh "$GEN" 2 1 > "$T/jobs.ads"
	start_test_schedd -j "$T/jobs.ads"
}

# cgi_user VAR=VALUE...: cgi for GET /api/v1/whoami against the test
# schedd, with the signing key, and the given variables.
cgi_user() {
	cgi PATH_INFO=/api/v1/whoami REMOTE_ADDR=127.0.0.1 \
	    _CONDOR_SCHEDD_ADDRESS_FILE="$T/addr" \
	    _CONDOR_UID_DOMAIN=test.local _CONDOR_TRUST_DOMAIN=test.local \
	    _CONDOR_HTTP_API_SIGNING_KEY="$T/pool.key" "$@"
}

# The user of the whoami answer in $OUT.
cgi_user_of() {
	http_body < "$OUT" |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["user"])'
}

@test "CGI: REMOTE_USER names the user though HTTP_AUTHORIZATION holds the server's Basic credentials" {
	# lighttpd, and Apache with CGIPassAuth On, hand the Basic
	# credentials they checked on to the program: they are the web
	# server's business, REMOTE_USER is the answer.
	auth_setup
	cgi_user REMOTE_USER=alice AUTH_TYPE=Basic \
	    HTTP_AUTHORIZATION="Basic YWxpY2U6czNjcjN0" \
	    _CONDOR_HTTP_API_CGI_REMOTE_USER=true
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'Status: 200 OK\r'
	assert_equal "$(cgi_user_of)" alice@test.local
	run cat "$ERR"
	assert_output --regexp ' GET /api/v1/whoami 200 .* alice@test.local'
	refute_output --partial YWxpY2U6czNjcjN0
	# Without HTTP_API_CGI_REMOTE_USER the same request is our 401.
	cgi_user REMOTE_USER=alice AUTH_TYPE=Basic \
	    HTTP_AUTHORIZATION="Basic YWxpY2U6czNjcjN0"
	run head -n 1 "$OUT"
	assert_output $'Status: 401 Unauthorized\r'
	assert_equal "$(header_value WWW-Authenticate < "$OUT")" \
	    'Bearer realm="htcondor-api"'
	http_body < "$OUT" > "$BATS_TEST_TMPDIR/b"
	assert_error_json 401 Unauthorized
}

@test "CGI: the token in HTTP_AUTHORIZATION is wiped from the environment once read" {
	local fifo=$BATS_TEST_TMPDIR/stdin pid i
	mkfifo "$fifo"
	# The body never comes, so the process waits with the token read.
	env -i PATH="$PATH" CONDOR_CONFIG=ONLY_ENV GATEWAY_INTERFACE=CGI/1.1 \
	    SERVER_PROTOCOL=HTTP/1.1 REQUEST_METHOD=POST REMOTE_ADDR=198.51.100.9 \
	    PATH_INFO=/api/v1/jobs CONTENT_LENGTH=10 CONTENT_TYPE=application/json \
	    HTTP_AUTHORIZATION="Bearer secret-token-in-env" \
	    "$BIN" --allow-root < "$fifo" > /dev/null 2>&1 3>&- &
	pid=$!
	exec 7> "$fifo"
	for ((i = 0; i < 100; i++)); do
		grep -qa '^HTTP_AUTHORIZATION=$' <(tr '\0' '\n' < "/proc/$pid/environ") && break
		sleep 0.05
	done
	run grep -ca secret-token-in-env "/proc/$pid/environ"
	assert_output 0
	run grep -qa '^HTTP_AUTHORIZATION=$' <(tr '\0' '\n' < "/proc/$pid/environ")
	assert_success
	kill "$pid"
	exec 7>&-
}

@test "CGI: a bearer token wins over REMOTE_USER, a bad one too" {
	auth_setup
	local token
	token=$("$MINT" -k "$T/pool.key" -s bob@test.local)
	cgi_user REMOTE_USER=alice HTTP_AUTHORIZATION="Bearer $token" \
	    _CONDOR_HTTP_API_CGI_REMOTE_USER=true
	run head -n 1 "$OUT"
	assert_output $'Status: 200 OK\r'
	assert_equal "$(cgi_user_of)" bob@test.local
	# The scheme is case-insensitive (RFC 9110 11.1).
	cgi_user REMOTE_USER=alice HTTP_AUTHORIZATION="bearer $token" \
	    _CONDOR_HTTP_API_CGI_REMOTE_USER=true
	assert_equal "$(cgi_user_of)" bob@test.local
	# A bad bearer token is not rescued by REMOTE_USER.
	cgi_user REMOTE_USER=alice HTTP_AUTHORIZATION="Bearer not/a=token" \
	    _CONDOR_HTTP_API_CGI_REMOTE_USER=true
	run head -n 1 "$OUT"
	assert_output $'Status: 401 Unauthorized\r'
	# An empty REMOTE_USER names nobody: the Basic field is ours again.
	cgi_user REMOTE_USER= HTTP_AUTHORIZATION="Basic YWxpY2U6czNjcjN0" \
	    _CONDOR_HTTP_API_CGI_REMOTE_USER=true
	run head -n 1 "$OUT"
	assert_output $'Status: 401 Unauthorized\r'
}

# --- Behind lighttpd ---------------------------------------------------------

# start_lighttpd [CONF [SED-ARGS...]]: start lighttpd with a configuration
# made from examples/cgi/CONF (default lighttpd.conf): loopback and a free
# port, a scratch document root, the binary behind a wrapper that adds
# --allow-root (lighttpd runs as root here, and so does its CGI program),
# no HTCondor configuration files, then SED-ARGS (sed -e EXPR ...).  The
# wrapper exports the variables named in $CGI_PASS (lighttpd gives a CGI
# program no environment of its own) and adds a line to $LIGHTTPD_RUNS each
# time it runs.  Sets PORT and LIGHTTPD_LOG.
start_lighttpd() {
	[ -x /usr/sbin/lighttpd ] || skip "lighttpd is not installed (Debian package lighttpd)"
	local conf=${1:-lighttpd.conf} dir=$BATS_TEST_TMPDIR/lighttpd try v
	shift || true
	mkdir -p "$dir/www"
	LIGHTTPD_RUNS=$dir/runs
	: > "$LIGHTTPD_RUNS"
	# The wrapper is the "program": lighttpd maps "/" to "<it>/".
	{
		echo '#!/bin/sh'
		for v in ${CGI_PASS:-}; do
			printf 'export %s=%q\n' "$v" "${!v}"
		done
		printf 'echo run >> %q\n' "$LIGHTTPD_RUNS"
		printf 'exec %q --allow-root "$@"\n' "$BIN"
	} > "$dir/htcondor-api"
	chmod 755 "$dir/htcondor-api"
	for ((try = 0; try < 5; try++)); do
		PORT=$(free_port)
		sed -e "s|^server.bind = .*|server.bind = \"127.0.0.1\"|" \
		    -e "s|^server.port = .*|server.port = $PORT|" \
		    -e "s|^server.document-root = .*|server.document-root = \"$dir/www\"|" \
		    -e "/^server.username/d" -e "/^server.groupname/d" \
		    -e "s|/usr/local/sbin/htcondor-api|$dir/htcondor-api|g" \
		    -e "s|\"/etc/condor/condor_config\"|\"ONLY_ENV\"|" \
		    "$@" "$EXAMPLES/cgi/$conf" > "$dir/lighttpd.conf"
		/usr/sbin/lighttpd -tt -f "$dir/lighttpd.conf" ||
		    fail "lighttpd refuses the configuration"
		bg_start "$dir/log" /usr/sbin/lighttpd -D -f "$dir/lighttpd.conf"
		wait_listen "$PORT" "$BG_PID" && { LIGHTTPD_LOG=$dir/log; return 0; }
	done
	fail "lighttpd did not start: $(cat "$dir/log")"
}

@test "the example lighttpd.conf passes lighttpd's own check" {
	[ -x /usr/sbin/lighttpd ] || skip "lighttpd is not installed (Debian package lighttpd)"
	run /usr/sbin/lighttpd -tt -f "$EXAMPLES/cgi/lighttpd.conf"
	assert_success
}

@test "lighttpd: GET /healthz is 200 with the JSON status" {
	start_lighttpd
	get "http://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '{"status":"ok"}'
	assert_equal "$(header_value Content-Type < "$BATS_TEST_TMPDIR/h")" "application/json"
	assert_equal "$(header_value Cache-Control < "$BATS_TEST_TMPDIR/h")" "no-store"
}

@test "lighttpd: GET /openapi.json is the file byte for byte" {
	start_lighttpd
	get "http://127.0.0.1:$PORT/openapi.json"
	assert_equal "$HTTP_CODE" 200
	cmp "$BATS_TEST_TMPDIR/b" "$OPENAPI"
}

@test "lighttpd: an unknown path is 404 with the JSON error body" {
	start_lighttpd
	get "http://127.0.0.1:$PORT/no/such/thing"
	assert_equal "$HTTP_CODE" 404
	assert_error_json 404 "Not Found"
}

@test "lighttpd: a wrong method is 405 with Allow: GET, HEAD" {
	start_lighttpd
	get "http://127.0.0.1:$PORT/healthz" -X DELETE
	assert_equal "$HTTP_CODE" 405
	assert_equal "$(header_value Allow < "$BATS_TEST_TMPDIR/h")" "GET, HEAD"
	assert_error_json 405 "Method Not Allowed"
}

@test "lighttpd: every request leaves its log line in lighttpd's log, with the client address" {
	# lighttpd sends SIGTERM to a CGI program as soon as it has read a
	# complete answer; the log line must survive that, every time.
	start_lighttpd
	local i
	for ((i = 0; i < 10; i++)); do
		get "http://127.0.0.1:$PORT/healthz?token=s3cr3t"
		assert_equal "$HTTP_CODE" 200
	done
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)) &&
	    (($(grep -cE ' 127\.0\.0\.1 GET /healthz 200 ' "$LIGHTTPD_LOG") < 10)); do
		sleep 0.05
	done
	run grep -cE ' 127\.0\.0\.1 GET /healthz 200 ' "$LIGHTTPD_LOG"
	assert_output 10
	run cat "$LIGHTTPD_LOG"
	refute_output --partial 's3cr3t'
}

@test "lighttpd: several requests in a row are all 200" {
	start_lighttpd
	local i codes=""
	for ((i = 0; i < 10; i++)); do
		codes+=$(hcurl -o /dev/null -w '%{http_code} ' "http://127.0.0.1:$PORT/healthz")
	done
	assert_equal "$codes" "$(printf '200 %.0s' {1..10})"
}

# --- Behind lighttpd with its own authentication (lighttpd-auth.conf) -------

# start_lighttpd_auth [SED-ARGS...]: the test schedd and signing key
# (auth_setup), a self-signed certificate, a password file with alice
# (password s3cr3t, SHA-512 crypt) and eve (0th3r, Apache's $apr1$), and
# lighttpd from examples/cgi/lighttpd-auth.conf with those files, the
# test's domains and schedd, then SED-ARGS.  Sets U, the base URL, and
# CA, curl's option to trust the certificate.
start_lighttpd_auth() {
	command -v openssl > /dev/null || skip "openssl is not installed: no certificate or password hash to make"
	auth_setup
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
	    -keyout "$T/key.pem" -out "$T/cert.pem" 2> "$T/openssl.err" ||
	    fail "no certificate: $(cat "$T/openssl.err")"
	cat "$T/cert.pem" "$T/key.pem" > "$T/tls.pem"
	printf 'alice:%s\neve:%s\n' "$(openssl passwd -6 s3cr3t)" \
	    "$(openssl passwd -apr1 0th3r)" > "$T/htpasswd"
	export _CONDOR_UID_DOMAIN=test.local _CONDOR_TRUST_DOMAIN=test.local
	CGI_PASS="_CONDOR_SCHEDD_ADDRESS_FILE _CONDOR_UID_DOMAIN _CONDOR_TRUST_DOMAIN"
	start_lighttpd lighttpd-auth.conf \
	    -e "s|\"/etc/htcondor-api/tls.pem\"|\"$T/tls.pem\"|" \
	    -e "s|\"/etc/htcondor-api/htpasswd\"|\"$T/htpasswd\"|" \
	    -e "s|\"/etc/htcondor-api/signing.key\"|\"$T/pool.key\"|" "$@"
	U=https://127.0.0.1:$PORT
	CA=(--cacert "$T/cert.pem")
}

# The user of the whoami answer in the last body.
body_user() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["user"])' "$T/b"
}

@test "lighttpd-auth: the right password reaches the schedd as that user" {
	start_lighttpd_auth
	get "$U/api/v1/whoami" "${CA[@]}" -u alice:s3cr3t
	[ "$HTTP_CODE" = 200 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	assert_equal "$(body_user)" alice@test.local
	# The schedd authenticated the minted token as alice.
	run grep -c 'from alice@test.local$' "$T/schedd.log"
	assert_output 1
	get "$U/api/v1/whoami" "${CA[@]}" -u eve:0th3r
	assert_equal "$HTTP_CODE" 200
	assert_equal "$(body_user)" eve@test.local
	# A job submitted through it is alice's.
	get "$U/api/v1/jobs" "${CA[@]}" -u alice:s3cr3t -X POST \
	    -H 'Content-Type: application/json' --data-binary \
	    '{"submit_file": "executable = /bin/true\nqueue\n", "workdir": "/tmp", "spool": false}'
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	local id
	id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["job_ids"][0])' "$T/b")
	get "$U/api/v1/jobs/$id?projection=Owner,User" "${CA[@]}" -u alice:s3cr3t
	assert_equal "$HTTP_CODE" 200
	run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["Owner"], d["User"])' "$T/b"
	assert_output "alice alice@test.local"
	# The log names the user and holds no password.
	wait_grep " GET /api/v1/jobs/$id 200 .* alice@test.local" "$LIGHTTPD_LOG" ||
	    fail "no log line: $(cat "$LIGHTTPD_LOG")"
	run cat "$LIGHTTPD_LOG"
	assert_output --regexp ' GET /api/v1/whoami 200 .* eve@test.local'
	refute_output --partial s3cr3t
	refute_output --partial "$(printf alice:s3cr3t | base64)"
}

@test "lighttpd-auth: a wrong password, or none, is lighttpd's 401 and the program does not run" {
	start_lighttpd_auth
	local creds
	for creds in alice:wrong eve:s3cr3t mallory:s3cr3t ""; do
		get "$U/api/v1/whoami" "${CA[@]}" ${creds:+-u "$creds"}
		assert_equal "$creds: $HTTP_CODE" "$creds: 401"
		run header_value WWW-Authenticate < "$T/h"
		assert_output --partial 'Basic realm="htcondor-api"'
		run grep -c '"code"' "$T/b"
		assert_output 0
	done
	assert_equal "$(wc -l < "$LIGHTTPD_RUNS")" 0
	# /healthz needs no password, and the program does run.
	get "$U/healthz" "${CA[@]}"
	assert_equal "$HTTP_CODE" 200
	assert_equal "$(wc -l < "$LIGHTTPD_RUNS")" 1
}

@test "lighttpd-auth: with HTTP_API_CGI_REMOTE_USER false or unset, lighttpd's user is our JSON 401" {
	local edit
	for edit in 's|"_CONDOR_HTTP_API_CGI_REMOTE_USER" => "true"|"_CONDOR_HTTP_API_CGI_REMOTE_USER" => "false"|' \
	    '/"_CONDOR_HTTP_API_CGI_REMOTE_USER"/d'; do
		start_lighttpd_auth -e "$edit"
		get "$U/api/v1/whoami" "${CA[@]}" -u alice:s3cr3t
		assert_equal "$edit: $HTTP_CODE" "$edit: 401"
		assert_error_json 401 Unauthorized
		assert_equal "$(header_value WWW-Authenticate < "$T/h")" \
		    'Bearer realm="htcondor-api"'
		assert_equal "$(wc -l < "$LIGHTTPD_RUNS")" 1
	done
}

@test "lighttpd-auth: a bearer token needs no password and names the user; a bad one is our 401" {
	start_lighttpd_auth
	local token
	token=$("$MINT" -k "$T/pool.key" -s bob@test.local)
	get "$U/api/v1/whoami" "${CA[@]}" -H "Authorization: Bearer $token"
	[ "$HTTP_CODE" = 200 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	assert_equal "$(body_user)" bob@test.local
	get "$U/api/v1/whoami" "${CA[@]}" -H "Authorization: bearer $token"
	assert_equal "$HTTP_CODE" 200
	assert_equal "$(body_user)" bob@test.local
	get "$U/api/v1/whoami" "${CA[@]}" -H "Authorization: Bearer not/a=token"
	assert_equal "$HTTP_CODE" 401
	assert_error_json 401 Unauthorized
}
