#!/usr/bin/env bats
# schedd-sandbox.bats — the test schedd's SPOOL_JOB_FILES_WITH_PERMS and
# TRANSFER_DATA_WITH_PERMS through the schedd client (schedd_spool,
# schedd_transfer) driven by tests/schedd/sandbox-client, without HTTP:
# files land in <spool>/<C>/<P>/ and the job is released; a failure
# after the ids removes the job; output comes back byte for byte, with
# directories, and StageOutFinish only after a final 1.

load helpers

CLIENT="${HTCONDOR_API_TESTBIN:-$REPO/build/tests}/sandbox-client"

setup() {
	T=$BATS_TEST_TMPDIR
	[ -x "$CLIENT" ] || fail "$CLIENT is missing"
	head -c 64 /dev/urandom > "$T/pool.key"
	"$MINT" -k "$T/pool.key" -s alice@test.local > "$T/alice"
	"$MINT" -k "$T/pool.key" -s bob@test.local > "$T/bob"
	{
		printf 'ClusterId = 5\nProcId = 0\nOwner = "alice"\n'
		printf 'JobStatus = 5\nHoldReasonCode = 16\nJobUniverse = 5\n'
		printf 'HoldReason = "Spooling input data files"\n\n'
		printf 'ClusterId = 6\nProcId = 0\nOwner = "alice"\n'
		printf 'JobStatus = 4\nJobUniverse = 5\n\n'
		printf 'ClusterId = 7\nProcId = 0\nOwner = "bob"\n'
		printf 'JobStatus = 4\nJobUniverse = 5\n\n'
	} > "$T/jobs.ads"
	head -c 300000 /dev/urandom > "$T/a.bin"
	: > "$T/empty"
}

sbx() {
	run "$CLIENT" "$T/addr" "$@"
}

@test "spool: files land in the job's spool directory and the job is released" {
	start_test_schedd -j "$T/jobs.ads"
	sbx "$T/bob" spool 5.0 "$T/a.bin"
	assert_failure
	assert_output --partial "status 502"
	[ ! -e "$T/spool/5/0" ]
	sbx "$T/alice" spool 5.0 "$T/a.bin" "$T/empty"
	assert_success
	cmp "$T/a.bin" "$T/spool/5/0/a.bin"
	[ -f "$T/spool/5/0/empty" ] && [ ! -s "$T/spool/5/0/empty" ]
	grep -q 'spool: 1 job(s) spooled' "$T/schedd.log"
	# Released: a second spool finds no job waiting for input.
	sbx "$T/alice" spool 5.0 "$T/a.bin"
	assert_failure
	grep -q 'is not the caller' "$T/schedd.log"
}

@test "spool: a connection dropped mid-transfer removes the job" {
	start_test_schedd -j "$T/jobs.ads" -x fail-spool-after:100000
	sbx "$T/alice" spool 5.0 "$T/a.bin"
	assert_failure
	assert_output --partial "started 1"
	grep -q 'spool: 1 job(s) removed' "$T/schedd.log"
	[ ! -e "$T/spool/5/0" ]
	[ -z "$(ls "$T/spool/5")" ]
}

@test "spool: a failed acknowledgement removes the job" {
	start_test_schedd -j "$T/jobs.ads" -x fail-spool-ack
	sbx "$T/alice" spool 5.0 "$T/a.bin"
	assert_failure
	assert_output --partial "test schedd fails the spool"
	grep -q 'spool: 1 job(s) removed' "$T/schedd.log"
}

@test "transfer: output with directories, only the caller's jobs, final answer" {
	start_test_schedd -j "$T/jobs.ads"
	mkdir -p "$T/spool/6/0/sub/deeper" "$T/spool/7/0" "$T/out"
	cp "$T/a.bin" "$T/spool/6/0/out"
	: > "$T/spool/6/0/sub/e"
	head -c 1048577 /dev/urandom > "$T/spool/6/0/sub/deeper/big"
	echo secret > "$T/spool/7/0/bobs"
	sbx "$T/alice" fetch 'ClusterId == 7' "$T/out"
	assert_failure
	assert_output --partial "status 404"
	sbx "$T/alice" fetch 'ClusterId == 6' "$T/out"
	assert_success
	assert_output "6.0
out 300000
sub/ 0
sub/deeper/ 0
sub/deeper/big 1048577
sub/e 0"
	cmp "$T/spool/6/0/sub/deeper/big" "$T/out/6.0/sub/deeper/big"
	cmp "$T/a.bin" "$T/out/6.0/out"
	grep -q 'final answer 0' "$T/schedd.log"
	# Repeatable, and finished on request.
	sbx "$T/alice" fetch 'ClusterId == 6' "$T/out" finish
	assert_success
	grep -q 'final answer 1' "$T/schedd.log"
}

@test "transfer: a schedd that drops the connection mid-file is a 502" {
	start_test_schedd -j "$T/jobs.ads" -x fail-transfer-after:65536
	mkdir -p "$T/spool/6/0" "$T/out"
	cp "$T/a.bin" "$T/spool/6/0/out"
	sbx "$T/alice" fetch 'ClusterId == 6' "$T/out"
	assert_failure
	assert_output --partial "status 502"
}

@test "commit of a job held for spooling: Iwd moves to its spool directory, input names become basenames" {
	start_test_schedd -j "$T/jobs.ads"
	start_server "$T/api.log" --read-timeout 10
	local text
	text=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' $'executable = /bin/cat\ninput = /data/in.txt\ntransfer_input_files = /x/a.txt, sub/b.txt, http://h/c\nqueue\n')
	get "http://127.0.0.1:$PORT/api/v1/jobs" -X POST \
	    -H "Authorization: Bearer $(cat "$T/alice")" \
	    -H 'Content-Type: application/json' \
	    --data-binary "{\"submit_file\": $text, \"workdir\": \"/tmp/w\", \"spool\": true}"
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	get "http://127.0.0.1:$PORT/api/v1/jobs/8.0?projection=Iwd,SUBMIT_Iwd,Cmd,In,TransferInput,SUBMIT_TransferInput" \
	    -H "Authorization: Bearer $(cat "$T/alice")"
	run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["Iwd"], d["SUBMIT_Iwd"], d["Cmd"], d["In"], d["TransferInput"], sep="|")' "$T/b"
	assert_output "$T/spool/8/0|/tmp/w|cat|in.txt|a.txt,b.txt,http://h/c"
}
