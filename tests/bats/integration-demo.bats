#!/usr/bin/env bats
# integration-demo.bats — `htcondor-api --demo` where HTCondor is
# installed: it must start a real personal HTCondor (not the demo schedd),
# the README's walk-through must pass against it, the demo user's token
# must authenticate, and Ctrl-C must leave no HTCondor process and no
# state directory behind.
#
# Runs only where HTCondor is installed (condor_master on PATH); reported
# as skipped otherwise.  As root the demo runs as $HTCONDOR_API_IT_USER
# (default "htcondor"), as integration.bats's pool does.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	command -v condor_master >/dev/null ||
	    skip "HTCondor is not installed (condor_master not on PATH): the demo against a real personal HTCondor skipped"
	require_bin
	T=$BATS_TEST_TMPDIR
	unset HTCONDOR_BIN
	DEMO_ARGS=()
	if [ "$(id -u)" = 0 ]; then
		local u=${HTCONDOR_API_IT_USER:-htcondor}
		id "$u" >/dev/null 2>&1 ||
		    skip "running as root needs an unprivileged user for the demo (HTCONDOR_API_IT_USER, default htcondor)"
		DEMO_ARGS=(--demo-user "$u")
	fi
	# The state directory goes where the demo user can reach it.
	export TMPDIR=/tmp
}

@test "real HTCondor: --demo starts a personal HTCondor, the walk-through passes, Ctrl-C leaves nothing" {
	local dir pid
	WAIT_SECS=150 start_server "$T/demo.log" "$BIN" --demo --listen "127.0.0.1:@PORT@" "${DEMO_ARGS[@]}"
	WAIT_SECS=150 wait_grep '^  export HTCONDOR_API_TOKEN=' "$T/demo.log" ||
	    fail "no banner: $(cat "$T/demo.log")"
	run grep -F 'schedd: a personal HTCondor' "$T/demo.log"
	assert_success
	dir=$(sed -n 's/^  state:  \(.*\) (removed at exit)$/\1/p' "$T/demo.log")
	[ -d "$dir" ]
	export HTCONDOR_API_URL HTCONDOR_API_TOKEN
	HTCONDOR_API_URL=$(sed -n 's/^  export HTCONDOR_API_URL=//p' "$T/demo.log")
	HTCONDOR_API_TOKEN=$(sed -n 's/^  export HTCONDOR_API_TOKEN=//p' "$T/demo.log")
	get "$HTCONDOR_API_URL/api/v1/whoami" -H "Authorization: Bearer $HTCONDOR_API_TOKEN"
	assert_equal "$HTTP_CODE" 200
	run grep -F '"auth_method": "TOKEN"' "$T/b"
	assert_success
	sed -n '/<!-- demo-walkthrough:begin -->/,/<!-- demo-walkthrough:end -->/p' \
	    "$REPO/README.md" | sed '1,2d;$d' | sed '$d' > "$T/walk.sh"
	run timeout 300 bash -e "$T/walk.sh"
	assert_success
	assert_output --partial 1000
	kill -INT "$SERVER_PID"
	wait_exit "$SERVER_PID" 60
	[ ! -e "$dir" ] || fail "$dir is left"
	run pgrep -f "$dir"
	assert_failure
}
