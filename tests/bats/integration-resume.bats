#!/usr/bin/env bats
# integration-resume.bats — the schedd's side of session resumption
# (cedar-protocol.md §5.9, §13 rows 22-23) as a real HTCondor schedd
# plays it and as the test schedd plays it, driven the same way by
# tests/schedd/resume-client: a Sid of the form host:pid:time:n, a
# resumption from another process, SID_NOT_FOUND for an unknown Sid, and
# a close on the first packet for a wrong key.  The real schedd's half
# runs only where HTCondor is installed (condor_master on PATH) and is
# reported as skipped otherwise.

load helpers

POOLSH="$REPO/tests/pool.sh"
CLIENT="${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/resume-client"

setup_file() {
	export IT_SKIP="" POOL=""
	if ! command -v condor_master >/dev/null; then
		IT_SKIP="HTCondor is not installed (condor_master not on PATH)"
		return 0
	fi
	if ! id "$(sh "$POOLSH" user x)" >/dev/null 2>&1; then
		IT_SKIP="running as root needs an unprivileged user for the pool (HTCONDOR_API_IT_USER, default htcondor)"
		return 0
	fi
	POOL=$(mktemp -d /tmp/htcapi-itr.XXXXXX)
	sh "$POOLSH" start "$POOL"
}

teardown_file() {
	if [ -n "${POOL:-}" ]; then
		sh "$POOLSH" stop "$POOL"
	fi
}

setup() {
	T=$BATS_TEST_TMPDIR
	[ -x "$CLIENT" ] || fail "$CLIENT is missing"
}

# resumption ADDRESS-FILE TOKEN-FILE: the same steps against any schedd.
resumption() {
	local addr=$1 token=$2 sid
	run "$CLIENT" "$addr" "$token" "$T/s" new
	assert_success
	assert_output --regexp '^new [^ :]+:[0-9]+:[0-9]+:[0-9]+ [0-9]+$'
	sid=$(head -1 "$T/s")
	run "$CLIENT" "$addr" "$token" "$T/s" resume
	assert_success
	assert_output --regexp "^resumed $sid [0-9]+\$"
	# Row 22: an unknown Sid.
	{ echo "nohost:1:2:3"; sed -n 2p "$T/s"; } > "$T/unknown"
	run "$CLIENT" "$addr" "$token" "$T/unknown" resume
	assert_failure
	assert_output "error no-session: the schedd refused to resume the session (SID_NOT_FOUND)"
	# Row 23: the right Sid, a wrong key.
	{ echo "$sid"; sed -n 2p "$T/s" | tr 0-9a-f 1-9a-f0; } > "$T/wrong"
	run "$CLIENT" "$addr" "$token" "$T/wrong" resume
	assert_failure
	assert_output "error closed: the peer closed the connection"
	# The session itself is unharmed.
	run "$CLIENT" "$addr" "$token" "$T/s" resume
	assert_success
}

@test "a real schedd: resumption, SID_NOT_FOUND, a wrong key closed" {
	[ -z "$IT_SKIP" ] || skip "$IT_SKIP"
	resumption "$POOL/local/spool/.schedd_address" "$POOL/token"
}

@test "the test schedd answers the same steps the same way" {
	head -c 64 /dev/urandom > "$T/pool.key"
	"$MINT" -k "$T/pool.key" -s alice@test.local > "$T/alice"
	start_test_schedd
	resumption "$T/addr" "$T/alice"
}

@test "the demo schedd answers the same steps the same way" {
	local i
	head -c 64 /dev/urandom > "$T/pool.key"
	"$MINT" -k "$T/pool.key" -s alice@demo.local > "$T/alice"
	mkdir "$T/state"
	bg_start "$T/demo.log" "${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/demo-schedd" \
	    -k "$T/pool.key" -a "$T/addr" -s "$T/state" -n 1
	for ((i = 0; i < 300; i++)); do
		[ -s "$T/addr" ] && break
		sleep 0.05
	done
	resumption "$T/addr" "$T/alice"
}
