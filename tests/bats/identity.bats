#!/usr/bin/env bats
# identity.bats — the user named by a trusted front end instead of a
# bearer token: HTTP_API_USER_HEADER from a peer in
# HTTP_API_USER_HEADER_TRUSTED_PROXIES, CGI's REMOTE_USER with
# HTTP_API_CGI_REMOTE_USER, a token minted per request with the pool
# signing key (which the test schedd checks), and the start-up refusals.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	require_bin
	T=$BATS_TEST_TMPDIR
	# The POOL key as HTCondor stores it, readable by its owner only:
	# the test schedd verifies with it, the API signs with it.
	head -c 64 /dev/urandom > "$T/pool.key"
	chmod 600 "$T/pool.key"
	sh "$GEN" 3 1 > "$T/jobs.ads"
	export _CONDOR_UID_DOMAIN=test.local
	export _CONDOR_TRUST_DOMAIN=test.local
	export _CONDOR_HTTP_API_SIGNING_KEY="$T/pool.key"
}

# start_api TRUSTED [ARGS...]: the API on loopback with the user header
# X-Remote-User trusted from TRUSTED.
start_api() {
	local trusted=$1
	shift
	start_test_schedd -j "$T/jobs.ads"
	_CONDOR_HTTP_API_USER_HEADER_TRUSTED_PROXIES="$trusted" \
	    start_server "$T/api.log" --user-header X-Remote-User "$@"
}

# whoami [curl args]: GET /api/v1/whoami on the API.
whoami() {
	get "http://127.0.0.1:$PORT/api/v1/whoami" "$@"
}

# The user of the last whoami answer.
user_of() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["user"])' "$T/b"
}

@test "a user header from a trusted peer names the user as name@UID_DOMAIN" {
	start_api "10.0.0.0/8, 127.0.0.1"
	whoami -H "X-Remote-User: bob"
	assert_equal "$HTTP_CODE" 200
	assert_equal "$(user_of)" bob@test.local
	run grep -E 'GET /api/v1/whoami 200 .* bob@test.local' "$T/api.log"
	assert_success
	# The jobs routes take the same identity.
	get "http://127.0.0.1:$PORT/api/v1/jobs" -H "X-Remote-User: bob"
	assert_equal "$HTTP_CODE" 200
}

@test "the same header from a peer not trusted is ignored: 401 with the challenge" {
	start_api "10.0.0.0/8"
	whoami -H "X-Remote-User: bob"
	assert_equal "$HTTP_CODE" 401
	assert_error_json 401 Unauthorized
	run header_value WWW-Authenticate < "$T/h"
	assert_output --partial Bearer
}

@test "a bearer token wins over the user header" {
	start_api 127.0.0.1
	TOKEN=$("$MINT" -k "$T/pool.key" -s alice@test.local)
	whoami -H "X-Remote-User: bob" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	assert_equal "$(user_of)" alice@test.local
	# A bad bearer token is not rescued by the header.
	whoami -H "X-Remote-User: bob" -H "Authorization: Basic Ym9iOng="
	assert_equal "$HTTP_CODE" 401
}

@test "bad user names are 400 with a JSON error" {
	start_api 127.0.0.1
	local name
	for name in 'bob smith' 'b/ob' 'bob;x' "$(printf 'a%.0s' {1..65})" \
	    'bob@other.org' '@test.local' 'bób'; do
		whoami -H "X-Remote-User: $name"
		assert_equal "$name: $HTTP_CODE" "$name: 400"
		assert_error_json 400 "Bad Request"
	done
	# Two user headers: a proxy that appends its own would let the
	# client's first one count.
	whoami -H "X-Remote-User: bob" -H "X-Remote-User: alice"
	assert_equal "$HTTP_CODE" 400
	assert_error_json 400 "Bad Request"
	# 64 bytes is the longest name.
	whoami -H "X-Remote-User: $(printf 'a%.0s' {1..64})"
	assert_equal "$HTTP_CODE" 200
}

@test "HTTP_API_USER_DOMAIN_FROM_HEADER lets the header name the domain" {
	export _CONDOR_HTTP_API_USER_DOMAIN_FROM_HEADER=true
	start_api 127.0.0.1
	whoami -H "X-Remote-User: bob@other.org"
	assert_equal "$HTTP_CODE" 200
	assert_equal "$(user_of)" bob@other.org
	whoami -H "X-Remote-User: bob"
	assert_equal "$(user_of)" bob@test.local
	whoami -H "X-Remote-User: bob@oth/er"
	assert_equal "$HTTP_CODE" 400
}

@test "inetd mode: a request on a pipe has no peer, so the header is ignored" {
	start_test_schedd -j "$T/jobs.ads"
	export _CONDOR_HTTP_API_USER_HEADER_TRUSTED_PROXIES=0.0.0.0/0,::/0
	# The supervisor's variables are for the log, never for trust.
	TCPREMOTEIP=127.0.0.1 inetd 'GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nX-Remote-User: bob\r\n\r\n' \
	    --user-header X-Remote-User
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'HTTP/1.1 401 Unauthorized\r'
}

# cgi VAR=VALUE...: the binary as a CGI program for GET /api/v1/whoami
# with the test schedd and the signing key, and the given variables.
cgi() {
	OUT=$T/out ERR=$T/err
	RC=0
	env -i PATH="$PATH" CONDOR_CONFIG=ONLY_ENV GATEWAY_INTERFACE=CGI/1.1 \
	    SERVER_PROTOCOL=HTTP/1.1 REQUEST_METHOD=GET SERVER_NAME=localhost \
	    SERVER_PORT=80 SCRIPT_NAME= PATH_INFO=/api/v1/whoami \
	    _CONDOR_SCHEDD_ADDRESS_FILE="$T/addr" \
	    _CONDOR_UID_DOMAIN=test.local _CONDOR_TRUST_DOMAIN=test.local \
	    _CONDOR_HTTP_API_SIGNING_KEY="$T/pool.key" "$@" \
	    timeout 20 "$BIN" --allow-root < /dev/null > "$OUT" 2> "$ERR" || RC=$?
}

@test "CGI: REMOTE_USER names the user only with HTTP_API_CGI_REMOTE_USER, whatever REMOTE_ADDR" {
	start_test_schedd -j "$T/jobs.ads"
	cgi REMOTE_ADDR=198.51.100.9 REMOTE_USER=carol
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'Status: 401 Unauthorized\r'
	cgi REMOTE_ADDR=198.51.100.9 REMOTE_USER=carol \
	    _CONDOR_HTTP_API_CGI_REMOTE_USER=true
	assert_equal "$RC" 0
	run head -n 1 "$OUT"
	assert_output $'Status: 200 OK\r'
	run http_body < "$OUT"
	assert_output --partial '"user": "carol@test.local"'
	# A bad name is refused the same way.
	cgi REMOTE_ADDR=198.51.100.9 REMOTE_USER='carol smith' \
	    _CONDOR_HTTP_API_CGI_REMOTE_USER=true
	run head -n 1 "$OUT"
	assert_output $'Status: 400 Bad Request\r'
}

@test "CGI: the user header counts only when REMOTE_ADDR is a trusted proxy" {
	start_test_schedd -j "$T/jobs.ads"
	cgi REMOTE_ADDR=192.0.2.7 HTTP_X_REMOTE_USER=dave \
	    _CONDOR_HTTP_API_USER_HEADER=X-Remote-User \
	    _CONDOR_HTTP_API_USER_HEADER_TRUSTED_PROXIES=192.0.2.0/24
	run http_body < "$OUT"
	assert_output --partial '"user": "dave@test.local"'
	cgi REMOTE_ADDR=198.51.100.9 HTTP_X_REMOTE_USER=dave \
	    _CONDOR_HTTP_API_USER_HEADER=X-Remote-User \
	    _CONDOR_HTTP_API_USER_HEADER_TRUSTED_PROXIES=192.0.2.0/24
	run head -n 1 "$OUT"
	assert_output $'Status: 401 Unauthorized\r'
}

@test "start-up: a user header without trusted proxies is a configuration error" {
	inetd 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' --user-header X-Remote-User
	assert_equal "$RC" 3
	run cat "$ERR"
	assert_output --partial HTTP_API_USER_HEADER_TRUSTED_PROXIES
	[ ! -s "$OUT" ]
}

@test "start-up: a bad trusted-proxy entry is a configuration error naming it" {
	export _CONDOR_HTTP_API_USER_HEADER_TRUSTED_PROXIES="127.0.0.1, 10.0.0.1/8"
	inetd 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' --user-header X-Remote-User
	assert_equal "$RC" 3
	run cat "$ERR"
	assert_output --partial '"10.0.0.1/8"'
}

@test "start-up: a group-readable, missing or empty signing key refuses to start" {
	export _CONDOR_HTTP_API_USER_HEADER_TRUSTED_PROXIES=127.0.0.1
	chmod 640 "$T/pool.key"
	inetd 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' --user-header X-Remote-User
	assert_equal "$RC" 3
	run cat "$ERR"
	assert_output --partial "readable by group or others"
	[ ! -s "$OUT" ]
	# The same for REMOTE_USER alone.
	_CONDOR_HTTP_API_CGI_REMOTE_USER=true inetd 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
	assert_equal "$RC" 3
	run cat "$ERR"
	assert_output --partial "HTTP_API_CGI_REMOTE_USER needs the signing key"
	_CONDOR_HTTP_API_SIGNING_KEY="$T/nonexistent" inetd \
	    'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' --user-header X-Remote-User
	assert_equal "$RC" 3
	: > "$T/empty.key"
	chmod 600 "$T/empty.key"
	_CONDOR_HTTP_API_SIGNING_KEY="$T/empty.key" inetd \
	    'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' --user-header X-Remote-User
	assert_equal "$RC" 3
	# The default key is HTCondor's SEC_TOKEN_POOL_SIGNING_KEY_FILE.
	chmod 600 "$T/pool.key"
	_CONDOR_HTTP_API_SIGNING_KEY= _CONDOR_SEC_TOKEN_POOL_SIGNING_KEY_FILE="$T/pool.key" \
	    inetd 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' --user-header X-Remote-User
	assert_equal "$RC" 0
	_CONDOR_HTTP_API_SIGNING_KEY= _CONDOR_SEC_TOKEN_POOL_SIGNING_KEY_FILE="$T/nonexistent" \
	    inetd 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' --user-header X-Remote-User
	assert_equal "$RC" 3
}

@test "libjwt is loaded only when a token is minted, not linked" {
	run sh -c "readelf -d '$BIN' | grep NEEDED"
	assert_success
	refute_output --partial libjwt
}
