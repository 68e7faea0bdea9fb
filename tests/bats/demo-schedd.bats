#!/usr/bin/env bats
# demo-schedd.bats — the demo schedd (src/demo/, driven by
# build/tests/demo-schedd) behind htcondor-api --listen: jobs really run
# as local processes (output bytes checked), at most NUM_CPUS at once,
# hold and remove kill the process, a missing executable holds the job,
# and a universe it cannot run is a 400 at submit.

load helpers

DEMO="${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/demo-schedd"

setup() {
	require_bin
	T=$BATS_TEST_TMPDIR
	[ -x "$DEMO" ] || fail "$DEMO is missing"
	head -c 64 /dev/urandom > "$T/pool.key"
	TOKEN=$("$MINT" -k "$T/pool.key" -s alice@demo.local)
	mkdir -p "$T/in"
}

# start_demo NUM_CPUS: the demo schedd and the API.
start_demo() {
	local i
	bg_start "$T/demo.log" "$DEMO" -k "$T/pool.key" -a "$T/addr" \
	    -s "$T/state" -n "$1"
	DEMO_PID=$BG_PID
	for ((i = 0; i < 300; i++)); do
		[ -s "$T/addr" ] && break
		sleep 0.05
	done
	[ -s "$T/addr" ] || fail "demo schedd did not start: $(cat "$T/demo.log")"
	export _CONDOR_SCHEDD_ADDRESS_FILE="$T/addr"
	start_server "$T/api.log" --read-timeout 10
}

API() { echo "http://127.0.0.1:$PORT/api/v1$1"; }

js() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/b" "$1"
}

# submit TEXT: a submit as alice; sets CLUSTER.
submit() {
	local body
	body=$(python3 -c 'import json,sys; print(json.dumps({"submit_file": sys.argv[1]}))' "$1")
	get "$(API /jobs)" -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' --data-binary "$body"
	CLUSTER=$(js 'd.get("cluster_id")' 2>/dev/null)
}

# upload ID FILE...: PUT the files of $T/in as the job's input.
upload() {
	local id=$1
	shift
	tar -C "$T/in" -cf "$T/in.tar" "$@"
	get "$(API "/jobs/$id/input")" -X PUT -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/x-tar' --data-binary "@$T/in.tar"
	[ "$HTTP_CODE" = 200 ] || fail "upload gave $HTTP_CODE: $(cat "$T/b")"
}

# attr ID EXPR: EXPR over the job's ad d.
attr() {
	get "$(API "/jobs/$1")" -H "Authorization: Bearer $TOKEN"
	js "$2"
}

# wait_status ID S: until the job's JobStatus is S (bounded).
wait_status() {
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		[ "$(attr "$1" 'd.get("JobStatus")')" = "$2" ] && return 0
		sleep 0.1
	done
	fail "job $1 did not reach JobStatus $2: $(js "d.get(\"JobStatus\"), d.get(\"HoldReason\")"); $(cat "$T/demo.log")"
}

# wait_file PATH: until PATH exists (bounded).
wait_file() {
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	fail "$1 did not appear"
}

# A job that writes its pid to $T/pid.ARG, then waits for $T/go or
# $T/go.ARG.
sleeper() {
	printf '#!/bin/sh\necho $$ > "%s/pid.$1"\nwhile [ ! -e "%s/go" ] && [ ! -e "%s/go.$1" ]; do sleep 0.1; done\n' \
	    "$T" "$T" "$T" > "$T/in/sleep.sh"
	chmod +x "$T/in/sleep.sh"
}

@test "a spooled job runs: its output and stdout come back, ExitCode and dates are set" {
	start_demo 1
	printf '#!/bin/sh\necho "args: $*"\necho "env: $GREETING"\ntr a-z A-Z < in.txt > result.txt\necho oops >&2\nexit 3\n' > "$T/in/run.sh"
	chmod +x "$T/in/run.sh"
	printf 'hello demo\n' > "$T/in/in.txt"
	submit 'executable = run.sh
arguments = "one '"'"'two three'"'"'"
environment = "GREETING=hi"
transfer_input_files = in.txt
output = out.txt
error = err.txt
queue'
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	upload "$CLUSTER.0" run.sh in.txt
	wait_status "$CLUSTER.0" 4
	run attr "$CLUSTER.0" '(d["ExitCode"], d["ExitBySignal"], d["NumJobStarts"], d["CompletionDate"] >= d["JobStartDate"] > 0, "RemoteWallClockTime" in d)'
	assert_output "(3, False, 1, True, True)"
	get "$(API "/jobs/$CLUSTER.0/stdout")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	assert_equal "$(cat "$T/b")" "args: one two three
env: hi"
	get "$(API "/jobs/$CLUSTER.0/output")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	mkdir "$T/o" && tar -C "$T/o" -xf "$T/b"
	run cat "$T/o/result.txt"
	assert_output "HELLO DEMO"
	run cat "$T/o/err.txt"
	assert_output "oops"
	# Only what the job wrote comes back, as from HTCondor: not the input
	# sandbox it was given, nor its executable.
	run tar -tf "$T/b"
	assert_output $'err.txt\nout.txt\nresult.txt'
	run attr "$CLUSTER.0" 'd.get("SpooledOutputFiles")'
	assert_output "err.txt,out.txt,result.txt"
}

@test "a job that names its outputs (transfer_output_files) gets those back" {
	start_demo 1
	printf '#!/bin/sh
echo a > a.txt
echo b > b.txt
' > "$T/in/run.sh"
	chmod +x "$T/in/run.sh"
	submit 'executable = run.sh
transfer_output_files = b.txt
output = out.txt
queue'
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	upload "$CLUSTER.0" run.sh
	wait_status "$CLUSTER.0" 4
	get "$(API "/jobs/$CLUSTER.0/output")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	run tar -tf "$T/b"
	assert_output $'b.txt\nout.txt'
}

@test "a job's directory stays while the job is in the queue and goes with it to the history" {
	start_demo 1
	printf '#!/bin/sh\necho done > result.txt\n' > "$T/in/run.sh"
	chmod +x "$T/in/run.sh"
	submit 'executable = run.sh
queue'
	upload "$CLUSTER.0" run.sh
	wait_status "$CLUSTER.0" 4
	local dir="$T/state/spool/$CLUSTER/0"
	[ -f "$dir/result.txt" ] || fail "no $dir/result.txt"
	# Completed and left in the queue: the output can still be fetched.
	get "$(API "/jobs/$CLUSTER.0/output")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	mkdir "$T/o" && tar -C "$T/o" -xf "$T/b"
	run cat "$T/o/result.txt"
	assert_output done
	[ -d "$dir" ]
	get "$(API "/jobs/$CLUSTER.0")" -X DELETE -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)) && [ -e "$dir" ]; do
		sleep 0.05
	done
	[ ! -e "$dir" ] || fail "$dir is still there: $(ls -la "$dir")"
	get "$(API "/history/$CLUSTER.0")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
}

@test "the V1 forms: Args split on blanks, Env on its EnvDelim only" {
	start_demo 1
	printf '#!/bin/sh\nfor a; do echo "arg: $a"; done\necho "env: $GREETING|$OTHER"\n' > "$T/in/run.sh"
	chmod +x "$T/in/run.sh"
	submit 'executable = run.sh
arguments = one a\"b  three
env = GREETING=hello world;OTHER=x y
output = out.txt
queue'
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	run attr "$CLUSTER.0" '(d.get("Args"), d.get("Env"))'
	assert_output "('one a\"b three', 'GREETING=hello world;OTHER=x y')"
	upload "$CLUSTER.0" run.sh
	wait_status "$CLUSTER.0" 4
	get "$(API "/jobs/$CLUSTER.0/stdout")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	assert_equal "$(cat "$T/b")" 'arg: one
arg: a"b
arg: three
env: hello world|x y'
}

@test "NUM_CPUS 2: two jobs run at once, the third stays idle until one ends" {
	start_demo 2
	sleeper
	submit 'executable = sleep.sh
arguments = $(Process)
output = out.txt
queue 3'
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	for p in 0 1 2; do upload "$CLUSTER.$p" sleep.sh; done
	wait_status "$CLUSTER.0" 2
	wait_status "$CLUSTER.1" 2
	wait_file "$T/pid.0"
	wait_file "$T/pid.1"
	kill -0 "$(cat "$T/pid.0")"
	kill -0 "$(cat "$T/pid.1")"
	run attr "$CLUSTER.2" 'd["JobStatus"]'
	assert_output 1
	[ ! -e "$T/pid.2" ]
	touch "$T/go.0"
	wait_status "$CLUSTER.0" 4
	wait_status "$CLUSTER.2" 2
	wait_file "$T/pid.2"
	# Still two at once: job 1 runs on beside job 2.
	kill -0 "$(cat "$T/pid.1")"
	kill -0 "$(cat "$T/pid.2")"
	run attr "$CLUSTER.1" 'd["JobStatus"]'
	assert_output 2
	touch "$T/go"
	wait_status "$CLUSTER.1" 4
	wait_status "$CLUSTER.2" 4
}

# A job that writes its pid to $T/pid.ARG, notes a SIGTERM in
# $T/term.ARG and goes on until killed.
stubborn() {
	printf '#!/bin/sh\necho $$ > "%s/pid.$1"\ntrap '"'"'echo term >> "%s/term.$1"'"'"' TERM\nwhile :; do sleep 0.1; done\n' \
	    "$T" "$T" > "$T/in/stubborn.sh"
	chmod +x "$T/in/stubborn.sh"
}

# run_stubborn: one stubborn job, running; sets CLUSTER.
run_stubborn() {
	stubborn
	submit 'executable = stubborn.sh
arguments = 0
queue'
	upload "$CLUSTER.0" stubborn.sh
	wait_status "$CLUSTER.0" 2
	wait_file "$T/pid.0"
}

# gone PID: until process PID has ended (bounded).
gone() {
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)) && kill -0 "$1" 2>/dev/null; do
		sleep 0.05
	done
	! kill -0 "$1" 2>/dev/null || fail "process $1 is still running"
}

@test "hold of a running job: SIGTERM, SIGKILL after the grace, HoldReason kept; release runs it again" {
	start_demo 2
	sleeper
	submit 'executable = sleep.sh
arguments = $(Process)
queue 1'
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	upload "$CLUSTER.0" sleep.sh
	wait_status "$CLUSTER.0" 2
	wait_file "$T/pid.0"
	local pid
	pid=$(cat "$T/pid.0")
	kill -0 "$pid"
	get "$(API "/jobs/$CLUSTER.0/hold")" -X POST -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' --data-binary '{"reason": "wait a bit"}'
	assert_equal "$HTTP_CODE" 200
	wait_status "$CLUSTER.0" 5
	gone "$pid"
	run attr "$CLUSTER.0" '(d["HoldReasonCode"], d["HoldReason"])'
	assert_output --partial "(1, 'wait a bit"
	rm -f "$T/pid.0"
	get "$(API "/jobs/$CLUSTER.0/release")" -X POST -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	wait_status "$CLUSTER.0" 2
	wait_file "$T/pid.0"
	kill -0 "$(cat "$T/pid.0")"
	run attr "$CLUSTER.0" 'd["NumJobStarts"]'
	assert_output 2
}

@test "a job that ignores SIGTERM is killed after the grace, without stalling the schedd" {
	start_demo 1
	run_stubborn
	local pid t0 t1
	pid=$(cat "$T/pid.0")
	t0=$(now_ms)
	get "$(API "/jobs/$CLUSTER.0/hold")" -X POST -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	wait_file "$T/term.0"
	# In the grace the schedd still answers: the query is done while
	# the process still lives.
	get "$(API "/jobs/$CLUSTER.0")" -H "Authorization: Bearer $TOKEN"
	kill -0 "$pid" || fail "the job was killed before the query was answered"
	assert_equal "$HTTP_CODE" 200
	run js 'd["JobStatus"]'
	assert_output 5
	gone "$pid"
	t1=$(now_ms)
	((t1 - t0 >= 1500)) || fail "killed after $((t1 - t0)) ms: no grace"
}

@test "remove of a running job: JobStatus 3 until its process is reaped, then history" {
	start_demo 1
	run_stubborn
	local pid
	pid=$(cat "$T/pid.0")
	get "$(API "/jobs/$CLUSTER.0")" -X DELETE -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	wait_file "$T/term.0"
	kill -0 "$pid"
	run attr "$CLUSTER.0" 'd["JobStatus"]'
	assert_output 3
	gone "$pid"
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		get "$(API "/jobs/$CLUSTER.0")" -H "Authorization: Bearer $TOKEN"
		[ "$HTTP_CODE" = 404 ] && break
		sleep 0.1
	done
	assert_equal "$HTTP_CODE" 404
	[ ! -e "$T/state/spool/$CLUSTER/0" ] || fail "the job's directory is left"
	get "$(API "/history/$CLUSTER.0")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	run js '(d["JobStatus"], d["RemoveReason"], "RemoteWallClockTime" in d)'
	assert_output --partial "(3, 'Via condor_rm"
	assert_output --partial "True)"
}

@test "an action waiting for its client's confirmation does not stop other requests" {
	start_demo 1
	sleeper
	submit 'executable = sleep.sh
arguments = 0
queue'
	upload "$CLUSTER.0" sleep.sh
	wait_status "$CLUSTER.0" 2
	printf '%s\n' "$TOKEN" > "$T/token"
	bg_start "$T/act.out" "${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/slow-act" \
	    "$T/addr" "$T/token" 1 "$CLUSTER.0" 4
	local act=$BG_PID
	wait_grep '^result 1' "$T/act.out" || fail "no result: $(cat "$T/act.out")"
	# While the client has not confirmed, the queue can be read and
	# written: both are answered while slow-act still waits.
	get "$(API "/jobs/$CLUSTER.0")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	submit 'executable = sleep.sh
queue'
	assert_equal "$HTTP_CODE" 201
	kill -0 "$act" || fail "the requests waited for the action: $(cat "$T/act.out")"
	wait_exit "$act" || fail "slow-act did not end"
	run cat "$T/act.out"
	assert_output --partial "committed 1"
	wait_status "$CLUSTER.0" 5
}

@test "an executable that cannot start puts the job on hold with the reason" {
	start_demo 1
	printf 'x\n' > "$T/in/in.txt"
	submit 'executable = /nonexistent/prog
transfer_executable = false
transfer_input_files = in.txt
queue'
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	upload "$CLUSTER.0" in.txt
	wait_status "$CLUSTER.0" 5
	run attr "$CLUSTER.0" '(d["HoldReasonCode"], d["HoldReasonSubCode"], d["HoldReason"])'
	assert_output --partial "(6, 2, \"Error from demo schedd: Failed to execute '/nonexistent/prog'"
}

@test "a scheduler universe submit is a 400 naming the reason" {
	start_demo 1
	printf '#!/bin/sh\n' > "$T/in/x.sh"
	submit 'universe = scheduler
executable = x.sh
queue'
	assert_equal "$HTTP_CODE" 400
	run cat "$T/b"
	assert_output --partial "vanilla universe"
}

@test "SIGTERM stops the demo schedd within a second and leaves no process behind" {
	start_demo 1
	run_stubborn
	local job port kids t0 elapsed k
	job=$(cat "$T/pid.0")
	# A connection that says nothing: its process waits in the handshake.
	port=$(sed -n 's/^<127\.0\.0\.1:\([0-9]*\)>.*/\1/p' "$T/addr")
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	local deadline=$(($(now_ms) + WAIT_SECS * 1000))
	while (($(now_ms) < deadline)); do
		kids=$(children_of "$DEMO_PID")
		(($(echo "$kids" | wc -w) >= 2)) && break
		sleep 0.05
	done
	(($(echo "$kids" | wc -w) >= 2)) || fail "no connection process: $kids"
	t0=$(now_ms)
	kill -TERM "$DEMO_PID"
	wait_exit "$DEMO_PID" 5 || fail "the demo schedd did not exit"
	elapsed=$(($(now_ms) - t0))
	((elapsed < 1500)) || fail "exit took $elapsed ms"
	for k in $kids $job; do
		! kill -0 "$k" 2>/dev/null || fail "process $k is left: $(cat /proc/$k/cmdline | tr '\0' ' ')"
	done
	[ -s "$T/term.0" ] || fail "the job was not sent SIGTERM first"
	[ ! -e "$T/addr" ]
}

# The demo keeps sessions as a schedd does, in STATE/sessions (mode
# 0700), so a client in another process resumes one; a restart forgets
# them (SID_NOT_FOUND, and the client authenticates afresh).
@test "demo schedd: a session is resumed by another process, and forgotten by a restart" {
	local client="${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/resume-client" i
	echo "$TOKEN" > "$T/alice"
	bg_start "$T/demo.log" "$DEMO" -k "$T/pool.key" -a "$T/addr" \
	    -s "$T/state" -n 1
	for ((i = 0; i < 300; i++)); do
		[ -s "$T/addr" ] && break
		sleep 0.05
	done
	run "$client" "$T/addr" "$T/alice" "$T/session" new
	assert_success
	assert_output --regexp '^new [^ :]+:[0-9]+:[0-9]+:[0-9]+ 0$'
	run stat -c %a "$T/state/sessions"
	assert_output 700
	run "$client" "$T/addr" "$T/alice" "$T/session" resume
	assert_success
	assert_output "resumed $(head -1 "$T/session") 0"
	kill "$BG_PID"
	wait "$BG_PID" || true
	rm -f "$T/addr"
	bg_start "$T/demo2.log" "$DEMO" -k "$T/pool.key" -a "$T/addr" \
	    -s "$T/state" -n 1
	for ((i = 0; i < 300; i++)); do
		[ -s "$T/addr" ] && break
		sleep 0.05
	done
	run "$client" "$T/addr" "$T/alice" "$T/session" resume
	assert_failure
	assert_output --partial "SID_NOT_FOUND"
}
