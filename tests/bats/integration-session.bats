#!/usr/bin/env bats
# integration-session.bats — sessions resumed across processes against a
# real HTCondor schedd (cedar-protocol.md §5.9, §13 rows 22-23): a second
# request with the same token resumes the first one's session, and every
# way a cached session can be wrong (a key the schedd does not have, a
# Sid it does not know, an expired or tampered entry) falls back to a
# full handshake within the same request, unseen by the client.
#
# Which session a request used is read from the cache entry with
# tests/schedd/session-tool, which holds the token as the API does: the
# same Sid after a request means it was resumed, a new one that it ran a
# full handshake.
#
# Runs only where HTCondor is installed (condor_master on PATH); reported
# as skipped otherwise.  The pool comes from tests/pool.sh.

load helpers

UID_DOMAIN=it.local
POOLSH="$REPO/tests/pool.sh"
TOOL="${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/session-tool"

as_pool() {
	sh "$POOLSH" run "$POOL" "$@"
}

setup_file() {
	export IT_SKIP="" IT_USER
	if ! command -v condor_master >/dev/null; then
		IT_SKIP="HTCondor is not installed (condor_master not on PATH): session resumption against a real schedd skipped"
		return 0
	fi
	IT_USER=$(sh "$POOLSH" user x)
	if ! id "$IT_USER" >/dev/null 2>&1; then
		IT_SKIP="running as root needs an unprivileged user for the pool (HTCONDOR_API_IT_USER, default htcondor)"
		return 0
	fi
	export POOL=$(mktemp -d /tmp/htcapi-its.XXXXXX)
	sh "$POOLSH" start "$POOL"
	printf 'executable = /bin/sleep\narguments = 600\nqueue 3\n' > "$POOL/job.sub"
	[ "$(id -u)" = 0 ] && chown "$IT_USER" "$POOL"/job.sub
	(cd "$POOL" && as_pool condor_submit job.sub) >/dev/null
}

teardown_file() {
	if [ -n "${POOL:-}" ]; then
		sh "$POOLSH" stop "$POOL"
	fi
}

setup() {
	[ -z "$IT_SKIP" ] || skip "$IT_SKIP"
	require_bin
	[ -x "$TOOL" ] || fail "$TOOL is missing"
	T=$BATS_TEST_TMPDIR
	export _CONDOR_SCHEDD_ADDRESS_FILE=$POOL/local/spool/.schedd_address
	export _CONDOR_HTTP_API_SESSION_CACHE_DIR=$T/cache
	mkdir -m 700 "$T/cache"
	TOKEN=$(cat "$POOL/token")
	SINFUL=$(head -n 1 "$_CONDOR_SCHEDD_ADDRESS_FILE")
	OUT=$T/out ERR=$T/err
}

# The Sid of the token's cache entry, or "none".
sid() {
	printf '%s\n' "$TOKEN" | "$TOOL" show "$T/cache" "$SINFUL" 2>/dev/null |
	    sed -n 's/^sid //p' | grep . || echo none
}

@test "real schedd: the second request resumes the first one's session" {
	run token_req GET /api/v1/whoami
	assert_output "HTTP/1.1 200 OK"
	local first; first=$(sid)
	[ "$first" != none ]
	run token_req GET /api/v1/jobs/1.0
	assert_output "HTTP/1.1 200 OK"
	[ "$(sid)" = "$first" ]
	run token_req GET /api/v1/whoami
	run cat "$OUT"
	assert_output --partial "\"user\": \"$IT_USER@$UID_DOMAIN\""
	[ "$(sid)" = "$first" ]
}

@test "real schedd: a key the schedd does not have (row 23) falls back unseen, for a query and a submit" {
	run token_req GET /api/v1/whoami
	local first; first=$(sid)
	printf '%s\n' "$TOKEN" | "$TOOL" set "$T/cache" "$SINFUL" key
	run token_req GET /api/v1/jobs/1.1
	assert_output "HTTP/1.1 200 OK"
	run cat "$OUT"
	assert_output --partial '"ProcId": 1'
	run cat "$ERR"
	assert_output --partial "closed a resumed session unanswered"
	local second; second=$(sid)
	[ "$second" != "$first" ] && [ "$second" != none ]
	printf '%s\n' "$TOKEN" | "$TOOL" set "$T/cache" "$SINFUL" key
	run token_req POST /api/v1/jobs '{"submit_file": "executable = /bin/true\nqueue 2\n"}'
	assert_output "HTTP/1.1 201 Created"
	run cat "$OUT"
	assert_output --regexp '"job_ids": \["[0-9]+\.0", "[0-9]+\.1"\]'
	[ "$(sid)" != "$second" ]
}

@test "real schedd: a Sid the schedd does not know (row 22) falls back unseen" {
	run token_req GET /api/v1/whoami
	local first; first=$(sid)
	printf '%s\n' "$TOKEN" | "$TOOL" set "$T/cache" "$SINFUL" sid
	run token_req DELETE /api/v1/jobs/999.0
	assert_output "HTTP/1.1 404 Not Found"
	[ "$(sid)" != "$first" ] && [ "$(sid)" != nosuchhost:1:1:1 ]
}

@test "real schedd: an expired or tampered entry is not used" {
	run token_req GET /api/v1/whoami
	local first; first=$(sid)
	printf '%s\n' "$TOKEN" | "$TOOL" set "$T/cache" "$SINFUL" expired
	run token_req GET /api/v1/whoami
	assert_output "HTTP/1.1 200 OK"
	local second; second=$(sid)
	[ "$second" != "$first" ] && [ "$second" != none ]
	local f="$T/cache/$(printf '%s\n' "$TOKEN" | "$TOOL" name "$SINFUL")"
	printf 'x' | dd of="$f" bs=1 seek=30 conv=notrunc status=none
	run token_req GET /api/v1/whoami
	assert_output "HTTP/1.1 200 OK"
	[ "$(sid)" != "$second" ]
}

@test "real schedd: HTTP_API_SESSION_CACHE_LIFETIME bounds a session; 0 keeps none" {
	export _CONDOR_HTTP_API_SESSION_CACHE_LIFETIME=8
	run token_req GET /api/v1/whoami
	local left
	left=$(printf '%s\n' "$TOKEN" | "$TOOL" show "$T/cache" "$SINFUL" | sed -n 's/^expires_in //p')
	[ "$left" -le 8 ] && [ "$left" -ge 6 ]
	local first; first=$(sid)
	sleep 4
	run token_req GET /api/v1/whoami
	[ "$(sid)" != "$first" ]	# inside its last 5 s: not used
	rm -f "$T/cache"/*
	export _CONDOR_HTTP_API_SESSION_CACHE_LIFETIME=0
	run token_req GET /api/v1/whoami
	assert_output "HTTP/1.1 200 OK"
	run ls -A "$T/cache"
	assert_output ""
}

@test "real schedd: a token's exp bounds its session" {
	as_pool condor_token_create -identity "$IT_USER@$UID_DOMAIN" \
	    -key POOL -lifetime 60 > "$T/short"
	TOKEN=$(cat "$T/short")
	run token_req GET /api/v1/whoami
	assert_output "HTTP/1.1 200 OK"
	local left
	left=$(printf '%s\n' "$TOKEN" | "$TOOL" show "$T/cache" "$SINFUL" | sed -n 's/^expires_in //p')
	[ "$left" -le 60 ] && [ "$left" -ge 50 ]
}

@test "real schedd: a cache directory others can write is refused, the request still answered" {
	chmod 777 "$T/cache"
	run token_req GET /api/v1/whoami
	assert_output "HTTP/1.1 200 OK"
	run cat "$ERR"
	assert_output --partial "not used: others can write it"
	run ls -A "$T/cache"
	assert_output ""
}

@test "real schedd: a page's second connection resumes the first one's session, cache or no cache" {
	command -v strace >/dev/null || skip "strace is not installed"
	export _CONDOR_HTTP_API_SESSION_CACHE_LIFETIME=0
	printf 'GET /api/v1/jobs?limit=2 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' "$TOKEN" > "$T/req"
	strace -f -s 2000 -e trace=sendto,write -o "$T/st" \
	    "$BIN" --allow-root < "$T/req" > "$OUT" 2> "$ERR"
	run head -n 1 "$OUT"
	assert_output --partial "200 OK"
	[ "$(grep -c 'NewSession' "$T/st")" = 1 ]
	[ "$(grep -c 'UseSession' "$T/st")" = 1 ]
}
