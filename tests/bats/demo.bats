#!/usr/bin/env bats
# demo.bats — `htcondor-api --demo` with the demo schedd (HTCONDOR_BIN
# names no folder, so a machine with HTCondor tests the demo schedd too):
# it starts and stops cleanly as root and as an ordinary user (no process
# left, state directory removed, or kept with its queue by --demo-dir); as
# root everything it runs is nobody; the README's walk-through and the two
# examples (examples/walkthrough.sh, examples/client.py) pass against it;
# jobs run concurrently up to NUM_CPUS; a busy port and bad flags fail.

load helpers

setup() {
	require_bin
	T=$BATS_TEST_TMPDIR
	# The demo's TMPDIR (and the jobs' working folders): bats' own
	# folders are private to root, and the demo may run as nobody.
	DT=$(mktemp -d /tmp/demo-bats.XXXXXX)
	chmod 1777 "$DT"
	TOKEN="" URL="" STATE=""
}

teardown() {
	local p
	close_clients
	bg_cleanup
	# A demo that failed to stop its jobs must not leave them running:
	# they work in folders under $DT.
	for p in $(cwd_under "$DT" | sed 's|^/proc/\([0-9]*\)/.*|\1|'); do
		kill -KILL "$p" 2> /dev/null || true
	done
	rm -rf "$DT"
}

# Root tests an ordinary user's demo as the user dev: skip when there is
# no such user, or no setpriv to become it.
need_dev() {
	id dev > /dev/null 2>&1 || skip "no user dev on this machine"
	command -v setpriv > /dev/null || skip "setpriv (util-linux) is missing"
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "not root: the demo does not drop privileges"
}

# start_demo [ENV=VALUE...] [-- PREFIX...] [-- ARGS...]: start
# "$BIN --demo --listen 127.0.0.1:PORT ARGS" in the background with the
# demo schedd, TMPDIR=$DT and the ENV given, behind PREFIX (e.g. setpriv),
# and wait for the banner's token line.  Sets PORT, DEMO_PID, URL, TOKEN,
# STATE; the output (banner and log) is $T/demo.log.
start_demo() {
	local -a envs=(HTCONDOR_BIN=/nonexistent "TMPDIR=$DT") prefix=() args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do prefix+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	args=("$@")
	PORT=$(free_port)
	: > "$T/demo.log"
	bg_start "$T/demo.log" env "${envs[@]}" "${prefix[@]}" \
	    "$BIN" --demo --listen "127.0.0.1:$PORT" "${args[@]}"
	DEMO_PID=$BG_PID
	if ! wait_grep '^  export HTCONDOR_API_TOKEN=' "$T/demo.log"; then
		fail "the demo did not print its banner: $(cat "$T/demo.log")"
	fi
	URL=$(sed -n 's/^  export HTCONDOR_API_URL=//p' "$T/demo.log")
	TOKEN=$(sed -n 's/^  export HTCONDOR_API_TOKEN=//p' "$T/demo.log")
	STATE=$(sed -n 's/^  state:  \(.*\) (\(removed\|kept\) at exit)$/\1/p' \
	    "$T/demo.log")
	[ "$URL" = "http://127.0.0.1:$PORT" ] || fail "banner URL '$URL'"
	[ -n "$TOKEN" ] || fail "no token in the banner"
	[ -d "$STATE" ] || fail "state dir '$STATE' of the banner is missing"
	wait_listen "$PORT" "$DEMO_PID" || fail "the demo does not listen"
}

# stop_demo SIGNAL: send SIGNAL to the demo (its pid only, as a terminal's
# Ctrl-C or a service manager would) and wait for it; DEMO_RC is its exit
# status.
stop_demo() {
	kill -s "$1" "$DEMO_PID"
	wait_exit "$DEMO_PID" 20 || fail "the demo did not stop on SIG$1"
	DEMO_RC=0
	wait "$DEMO_PID" || DEMO_RC=$?
}

# The pids of PID and of all its descendants: one pass over /proc in bash
# itself (no process per entry: the machine may be busy).
family() {
	local -A kids=()
	local f stat pid ppid
	local -a todo=("$1")
	for f in /proc/[0-9]*/stat; do
		{ read -r stat < "$f"; } 2> /dev/null || continue
		pid=${stat%% *}
		set -- ${stat##*) }
		kids[$2]+=" $pid"
	done
	while [ ${#todo[@]} -gt 0 ]; do
		pid=${todo[0]}
		todo=("${todo[@]:1}")
		echo "$pid"
		todo+=(${kids[$pid]:-})
	done
}

# The process group of PID.
pgid_of() {
	local stat
	{ read -r stat < "/proc/$1/stat"; } 2> /dev/null || return 1
	set -- ${stat##*) }
	echo "$3"
}

# live_in PIDS GROUPS: "pid user cmd" of every live process (zombies
# aside) that is one of PIDS or in one of the process groups GROUPS
# (space-separated lists).
live_in() {
	local pids=" $1 " groups=" $2 " f stat pid state pgid
	for f in /proc/[0-9]*/stat; do
		{ read -r stat < "$f"; } 2> /dev/null || continue
		pid=${stat%% *}
		set -- ${stat##*) }
		state=$1 pgid=$3
		[ "$state" = Z ] && continue
		if [[ $pids == *" $pid "* || $groups == *" $pgid "* ]]; then
			echo "$pid $(stat -c %U "/proc/$pid") $(tr '\0' ' ' < "/proc/$pid/cmdline")"
		fi
	done
	return 0
}

# Processes whose working folder is under DIR (the state folder): one
# find over /proc (no process per entry).
cwd_under() {
	find /proc/[0-9]*/cwd -maxdepth 0 -printf '%p %l\n' 2> /dev/null |
	    awk -v d="$1" '{ l = substr($0, index($0, " ") + 1) }
		l == d || l == d " (deleted)" || index(l, d "/") == 1'
	return 0
}

# api METHOD PATH [curl args]: a request with the demo's token; HTTP_CODE,
# body in $T/b.
api() {
	local method=$1 path=$2
	shift 2
	get "$URL/api/v1$path" -X "$method" -H "Authorization: Bearer $TOKEN" "$@"
}

# submit JSON: POST /jobs; sets JOB (the first job id).
submit() {
	api POST /jobs -H 'Content-Type: application/json' --data-binary "$1"
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	JOB=$(sed -n 's/.*"job_ids": \["\([0-9.]*\)".*/\1/p' "$T/b")
}

# A JSON string of the text on stdin.
json_string() {
	python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'
}

# wait_job ID STATUS: until job ID has JobStatus STATUS (bounded).
wait_job() {
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		api GET "/jobs/$1?projection=JobStatus,HoldReason"
		grep -q "\"JobStatus\": $2\b" "$T/b" && return 0
		sleep 0.1
	done
	fail "job $1 did not reach JobStatus $2: $(cat "$T/b")"
}

# A job that records its pid in $DT/w/job.pid and sleeps: started with
# spool false in a folder the job's user can write.
submit_sleeper() {
	mkdir -p "$DT/w"
	chmod 777 "$DT/w"
	printf '#!/bin/sh\necho $$ > "$1/job.pid"\nexec sleep 300\n' > "$DT/w/sleeper.sh"
	chmod 755 "$DT/w/sleeper.sh"
	submit "{\"submit_file\": $(printf 'executable = sleeper.sh\narguments = %s\ntransfer_executable = false\nqueue\n' "$DT/w" | json_string), \"spool\": false, \"workdir\": \"$DT/w\"}"
	wait_file "$DT/w/job.pid"
	JOB_PID=$(cat "$DT/w/job.pid")
	kill -0 "$JOB_PID" || fail "the job's process $JOB_PID is not running"
}

wait_file() {
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	fail "$1 did not appear: $(cat "$T/demo.log")"
}

# check_clean_stop SIGNAL USER: with a job running, stop the demo with
# SIGNAL: exit status 0, no process of it left (by pid and by process
# group: the API, the demo schedd and the job each have their own), none
# working in the state folder, and the state folder removed.  USER is the
# one everything ran as.
check_clean_stop() {
	local sig=$1 user=$2 pids groups p g
	submit_sleeper
	pids=$(family "$DEMO_PID" | tr '\n' ' ')
	groups=""
	for p in $pids; do
		g=$(pgid_of "$p") && groups="$groups $g"
	done
	# What is checked below must have been seen running first: the API,
	# the demo schedd and the job, as USER.
	[[ " $pids " == *" $JOB_PID "* ]] || fail "job $JOB_PID not among $pids"
	run live_in "$pids" "$groups"
	assert_line --regexp "^$DEMO_PID $user "
	assert_line --regexp "^$JOB_PID $user sleep 300"
	[ "${#lines[@]}" -ge 3 ] || fail "fewer than 3 processes: $output"
	run cwd_under "$STATE"
	assert_line --regexp "^/proc/$JOB_PID/cwd $STATE/"

	stop_demo "$sig"
	[ "$DEMO_RC" = 0 ] || fail "exit status $DEMO_RC on SIG$sig: $(cat "$T/demo.log")"
	run live_in "$pids" "$groups"
	assert_output ''
	run cwd_under "$STATE"
	assert_output ''
	[ ! -e "$STATE" ] || fail "state dir $STATE is left: $(ls -la "$STATE")"
	run ls -A "$DT"
	refute_line --regexp '^htcondor-api-demo'
}

@test "as root: SIGTERM stops the API, the demo schedd and a running job (all nobody) and removes the state dir" {
	need_root
	start_demo
	grep -q '^  user:   nobody@demo.local$' "$T/demo.log" ||
	    fail "banner: $(cat "$T/demo.log")"
	check_clean_stop TERM nobody
}

@test "as root: SIGINT (Ctrl-C) stops everything and removes the state dir" {
	need_root
	start_demo
	check_clean_stop INT nobody
}

@test "as an ordinary user: SIGTERM and SIGINT stop everything and remove the state dir" {
	# As root, as the user dev; otherwise as whoever runs the tests.
	local user prefix=""
	if [ "$(id -u)" = 0 ]; then
		need_dev
		user=dev prefix="setpriv --reuid=dev --regid=dev --init-groups"
	else
		user=$(id -un)
	fi
	start_demo -- $prefix
	grep -q "^  user:   $user@demo.local\$" "$T/demo.log" ||
	    fail "banner: $(cat "$T/demo.log")"
	check_clean_stop TERM "$user"
	rm -f "$DT/w/job.pid"
	start_demo -- $prefix
	check_clean_stop INT "$user"
}

@test "--demo-dir keeps the state dir, and a job submitted in the first run is in the queue after a restart" {
	local keep=$DT/keep
	start_demo -- -- --demo-dir "$keep"
	[ "$STATE" = "$keep" ] || fail "state $STATE, not $keep"
	grep -q "(kept at exit)" "$T/demo.log" || fail "$(cat "$T/demo.log")"
	# Spooled and waiting for its input: it stays held in the queue.
	submit '{"submit_file": "executable = /bin/true\ntransfer_executable = false\nqueue\n"}'
	[ "$JOB" = 1.0 ] || fail "job id $JOB"
	stop_demo TERM
	[ "$DEMO_RC" = 0 ] || fail "exit status $DEMO_RC"
	[ -d "$keep" ] || fail "$keep was removed"

	start_demo -- -- --demo-dir "$keep"
	api GET "/jobs/1.0?projection=ClusterId,JobStatus,HoldReasonCode"
	[ "$HTTP_CODE" = 200 ] || fail "after a restart: $HTTP_CODE $(cat "$T/b")"
	run cat "$T/b"
	assert_output --partial '"JobStatus": 5'
	assert_output --partial '"HoldReasonCode": 16'
	# A new job gets the next cluster id, not 1 again.
	submit '{"submit_file": "executable = /bin/true\ntransfer_executable = false\nqueue\n"}'
	[ "$JOB" = 2.0 ] || fail "job id $JOB after a restart"
	stop_demo TERM
	[ -d "$keep" ] || fail "$keep was removed"
}

@test "as root: the API, the demo schedd and the jobs run as nobody" {
	need_root
	local p u
	start_demo
	for p in $(family "$DEMO_PID"); do
		u=$(stat -c %U "/proc/$p" 2> /dev/null) || continue
		[ "$u" = nobody ] || fail "process $p runs as $u: $(tr '\0' ' ' < "/proc/$p/cmdline")"
	done
	[ "$(family "$DEMO_PID" | wc -l)" -ge 2 ] || fail "no demo schedd"
	[ "$(stat -c %U "$STATE")" = nobody ] || fail "state dir owner"
	# A job that says who it is; its stdout read through the API.
	printf 'executable = /usr/bin/id\narguments = -un\ntransfer_executable = false\noutput = out.txt\nqueue\n' > "$T/id.sub"
	api POST /jobs -F "submit_file=<$T/id.sub" -F 'options={"spool": true}'
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	wait_job 1.0 4
	api GET /jobs/1.0/stdout
	[ "$HTTP_CODE" = 200 ] || fail "stdout: $HTTP_CODE $(cat "$T/b")"
	run cat "$T/b"
	assert_output nobody
}

@test "the README's walk-through passes against the demo" {
	sed -n '/^<!-- demo-walkthrough:begin -->$/,/^<!-- demo-walkthrough:end -->$/p' \
	    "$REPO/README.md" | sed '/^<!--/d; /^```/d' > "$T/walkthrough.sh"
	grep -q 'curl' "$T/walkthrough.sh" || fail "no walk-through in README.md"
	start_demo
	run env HTCONDOR_API_URL="$URL" HTCONDOR_API_TOKEN="$TOKEN" \
	    TMPDIR="$DT" timeout 60 bash -e "$T/walkthrough.sh"
	assert_success
	assert_line 1000
	assert_output --partial '"ExitCode": 0'
	assert_output --partial '"JobStatus": 4'
}

@test "examples/walkthrough.sh passes against the demo, and fails clearly without a token or on a bad one" {
	start_demo
	run env HTCONDOR_API_URL="$URL" HTCONDOR_API_TOKEN="$TOKEN" \
	    TMPDIR="$DT" WAIT_SECS=30 timeout 60 "$EXAMPLES/walkthrough.sh"
	assert_success
	assert_line 'count.txt: 1000'
	assert_output --partial '"ExitCode": 0'
	run env -u HTCONDOR_API_TOKEN HTCONDOR_API_URL="$URL" TMPDIR="$DT" \
	    "$EXAMPLES/walkthrough.sh"
	assert_failure 2
	assert_output --partial 'HTCONDOR_API_TOKEN is not set'
	run env HTCONDOR_API_URL="$URL" HTCONDOR_API_TOKEN=x.y.z TMPDIR="$DT" \
	    "$EXAMPLES/walkthrough.sh"
	assert_failure 1
	assert_output --partial 'submit: HTTP 401: {"error": "Unauthorized"'
	# Its temporary folders are gone.
	run ls -A "$DT"
	refute_output --partial walkthrough.
}

@test "examples/client.py passes against the demo, and reports the API's JSON error" {
	/usr/bin/python3 -c 'import requests' 2> /dev/null ||
	    skip "python3-requests is not installed for /usr/bin/python3 (tools/install-deps.sh installs it)"
	start_demo
	run env HTCONDOR_API_URL="$URL" HTCONDOR_API_TOKEN="$TOKEN" \
	    TMPDIR="$DT" WAIT_SECS=30 timeout 60 "$EXAMPLES/client.py"
	assert_success
	assert_line 'count.txt: 1000'
	assert_output --partial "'ExitCode': 0"
	run env HTCONDOR_API_URL="$URL" HTCONDOR_API_TOKEN=x.y.z TMPDIR="$DT" \
	    "$EXAMPLES/client.py"
	assert_failure 1
	assert_output --regexp '^client.py: HTTP 401 Unauthorized: .+'
	run ls -A "$DT"
	refute_output --partial client.
}

@test "_CONDOR_NUM_CPUS=2: of 3 jobs at most 2 run at once, 2 do, and all 3 complete" {
	local w=$DT/c i max=0 n s e
	mkdir -p "$w"
	chmod 777 "$w"
	# Each job writes its start and end times (ms) and sleeps 2 s.
	printf '#!/bin/sh\nt=$(date +%%s%%3N); echo "$t" > "$1/start.$2"\nsleep 2\necho "$(date +%%s%%3N)" > "$1/end.$2"\n' > "$w/job.sh"
	chmod 755 "$w/job.sh"
	start_demo _CONDOR_NUM_CPUS=2
	grep -q '2 at once' "$T/demo.log" || fail "banner: $(cat "$T/demo.log")"
	submit "{\"submit_file\": $(printf 'executable = job.sh\narguments = %s $(Process)\ntransfer_executable = false\nqueue 3\n' "$w" | json_string), \"spool\": false, \"workdir\": \"$w\"}"
	# Watch the queue until all three have left it (spool false: a
	# completed job goes to the history).
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		api GET "/jobs?projection=JobStatus"
		[ "$HTTP_CODE" = 200 ] || fail "list: $HTTP_CODE $(cat "$T/b")"
		n=$(grep -o '"JobStatus": 2' "$T/b" | wc -l)
		((n > max)) && max=$n
		grep -q '"JobStatus"' "$T/b" || break
		sleep 0.1
	done
	(($(now_ms) < deadline)) || fail "the jobs did not complete: $(cat "$T/b")"
	((max <= 2)) || fail "$max jobs ran at once (JobStatus 2)"
	# From the jobs' own clocks: at most 2 and at least 2 at once.
	for i in 0 1 2; do
		[ -s "$w/start.$i" ] && [ -s "$w/end.$i" ] || fail "job $i did not run"
	done
	run awk '
		FILENAME ~ /start/ { ev[++n] = $1 " 1" } FILENAME ~ /end/ { ev[++n] = $1 " -1" }
		END { for (i = 1; i <= n; i++) print ev[i] }' "$w"/start.* "$w"/end.*
	n=0 max=0
	while read -r s e; do
		n=$((n + e))
		((n > max)) && max=$n
	done < <(printf '%s\n' "$output" | sort -k1,1n -k2,2n)
	[ "$max" = 2 ] || fail "$max jobs overlapped in time, not 2: $output"
	for i in 0 1 2; do
		api GET "/history/1.$i?projection=ExitCode,JobStatus"
		[ "$HTTP_CODE" = 200 ] || fail "history of 1.$i: $HTTP_CODE $(cat "$T/b")"
		grep -q '"ExitCode": 0' "$T/b" || fail "1.$i: $(cat "$T/b")"
	done
}

@test "a busy port: --demo exits 1 and leaves no state dir" {
	start_server "$T/busy.log"
	run env HTCONDOR_BIN=/nonexistent TMPDIR="$DT" timeout 20 \
	    "$BIN" --demo --listen "127.0.0.1:$PORT"
	assert_failure 1
	refute_output --partial 'export HTCONDOR_API_TOKEN'
	run ls -A "$DT"
	assert_output ''
	# The other server still answers.
	port_listening "$PORT" || fail "the server on $PORT is gone"
}

@test "--demo-user without root is refused, and nothing is started" {
	local -a as_user=()
	if [ "$(id -u)" = 0 ]; then
		need_dev
		as_user=(setpriv --reuid=dev --regid=dev --init-groups)
	fi
	run timeout 20 "${as_user[@]}" env TMPDIR="$DT" \
	    HTCONDOR_BIN=/nonexistent "$BIN" --demo --demo-user nobody \
	    --listen "127.0.0.1:$(free_port)"
	assert_failure 1
	assert_output --partial -- '--demo-user needs root'
	refute_output --partial 'export HTCONDOR_API_TOKEN'
	run ls -A "$DT"
	assert_output ''
}

@test "--demo-dir or --demo-user without --demo is a usage error (2)" {
	run "$BIN" --demo-dir "$DT/x"
	assert_failure 2
	assert_output --partial 'need --demo'
	[ ! -e "$DT/x" ] || fail "--demo-dir without --demo made $DT/x"
	run "$BIN" --demo-user nobody
	assert_failure 2
	assert_output --partial 'need --demo'
}
