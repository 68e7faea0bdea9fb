#!/usr/bin/env bats
# tls.bats — TLS with --tls-cert/--tls-key (and HTTP_API_TLS_CERT/KEY): in
# --listen mode, in inetd mode behind tcpserver and systemd-socket-activate,
# the protocol floor (TLS 1.2), and the startup errors for bad TLS files.

load helpers

bats_require_minimum_version 1.5.0

setup_file() {
	command -v openssl > /dev/null || return 0
	local d=$BATS_FILE_TMPDIR
	# A self-signed P-256 certificate for localhost and 127.0.0.1.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 1 -subj /CN=localhost \
	    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
	    -keyout "$d/key.pem" -out "$d/cert.pem" 2> "$d/openssl.err"
	# A second key that does not belong to the certificate.
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$d/other-key.pem" 2>> "$d/openssl.err"
}

setup() {
	require_bin
	command -v openssl > /dev/null || skip "openssl is not installed: no certificate to test with"
	CERT=$BATS_FILE_TMPDIR/cert.pem
	KEY=$BATS_FILE_TMPDIR/key.pem
	[ -s "$CERT" ] && [ -s "$KEY" ] ||
	    fail "could not make a certificate: $(cat "$BATS_FILE_TMPDIR/openssl.err")"
	LOG=$BATS_TEST_TMPDIR/server.log
}

# tls_get URL [curl args]: get over TLS, trusting only our certificate.
tls_get() {
	local url=$1
	shift
	get "$url" --cacert "$CERT" "$@"
}

start_tls_server() {
	start_server "$LOG" --tls-cert "$CERT" --tls-key "$KEY" "$@"
}

# --- --listen --------------------------------------------------------------

@test "TLS --listen: https://localhost/healthz is 200 with a verified certificate" {
	start_tls_server
	tls_get "https://localhost:$PORT/healthz" --resolve "localhost:$PORT:127.0.0.1"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '{"status":"ok"}'
	wait_grep 'Z 127\.0\.0\.1 GET /healthz 200 ' "$LOG" || fail "no log line: $(cat "$LOG")"
}

@test "TLS --listen: https://127.0.0.1 verifies against the IP SAN; openapi byte for byte" {
	start_tls_server
	tls_get "https://127.0.0.1:$PORT/openapi.json"
	assert_equal "$HTTP_CODE" 200
	cmp "$BATS_TEST_TMPDIR/b" "$OPENAPI"
}

@test "TLS --listen: 404 and 405 over TLS keep the JSON error shape" {
	start_tls_server
	tls_get "https://127.0.0.1:$PORT/none"
	assert_equal "$HTTP_CODE" 404
	assert_error_json 404 "Not Found"
	tls_get "https://127.0.0.1:$PORT/healthz" -X PATCH
	assert_equal "$HTTP_CODE" 405
	assert_equal "$(header_value Allow < "$BATS_TEST_TMPDIR/h")" "GET, HEAD"
}

@test "TLS --listen: plain HTTP to the TLS port gets no HTTP answer" {
	start_tls_server
	run hcurl -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz"
	assert_failure
	refute_output --partial 200
	# The server goes on serving TLS clients.
	tls_get "https://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}

@test "TLS --listen: TLS 1.2 and TLS 1.3 are both accepted" {
	start_tls_server
	tls_get "https://127.0.0.1:$PORT/healthz" --tlsv1.2 --tls-max 1.2
	assert_equal "$HTTP_CODE" 200
	tls_get "https://127.0.0.1:$PORT/healthz" --tlsv1.3
	assert_equal "$HTTP_CODE" 200
}

@test "TLS --listen: TLS 1.1 is refused by the server" {
	start_tls_server
	# SECLEVEL=0 lets this curl offer TLS 1.1 at all: the refusal must
	# come from the server.
	run hcurl -o /dev/null --cacert "$CERT" --tlsv1.1 --tls-max 1.1 \
	    --ciphers 'DEFAULT@SECLEVEL=0' "https://127.0.0.1:$PORT/healthz"
	assert_failure
	wait_grep 'TLS handshake' "$LOG" || fail "the server logged no failed handshake: $(cat "$LOG")"
	run cat "$LOG"
	assert_output --regexp 'unsupported protocol|version'
}

@test "TLS --listen: an untrusted client (no CA) fails to verify, a trusting one succeeds" {
	start_tls_server
	run hcurl -o /dev/null "https://127.0.0.1:$PORT/healthz"
	assert_failure 60
	tls_get "https://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}

@test "TLS --listen: a client that never starts the handshake is dropped at the read timeout" {
	start_tls_server --read-timeout 1
	local t0 elapsed
	t0=$(now_ms)
	exec 7<> "/dev/tcp/127.0.0.1/$PORT"
	run timeout 20 cat <&7
	elapsed=$(($(now_ms) - t0))
	((elapsed < 5000)) || fail "the connection was held ${elapsed} ms"
	wait_grep 'TLS handshake' "$LOG" || fail "no handshake error logged: $(cat "$LOG")"
	tls_get "https://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}

@test "TLS from the configuration: _CONDOR_HTTP_API_TLS_CERT and _KEY" {
	_CONDOR_HTTP_API_TLS_CERT=$CERT _CONDOR_HTTP_API_TLS_KEY=$KEY start_server "$LOG"
	tls_get "https://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}

@test "TLS from a configuration file: HTTP_API_TLS_CERT and HTTP_API_TLS_KEY" {
	printf 'HTTP_API_TLS_CERT = %s\nHTTP_API_TLS_KEY = %s\n' "$CERT" "$KEY" \
	    > "$BATS_TEST_TMPDIR/condor_config"
	CONDOR_CONFIG=$BATS_TEST_TMPDIR/condor_config start_server "$LOG"
	tls_get "https://127.0.0.1:$PORT/healthz"
	assert_equal "$HTTP_CODE" 200
}

# --- inetd mode --------------------------------------------------------------

@test "TLS inetd mode behind tcpserver: 200 over TLS" {
	command -v tcpserver > /dev/null || skip "tcpserver is not installed (Debian package ucspi-tcp)"
	start_server "$LOG" tcpserver -q -H -R -l 0 127.0.0.1 @PORT@ \
	    "$BIN" --allow-root --tls-cert "$CERT" --tls-key "$KEY"
	tls_get "https://localhost:$PORT/healthz" --resolve "localhost:$PORT:127.0.0.1"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '{"status":"ok"}'
	wait_grep 'Z 127\.0\.0\.1 GET /healthz 200 ' "$LOG" || fail "no log line: $(cat "$LOG")"
}

@test "TLS inetd mode behind systemd-socket-activate: 200 over TLS, openapi byte for byte" {
	[ -x /usr/bin/systemd-socket-activate ] ||
	    skip "systemd-socket-activate is not installed (Debian package systemd)"
	start_server "$LOG" /usr/bin/systemd-socket-activate --accept --inetd \
	    -l 127.0.0.1:@PORT@ -E CONDOR_CONFIG=ONLY_ENV \
	    "$BIN" --allow-root --tls-cert "$CERT" --tls-key "$KEY"
	tls_get "https://127.0.0.1:$PORT/openapi.json"
	assert_equal "$HTTP_CODE" 200
	cmp "$BATS_TEST_TMPDIR/b" "$OPENAPI"
}

@test "TLS inetd mode: plain HTTP is not answered in clear text" {
	command -v tcpserver > /dev/null || skip "tcpserver is not installed (Debian package ucspi-tcp)"
	start_server "$LOG" tcpserver -q -H -R -l 0 127.0.0.1 @PORT@ \
	    "$BIN" --allow-root --tls-cert "$CERT" --tls-key "$KEY"
	run hcurl -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz"
	assert_failure
	refute_output --partial 200
	# Not silence from a binary that never ran: the server read the
	# request as a TLS ClientHello and said why it refused it.
	assert_output --partial 000
	wait_grep 'TLS handshake: .*http request' "$LOG" ||
	    fail "no TLS handshake refusal logged: $(cat "$LOG")"
}

@test "CGI mode ignores the TLS settings: the web server does TLS" {
	run --separate-stderr env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
	    PATH_INFO=/healthz "$BIN" --allow-root --tls-cert "$CERT" --tls-key "$KEY" < /dev/null
	assert_success
	assert_line --index 0 $'Status: 200 OK\r'
}

# --- Startup errors ----------------------------------------------------------

@test "a certificate file that does not exist: exit 3 naming it" {
	run --separate-stderr "$BIN" --allow-root --tls-cert "$BATS_TEST_TMPDIR/nope.pem" \
	    --tls-key "$KEY" < /dev/null
	assert_failure 3
	[[ $stderr == *"$BATS_TEST_TMPDIR/nope.pem"* ]] || fail "stderr does not name the file: $stderr"
}

@test "an unreadable certificate file: exit 3 with a clear message" {
	local cert=$BATS_TEST_TMPDIR/unreadable.pem
	cp "$CERT" "$cert"
	chmod 000 "$cert"
	if [ "$(id -u)" -eq 0 ]; then
		# root reads anything: try it as nobody.
		command -v setpriv > /dev/null || skip "running as root and setpriv(1) is missing: cannot make a file unreadable"
		chmod 755 "$BATS_TEST_TMPDIR"
		run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		    "$BIN" --tls-cert "$cert" --tls-key "$KEY" < /dev/null
	else
		run --separate-stderr "$BIN" --tls-cert "$cert" --tls-key "$KEY" < /dev/null
	fi
	assert_failure 3
	[[ $stderr == *"$cert"* ]] || fail "stderr does not name the file: $stderr"
	[[ $stderr == *"ermission denied"* ]] || fail "stderr does not say why: $stderr"
}

@test "a certificate file that is not PEM: exit 3" {
	echo 'not a certificate' > "$BATS_TEST_TMPDIR/junk.pem"
	run --separate-stderr "$BIN" --allow-root --tls-cert "$BATS_TEST_TMPDIR/junk.pem" \
	    --tls-key "$KEY" < /dev/null
	assert_failure 3
	[[ $stderr == *"TLS"* ]] || fail "stderr does not say what failed: $stderr"
}

@test "a key that does not match the certificate: exit 3" {
	run --separate-stderr "$BIN" --allow-root --tls-cert "$CERT" \
	    --tls-key "$BATS_FILE_TMPDIR/other-key.pem" < /dev/null
	assert_failure 3
	[[ $stderr == *"key"* ]] || fail "stderr does not name the key: $stderr"
}

@test "--tls-cert without --tls-key: exit 3" {
	run --separate-stderr "$BIN" --allow-root --tls-cert "$CERT" < /dev/null
	assert_failure 3
	[[ $stderr == *"HTTP_API_TLS_KEY"* ]] || fail "stderr does not say what is missing: $stderr"
}

@test "--tls-key without --tls-cert: exit 3" {
	run --separate-stderr "$BIN" --allow-root --tls-key "$KEY" < /dev/null
	assert_failure 3
	[[ $stderr == *"HTTP_API_TLS_CERT"* ]] || fail "stderr does not say what is missing: $stderr"
}

@test "_CONDOR_HTTP_API_TLS_CERT alone in the environment: exit 3" {
	_CONDOR_HTTP_API_TLS_CERT=$CERT run --separate-stderr "$BIN" --allow-root < /dev/null
	assert_failure 3
}

@test "--listen with a bad certificate exits 3 before listening" {
	local port
	port=$(free_port)
	run --separate-stderr timeout 20 "$BIN" --allow-root --listen "127.0.0.1:$port" \
	    --tls-cert "$BATS_TEST_TMPDIR/nope.pem" --tls-key "$KEY"
	assert_failure 3
	! port_listening "$port" || fail "something listens on $port"
}
