#!/usr/bin/env bats
# integration.bats — the API against a real HTCondor: a private personal
# pool with TOKEN authentication and AES required, reached through the
# shared port as HTCondor's own tools reach it.  The API's answers must
# equal `condor_q -json` for the same constraint and projection.
#
# Runs only where HTCondor is installed (condor_master on PATH); reported
# as skipped otherwise.  The pool comes from tests/pool.sh (as root, run
# by the unprivileged user $HTCONDOR_API_IT_USER, default "htcondor").

load helpers

UID_DOMAIN=it.local
POOLSH="$REPO/tests/pool.sh"

# as_pool CMD...: CMD as the pool's user, with the pool's configuration.
as_pool() {
	sh "$POOLSH" run "$POOL" "$@"
}

# bats 1.8 cannot skip from setup_file: it leaves the reason in IT_SKIP
# and every test skips with it.
setup_file() {
	export IT_SKIP="" IT_USER
	if ! command -v condor_master >/dev/null; then
		IT_SKIP="HTCondor is not installed (condor_master not on PATH): integration tests against a real schedd skipped"
		return 0
	fi
	IT_USER=$(sh "$POOLSH" user x)
	if ! id "$IT_USER" >/dev/null 2>&1; then
		IT_SKIP="running as root needs an unprivileged user for the pool (HTCONDOR_API_IT_USER, default htcondor)"
		return 0
	fi
	export POOL=$(mktemp -d /tmp/htcapi-it.XXXXXX)
	sh "$POOLSH" start "$POOL"
	as_pool condor_token_create -identity "$IT_USER@$UID_DOMAIN" \
	    -key POOL -lifetime 1 > "$POOL/token-short"
	printf 'executable = /bin/sleep\narguments = 600\nrequest_memory = 64\nqueue 5\n' > "$POOL/job.sub"
	printf 'executable = /bin/echo\narguments = second cluster\nqueue 2\n' > "$POOL/job2.sub"
	[ "$(id -u)" = 0 ] && chown "$IT_USER" "$POOL"/*.sub
	(cd "$POOL" && as_pool condor_submit job.sub &&
	    as_pool condor_submit job2.sub) >/dev/null
}

teardown_file() {
	if [ -n "${POOL:-}" ]; then
		sh "$POOLSH" stop "$POOL"
	fi
}

setup() {
	[ -z "$IT_SKIP" ] || skip "$IT_SKIP"
	require_bin
	export _CONDOR_SCHEDD_ADDRESS_FILE=$POOL/local/spool/.schedd_address
	TOKEN=$(cat "$POOL/token")
	start_server "$BATS_TEST_TMPDIR/api.log"
}

api() {
	local path=$1
	shift
	get "http://127.0.0.1:$PORT$path" -H "Authorization: Bearer $TOKEN" "$@"
}

# same_as_condor_q QUERY CONDOR_Q_ARGS...: the API's job list for QUERY
# and condor_q -json for the same selection hold the same ads (compared
# as JSON values, ServerTime aside: condor_q asks for it, we do not).
same_as_condor_q() {
	local query=$1
	shift
	api "/api/v1/jobs?limit=*&$query"
	[ "$HTTP_CODE" = 200 ] || fail "API answered $HTTP_CODE: $(cat "$BATS_TEST_TMPDIR/b")"
	as_pool condor_q -json "$@" > "$BATS_TEST_TMPDIR/cq.json"
	run python3 - "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/cq.json" <<'EOF'
import json, sys
api = json.load(open(sys.argv[1]))["jobs"]
raw = open(sys.argv[2]).read().strip()
cq = json.loads(raw) if raw else []
def key(ad): return (ad.get("ClusterId"), ad.get("ProcId"))
for ad in cq: ad.pop("ServerTime", None)
api.sort(key=key); cq.sort(key=key)
if api != cq:
    print("API:", json.dumps(api)[:2000]); print("condor_q:", json.dumps(cq)[:2000])
    sys.exit(1)
print(len(api))
EOF
	assert_success
}

@test "real schedd: whoami is the token's identity" {
	api /api/v1/whoami
	[ "$HTTP_CODE" = 200 ]
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial "\"user\": \"$IT_USER@$UID_DOMAIN\""
}

@test "real schedd: every job ad equals condor_q -json" {
	same_as_condor_q ""
	assert_output 7
}

@test "real schedd: constraint and projection as condor_q -constraint -attributes" {
	same_as_condor_q "constraint=JobStatus%20%3D%3D%201%20%26%26%20ProcId%20%3E%3D%202&projection=ClusterId,ProcId,Owner,Args,RequestMemory,Requirements" \
	    -constraint 'JobStatus == 1 && ProcId >= 2' \
	    -attributes ClusterId,ProcId,Owner,Args,RequestMemory,Requirements
	assert_output 3
}

@test "real schedd: one job, and a missing one is 404" {
	api /api/v1/jobs/1.3
	[ "$HTTP_CODE" = 200 ]
	as_pool condor_q -json 1.3 > "$BATS_TEST_TMPDIR/cq.json"
	run python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2]))[0]; c.pop("ServerTime",None); sys.exit(a!=c)' "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/cq.json"
	assert_success
	api /api/v1/jobs/1.99
	[ "$HTTP_CODE" = 404 ]
}

@test "real schedd: pages of 3 are the queue's jobs in id order" {
	local tok="" all=""
	# Within a page jobs come in the schedd's order: sort each page.
	while :; do
		api "/api/v1/jobs?limit=3&projection=ClusterId,ProcId${tok:+&page_token=$tok}"
		[ "$HTTP_CODE" = 200 ]
		all="$all$(python3 -c 'import json,sys; print(" ".join("%d.%d" % j for j in sorted((j["ClusterId"], j["ProcId"]) for j in json.load(open(sys.argv[1]))["jobs"])))' "$BATS_TEST_TMPDIR/b") "
		tok=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("next_page_token", ""))' "$BATS_TEST_TMPDIR/b")
		[ -n "$tok" ] || break
	done
	run echo $all
	assert_output "1.0 1.1 1.2 1.3 1.4 2.0 2.1"
	# The pages: {1.0 1.1 1.2} {1.3 1.4 2.0} {2.1}.
}

@test "real schedd: a token signed with another key is 401" {
	# Same header and claims, signature of another key.
	TOKEN="${TOKEN%.*}.$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
	api /api/v1/jobs
	[ "$HTTP_CODE" = 401 ]
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial "token rejected by the schedd"
}

@test "real schedd: an expired token is 401 'token expired'" {
	TOKEN=$(cat "$POOL/token-short")
	sleep 2
	api /api/v1/jobs
	[ "$HTTP_CODE" = 401 ]
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial "token expired"
}

# The write routes, on a cluster of their own (submitted here, so the
# queries above see the queue as setup_file left it).
submit_cluster() {
	printf 'executable = /bin/sleep\narguments = 900\nqueue 2\n' > "$POOL/w.sub"
	[ "$(id -u)" = 0 ] && chown "$IT_USER" "$POOL/w.sub"
	(cd "$POOL" && as_pool condor_submit w.sub) |
	    sed -n 's/.*submitted to cluster \([0-9]*\)\..*/\1/p'
}

# The value of ATTR of job ID as condor_q -json gives it.
cq_attr() {
	as_pool condor_q -json "$1" -attributes "$2" |
	    python3 -c 'import json,sys; t=sys.stdin.read().strip(); a=json.loads(t) if t else []; print(a[0].get(sys.argv[1]) if a else "GONE")' "$2"
}

@test "real schedd: hold and release as condor_q sees them" {
	local c
	c=$(submit_cluster)
	get "http://127.0.0.1:$PORT/api/v1/jobs/$c.0/hold" -X POST \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    -d '{"reason": "via API"}'
	[ "$HTTP_CODE" = 200 ]
	run cq_attr "$c.0" JobStatus
	assert_output 5
	run cq_attr "$c.0" HoldReason
	assert_output "via API (by user $IT_USER)"
	get "http://127.0.0.1:$PORT/api/v1/jobs/$c.0/hold" -X POST \
	    -H "Authorization: Bearer $TOKEN"
	[ "$HTTP_CODE" = 409 ]
	get "http://127.0.0.1:$PORT/api/v1/jobs/$c.0/release" -X POST \
	    -H "Authorization: Bearer $TOKEN"
	[ "$HTTP_CODE" = 200 ]
	run cq_attr "$c.0" JobStatus
	assert_output 1
}

@test "real schedd: PATCH values as condor_q reads them back" {
	local c
	c=$(submit_cluster)
	get "http://127.0.0.1:$PORT/api/v1/jobs/$c.1" -X PATCH \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    -d '{"attributes": {"JobPrio": 7, "Tag": "x y", "Ratio": 0.25, "Flag": true, "Twice": {"expr": "RequestMemory * 2"}}}'
	[ "$HTTP_CODE" = 200 ]
	run cq_attr "$c.1" JobPrio
	assert_output 7
	run cq_attr "$c.1" Tag
	assert_output "x y"
	run cq_attr "$c.1" Ratio
	assert_output 0.25
	run cq_attr "$c.1" Twice
	assert_output "/Expr(RequestMemory * 2)/"
	get "http://127.0.0.1:$PORT/api/v1/jobs/$c.1" -X PATCH \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    -d '{"attributes": {"Tag": "changed", "ClusterId": 99}}'
	[ "$HTTP_CODE" = 403 ]
	run cq_attr "$c.1" Tag
	assert_output "x y"
}

@test "real schedd: remove, and history equals condor_history -json" {
	local c
	c=$(submit_cluster)
	get "http://127.0.0.1:$PORT/api/v1/jobs" -X DELETE \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    -d "{\"constraint\": \"ClusterId == $c\", \"mine\": true, \"reason\": \"bye\"}"
	[ "$HTTP_CODE" = 200 ]
	run python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"]["success"])' "$BATS_TEST_TMPDIR/b"
	assert_output 2
	for ((i = 0; i < 100; i++)); do
		[ "$(cq_attr "$c.0" JobStatus)" = GONE ] && break
		sleep 0.1
	done
	api "/api/v1/history?constraint=ClusterId%20%3D%3D%20$c&projection=ClusterId,ProcId,JobStatus,RemoveReason,Owner&limit=*"
	[ "$HTTP_CODE" = 200 ]
	as_pool condor_history -json -constraint "ClusterId == $c" \
	    -attributes ClusterId,ProcId,JobStatus,RemoveReason,Owner > "$BATS_TEST_TMPDIR/ch.json"
	run python3 - "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/ch.json" <<'PY'
import json, sys
api = json.load(open(sys.argv[1]))["jobs"]
ch = json.load(open(sys.argv[2]))
key = lambda a: (a["ClusterId"], a["ProcId"])
print(len(api), sorted(api, key=key) == sorted(ch, key=key))
PY
	assert_output "2 True"
	api "/api/v1/history/$c.1"
	[ "$HTTP_CODE" = 200 ]
}

# submit_compare SUB SPOOLFLAG: the attributes of the job the API made
# (file text SUB) against the job condor_submit made of the same file,
# ignoring what differs between any two submissions.
compare_jobs() {
	as_pool condor_q -json "$1" > "$BATS_TEST_TMPDIR/a.json"
	as_pool condor_q -json "$2" > "$BATS_TEST_TMPDIR/c.json"
	python3 - "$BATS_TEST_TMPDIR/a.json" "$BATS_TEST_TMPDIR/c.json" "$3" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))[0]; c = json.load(open(sys.argv[2]))[0]
skip = set("ClusterId QDate EnteredCurrentStatus GlobalJobId AuthTokenId "
    "AuthTokenIssuer AuthTokenSubject ServerTime JobSubmitFile SubmitVersion "
    "CondorPlatform CondorVersion AutoClusterId AutoClusterAttrs Iwd "
    "JobSubmitMethod".split()) | set(sys.argv[3].split())
diff = [k for k in sorted(set(a) | set(c)) if k not in skip and a.get(k) != c.get(k)]
for k in diff:
    print(k, "API:", json.dumps(a.get(k))[:80], "condor_submit:", json.dumps(c.get(k))[:80])
sys.exit(1 if diff else 0)
PY
}

# api_submit TEXT SPOOL: POST the submit text; prints the cluster id.
api_submit() {
	python3 -c 'import json,sys; print(json.dumps({"submit_file": sys.argv[1], "spool": sys.argv[2] == "true", "workdir": sys.argv[3]}))' \
	    "$1" "$2" "$POOL/w" > "$BATS_TEST_TMPDIR/req.json"
	get "http://127.0.0.1:$PORT/api/v1/jobs" -X POST \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary @"$BATS_TEST_TMPDIR/req.json"
	[ "$HTTP_CODE" = 201 ] || { cat "$BATS_TEST_TMPDIR/b" >&2; return 1; }
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cluster_id"])' "$BATS_TEST_TMPDIR/b"
}

# The API reads the pool's own configuration here, as an access point
# would, with local files allowed for shared-file-system submits.
restart_api_with_pool_config() {
	kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
	wait_exit "$SERVER_PID" 5 || true
	CONDOR_CONFIG=$POOL/condor_config _CONDOR_HTTP_API_SUBMIT_ALLOW_LOCAL_FILES=true \
	    start_server "$BATS_TEST_TMPDIR/api2.log"
	mkdir -p "$POOL/w"
	[ "$(id -u)" = 0 ] && chown "$IT_USER" "$POOL/w"
	return 0
}

SUBTEXT='executable = /bin/echo
arguments = "one two"
output = out.$(Process)
error = err.$(Process)
log = job.log
request_memory = 100M
environment = "A=1 B=two"
+Project = "api"
queue 2'

@test "real schedd: a submit equals condor_submit of the same file" {
	restart_api_with_pool_config
	local c cs
	c=$(api_submit "$SUBTEXT" false)
	printf '%s\n' "$SUBTEXT" > "$POOL/w/s.sub"
	[ "$(id -u)" = 0 ] && chown "$IT_USER" "$POOL/w/s.sub"
	cs=$(cd "$POOL/w" && as_pool condor_submit s.sub |
	    sed -n 's/.*submitted to cluster \([0-9]*\)\..*/\1/p')
	run python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["job_ids"])' "$BATS_TEST_TMPDIR/b"
	assert_output "['$c.0', '$c.1']"
	run compare_jobs "$c.1" "$cs.1" ""
	assert_success
	run cq_attr "$c.0" Owner
	assert_output "$IT_USER"
}

@test "real schedd: a spooled submit equals condor_submit -spool (sizes, SUBMIT_Iwd aside)" {
	restart_api_with_pool_config
	local c cs
	c=$(api_submit "$SUBTEXT" true)
	run cq_attr "$c.0" HoldReasonCode
	assert_output 16
	printf '%s\n' "$SUBTEXT" > "$POOL/w/s.sub"
	[ "$(id -u)" = 0 ] && chown "$IT_USER" "$POOL/w/s.sub"
	cs=$(cd "$POOL/w" && as_pool condor_submit -spool s.sub |
	    sed -n 's/.*submitted to cluster \([0-9]*\)\..*/\1/p')
	# condor_submit -spool uploads at once, so its job is no longer
	# held: the hold and staging attributes differ by design.
	run compare_jobs "$c.0" "$cs.0" "ExecutableSize ExecutableSize_RAW DiskUsage DiskUsage_RAW ImageSize ImageSize_RAW TransferInputSizeMB SUBMIT_Iwd JobStatus HoldReason HoldReasonCode HoldReasonSubCode EnteredCurrentStatus LastHoldReason LastHoldReasonCode LastHoldReasonSubCode LastJobStatus NumSystemHolds ReleaseReason StageInStart StageInFinish JobCurrentStartDate LastHoldReasonCode"
	assert_success
}

@test "real schedd: a broken submit is 400 naming the line, and leaves nothing" {
	restart_api_with_pool_config
	local before after
	before=$(as_pool condor_q -af ClusterId | sort -u | wc -l)
	python3 -c 'import json; print(json.dumps({"submit_file": "executable = /bin/echo\nrequest_memory = 2XB\nqueue\n"}))' > "$BATS_TEST_TMPDIR/req.json"
	get "http://127.0.0.1:$PORT/api/v1/jobs" -X POST \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary @"$BATS_TEST_TMPDIR/req.json"
	[ "$HTTP_CODE" = 400 ]
	run cat "$BATS_TEST_TMPDIR/b"
	# condor_submit names no line for this one; we name the queue
	# statement that was being built, and quote the expression.
	assert_output --partial "line 3"
	assert_output --partial "RequestMemory = 2XB"
	after=$(as_pool condor_q -af ClusterId | sort -u | wc -l)
	[ "$before" = "$after" ]
}

@test "real schedd: a job submitted with spool false runs, and its history matches" {
	restart_api_with_pool_config
	local c i st
	c=$(api_submit 'executable = /bin/echo
arguments = ran via api
output = ran.out
+RunMe = true
queue' false)
	for ((i = 0; i < 600; i++)); do
		st=$(cq_attr "$c.0" JobStatus)
		[ "$st" = GONE ] && break
		sleep 0.2
	done
	[ "$st" = GONE ] || fail "job $c.0 did not complete (status $st)"
	run cat "$POOL/w/ran.out"
	assert_output "ran via api"
	api "/api/v1/history/$c.0?projection=ClusterId,ProcId,JobStatus,ExitCode,Owner,Cmd,Args"
	[ "$HTTP_CODE" = 200 ]
	as_pool condor_history -json "$c.0" -attributes ClusterId,ProcId,JobStatus,ExitCode,Owner,Cmd,Args > "$BATS_TEST_TMPDIR/ch.json"
	run python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2]))[0]; print(a == c, a.get("JobStatus"), a.get("ExitCode"))' "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/ch.json"
	assert_output "True 4 0"
}

@test "real schedd: a commit refused by a submit requirement is 400 with its reason" {
	restart_api_with_pool_config
	python3 -c 'import json; print(json.dumps({"submit_file": "executable = /bin/echo\nrequest_memory = 2000000\nqueue 3\n", "spool": False, "workdir": "/tmp"}))' > "$BATS_TEST_TMPDIR/req.json"
	local before after
	before=$(as_pool condor_q -af ClusterId | wc -l)
	get "http://127.0.0.1:$PORT/api/v1/jobs" -X POST \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary @"$BATS_TEST_TMPDIR/req.json"
	[ "$HTTP_CODE" = 400 ]
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial "jobs may not ask for more than 1000000 MB"
	after=$(as_pool condor_q -af ClusterId | wc -l)
	[ "$before" = "$after" ]
}

@test "real schedd: a submit killed mid-transaction leaves no partial cluster" {
	restart_api_with_pool_config
	local before after body pid c1 c2
	c1=$(api_submit 'executable = /bin/echo
queue' false)
	before=$(as_pool condor_q -af ClusterId | wc -l)
	body=$(python3 -c 'import json; print(json.dumps({"submit_file": "executable = /bin/sleep\narguments = 1\nqueue 19000\n", "spool": False, "workdir": "/tmp"}))')
	printf 'POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n%s' \
	    "$TOKEN" "${#body}" "$body" > "$BATS_TEST_TMPDIR/req.http"
	CONDOR_CONFIG=$POOL/condor_config "$BIN" --allow-root \
	    < "$BATS_TEST_TMPDIR/req.http" > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	# Kill it once procs are flowing: when it has sent 300 kB to the
	# schedd (the handshake is a few kB; 19000 procs, under the schedd's
	# MAX_JOBS_PER_SUBMISSION of 20000, are some 2 MB), not after a time,
	# which a faster client outruns.  ss(8) reads the socket's counter.
	local i w=0
	for ((i = 0; i < 600; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		w=$(ss -tnpi 2>/dev/null | awk -v p="pid=$pid," '
		    index($0, p) { f = 1; next }
		    f && match($0, /bytes_sent:[0-9]+/) {
			print substr($0, RSTART + 11, RLENGTH - 11) }
		    { f = 0 }' | sort -n | tail -1)
		[ "${w:-0}" -gt 300000 ] && break
		sleep 0.02
	done
	kill -KILL "$pid" || fail "the submit ended before it was killed: $(cat "$BATS_TEST_TMPDIR/out")"
	wait "$pid" || true
	run grep -c '201 Created' "$BATS_TEST_TMPDIR/out"
	assert_output 0
	sleep 1
	after=$(as_pool condor_q -af ClusterId | wc -l)
	[ "$before" = "$after" ] || fail "queue went from $before to $after jobs"
	# The killed transaction did get a cluster id (the schedd does not
	# reuse it), so it was cut in the middle, not before it began.
	c2=$(api_submit 'executable = /bin/echo
queue' false)
	[ "$c2" -eq $((c1 + 2)) ] || fail "clusters $c1 then $c2: the kill came before NewCluster"
}

# --- pipelined submit: the NewProc requests go out back to back ----------

# post_submit TEXT: POST TEXT (spool false, workdir /tmp) through the
# running API; the status is in HTTP_CODE, the body in $BATS_TEST_TMPDIR/b.
post_submit() {
	python3 -c 'import json,sys; print(json.dumps({"submit_file": sys.argv[1], "spool": False, "workdir": "/tmp"}))' \
	    "$1" > "$BATS_TEST_TMPDIR/req.json"
	get "http://127.0.0.1:$PORT/api/v1/jobs" -X POST \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary @"$BATS_TEST_TMPDIR/req.json"
}

@test "real schedd: queue 1000 with per-proc arguments and items, as condor_q reads them back" {
	restart_api_with_pool_config
	local c
	c=$(api_submit "executable = /bin/echo
arguments = \$(Process)
+Item = \"\$(x)\"
queue x from (
$(seq -f 'i%g' 1000)
)" false)
	as_pool condor_q "$c" -af ProcId Args Item > "$BATS_TEST_TMPDIR/cq"
	run python3 -c '
import sys
rows = [l.split() for l in open(sys.argv[1])]
bad = [r for r in rows if r != [r[0], r[0], "i%d" % (int(r[0]) + 1)]]
print(len(rows), bad[:3])' "$BATS_TEST_TMPDIR/cq"
	assert_output "1000 []"
	# A thousand idle jobs slow the pool's negotiation for the tests
	# after this one, whose jobs must run.
	as_pool condor_rm "$c" >/dev/null
}

@test "real schedd: an attribute refused for proc 500 of 1000 fails the submit with the schedd's reason; no cluster is left" {
	restart_api_with_pool_config
	local before after text
	before=$(as_pool condor_q -af ClusterId | wc -l)
	# A carriage return in a value is what the schedd's SetAttribute
	# refuses (IsValidAttrValue); with NoAck it fails the commit.
	text=$(python3 -c '
items = ["i%d" % i for i in range(1000)]; items[500] = "bad\rvalue"
print("executable = /bin/echo\narguments = $(Process)\n+Item = \"$(x)\"\nqueue x from (\n" + "\n".join(items) + "\n)")')
	post_submit "$text"
	[ "$HTTP_CODE" = 400 ] || fail "gave $HTTP_CODE: $(cat "$BATS_TEST_TMPDIR/b")"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial "invalid attribute value"
	assert_output --regexp "for job [0-9]+\.500"
	after=$(as_pool condor_q -af ClusterId | wc -l)
	[ "$before" = "$after" ] || fail "queue went from $before to $after jobs"
}

@test "real schedd: NewProc refused mid-pipeline (MAX_JOBS_PER_SUBMISSION, queue 20001) is 403; no cluster is left" {
	restart_api_with_pool_config
	local before after
	before=$(as_pool condor_q -af ClusterId | wc -l)
	post_submit $'executable = /bin/echo\narguments = $(Process)\nqueue 20001\n'
	[ "$HTTP_CODE" = 403 ] || fail "gave $HTTP_CODE: $(cat "$BATS_TEST_TMPDIR/b")"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --regexp "refused job [0-9]+\.20000 \(MAX_JOBS_PER_SUBMISSION"
	after=$(as_pool condor_q -af ClusterId | wc -l)
	[ "$before" = "$after" ] || fail "queue went from $before to $after jobs"
}

@test "real schedd: the connection cut mid-pipeline is 503; the schedd aborts, no cluster is left" {
	restart_api_with_pool_config
	local before after c1 c2 up port addr i
	c1=$(api_submit 'executable = /bin/echo
queue' false)
	before=$(as_pool condor_q -af ClusterId | wc -l)
	# A proxy to the schedd's shared port that closes both sides once
	# 300 kB went towards the schedd (the handshake is a few kB, 5000
	# procs over 1 MB).
	up=$(head -1 "$POOL/local/spool/.schedd_address" | sed 's/^<127\.0\.0\.1:\([0-9]*\)?.*/\1/')
	cat > "$BATS_TEST_TMPDIR/cut.py" <<'PY'
import os, select, socket, sys
up, limit, portfile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
open(portfile + ".tmp", "w").write(str(ls.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
c, _ = ls.accept(); u = socket.create_connection(("127.0.0.1", up))
sent = 0
while sent < limit:
    r, _, _ = select.select([c, u], [], [], 60)
    if not r: break
    if c in r:
        d = c.recv(65536)
        if not d: break
        d = d[:limit - sent]; u.sendall(d); sent += len(d)
    if u in r:
        d = u.recv(65536)
        if not d: break
        c.sendall(d)
print("cut after", sent, flush=True)
c.close(); u.close()
PY
	python3 "$BATS_TEST_TMPDIR/cut.py" "$up" 300000 "$BATS_TEST_TMPDIR/pport" > "$BATS_TEST_TMPDIR/cut.log" 2>&1 &
	for ((i = 0; i < 100; i++)); do
		[ -s "$BATS_TEST_TMPDIR/pport" ] && break
		sleep 0.05
	done
	port=$(cat "$BATS_TEST_TMPDIR/pport")
	addr=$(head -1 "$POOL/local/spool/.schedd_address" |
	    sed "s/:$up?addrs=127.0.0.1-$up/:$port?addrs=127.0.0.1-$port/")
	body=$(python3 -c 'import json; print(json.dumps({"submit_file": "executable = /bin/echo\narguments = $(Process)\nqueue 5000\n", "spool": False, "workdir": "/tmp"}))')
	printf 'POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n%s' \
	    "$TOKEN" "${#body}" "$body" > "$BATS_TEST_TMPDIR/req.http"
	run env CONDOR_CONFIG=$POOL/condor_config \
	    _CONDOR_HTTP_API_SCHEDD_ADDRESS="$addr" \
	    "$BIN" --allow-root < "$BATS_TEST_TMPDIR/req.http"
	[[ "$output" == *"503 Service Unavailable"* ]] || fail "not 503: ${output:0:600}"
	run cat "$BATS_TEST_TMPDIR/cut.log"
	assert_output "cut after 300000"
	sleep 1
	after=$(as_pool condor_q -af ClusterId | wc -l)
	[ "$before" = "$after" ] || fail "queue went from $before to $after jobs"
	# The cut transaction had its cluster id: it was cut mid-pipeline.
	c2=$(api_submit 'executable = /bin/echo
queue' false)
	[ "$c2" -eq $((c1 + 2)) ] || fail "clusters $c1 then $c2: the cut came before NewCluster"
	as_pool condor_rm "$c1" "$c2" >/dev/null
}

@test "real schedd: found through the collector when there is no address file" {
	local c
	c=$(head -1 "$POOL/local/log/.collector_address")
	run env CONDOR_CONFIG=ONLY_ENV _CONDOR_SCHEDD_ADDRESS_FILE=/nonexistent \
	    _CONDOR_COLLECTOR_HOST="$c" "$BIN" --allow-root \
	    < <(printf 'GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$TOKEN")
	assert_output --partial "\"user\": \"$IT_USER@$UID_DOMAIN\""
	run env CONDOR_CONFIG=ONLY_ENV _CONDOR_SCHEDD_ADDRESS_FILE=/nonexistent \
	    _CONDOR_COLLECTOR_HOST="$c" _CONDOR_SCHEDD_NAME=nosuch "$BIN" --allow-root \
	    < <(printf 'GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$TOKEN")
	assert_output --partial "503 Service Unavailable"
	assert_output --partial "no schedd named nosuch"
}

# --- Sandboxes: spool, run, fetch ---------------------------------------

SBX_JOB='executable = run.sh
transfer_input_files = in.txt
transfer_output_files = copy.txt, big.out, empty.out, sub
output = job.out
error = job.err
should_transfer_files = YES
+RunMe = true
queue'

# sbx_files DIR: the job's input in DIR: a script that reads its input
# and writes output files of several sizes, one empty, one in a
# subdirectory, and both standard streams.
sbx_files() {
	mkdir -p "$1"
	printf '#!/bin/sh\ncat in.txt > copy.txt\nhead -c 300001 /dev/zero | tr "\\\\0" x > big.out\n: > empty.out\nmkdir -p sub\necho deep > sub/f.txt\necho "to stdout"\necho "to stderr" >&2\n' > "$1/run.sh"
	chmod 755 "$1/run.sh"
	printf 'input line 1\ninput line 2\n' > "$1/in.txt"
}

# wait_status C.P STATUS: poll condor_q until JobStatus is STATUS (120 s).
wait_status() {
	local i
	for ((i = 0; i < 240; i++)); do
		[ "$(cq_attr "$1" JobStatus)" = "$2" ] && return 0
		sleep 0.5
	done
	fail "job $1 did not reach JobStatus $2 (now $(cq_attr "$1" JobStatus))"
}

# sbx_reference: the same job through condor_submit -spool and
# condor_transfer_data, its output left in $POOL/ref.
sbx_reference() {
	local cs
	sbx_files "$POOL/ref"
	printf '%s\n' "$SBX_JOB" > "$POOL/ref/job.sub"
	[ "$(id -u)" = 0 ] && chown -R "$IT_USER" "$POOL/ref"
	cs=$(cd "$POOL/ref" && as_pool condor_submit -spool job.sub |
	    sed -n 's/.*submitted to cluster \([0-9]*\)\..*/\1/p')
	wait_status "$cs.0" 4
	(cd "$POOL/ref" && as_pool condor_transfer_data "$cs.0") >/dev/null
}

# sbx_same DIR: DIR holds exactly the output the reference job fetched.
sbx_same() {
	local f
	for f in copy.txt big.out empty.out sub/f.txt job.out job.err; do
		cmp "$POOL/ref/$f" "$1/$f" || fail "$f differs from condor_transfer_data's"
	done
}

@test "real schedd: spool, upload, run, download equals condor_transfer_data" {
	local c d=$BATS_TEST_TMPDIR
	[ -d "$POOL/ref" ] || sbx_reference
	sbx_files "$d/in"
	python3 -c 'import json,sys; print(json.dumps({"submit_file": sys.argv[1]}))' "$SBX_JOB" > "$d/req.json"
	api /api/v1/jobs -X POST -H 'Content-Type: application/json' --data-binary @"$d/req.json"
	[ "$HTTP_CODE" = 201 ]
	c=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cluster_id"])' "$d/b")
	tar -C "$d/in" -cf "$d/in.tar" run.sh in.txt
	api "/api/v1/jobs/$c.0/input" -X PUT -H 'Content-Type: application/x-tar' --data-binary @"$d/in.tar"
	[ "$HTTP_CODE" = 200 ] || fail "upload: $HTTP_CODE $(cat "$d/b")"
	wait_status "$c.0" 4
	api "/api/v1/jobs/$c.0/output"
	[ "$HTTP_CODE" = 200 ]
	mkdir "$d/got"
	tar -C "$d/got" -xf "$d/b"
	sbx_same "$d/got"
	api "/api/v1/jobs/$c.0/stdout"
	cmp "$d/b" "$POOL/ref/job.out"
	api "/api/v1/jobs/$c.0/stderr"
	cmp "$d/b" "$POOL/ref/job.err"
	# Repeatable until finished; then the schedd lets the job go.
	run cq_attr "$c.0" JobStatus
	assert_output 4
	api "/api/v1/jobs/$c.0/output?finish=true"
	[ "$HTTP_CODE" = 200 ]
	run cq_attr "$c.0" StageOutFinish
	refute_output None
}

@test "real schedd: a multipart submit with its input runs the same way" {
	local c d=$BATS_TEST_TMPDIR
	[ -d "$POOL/ref" ] || sbx_reference
	sbx_files "$d/in"
	printf '%s\n' "$SBX_JOB" > "$d/job.sub"
	api /api/v1/jobs -F "submit_file=@$d/job.sub" -F "executable=@$d/in/run.sh" \
	    -F "in=@$d/in/in.txt"
	[ "$HTTP_CODE" = 201 ] || fail "submit: $HTTP_CODE $(cat "$d/b")"
	c=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cluster_id"])' "$d/b")
	wait_status "$c.0" 4
	api "/api/v1/jobs/$c.0/output"
	mkdir "$d/got"
	tar -C "$d/got" -xf "$d/b"
	sbx_same "$d/got"
}

@test "real schedd: a bad tar leaves the real job held, and a retry runs it" {
	local c d=$BATS_TEST_TMPDIR
	sbx_files "$d/in"
	python3 -c 'import json,sys; print(json.dumps({"submit_file": sys.argv[1]}))' "$SBX_JOB" > "$d/req.json"
	api /api/v1/jobs -X POST -H 'Content-Type: application/json' --data-binary @"$d/req.json"
	c=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cluster_id"])' "$d/b")
	ln -s in.txt "$d/in/link"
	tar -C "$d/in" -cf "$d/bad.tar" run.sh in.txt link
	api "/api/v1/jobs/$c.0/input" -X PUT -H 'Content-Type: application/x-tar' --data-binary @"$d/bad.tar"
	[ "$HTTP_CODE" = 400 ]
	run cq_attr "$c.0" HoldReasonCode
	assert_output 16
	tar -C "$d/in" -cf "$d/in.tar" run.sh in.txt
	api "/api/v1/jobs/$c.0/input" -X PUT -H 'Content-Type: application/x-tar' --data-binary @"$d/in.tar"
	[ "$HTTP_CODE" = 200 ]
	wait_status "$c.0" 4
}

@test "real schedd: a token minted for a trusted user header is accepted" {
	local key=$POOL/local/passwords.d/POOL
	[ -s "$key" ] || fail "the pool has no POOL signing key at $key"
	kill -TERM -- "-$SERVER_PID"
	wait_exit "$SERVER_PID" 5
	CONDOR_CONFIG=$POOL/condor_config _CONDOR_HTTP_API_SIGNING_KEY=$key \
	    _CONDOR_HTTP_API_USER_HEADER_TRUSTED_PROXIES=127.0.0.1 \
	    start_server "$BATS_TEST_TMPDIR/api2.log" --user-header X-Remote-User
	get "http://127.0.0.1:$PORT/api/v1/whoami" -H "X-Remote-User: $IT_USER"
	[ "$HTTP_CODE" = 200 ] || fail "whoami: $HTTP_CODE $(cat "$BATS_TEST_TMPDIR/b")"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --partial "\"user\": \"$IT_USER@$UID_DOMAIN\""
	# The minted identity can act: list the user's own jobs.
	get "http://127.0.0.1:$PORT/api/v1/jobs?limit=*&projection=Owner" -H "X-Remote-User: $IT_USER"
	assert_equal "$HTTP_CODE" 200
	run grep -c "\"Owner\": \"$IT_USER\"" "$BATS_TEST_TMPDIR/b"
	assert_output "$(as_pool condor_q -af Owner | grep -cx "$IT_USER")"
}
