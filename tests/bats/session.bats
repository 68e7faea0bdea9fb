#!/usr/bin/env bats
# session.bats — sessions resumed across processes (issue 10, item 3)
# against the test schedd, which keeps sessions as a 25.14 schedd does and
# logs "session new SID" or "session resumed SID" per connection: the
# cache's rules end to end through the real binary in every mode
# (inetd with HTTP_API_SESSION_CACHE_DIR, RUNTIME_DIRECTORY, --listen's own
# directory, minted identities), the schedd's three clocks and the
# fallbacks of cedar-protocol.md §13 rows 22-23.  integration-session.bats
# runs the same against a real schedd where HTCondor is installed.

load helpers

TOOL="${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/session-tool"

setup() {
	require_bin
	T=$BATS_TEST_TMPDIR
	head -c 64 /dev/urandom > "$T/pool.key"
	chmod 600 "$T/pool.key"
	sh "$GEN" 3 1 > "$T/jobs.ads"
	TOKEN=$("$MINT" -k "$T/pool.key" -s alice@test.local -e 3600)
	mkdir -m 700 "$T/cache"
	export _CONDOR_HTTP_API_SESSION_CACHE_DIR=$T/cache
	OUT=$T/out ERR=$T/err
}

# How many connections the test schedd served with a new session and with
# a resumed one, as "NEW RESUMED".
sessions() {
	echo "$(grep -c 'session new' "$T/schedd.log") $(grep -c 'session resumed' "$T/schedd.log")"
}

sinful() {
	head -n 1 "$T/addr"
}

@test "a second request with the same token resumes the first one's session; another token does not" {
	start_test_schedd -j "$T/jobs.ads"
	run token_req GET /api/v1/whoami
	assert_output "HTTP/1.1 200 OK"
	assert_equal "$(sessions)" "1 0"
	run token_req GET /api/v1/jobs/1.0
	assert_output "HTTP/1.1 200 OK"
	run token_req DELETE /api/v1/jobs/1.0
	assert_output "HTTP/1.1 200 OK"
	assert_equal "$(sessions)" "1 2"
	run grep -c 'session resumed' "$T/schedd.log"
	# The user comes from the cache entry as the schedd mapped it.
	run token_req GET /api/v1/whoami
	run cat "$OUT"
	assert_output --partial '"user": "alice@test.local"'
	TOKEN=$("$MINT" -k "$T/pool.key" -s bob@test.local -e 3600)
	run token_req GET /api/v1/whoami
	run cat "$OUT"
	assert_output --partial '"user": "bob@test.local"'
	assert_equal "$(sessions)" "2 3"
	run ls "$T/cache"
	assert_equal "${#lines[@]}" 2
}

@test "the cache directory holds no token, and its entries are sealed" {
	start_test_schedd -j "$T/jobs.ads"
	run token_req GET /api/v1/whoami
	local f; f=$(ls "$T/cache")
	run grep -c -a -F -e "${TOKEN%%.*}" -e alice -e "$(sed -n 's/.*session new //p' "$T/schedd.log")" "$T/cache/$f"
	assert_output 0
	run stat -c %a "$T/cache/$f"
	assert_output 600
	assert_equal "$f" "$(printf '%s\n' "$TOKEN" | "$TOOL" name "$(sinful)")"
}

@test "a schedd that forgot the session (row 22, SID_NOT_FOUND) costs a full handshake, not an error" {
	start_test_schedd -j "$T/jobs.ads"
	run token_req GET /api/v1/whoami
	touch "$T/sessions/forget"
	run token_req GET /api/v1/jobs/1.1
	assert_output "HTTP/1.1 200 OK"
	run grep -c 'session .* not found' "$T/schedd.log"
	assert_output 1
	assert_equal "$(sessions)" "2 0"
	rm "$T/sessions/forget"
	run token_req GET /api/v1/jobs/1.1
	assert_equal "$(sessions)" "2 1"
}

@test "a key the schedd does not have (row 23) is carried over to a new session for a query, a submit and an action" {
	start_test_schedd -j "$T/jobs.ads"
	run token_req GET /api/v1/whoami
	touch "$T/sessions/wrong-key"
	run token_req GET /api/v1/jobs/1.2
	assert_output "HTTP/1.1 200 OK"
	run cat "$OUT"
	assert_output --partial '"ProcId": 2'
	run cat "$ERR"
	assert_output --partial "closed a resumed session unanswered"
	run token_req POST /api/v1/jobs '{"submit_file": "executable = /bin/true\nqueue 3\n"}'
	assert_output "HTTP/1.1 201 Created"
	run cat "$OUT"
	assert_output --regexp '"job_ids": \["[0-9]+\.0", "[0-9]+\.1", "[0-9]+\.2"\]'
	run token_req POST /api/v1/jobs/1.0/hold '{"reason": "test"}'
	assert_output "HTTP/1.1 200 OK"
	# Each request: a resumption the schedd dropped, then a new session.
	assert_equal "$(sessions)" "4 3"
	rm "$T/sessions/wrong-key"
}

@test "a tampered, truncated or foreign entry is not used" {
	start_test_schedd -j "$T/jobs.ads"
	run token_req GET /api/v1/whoami
	local f="$T/cache/$(ls "$T/cache")"
	printf 'x' | dd of="$f" bs=1 seek=40 conv=notrunc status=none
	run token_req GET /api/v1/whoami
	assert_output "HTTP/1.1 200 OK"
	assert_equal "$(sessions)" "2 0"
	head -c 20 "$f" > "$f.t" && mv "$f.t" "$f"
	run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "3 0"
	# Bob's entry under alice's name: sealed under bob's key.
	local mine; mine=$(ls "$T/cache")
	local alice=$TOKEN
	TOKEN=$("$MINT" -k "$T/pool.key" -s bob@test.local -e 3600)
	run token_req GET /api/v1/whoami
	local bobs; bobs=$(ls "$T/cache" | grep -v "$mine")
	mv "$T/cache/$bobs" "$T/cache/$mine"
	TOKEN=$alice
	run token_req GET /api/v1/whoami
	run cat "$OUT"
	assert_output --partial '"user": "alice@test.local"'
	assert_equal "$(sessions)" "5 0"
}

@test "the schedd's SessionDuration ends a cached session" {
	start_test_schedd -j "$T/jobs.ads" -D 7 -W -1
	run token_req GET /api/v1/whoami
	run sh -c "printf '%s\n' '$TOKEN' | '$TOOL' show '$T/cache' '$(sinful)'"
	assert_line --regexp '^expires_in [67]$'
	run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "1 1"
	sleep 3	# now inside its last 5 seconds
	run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "2 1"
}

@test "the schedd's SessionLease ends a session left idle" {
	start_test_schedd -j "$T/jobs.ads" -L 7 -W -1
	run token_req GET /api/v1/whoami
	run sh -c "printf '%s\n' '$TOKEN' | '$TOOL' show '$T/cache' '$(sinful)'"
	assert_line "lease 7"
	run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "1 1"
	sleep 3
	run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "2 1"
}

@test "the token's exp ends a cached session" {
	start_test_schedd -j "$T/jobs.ads"
	TOKEN=$("$MINT" -k "$T/pool.key" -s alice@test.local -e 8)
	run token_req GET /api/v1/whoami
	run sh -c "printf '%s\n' '$TOKEN' | '$TOOL' show '$T/cache' '$(sinful)'"
	assert_line --regexp '^expires_in [678]$'
	run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "1 1"
	sleep 4
	run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "2 1"
}

@test "HTTP_API_SESSION_CACHE_LIFETIME ends a cached session; 0 writes no entry" {
	start_test_schedd -j "$T/jobs.ads"
	export _CONDOR_HTTP_API_SESSION_CACHE_LIFETIME=8
	run token_req GET /api/v1/whoami
	run sh -c "printf '%s\n' '$TOKEN' | '$TOOL' show '$T/cache' '$(sinful)'"
	assert_line --regexp '^expires_in [678]$'
	sleep 4
	run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "2 0"
	rm -f "$T/cache"/*
	export _CONDOR_HTTP_API_SESSION_CACHE_LIFETIME=0
	run token_req GET /api/v1/whoami
	assert_output "HTTP/1.1 200 OK"
	run ls -A "$T/cache"
	assert_output ""
}

@test "a cache directory others or its group can write is refused; the request is still answered" {
	start_test_schedd -j "$T/jobs.ads"
	for mode in 777 770 1777; do
		chmod "$mode" "$T/cache"
		run token_req GET /api/v1/whoami
		assert_output "HTTP/1.1 200 OK"
		run cat "$ERR"
		assert_output --partial "not used: others can write it"
		run ls -A "$T/cache"
		assert_output ""
	done
	chmod 700 "$T/cache"
	ln -s "$T/cache" "$T/link"
	_CONDOR_HTTP_API_SESSION_CACHE_DIR=$T/link run token_req GET /api/v1/whoami
	run cat "$ERR"
	assert_output --partial "not used"
}

@test "a page's second connection resumes the first one's session, without a cache directory" {
	sh "$GEN" 200 1 > "$T/many.ads"
	start_test_schedd -j "$T/many.ads"
	export _CONDOR_HTTP_API_SESSION_CACHE_LIFETIME=0
	run token_req GET '/api/v1/jobs?limit=5'
	assert_output "HTTP/1.1 200 OK"
	local n; n=$(grep -c 'session new' "$T/schedd.log")
	assert_equal "$n" 1
	[ "$(grep -c 'session resumed' "$T/schedd.log")" -ge 1 ]
}

@test "systemd's RUNTIME_DIRECTORY is the cache when none is configured" {
	start_test_schedd -j "$T/jobs.ads"
	unset _CONDOR_HTTP_API_SESSION_CACHE_DIR
	mkdir -m 700 "$T/run"
	RUNTIME_DIRECTORY=$T/run run token_req GET /api/v1/whoami
	RUNTIME_DIRECTORY=$T/run run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "1 1"
	run ls "$T/run"
	assert_equal "${#lines[@]}" 1
	# Plain inetd without either keeps nothing between processes.
	run token_req GET /api/v1/whoami
	run token_req GET /api/v1/whoami
	assert_equal "$(sessions)" "3 1"
}

@test "--listen makes its own private cache directory and removes it when it stops" {
	start_test_schedd -j "$T/jobs.ads"
	unset _CONDOR_HTTP_API_SESSION_CACHE_DIR
	mkdir "$T/tmp"
	TMPDIR=$T/tmp start_server "$T/api.log"
	local i
	for i in 1 2 3; do
		get "http://127.0.0.1:$PORT/api/v1/jobs/1.0" -H "Authorization: Bearer $TOKEN"
		assert_equal "$HTTP_CODE" 200
	done
	assert_equal "$(sessions)" "1 2"
	run find "$T/tmp" -mindepth 1 -maxdepth 1 -type d -name 'htcondor-api-sessions.*' -perm 700
	assert_equal "${#lines[@]}" 1
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 10
	run ls -A "$T/tmp"
	assert_output ""
}

@test "a front end's users each get their own cached session, although every minted token differs" {
	export _CONDOR_UID_DOMAIN=test.local _CONDOR_TRUST_DOMAIN=test.local
	export _CONDOR_HTTP_API_SIGNING_KEY="$T/pool.key"
	export _CONDOR_HTTP_API_USER_HEADER_TRUSTED_PROXIES=127.0.0.1
	start_test_schedd -j "$T/jobs.ads"
	start_server "$T/api.log" --user-header X-Remote-User
	get "http://127.0.0.1:$PORT/api/v1/whoami" -H "X-Remote-User: carol"
	get "http://127.0.0.1:$PORT/api/v1/whoami" -H "X-Remote-User: carol"
	assert_equal "$HTTP_CODE" 200
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial '"user": "carol@test.local"'
	assert_equal "$(sessions)" "1 1"
	get "http://127.0.0.1:$PORT/api/v1/whoami" -H "X-Remote-User: dave"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial '"user": "dave@test.local"'
	assert_equal "$(sessions)" "2 1"
}
