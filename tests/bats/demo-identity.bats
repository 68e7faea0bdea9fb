#!/usr/bin/env bats
# demo-identity.bats — who may name the user in the demo mode: with
# --user-header, loopback peers only, even when the demo listens on
# another address and HTTP_API_USER_HEADER_TRUSTED_PROXIES names that
# address; a bearer token always works.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	require_bin
	T=$BATS_TEST_TMPDIR
	export HTCONDOR_BIN=/nonexistent	# the demo schedd, always
}

# start_demo HOST ARGS...: the demo on HOST and a free port; sets PORT.
start_demo() {
	local host=$1
	shift
	start_server "$T/demo.log" "$BIN" --demo --listen "$host:@PORT@" "$@"
	wait_grep '^  export HTCONDOR_API_TOKEN=' "$T/demo.log" ||
	    fail "no banner: $(cat "$T/demo.log")"
	TOKEN=$(sed -n 's/^  export HTCONDOR_API_TOKEN=//p' "$T/demo.log")
}

# The user of the last answer.
user_of() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["user"])' "$T/b"
}

# This machine's first IPv4 address that is not loopback, or nothing.
outside_addr() {
	ip -4 -o addr show scope global 2>/dev/null |
	    awk '{ sub("/.*", "", $4); print $4; exit }'
}

@test "demo: a user header from loopback names the user in the demo's domain" {
	start_demo 127.0.0.1 --user-header X-Remote-User
	get "http://127.0.0.1:$PORT/api/v1/whoami" -H "X-Remote-User: carol"
	assert_equal "$HTTP_CODE" 200
	assert_equal "$(user_of)" carol@demo.local
	# Without the header it is the plain challenge.
	get "http://127.0.0.1:$PORT/api/v1/whoami"
	assert_equal "$HTTP_CODE" 401
}

@test "demo: listening elsewhere, the header from a non-loopback peer is ignored even when listed as a proxy" {
	local addr
	addr=$(outside_addr)
	[ -n "$addr" ] || skip "this machine has no non-loopback IPv4 address"
	_CONDOR_HTTP_API_USER_HEADER_TRUSTED_PROXIES="$addr" \
	    start_demo "$addr" --user-header X-Remote-User
	# Connecting to our own outside address, the peer is that address.
	get "http://$addr:$PORT/api/v1/whoami" -H "X-Remote-User: carol"
	assert_equal "$HTTP_CODE" 401
	run grep -E "^[^ ]+ $addr GET /api/v1/whoami 401" "$T/demo.log"
	assert_success
	# The banner's token works from there.
	get "http://$addr:$PORT/api/v1/whoami" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
}
