#!/usr/bin/env bats
# schedd-resume.bats — the test schedd keeps sessions as a 25.14 schedd
# does (cedar-protocol.md §5.9): tests/schedd/resume-client makes one
# with a full handshake and resumes it from another process; the log
# says which connection was which; a forgotten session is answered
# SID_NOT_FOUND (§13 row 22), a wrong key is closed on its first packet
# (row 23), an expired one is not found; sessions live in a private
# directory.

load helpers

CLIENT="${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/resume-client"

setup() {
	T=$BATS_TEST_TMPDIR
	[ -x "$CLIENT" ] || fail "$CLIENT is missing"
	head -c 64 /dev/urandom > "$T/pool.key"
	"$MINT" -k "$T/pool.key" -s alice@test.local > "$T/alice"
	printf 'ClusterId = 5\nProcId = 0\nOwner = "alice"\nJobStatus = 1\n\n' \
	    > "$T/jobs.ads"
}

rc() {
	run "$CLIENT" "$T/addr" "$T/alice" "$T/session" "$@"
}

@test "a session made by one process is resumed by another, and the log says so" {
	start_test_schedd -j "$T/jobs.ads"
	rc new
	assert_success
	assert_output --regexp '^new [^ :]+:[0-9]+:[0-9]+:[0-9]+ 1$'
	sid=$(head -1 "$T/session")
	rc resume
	assert_success
	assert_output "resumed $sid 1"
	rc resume
	assert_success
	run grep -c "^test-schedd: session new $sid\$" "$T/schedd.log"
	assert_output 1
	run grep -c "^test-schedd: session resumed $sid\$" "$T/schedd.log"
	assert_output 2
	run grep -c 'QUERY_JOB_ADS from alice@test.local$' "$T/schedd.log"
	assert_output 3
}

@test "sessions are files of mode 0600 in a directory of mode 0700" {
	start_test_schedd -j "$T/jobs.ads" -S "$T/kept"
	rc new
	assert_success
	run stat -c %a "$T/kept"
	assert_output 700
	sid=$(head -1 "$T/session")
	run stat -c %a "$T/kept/sid-$sid"
	assert_output 600
}

@test "forgotten sessions (a restart) are answered SID_NOT_FOUND, until the marker goes" {
	start_test_schedd -j "$T/jobs.ads"
	rc new
	assert_success
	touch "$T/sessions/forget"
	rc resume
	assert_failure
	assert_output --partial "error no-session"
	assert_output --partial "SID_NOT_FOUND"
	grep -q "handshake failed: session .* not found" "$T/schedd.log"
	rm "$T/sessions/forget"
	rc resume
	assert_success
	rm "$T/sessions"/sid-*
	rc resume
	assert_output --partial "SID_NOT_FOUND"
}

@test "-x forget-sessions: every resumption is answered SID_NOT_FOUND" {
	start_test_schedd -j "$T/jobs.ads" -x forget-sessions
	rc new
	assert_success
	rc resume
	assert_failure
	assert_output --partial "SID_NOT_FOUND"
}

@test "a wrong key: AUTHORIZED, then the schedd closes on the first packet" {
	start_test_schedd -j "$T/jobs.ads"
	rc new
	assert_success
	touch "$T/sessions/wrong-key"
	rc resume
	assert_failure
	refute_output --partial "no-session"
	assert_output --partial "error "
	sid=$(head -1 "$T/session")
	run grep -c "^test-schedd: session resumed $sid\$" "$T/schedd.log"
	assert_output 1
	run grep -c 'QUERY_JOB_ADS from' "$T/schedd.log"
	assert_output 2
	rm "$T/sessions/wrong-key"
	rc resume
	assert_success
}

@test "-x wrong-session-key: every resumption fails on its first packet" {
	start_test_schedd -j "$T/jobs.ads" -x wrong-session-key
	rc new
	assert_success
	rc resume
	assert_failure
	refute_output --partial "no-session"
}

@test "-D and -W: a session expires at SessionDuration + slop" {
	start_test_schedd -j "$T/jobs.ads" -D 1 -W 0
	rc new
	assert_success
	rc resume
	assert_success
	sleep 2.2
	rc resume
	assert_failure
	assert_output --partial "SID_NOT_FOUND"
}

@test "-L: a session idle past its lease is not found" {
	start_test_schedd -j "$T/jobs.ads" -L 1 -W -1
	rc new
	assert_success
	sleep 2.2
	rc resume
	assert_failure
	assert_output --partial "SID_NOT_FOUND"
}
