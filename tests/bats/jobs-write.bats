#!/usr/bin/env bats
# jobs-write.bats — the write routes end to end: curl -> htcondor-api
# --listen -> CEDAR -> the test schedd's ACT_ON_JOBS, QMGMT and
# QUERY_SCHEDD_HISTORY: remove, hold and release (one job, a cluster, by
# constraint), PATCH edits (one job, a cluster, by constraint), history,
# mine=true, and each error status.
#
# The queue (gen-jobs.sh 25 3): cluster 1 (procs 0-8) and cluster 3
# (procs 0-6) are alice's, cluster 2 (procs 0-8) is bob's; JobStatus 2
# for 1.0, 1.5, 2.1, 2.6, 3.2 and 1 for the others.  The history file
# holds 100.0 (alice), 101.0 (bob), 102.0 (alice), oldest first.  A job
# removed through the API leaves the queue for the history at once, as an
# idle job does on a real schedd.

load helpers

setup() {
	require_bin
	T=$BATS_TEST_TMPDIR
	head -c 64 /dev/urandom > "$T/pool.key"
	sh "$GEN" 25 3 > "$T/jobs.ads"
	local c o d
	for c in "100 alice 1795000100" "101 bob 1795000200" \
	    "102 alice 1795000300"; do
		set -- $c
		printf 'ClusterId = %s\nProcId = 0\nOwner = "%s"\n' "$1" "$2"
		printf 'User = "%s@test.local"\nJobStatus = 4\n' "$2"
		printf 'CompletionDate = %s\nExitCode = 0\n' "$3"
		printf 'Cmd = "/bin/true"\nClaimId = "secret-claim-%s"\n\n' "$1"
	done > "$T/history.ads"
	TOKEN=$("$MINT" -k "$T/pool.key" -s alice@test.local)
	BOB=$("$MINT" -k "$T/pool.key" -s bob@test.local)
}

# start_schedd [ARGS...]: the test schedd on an ephemeral port with the
# jobs and the history; ARGS are added (-x FAULT, -r REQUIREMENT ...).
start_schedd() {
	start_test_schedd -j "$T/jobs.ads" -H "$T/history.ads" "$@"
}

start_api() {
	start_server "$T/api.log" --read-timeout 10 "$@"
}

start_both() {
	start_schedd "$@"
	start_api
}

# req METHOD PATH [BODY [TOKEN]]: METHOD on PATH, with BODY as JSON when
# it is not empty, as alice (or the holder of TOKEN).
req() {
	local method=$1 path=$2 body=${3-} tok=${4:-$TOKEN}
	local -a a=(-X "$method" -H "Authorization: Bearer $tok")
	[ -z "$body" ] || a+=(-H 'Content-Type: application/json' --data-binary "$body")
	get "http://127.0.0.1:$PORT$path" "${a[@]}"
}

# api PATH [TOKEN]: GET PATH as alice (or the holder of TOKEN).
api() {
	req GET "$1" "" "${2:-$TOKEN}"
}

# js EXPR: the Python expression EXPR over the last body, parsed as d.
js() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/b" "$1"
}

# The "results" counts of the last body as "total success not_found
# permission_denied bad_status already_done error".
counts() {
	js '" ".join(str(d["results"][k]) for k in ("total", "success", "not_found", "permission_denied", "bad_status", "already_done", "error"))'
}

# jobattr C.P NAME: the JSON value of NAME in job C.P (None when absent).
jobattr() {
	api "/api/v1/jobs/$1"
	[ "$HTTP_CODE" = 200 ] || fail "GET /api/v1/jobs/$1 gave $HTTP_CODE"
	js "json.dumps(d.get('$2'))"
}

# The ids "C.P" of the jobs of the last body, in its order.
ids() {
	js '" ".join("%d.%d" % (j["ClusterId"], j["ProcId"]) for j in d["jobs"])'
}

# The same, sorted (a page is a set of ids, streamed in the schedd's
# order).
sorted_ids() {
	js '" ".join("%d.%d" % x for x in sorted((j["ClusterId"], j["ProcId"]) for j in d["jobs"]))'
}

# --- remove, hold, release: one job --------------------------------------

@test "DELETE a job: 200 with the counts; it moves to the history with the reason" {
	start_both
	req DELETE /api/v1/jobs/1.1 '{"reason": "no longer needed"}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["job_id"]'
	assert_output 1.1
	run counts
	assert_output "1 1 0 0 0 0 0"
	api /api/v1/jobs/1.1
	[ "$HTTP_CODE" = 404 ]
	api '/api/v1/history/1.1?projection=JobStatus,RemoveReason,Owner'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["JobStatus"], d["RemoveReason"], d["Owner"]'
	assert_output "(3, 'no longer needed (by user alice)', 'alice')"
	run grep -c 'ACT_ON_JOBS from alice@test.local' "$T/schedd.log"
	assert_output 1
	run grep -c 'act 3: committed' "$T/schedd.log"
	assert_output 1
}

@test "DELETE without a reason: the schedd's default reason" {
	start_both
	req DELETE /api/v1/jobs/1.2
	[ "$HTTP_CODE" = 200 ]
	api '/api/v1/history/1.2?projection=RemoveReason'
	run js 'd["RemoveReason"]'
	assert_output "Via condor_rm (by user alice)"
}

@test "DELETE a missing job is 404; a second DELETE of the same job is 404" {
	start_both
	req DELETE /api/v1/jobs/1.99
	[ "$HTTP_CODE" = 404 ]
	assert_error_json 404 "Not Found"
	req DELETE /api/v1/jobs/1.3
	[ "$HTTP_CODE" = 200 ]
	# The job left the queue: the schedd says "not found" (code 2).
	req DELETE /api/v1/jobs/1.3
	[ "$HTTP_CODE" = 404 ]
	run grep -o '"message": "[^"]*"' "$T/b"
	assert_output '"message": "job 1.3 not found"'
	run grep -c 'not found 1,' "$T/schedd.log"
	assert_output 2
}

@test "DELETE another owner's job is 403 and changes nothing; its owner may" {
	start_both
	req DELETE /api/v1/jobs/2.3
	[ "$HTTP_CODE" = 403 ]
	assert_error_json 403 Forbidden
	run grep -c 'act 3: committed' "$T/schedd.log"
	assert_output 0
	run jobattr 2.3 JobStatus
	assert_output 1
	req DELETE /api/v1/jobs/2.3 "" "$BOB"
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "1 1 0 0 0 0 0"
	run grep -c 'ACT_ON_JOBS from bob@test.local' "$T/schedd.log"
	assert_output 1
}

@test "hold with a reason: the job shows JobStatus 5, HoldReason and HoldReasonCode" {
	start_both
	req POST /api/v1/jobs/1.2/hold '{"reason": "disk quota"}'
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "1 1 0 0 0 0 0"
	api '/api/v1/jobs/1.2?projection=JobStatus,HoldReason,HoldReasonCode'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["JobStatus"], d["HoldReason"], d["HoldReasonCode"]'
	assert_output "(5, 'disk quota (by user alice)', 1)"
	# Nothing else changed.
	run jobattr 1.3 JobStatus
	assert_output 1
}

@test "holding a held job is 409; releasing makes it idle; releasing again is 409" {
	start_both
	req POST /api/v1/jobs/1.4/hold
	[ "$HTTP_CODE" = 200 ]
	req POST /api/v1/jobs/1.4/hold '{"reason": "again"}'
	[ "$HTTP_CODE" = 409 ]
	assert_error_json 409 Conflict
	run jobattr 1.4 HoldReason
	assert_output '"Via condor_hold (by user alice)"'
	req POST /api/v1/jobs/1.4/release '{"reason": "fixed"}'
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "1 1 0 0 0 0 0"
	run jobattr 1.4 JobStatus
	assert_output 1
	run jobattr 1.4 HoldReason
	assert_output null
	req POST /api/v1/jobs/1.4/release
	[ "$HTTP_CODE" = 409 ]
	run grep -c 'message": "job 1.4 cannot be released in its current state"' "$T/b"
	assert_output 1
}

@test "releasing a job that is not held is 409; a missing one 404; another owner's 403" {
	start_both
	req POST /api/v1/jobs/3.1/release
	[ "$HTTP_CODE" = 409 ]
	req POST /api/v1/jobs/3.99/release
	[ "$HTTP_CODE" = 404 ]
	req POST /api/v1/jobs/2.2/hold '{"reason": "mine now"}'
	[ "$HTTP_CODE" = 403 ]
	run jobattr 2.2 JobStatus
	assert_output 1
}

@test "a hold reason must be a string of at most 1024 bytes" {
	start_both
	req POST /api/v1/jobs/1.2/hold '{"reason": 5}'
	[ "$HTTP_CODE" = 400 ]
	req POST /api/v1/jobs/1.2/hold "{\"reason\": \"$(printf 'x%.0s' {1..1025})\"}"
	[ "$HTTP_CODE" = 400 ]
	run grep -c 'ACT_ON_JOBS' "$T/schedd.log"
	assert_output 0
	run jobattr 1.2 JobStatus
	assert_output 1
}

@test "an action body that is not JSON is 400, and nothing is done" {
	start_both
	get "http://127.0.0.1:$PORT/api/v1/jobs/1.2/hold" -X POST \
	    -H "Authorization: Bearer $TOKEN" -d 'reason=x'
	[ "$HTTP_CODE" = 400 ]
	req POST /api/v1/jobs/1.2/hold '{"reason": '
	[ "$HTTP_CODE" = 400 ]
	run grep -c 'ACT_ON_JOBS' "$T/schedd.log"
	assert_output 0
}

@test "a JSON body is read whatever its Content-Type (curl -d sends form data)" {
	start_both
	local u="http://127.0.0.1:$PORT" a="Authorization: Bearer $TOKEN"
	get "$u/api/v1/jobs/1.2/hold" -X POST -H "$a" -d '{"reason": "by curl -d"}'
	[ "$HTTP_CODE" = 200 ] || fail "hold gave $HTTP_CODE: $(cat "$T/b")"
	run jobattr 1.2 HoldReason
	assert_output '"by curl -d (by user alice)"'
	get "$u/api/v1/jobs/1.2" -X PATCH -H "$a" -H 'Content-Type: text/plain' \
	    --data-binary '{"Tag": "plain"}'
	[ "$HTTP_CODE" = 200 ] || fail "PATCH gave $HTTP_CODE: $(cat "$T/b")"
	# No Content-Type at all.
	get "$u/api/v1/jobs/release" -X POST -H "$a" -H 'Content-Type:' \
	    --data-binary '{"constraint": "ClusterId == 1 && ProcId == 2"}'
	[ "$HTTP_CODE" = 200 ] || fail "bulk release gave $HTTP_CODE: $(cat "$T/b")"
	get "$u/api/v1/jobs" -X POST -H "$a" \
	    --data-binary "$(python3 -c 'import json; print(json.dumps({"submit_file": "executable = /bin/true\nqueue\n"}))')"
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	api '/api/v1/jobs/1.2?projection=JobStatus,Tag'
	run js 'd'
	assert_output "{'JobStatus': 1, 'Tag': 'plain'}"
}

# --- a cluster -----------------------------------------------------------

@test "remove, hold, release and edit answers carry a \"message\" sentence" {
	start_both
	req POST /api/v1/jobs/1.2/hold '{"reason": "x"}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["message"]'
	assert_output "job 1.2 held"
	req POST /api/v1/jobs/1.2/release
	run js 'd["message"]'
	assert_output "job 1.2 released"
	req POST /api/v1/jobs/3/hold
	run js 'd["message"]'
	assert_output "7 of 7 jobs of cluster 3 held"
	req POST /api/v1/jobs/hold '{"constraint": "ClusterId != 3 && ProcId == 4"}'
	run js 'd["message"]'
	assert_output "1 of 2 matching jobs held"
	req DELETE /api/v1/jobs/1.3
	run js 'd["message"]'
	assert_output "job 1.3 removed"
	req PATCH /api/v1/jobs/1.4 '{"attributes": {"JobPrio": 1, "Tag": "x"}}'
	run js 'd["message"]'
	assert_output "job 1.4: 2 attributes set"
	req PATCH /api/v1/jobs '{"constraint": "ProcId == 5", "attributes": {"Tag": "y"}}'
	run js 'd["message"]'
	assert_output "2 of 3 matching jobs edited"
}

@test "a cluster id holds, releases and removes every job of the cluster" {
	start_both
	req POST /api/v1/jobs/3/hold '{"reason": "whole cluster"}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["job_id"]'
	assert_output 3
	run counts
	assert_output "7 7 0 0 0 0 0"
	api '/api/v1/jobs/3?projection=ClusterId,ProcId,JobStatus&limit=*'
	run js 'sorted(set(j["JobStatus"] for j in d["jobs"])), len(d["jobs"])'
	assert_output "([5], 7)"
	# Cluster 1 is untouched.
	run jobattr 1.1 JobStatus
	assert_output 1
	req POST /api/v1/jobs/3/release
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "7 7 0 0 0 0 0"
	req DELETE /api/v1/jobs/3
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "7 7 0 0 0 0 0"
	api '/api/v1/jobs/3?limit=*'
	[ "$HTTP_CODE" = 200 ]
	run js 'len(d["jobs"])'
	assert_output 0
	api '/api/v1/history?constraint=ClusterId%20%3D%3D%203&projection=ClusterId,ProcId&limit=*'
	run js 'len(d["jobs"])'
	assert_output 7
	req DELETE /api/v1/jobs/3
	[ "$HTTP_CODE" = 404 ]
}

@test "a cluster of another owner: 200 with every job refused, nothing changed" {
	start_both
	req POST /api/v1/jobs/2/hold
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "9 0 0 9 0 0 0"
	api '/api/v1/jobs/2?projection=JobStatus&limit=*'
	run js 'sorted(set(j["JobStatus"] for j in d["jobs"]))'
	assert_output "[1, 2]"
}

# --- by constraint -------------------------------------------------------

@test "bulk hold, release, remove: counts, with other owners' jobs refused" {
	start_both
	req POST /api/v1/jobs/hold '{"constraint": "ProcId == 6", "reason": "bulk"}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["constraint"]'
	assert_output "ProcId == 6"
	run counts
	assert_output "3 2 0 1 0 0 0"
	run jobattr 1.6 HoldReason
	assert_output '"bulk (by user alice)"'
	run jobattr 2.6 JobStatus
	assert_output 2
	# Only held jobs match a release; bob's 2.6 is not held.
	req POST /api/v1/jobs/release '{"constraint": "ProcId == 6"}'
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "2 2 0 0 0 0 0"
	run jobattr 3.6 JobStatus
	assert_output 1
	req DELETE /api/v1/jobs '{"constraint": "ProcId == 6", "reason": "bulk rm"}'
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "3 2 0 1 0 0 0"
	api /api/v1/jobs/1.6
	[ "$HTTP_CODE" = 404 ]
	run jobattr 2.6 JobStatus
	assert_output 2
}

@test "bulk actions: 404 when no job matched, also when all are in the wrong state" {
	start_both
	req DELETE /api/v1/jobs '{"constraint": "ClusterId == 999"}'
	[ "$HTTP_CODE" = 404 ]
	assert_error_json 404 "Not Found"
	req POST /api/v1/jobs/hold '{"constraint": "ClusterId == 999"}'
	[ "$HTTP_CODE" = 404 ]
	# No job is held: a release matches nothing.
	req POST /api/v1/jobs/release '{"constraint": "true"}'
	[ "$HTTP_CODE" = 404 ]
	run grep -c 'ACT_ON_JOBS from alice' "$T/schedd.log"
	assert_output 3
}

@test "bulk actions: a missing or unparseable constraint is 400 before the schedd" {
	start_both
	for body in '{}' '{"reason": "x"}' '{"constraint": ""}' '{"constraint": "  "}' \
	    '{"constraint": "ProcId =="}' '{"constraint": "(("}' '{"constraint": 5}' \
	    '{"constraint": "true", "mine": "yes"}'; do
		req DELETE /api/v1/jobs "$body"
		[ "$HTTP_CODE" = 400 ] || fail "$body gave $HTTP_CODE"
		run js 'd["error"], d["code"]'
		assert_output "('Bad Request', 400)"
	done
	req POST /api/v1/jobs/hold '{"constraint": "ProcId =="}'
	[ "$HTTP_CODE" = 400 ]
	run grep -c 'does not parse' "$T/b"
	assert_output 1
	run grep -c 'ACT_ON_JOBS' "$T/schedd.log"
	assert_output 0
}

@test "bulk actions: no body is 400, form data 400, bad JSON 400, too big 413" {
	start_schedd
	start_api --max-body 512
	get "http://127.0.0.1:$PORT/api/v1/jobs" -X DELETE -H "Authorization: Bearer $TOKEN"
	[ "$HTTP_CODE" = 400 ]
	get "http://127.0.0.1:$PORT/api/v1/jobs" -X DELETE \
	    -H "Authorization: Bearer $TOKEN" -d 'constraint=true'
	[ "$HTTP_CODE" = 400 ]
	assert_error_json 400 "Bad Request"
	req POST /api/v1/jobs/release '{"constraint": "true",}'
	[ "$HTTP_CODE" = 400 ]
	run grep -c 'not valid JSON' "$T/b"
	assert_output 1
	req POST /api/v1/jobs/hold '["constraint", "true"]'
	[ "$HTTP_CODE" = 400 ]
	req POST /api/v1/jobs/hold "{\"constraint\": \"true\", \"reason\": \"$(printf 'x%.0s' {1..600})\"}"
	[ "$HTTP_CODE" = 413 ]
	run grep -c 'ACT_ON_JOBS' "$T/schedd.log"
	assert_output 0
	run jobattr 1.1 JobStatus
	assert_output 1
}

@test "mine: true with constraint true leaves other owners' jobs untouched" {
	start_both
	req DELETE /api/v1/jobs '{"constraint": "true", "mine": true}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["constraint"]'
	assert_output '(User == "alice@test.local") && (true)'
	run counts
	assert_output "16 16 0 0 0 0 0"
	api '/api/v1/jobs?mine=false&limit=*&projection=Owner'
	run js 'sorted(set(j["Owner"] for j in d["jobs"])), len(d["jobs"])'
	assert_output "(['bob'], 9)"
	req POST /api/v1/jobs/hold '{"constraint": "true", "mine": true}' "$BOB"
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "9 9 0 0 0 0 0"
}

@test "without mine, constraint true is refused job by job for other owners" {
	start_both
	req POST /api/v1/jobs/hold '{"constraint": "true"}'
	[ "$HTTP_CODE" = 200 ]
	run counts
	assert_output "25 16 0 9 0 0 0"
	api '/api/v1/jobs/2?projection=JobStatus&limit=*'
	run js '5 in [j["JobStatus"] for j in d["jobs"]]'
	assert_output False
}

@test "GET /api/v1/jobs?mine=true lists only the caller's jobs" {
	start_both
	api '/api/v1/jobs?mine=true&limit=*&projection=ClusterId,ProcId,Owner'
	[ "$HTTP_CODE" = 200 ]
	run js 'sorted(set(j["Owner"] for j in d["jobs"])), len(d["jobs"])'
	assert_output "(['alice'], 16)"
	api '/api/v1/jobs?mine=true&limit=*&projection=Owner' "$BOB"
	run js 'sorted(set(j["Owner"] for j in d["jobs"])), len(d["jobs"])'
	assert_output "(['bob'], 9)"
	api '/api/v1/jobs?mine=false&limit=*&projection=Owner'
	run js 'len(d["jobs"])'
	assert_output 25
	api '/api/v1/jobs?mine=yes'
	[ "$HTTP_CODE" = 400 ]
	# Paged, and combined with a constraint.
	api '/api/v1/jobs?mine=true&limit=5&constraint=JobStatus%20%3D%3D%202&projection=ClusterId,ProcId'
	run sorted_ids
	assert_output "1.0 1.5 3.2"
}

@test "GET /api/v1/jobs lists the caller's own jobs by default; owned_by_me is mine's alias" {
	start_both
	api '/api/v1/jobs?limit=*&projection=Owner'
	[ "$HTTP_CODE" = 200 ]
	run js 'sorted(set(j["Owner"] for j in d["jobs"])), len(d["jobs"])'
	assert_output "(['alice'], 16)"
	api '/api/v1/jobs?limit=*&projection=Owner' "$BOB"
	run js 'sorted(set(j["Owner"] for j in d["jobs"])), len(d["jobs"])'
	assert_output "(['bob'], 9)"
	api '/api/v1/jobs?owned_by_me=false&limit=*&projection=Owner'
	run js 'len(d["jobs"])'
	assert_output 25
	api '/api/v1/jobs?owned_by_me=true&mine=true&limit=*&projection=Owner'
	[ "$HTTP_CODE" = 200 ]
	run js 'len(d["jobs"])'
	assert_output 16
	api '/api/v1/jobs?owned_by_me=true&mine=false'
	[ "$HTTP_CODE" = 400 ]
	run js 'd["message"]'
	assert_output "mine and owned_by_me disagree"
	api '/api/v1/jobs?owned_by_me=1'
	[ "$HTTP_CODE" = 400 ]
	# Not where a path names the jobs: another owner's cluster lists.
	api '/api/v1/jobs/2?limit=*&projection=Owner'
	run js 'sorted(set(j["Owner"] for j in d["jobs"])), len(d["jobs"])'
	assert_output "(['bob'], 9)"
	# Nor on history, whose default stays every owner's records.
	api '/api/v1/history?projection=Owner'
	run js 'len(d["jobs"])'
	assert_output 3
	api '/api/v1/history?owned_by_me=true&projection=Owner'
	run js 'len(d["jobs"])'
	assert_output 2
}

# --- PATCH one job -------------------------------------------------------

@test "PATCH every value kind and read the values back in their JSON forms" {
	start_both
	req PATCH /api/v1/jobs/1.3 '{"attributes": {"S": "say \"hi\" \\ now", "I": 42, "Neg": -7, "R": 2.5, "B": true, "F": false, "N": null, "E": {"expr": "RequestMemory * 2"}, "L": {"expr": "{1, \"a\"}"}, "U": "ünï €", "NL": "a\nb"}}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["job_id"], d["edited"]'
	assert_output "('1.3', ['S', 'I', 'Neg', 'R', 'B', 'F', 'N', 'E', 'L', 'U', 'NL'])"
	api '/api/v1/jobs/1.3?projection=S,I,Neg,R,B,F,N,E,L,U,NL'
	[ "$HTTP_CODE" = 200 ]
	run js 'd == {"S": "say \"hi\" \\ now", "I": 42, "Neg": -7, "R": 2.5, "B": True, "F": False, "N": None, "E": "/Expr(RequestMemory * 2)/", "L": [1, "a"], "U": "ünï €", "NL": "a\nb"}'
	assert_output True
	# Integral numbers are integers, others reals, in the JSON text too.
	run grep -E '"I": 42,|"R": 2.5,' "$T/b"
	assert_success
	run grep -c '"I": 42.0' "$T/b"
	assert_output 0
	# The PATCH, and the GET's GetJobAd: one transaction committed.
	run grep -c 'QMGMT_WRITE_CMD from alice@test.local' "$T/schedd.log"
	assert_output 2
	run grep -c 'CommitTransaction -> 0' "$T/schedd.log"
	assert_output 1
}

@test "PATCH replaces a value, and null makes it undefined" {
	start_both
	req PATCH /api/v1/jobs/1.3 '{"attributes": {"RequestMemory": 512, "Args": null}}'
	[ "$HTTP_CODE" = 200 ]
	api '/api/v1/jobs/1.3?projection=RequestMemory,Args'
	run js 'd'
	assert_output "{'Args': None, 'RequestMemory': 512}"
}

@test "JobPrio is editable by the owner" {
	start_both
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"JobPrio": 10}}'
	[ "$HTTP_CODE" = 200 ]
	run jobattr 1.2 JobPrio
	assert_output 10
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"JobPrio": -5}}'
	[ "$HTTP_CODE" = 200 ]
	run jobattr 1.2 JobPrio
	assert_output -5
}

@test "PATCH takes the reference server's flat body as well as {\"attributes\": ...}" {
	start_both
	req PATCH /api/v1/jobs/1.2 '{"JobPrio": 10, "Tag": "flat"}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["job_id"], d["edited"]'
	assert_output "('1.2', ['JobPrio', 'Tag'])"
	api '/api/v1/jobs/1.2?projection=JobPrio,Tag'
	run js 'd'
	assert_output "{'JobPrio': 10, 'Tag': 'flat'}"
	# A cluster too; an empty flat body is 400.
	req PATCH /api/v1/jobs/3 '{"Tag": "c3"}'
	[ "$HTTP_CODE" = 200 ]
	api '/api/v1/jobs/3?projection=Tag&limit=*'
	run js 'sorted(set(j["Tag"] for j in d["jobs"]))'
	assert_output "['c3']"
	req PATCH /api/v1/jobs/1.2 '{}'
	[ "$HTTP_CODE" = 400 ]
	# Bulk PATCH keeps "attributes": its body also holds the constraint.
	req PATCH /api/v1/jobs '{"constraint": "ProcId == 1", "JobPrio": 3}'
	[ "$HTTP_CODE" = 400 ]
}

@test "PATCH: a JSON string for a number or expression attribute is 400 saying to send a number or {\"expr\"}" {
	start_both
	# By name: what the negotiator and the schedd read as numbers or
	# expressions (a later reference server client sends "256").
	for a in RequestMemory request_disk JobPrio Requirements Rank \
	    PeriodicRemove OnExitHold MaxJobRetirementTime JobLeaseDuration; do
		req PATCH /api/v1/jobs/1.2 "{\"$a\": \"256\"}"
		[ "$HTTP_CODE" = 400 ] || fail "$a gave $HTTP_CODE"
		run js 'd["message"]'
		assert_output "$a: its value is a number or an expression, so a JSON string would be stored as a ClassAd string; send a number (256, not \"256\") or {\"expr\": \"<ClassAd expression>\"}"
	done
	run grep -c 'QUERY_JOB_ADS\|QMGMT' "$T/schedd.log"
	assert_output 0
	# By the job's current value: ImageSize is a number in job 1.2, and
	# in every job a bulk edit matches.
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"ImageSize": "1000"}}'
	[ "$HTTP_CODE" = 400 ]
	run js 'd["message"]'
	assert_output --partial "ImageSize: the job's value of it is not a string"
	req PATCH /api/v1/jobs/3 '{"ImageSize": "1000"}'
	[ "$HTTP_CODE" = 400 ]
	req PATCH /api/v1/jobs '{"constraint": "ProcId == 1", "attributes": {"ImageSize": "1000"}}'
	[ "$HTTP_CODE" = 400 ]
	run grep -c 'QMGMT' "$T/schedd.log"
	assert_output 0
	run jobattr 1.2 ImageSize
	assert_output 1002
	# The ways that work: a number, an expression, a string where the
	# job has a string or nothing.
	req PATCH /api/v1/jobs/1.2 '{"RequestMemory": 256, "Requirements": {"expr": "true"}, "Args": "5", "Tag": "t"}'
	[ "$HTTP_CODE" = 200 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	run jobattr 1.2 RequestMemory
	assert_output 256
}

@test "PATCH of ClusterId, Owner, ProcId, JobUniverse, User is 403 naming the attribute" {
	start_both
	for a in ClusterId Owner ProcId JobUniverse User; do
		req PATCH /api/v1/jobs/1.2 "{\"attributes\": {\"$a\": 7}}"
		[ "$HTTP_CODE" = 403 ] || fail "$a gave $HTTP_CODE"
		assert_error_json 403 Forbidden
		run grep -c "set $a of job 1.2" "$T/b"
		assert_output 1
	done
	api '/api/v1/jobs/1.2?projection=ClusterId,ProcId,Owner,JobUniverse,User'
	run js 'd["ClusterId"], d["ProcId"], d["Owner"], d["JobUniverse"], d["User"]'
	assert_output "(1, 2, 'alice', 5, 'alice@test.local')"
	run grep -c 'CommitTransaction' "$T/schedd.log"
	assert_output 0
}

@test "PATCH another owner's job is 403 naming the attribute; a missing job is 404" {
	start_both
	req PATCH /api/v1/jobs/2.3 '{"attributes": {"JobPrio": 1}}'
	[ "$HTTP_CODE" = 403 ]
	run grep -c 'set JobPrio of job 2.3' "$T/b"
	assert_output 1
	run jobattr 2.3 JobPrio
	assert_output 0
	req PATCH /api/v1/jobs/1.99 '{"attributes": {"JobPrio": 1}}'
	[ "$HTTP_CODE" = 404 ]
	assert_error_json 404 "Not Found"
	req PATCH /api/v1/jobs/77.0 '{"attributes": {"JobPrio": 1}}'
	[ "$HTTP_CODE" = 404 ]
	# bob may edit his own job.
	req PATCH /api/v1/jobs/2.3 '{"attributes": {"JobPrio": 3}}' "$BOB"
	[ "$HTTP_CODE" = 200 ]
	run jobattr 2.3 JobPrio
	assert_output 3
}

@test "PATCH refuses bad requests with 400 before the schedd is asked" {
	start_both
	for body in \
	    '{"attributes": {"A": {"expr": "((("}}}' \
	    '{"attributes": {"A": {"expr": "1 +"}}}' \
	    '{"attributes": {"A": 1e16}}' \
	    '{"attributes": {"A": -1e300}}' \
	    '{"attributes": {"1A": 1}}' \
	    '{"attributes": {"A-B": 1}}' \
	    '{"attributes": {"": 1}}' \
	    '{"attributes": {}}' \
	    '{"attributes": []}' \
	    '{"attributes": {"A": [1, 2]}}' \
	    '{"attributes": {"A": {"value": "x"}}}' \
	    '{"attributes": {"A": {"expr": 5}}}' \
	    '{"attributes": 5, "JobPrio": 5}' \
	    '{}'; do
		req PATCH /api/v1/jobs/1.2 "$body"
		[ "$HTTP_CODE" = 400 ] || fail "$body gave $HTTP_CODE"
		run js 'd["error"], d["code"]'
		assert_output "('Bad Request', 400)"
	done
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"A": {"expr": "((("}}}'
	run grep -c 'A: expression does not parse: offset' "$T/b"
	assert_output 1
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"A": 1e16}}'
	run grep -c 'A: number too large' "$T/b"
	assert_output 1
	run grep -c 'QMGMT' "$T/schedd.log"
	assert_output 0
}

@test "PATCH: a number just beyond 2^53 is 400, not silently rounded" {
	start_both
	# 2^53 + 1 reads as the double 2^53: it cannot be carried exactly.
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"Big": 9007199254740993}}'
	[ "$HTTP_CODE" = 400 ] || fail "2^53+1 gave $HTTP_CODE, Big is now $(jobattr 1.2 Big)"
	run jobattr 1.2 Big
	assert_output null
	# 2^53 - 1 is exact, and the way to write more is an expression.
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"Big": 9007199254740991, "Bigger": {"expr": "9007199254740993"}}}'
	[ "$HTTP_CODE" = 200 ]
	run jobattr 1.2 Big
	assert_output 9007199254740991
	run jobattr 1.2 Bigger
	assert_output 9007199254740993
}

@test "PATCH body errors: 400 for form data and bad JSON, 413 over --max-body" {
	start_schedd
	start_api --max-body 256
	get "http://127.0.0.1:$PORT/api/v1/jobs/1.2" -X PATCH \
	    -H "Authorization: Bearer $TOKEN" -d 'A=1'
	[ "$HTTP_CODE" = 400 ]
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"A": 1}'
	[ "$HTTP_CODE" = 400 ]
	req PATCH /api/v1/jobs/1.2 "{\"attributes\": {\"A\": \"$(printf 'y%.0s' {1..300})\"}}"
	[ "$HTTP_CODE" = 413 ]
	assert_error_json 413 "Content Too Large"
	get "http://127.0.0.1:$PORT/api/v1/jobs/1.2" -X PATCH -H "Authorization: Bearer $TOKEN"
	[ "$HTTP_CODE" = 400 ]
	run grep -c 'QMGMT' "$T/schedd.log"
	assert_output 0
}

@test "PATCH is one transaction: a refused second attribute leaves the first unchanged" {
	start_both
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"A": 1, "JobPrio": 9, "ClusterId": 5}}'
	[ "$HTTP_CODE" = 403 ]
	run grep -c 'set ClusterId of job 1.2' "$T/b"
	assert_output 1
	# The first two were accepted by the schedd, then thrown away.
	run grep -c 'SetAttribute 1.2 A = 1 -> 0' "$T/schedd.log"
	assert_output 1
	run grep -c 'uncommitted changes discarded' "$T/schedd.log"
	assert_output 1
	run grep -c 'CommitTransaction' "$T/schedd.log"
	assert_output 0
	run jobattr 1.2 A
	assert_output null
	run jobattr 1.2 JobPrio
	assert_output 0
}

@test "a commit the schedd refuses (submit requirement) is 400 with its reason; nothing changes" {
	start_both -r 'RequestMemory < 1000000' -R 'RequestMemory must stay below 1000000'
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"Note": "x", "RequestMemory": 2000000}}'
	[ "$HTTP_CODE" = 400 ]
	assert_error_json 400 "Bad Request"
	run grep -c 'RequestMemory must stay below 1000000' "$T/b"
	assert_output 1
	run jobattr 1.2 RequestMemory
	assert_output 128
	run jobattr 1.2 Note
	assert_output null
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"Note": "y", "RequestMemory": 4096}}'
	[ "$HTTP_CODE" = 200 ]
	run jobattr 1.2 RequestMemory
	assert_output 4096
}

@test "a connection dropped before the commit is an error and changes nothing" {
	start_both -x drop-before-commit
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"Note": "lost", "JobPrio": 4}}'
	[ "$HTTP_CODE" = 502 ]
	assert_error_json 502 "Bad Gateway"
	run grep -c 'CommitTransaction: dropped' "$T/schedd.log"
	assert_output 1
	run jobattr 1.2 Note
	assert_output null
	run jobattr 1.2 JobPrio
	assert_output 0
}

@test "PATCH a cluster edits every job of it; another owner's cluster is 404" {
	start_both
	req PATCH /api/v1/jobs/3 '{"attributes": {"Tag": "c3"}}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["job_id"], d["edited"]'
	assert_output "('3', ['Tag'])"
	api '/api/v1/jobs/3?projection=Tag&limit=*'
	run js 'sorted(set(j.get("Tag") for j in d["jobs"])), len(d["jobs"])'
	assert_output "(['c3'], 7)"
	run jobattr 1.0 Tag
	assert_output null
	# By constraint with OnlyMyJobs: none of alice's jobs is in cluster
	# 2, so the schedd says ENOENT and the API "not found".
	req PATCH /api/v1/jobs/2 '{"attributes": {"Tag": "c2"}}'
	[ "$HTTP_CODE" = 404 ]
	run grep -c 'flags 0x10 -> -1' "$T/schedd.log"
	assert_output 1
	api '/api/v1/jobs/2?projection=Tag&limit=*' "$BOB"
	run js 'set(j.get("Tag") for j in d["jobs"])'
	assert_output "{None}"
	req PATCH /api/v1/jobs/3 '{"attributes": {"Owner": "bob"}}'
	[ "$HTTP_CODE" = 403 ]
}

# --- PATCH by constraint -------------------------------------------------

@test "bulk PATCH: matched, edited, and a failed entry for another owner's job" {
	start_both
	req PATCH /api/v1/jobs '{"constraint": "ProcId == 4", "attributes": {"Bulk": "x", "JobPrio": 2}}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["constraint"], d["matched"], d["edited"]'
	assert_output "('ProcId == 4', 3, 2)"
	run js 'sorted((f["job_id"], f["attribute"], f["reason"]) for f in d["failed"])'
	assert_output "[('2.4', 'Bulk', 'permission denied'), ('2.4', 'JobPrio', 'permission denied')]"
	run jobattr 1.4 Bulk
	assert_output '"x"'
	run jobattr 3.4 JobPrio
	assert_output 2
	run jobattr 2.4 Bulk
	assert_output null
	run grep -c 'QUERY_JOB_ADS from alice@test.local' "$T/schedd.log"
	[ "$output" -ge 1 ]
}

@test "bulk PATCH with mine matches only the caller's jobs" {
	start_both
	req PATCH /api/v1/jobs '{"constraint": "ProcId == 4", "attributes": {"Bulk": "y"}, "mine": true}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["constraint"], d["matched"], d["edited"], d["failed"]'
	assert_output "('(User == \"alice@test.local\") && (ProcId == 4)', 2, 2, [])"
	run jobattr 2.4 Bulk
	assert_output null
}

@test "bulk PATCH: 404 when nothing matched; 400 without a usable constraint" {
	start_both
	req PATCH /api/v1/jobs '{"constraint": "ClusterId == 999", "attributes": {"A": 1}}'
	[ "$HTTP_CODE" = 404 ]
	assert_error_json 404 "Not Found"
	req PATCH /api/v1/jobs '{"constraint": "true", "attributes": {"A": 1}, "mine": true}' "$BOB"
	[ "$HTTP_CODE" = 200 ]
	run js 'd["matched"], d["edited"]'
	assert_output "(9, 9)"
	for body in '{"attributes": {"A": 1}}' '{"constraint": "((", "attributes": {"A": 1}}' \
	    '{"constraint": 1, "attributes": {"A": 1}}' '{"constraint": "true", "attributes": {}}' \
	    '{"constraint": "true"}'; do
		req PATCH /api/v1/jobs "$body"
		[ "$HTTP_CODE" = 400 ] || fail "$body gave $HTTP_CODE"
	done
	run grep -c 'QMGMT_WRITE_CMD from alice' "$T/schedd.log"
	assert_output 1
}

@test "bulk PATCH: \"mine\" must be a boolean, as for the bulk actions" {
	start_both
	req PATCH /api/v1/jobs '{"constraint": "ProcId == 4", "attributes": {"A": 1}, "mine": "true"}'
	[ "$HTTP_CODE" = 400 ] || fail "a string mine gave $HTTP_CODE: $(cat "$T/b")"
	run jobattr 1.4 A
	assert_output null
}

@test "bulk PATCH of an immutable attribute: every job listed as failed, nothing committed" {
	start_both
	req PATCH /api/v1/jobs '{"constraint": "ClusterId == 1", "attributes": {"ClusterId": 9}}'
	[ "$HTTP_CODE" = 200 ]
	run js 'd["matched"], d["edited"], len(d["failed"]), set(f["reason"] for f in d["failed"])'
	assert_output "(9, 0, 9, {'permission denied'})"
	run grep -c 'CommitTransaction' "$T/schedd.log"
	assert_output 0
	run jobattr 1.1 ClusterId
	assert_output 1
}

# --- submit (the QMGMT submit transaction) -------------------------------

# submit TEXT [EXTRA-JSON [TOKEN]]: POST /api/v1/jobs with TEXT as the
# submit description, run in /tmp, not spooled unless EXTRA says so.
submit() {
	local text
	text=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1")
	req POST /api/v1/jobs "{\"submit_file\": $text, \"workdir\": \"/tmp\"${2:-, \"spool\": false}}" "${3:-$TOKEN}"
}

@test "submit: 201, a new cluster id, Owner and User filled in at commit" {
	start_both
	submit $'executable = /bin/sleep\narguments = 60\nrequest_memory = 64\nqueue 3\n'
	[ "$HTTP_CODE" = 201 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	# Ids continue after every id the schedd has seen (history: 102).
	run js 'd["cluster_id"], d["job_ids"]'
	assert_output "(103, ['103.0', '103.1', '103.2'])"
	run header_value Location < "$T/h"
	assert_output /api/v1/jobs/103
	api '/api/v1/jobs/103?limit=*&projection=ClusterId,ProcId,Owner,User,JobStatus,Cmd,Args,RequestMemory,JobUniverse'
	run js 'sorted(set((j["Owner"], j["User"], j["JobStatus"], j["Cmd"], j["Args"], j["RequestMemory"], j["JobUniverse"]) for j in d["jobs"]))'
	assert_output "[('alice', 'alice@test.local', 1, '/bin/sleep', '60', 64, 5)]"
	run sorted_ids
	assert_output "103.0 103.1 103.2"
	run grep -c 'NewCluster -> 103' "$T/schedd.log"
	assert_output 1
	run grep -c 'NewProc 103 -> ' "$T/schedd.log"
	assert_output 3
	run grep -c 'CommitTransaction -> 0' "$T/schedd.log"
	assert_output 1
	# The next one gets the next id; bob's jobs are bob's.
	submit $'executable = /bin/true\nqueue\n' "" "$BOB"
	[ "$HTTP_CODE" = 201 ]
	run js 'd["cluster_id"]'
	assert_output 104
	run jobattr 104.0 Owner
	assert_output '"bob"'
}

@test "submit with spooling: held for its input (JobStatus 5, HoldReasonCode 16)" {
	start_both
	submit $'executable = /bin/cat\nqueue\n' ', "spool": true'
	[ "$HTTP_CODE" = 201 ]
	api '/api/v1/jobs/103.0?projection=JobStatus,HoldReasonCode'
	run js 'd["JobStatus"], d["HoldReasonCode"]'
	assert_output "(5, 16)"
}

@test "a submission refused at commit is 400 with the reason; no part of it is left" {
	start_both -r 'RequestMemory < 1000000' -R 'at most 1000000 MB of memory'
	submit $'executable = /bin/sleep\nrequest_memory = 2000000\nqueue 2\n'
	[ "$HTTP_CODE" = 400 ]
	run grep -c 'at most 1000000 MB of memory' "$T/b"
	assert_output 1
	api '/api/v1/jobs/103?limit=*'
	[ "$HTTP_CODE" = 200 ]
	run js 'len(d["jobs"])'
	assert_output 0
	api '/api/v1/jobs?mine=false&limit=*&projection=ClusterId'
	run js 'len(d["jobs"])'
	assert_output 25
	# The refused cluster's id is not given out again.
	submit $'executable = /bin/sleep\nrequest_memory = 100\nqueue\n'
	[ "$HTTP_CODE" = 201 ]
	run js 'd["cluster_id"]'
	assert_output 104
}

@test "a submission whose connection drops before the commit leaves nothing" {
	start_both -x drop-before-commit
	submit $'executable = /bin/sleep\nqueue 2\n'
	[ "$HTTP_CODE" = 502 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	run grep -c 'CommitTransaction: dropped' "$T/schedd.log"
	assert_output 1
	run grep -c 'uncommitted changes discarded' "$T/schedd.log"
	assert_output 1
	api '/api/v1/jobs?mine=false&limit=*&projection=ClusterId'
	run js 'len(d["jobs"])'
	assert_output 25
}

# --- pipelined submit: NewProc requests back to back -----------------------

# njobs: how many jobs of every owner the queue holds.
njobs() {
	api '/api/v1/jobs?mine=false&limit=*&projection=ClusterId'
	js 'len(d["jobs"])'
}

@test "submit sends its NewProc requests back to back: a schedd holding its replies until all came still gets a cluster" {
	# A client that waited for each reply would wait for the first one
	# until HTTP_API_SCHEDD_TIMEOUT.
	_CONDOR_HTTP_API_SCHEDD_TIMEOUT=5 start_both -x hold-replies:5
	submit $'executable = /bin/sleep\narguments = $(Process)\nqueue 5\n'
	[ "$HTTP_CODE" = 201 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	run grep -c '5 NewProc replies sent' "$T/schedd.log"
	assert_output 1
	run grep -c 'CommitTransaction -> 0' "$T/schedd.log"
	assert_output 1
}

@test "submit of 1000 procs with per-proc arguments: every proc has its own, in one transaction" {
	start_both
	submit "executable = /bin/sleep
arguments = \$(Process) \$(x)
queue x from (
$(seq -f 'i%g' 1000)
)"
	[ "$HTTP_CODE" = 201 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	run js 'len(d["job_ids"]), d["job_ids"][999]'
	assert_output "(1000, '103.999')"
	api '/api/v1/jobs/103?limit=*&projection=ProcId,Args'
	run js 'sorted(j["ProcId"] for j in d["jobs"] if j["Args"] != "%d i%d" % (j["ProcId"], j["ProcId"] + 1))'
	assert_output "[]"
	run js 'len(d["jobs"])'
	assert_output 1000
	run grep -c 'CommitTransaction -> 0' "$T/schedd.log"
	assert_output 1
}

@test "a NewProc refused mid-pipeline is 403 naming the job and the limit; nothing is committed" {
	start_both -x refuse-proc:500
	submit $'executable = /bin/sleep\narguments = $(Process)\nqueue 1000\n'
	[ "$HTTP_CODE" = 403 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	run js 'd["message"]'
	assert_output --partial "103.500"
	assert_output --partial "MAX_JOBS_PER_SUBMISSION"
	run grep -c 'CommitTransaction' "$T/schedd.log"
	assert_output 0
	run grep -c 'uncommitted changes discarded' "$T/schedd.log"
	assert_output 1
	run njobs
	assert_output 25
}

@test "a NewProc reply that is not the next proc id is 502; nothing is committed" {
	start_both -x skip-proc:3
	submit $'executable = /bin/sleep\nqueue 10\n'
	[ "$HTTP_CODE" = 502 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	run js 'd["message"]'
	assert_output --partial "proc 4 where 3 was expected"
	run grep -c 'CommitTransaction' "$T/schedd.log"
	assert_output 0
	run njobs
	assert_output 25
}

@test "a connection cut mid-pipeline is 503; nothing of the cluster is left" {
	start_both -x cut-after:300
	submit $'executable = /bin/sleep\narguments = $(Process)\nqueue 1000\n'
	[ "$HTTP_CODE" = 503 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	run grep -c 'cut after 300 requests' "$T/schedd.log"
	assert_output 1
	run grep -c 'uncommitted changes discarded' "$T/schedd.log"
	assert_output 1
	run njobs
	assert_output 25
	# The next submit gets the next id: the cut cluster is gone.
	submit $'executable = /bin/true\nqueue\n'
	[ "$HTTP_CODE" = 201 ]
	run js 'd["cluster_id"]'
	assert_output 104
}

# --- history -------------------------------------------------------------

@test "history: newest first, removed jobs in front; limit and projection" {
	start_both
	req DELETE /api/v1/jobs/1.7
	[ "$HTTP_CODE" = 200 ]
	req DELETE /api/v1/jobs/3.5
	[ "$HTTP_CODE" = 200 ]
	api '/api/v1/history?projection=ClusterId,ProcId'
	[ "$HTTP_CODE" = 200 ]
	run ids
	assert_output "3.5 1.7 102.0 101.0 100.0"
	run js 'd["total_returned"], sorted(set(k for j in d["jobs"] for k in j))'
	assert_output "(5, ['ClusterId', 'ProcId'])"
	api '/api/v1/history?limit=2&projection=ClusterId,ProcId'
	run ids
	assert_output "3.5 1.7"
	api '/api/v1/history?limit=*'
	run js 'len(d["jobs"])'
	assert_output 5
	# Private attributes never leave.
	run grep -c 'ClaimId\|secret-claim' "$T/b"
	assert_output 0
	run grep -c '"Cmd"' "$T/b"
	assert_output 5
	run grep -c 'QUERY_SCHEDD_HISTORY from alice@test.local' "$T/schedd.log"
	assert_output 3
}

@test "history: constraint, since and completed_since" {
	start_both
	api '/api/v1/history?constraint=Owner%20%3D%3D%20%22bob%22&projection=ClusterId,ProcId,Owner'
	[ "$HTTP_CODE" = 200 ]
	run ids
	assert_output "101.0"
	api '/api/v1/history?since=101.0&projection=ClusterId,ProcId'
	run ids
	assert_output "102.0"
	api '/api/v1/history?completed_since=1795000150&projection=ClusterId,ProcId'
	run ids
	assert_output "102.0 101.0"
	api '/api/v1/history?completed_since=1795000150&since=102.0&projection=ClusterId,ProcId'
	run ids
	assert_output ""
	for q in since=101 since=x since=1.01 completed_since=-1 completed_since=abc \
	    'constraint=Owner%20%3D%3D' limit=0; do
		api "/api/v1/history?$q"
		[ "$HTTP_CODE" = 400 ] || fail "$q gave $HTTP_CODE"
	done
}

@test "history: since and completed_since together with a long constraint" {
	start_both
	local c='(ClusterId == 100 || ClusterId == 101 || ClusterId == 102'
	local i
	for ((i = 200; i < 240; i++)); do
		c="$c || ClusterId == $i"
	done
	c="$c)"
	c=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$c")
	api "/api/v1/history?since=100.0&completed_since=1795000150&projection=ClusterId,ProcId&constraint=$c"
	[ "$HTTP_CODE" = 200 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	run ids
	assert_output "102.0 101.0"
}

@test "history?mine=true lists only the caller's records; mine=false every owner's" {
	start_both
	api '/api/v1/history?mine=true&projection=ClusterId,ProcId'
	[ "$HTTP_CODE" = 200 ]
	run ids
	assert_output "102.0 100.0"
	api '/api/v1/history?mine=true&projection=ClusterId,ProcId' "$BOB"
	[ "$HTTP_CODE" = 200 ]
	run ids
	assert_output "101.0"
	# With the other history parameters, and off again.
	api '/api/v1/history?mine=true&completed_since=1795000150&projection=ClusterId,ProcId'
	run ids
	assert_output "102.0"
	api '/api/v1/history?mine=false&projection=ClusterId,ProcId'
	run ids
	assert_output "102.0 101.0 100.0"
}

@test "history of one job: the record; a missing one 404; a cluster id 400" {
	start_both
	api '/api/v1/history/101.0?projection=ClusterId,ProcId,Owner,ExitCode'
	[ "$HTTP_CODE" = 200 ]
	run js 'd'
	assert_output "{'ClusterId': 101, 'ExitCode': 0, 'Owner': 'bob', 'ProcId': 0}"
	api /api/v1/history/101.1
	[ "$HTTP_CODE" = 404 ]
	assert_error_json 404 "Not Found"
	api /api/v1/history/1.2
	[ "$HTTP_CODE" = 404 ]
	api /api/v1/history/101
	[ "$HTTP_CODE" = 400 ]
}

# --- the routes themselves -----------------------------------------------

@test "write routes without a token are 401 and reach no schedd" {
	start_both
	for r in "DELETE /api/v1/jobs/1.2" "POST /api/v1/jobs/1.2/hold" \
	    "POST /api/v1/jobs/1.2/release" "PATCH /api/v1/jobs/1.2" \
	    "DELETE /api/v1/jobs" "POST /api/v1/jobs/hold" "PATCH /api/v1/jobs" \
	    "GET /api/v1/history"; do
		set -- $r
		get "http://127.0.0.1:$PORT$2" -X "$1" -H 'Content-Type: application/json' \
		    --data-binary '{"constraint": "true", "attributes": {"A": 1}}'
		[ "$HTTP_CODE" = 401 ] || fail "$r gave $HTTP_CODE"
		run header_value WWW-Authenticate < "$T/h"
		assert_output --partial Bearer
	done
	run grep -c 'from ' "$T/schedd.log"
	assert_output 0
}

@test "a token the schedd does not accept is 401 on a write route; nothing changes" {
	start_both
	head -c 64 /dev/urandom > "$T/other.key"
	req DELETE /api/v1/jobs/1.2 "" "$("$MINT" -k "$T/other.key" -s alice@test.local)"
	[ "$HTTP_CODE" = 401 ]
	run jobattr 1.2 JobStatus
	assert_output 1
}

@test "malformed job ids on the write routes are 400; other methods 405" {
	start_both
	for id in 01 1.01 -1 1. abc 2147483648; do
		req DELETE "/api/v1/jobs/$id"
		[ "$HTTP_CODE" = 400 ] || fail "DELETE $id gave $HTTP_CODE"
		req PATCH "/api/v1/jobs/$id" '{"attributes": {"A": 1}}'
		[ "$HTTP_CODE" = 400 ] || fail "PATCH $id gave $HTTP_CODE"
		req POST "/api/v1/jobs/$id/hold"
		[ "$HTTP_CODE" = 400 ] || fail "hold $id gave $HTTP_CODE"
	done
	req PUT /api/v1/jobs/1.2 '{"attributes": {"A": 1}}'
	[ "$HTTP_CODE" = 405 ]
	run header_value Allow < "$T/h"
	assert_output "GET, HEAD, DELETE, PATCH"
	req GET /api/v1/jobs/1.2/hold
	[ "$HTTP_CODE" = 405 ]
	run header_value Allow < "$T/h"
	assert_output POST
	req DELETE /api/v1/history/1.2
	[ "$HTTP_CODE" = 405 ]
	run grep -c 'from ' "$T/schedd.log"
	assert_output 0
}

@test "schedd down: a write is 503 with Retry-After" {
	start_schedd
	kill -KILL "$SCHEDD_PID"
	wait_exit "$SCHEDD_PID"
	start_api
	req DELETE /api/v1/jobs/1.2
	[ "$HTTP_CODE" = 503 ]
	run header_value Retry-After < "$T/h"
	assert_output 5
	req PATCH /api/v1/jobs/1.2 '{"attributes": {"A": 1}}'
	[ "$HTTP_CODE" = 503 ]
}

@test "PATCH of an attribute only the schedd sets is 403, before the schedd is asked" {
	start_schedd
	start_api
	for a in AuthTokenSubject x509UserProxySubject TotalSubmitProcs OsUser; do
		get "http://127.0.0.1:$PORT/api/v1/jobs/1.2" -X PATCH \
		    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		    -d "{\"attributes\": {\"$a\": \"x\"}}"
		[ "$HTTP_CODE" = 403 ] || fail "$a gave $HTTP_CODE"
	done
	run grep -c 'QMGMT_WRITE_CMD' "$T/schedd.log"
	assert_output 0
}

@test "submit text that reads server files is 400 naming the setting that allows it" {
	start_both
	submit $'include : /etc/hostname\nexecutable = /bin/true\nqueue\n'
	[ "$HTTP_CODE" = 400 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
	run js 'd["message"]'
	assert_output --partial "include is not allowed"
	assert_output --partial "(HTTP_API_SUBMIT_ALLOW_LOCAL_FILES is false)"
}
