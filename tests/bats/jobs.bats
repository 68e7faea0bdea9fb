#!/usr/bin/env bats
# jobs.bats — the job query routes end to end: curl -> htcondor-api
# --listen -> CEDAR (TOKEN, ECDH, AES-GCM) -> the test schedd, and each
# error mapping (bad token, schedd down, schedd killed mid-stream, bad
# constraint, malformed id).

load helpers

setup() {
	require_bin
	T=$BATS_TEST_TMPDIR
	# A POOL signing key as HTCondor stores it (64 bytes), and another
	# one for tokens the schedd must refuse.
	head -c 64 /dev/urandom > "$T/pool.key"
	head -c 64 /dev/urandom > "$T/other.key"
	sh "$GEN" 25 3 > "$T/jobs.ads"
	TOKEN=$("$MINT" -k "$T/pool.key" -s alice@test.local)
}

# start_schedd [FAULT]: the test schedd with the queue of setup.
start_schedd() {
	start_test_schedd -j "$T/jobs.ads" ${1:+-x "$1"}
}

start_api() {
	start_server "$T/api.log" --read-timeout 10
}

# api PATH [curl args]: GET PATH with alice's token.
api() {
	local path=$1
	shift
	get "http://127.0.0.1:$PORT$path" -H "Authorization: Bearer $TOKEN" "$@"
}

# The ids "C.P" of the jobs in the last body, sorted.
ids() {
	tr -d ' \n' < "$T/b" | grep -o '"ClusterId":[0-9]*,"ProcId":[0-9]*' |
	    sed -E 's/"ClusterId":([0-9]*),"ProcId":([0-9]*)/\1.\2/' | sort -V
}

# The message of the JSON error body of the last answer.
errmsg() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["code"] == 400 and d["error"] == "Bad Request"; print(d["message"])' "$T/b"
}

@test "whoami: the identity the schedd mapped from the token" {
	start_schedd
	start_api
	api /api/v1/whoami
	[ "$HTTP_CODE" = 200 ]
	run cat "$T/b"
	assert_output '{"authenticated": true, "user": "alice@test.local", "auth_method": "TOKEN", "encryption": "AES"}'
	run grep -E 'GET /api/v1/whoami 200 .* alice@test.local' "$T/api.log"
	assert_success
}

@test "whoami without a token is 401 with WWW-Authenticate" {
	start_schedd
	start_api
	get "http://127.0.0.1:$PORT/api/v1/whoami"
	[ "$HTTP_CODE" = 401 ]
	assert_error_json 401 Unauthorized
	run header_value WWW-Authenticate < "$T/h"
	assert_output --partial Bearer
}

# raw_request TEXT: send TEXT (printf %b) on a plain connection to the
# API and leave every byte of the answer, up to the close, in $T/raw.
raw_request() {
	exec 7<>"/dev/tcp/127.0.0.1/$PORT"
	printf '%b' "$1" >&7
	timeout 20 cat <&7 > "$T/raw"
	exec 7<&-
}

@test "HEAD of a streamed listing is GET's head, and no chunk follows" {
	start_schedd
	start_api
	local rq="/api/v1/jobs?limit=5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $TOKEN\r\n\r\n"
	raw_request "GET $rq"
	grep -v '^Date:' "$T/raw" | sed '/^\r$/q' > "$T/get"
	run grep -c '"ClusterId"' "$T/raw"
	assert_output 5
	raw_request "HEAD $rq"
	grep -v '^Date:' "$T/raw" > "$T/head"
	cmp "$T/get" "$T/head"
	run head -n 1 "$T/raw"
	assert_output $'HTTP/1.1 200 OK\r'
	assert_equal "$(header_value Transfer-Encoding < "$T/raw")" chunked
	assert_equal "$(tail -c 4 "$T/raw" | od -An -c | tr -d ' ')" '\r\n\r\n'
	run grep -E 'HEAD /api/v1/jobs 200 0 .* alice@test.local' "$T/api.log"
	assert_success
}

@test "a job with ill-formed UTF-8 in a string leaves the listing valid JSON" {
	# Another user's job whose Cmd holds a cut sequence, a surrogate and
	# a stray byte, as a schedd may hold from a client that sent them.
	sed -i 's|^Cmd = "/bin/sleep"$|Cmd = "/bin/\xe2\x82-\xed\xa0\x80-\xff-\xc3\xa9"|' "$T/jobs.ads"
	start_schedd
	start_api
	api '/api/v1/jobs?limit=2&projection=ClusterId,ProcId,Cmd'
	[ "$HTTP_CODE" = 200 ]
	run python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); print(ascii(d["jobs"][0]["Cmd"]))' "$T/b"
	assert_success
	assert_output "'/bin/\\ufffd-\\ufffd\\ufffd\\ufffd-\\ufffd-\\xe9'"
	api /api/v1/jobs/1.0
	[ "$HTTP_CODE" = 200 ]
	run python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); print(ascii(d["Cmd"]))' "$T/b"
	assert_output "'/bin/\\ufffd-\\ufffd\\ufffd\\ufffd-\\ufffd-\\xe9'"
}

@test "a listing with limit=* returns every job" {
	start_schedd
	start_api
	api '/api/v1/jobs?mine=false&limit=*&projection=ClusterId,ProcId'
	[ "$HTTP_CODE" = 200 ]
	run ids
	[ "${#lines[@]}" -eq 25 ]
	run grep -c '"has_more": false' "$T/b"
	assert_output 1
	# The body is one valid JSON document.
	run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total_returned"], len(d["jobs"]))' "$T/b"
	assert_output "25 25"
}

@test "pages are the first LIMIT jobs in id order, and tokens chain" {
	start_schedd
	start_api
	local all="" tok="" n=0
	while :; do
		api "/api/v1/jobs?mine=false&limit=10&projection=ClusterId,ProcId${tok:+&page_token=$tok}"
		[ "$HTTP_CODE" = 200 ]
		all="$all $(ids | tr '\n' ' ')"
		tok=$(sed -n 's/.*"next_page_token": "\([^"]*\)".*/\1/p' "$T/b")
		n=$((n + 1))
		[ -n "$tok" ] || break
		[ "$n" -lt 10 ] || fail "too many pages"
	done
	[ "$n" -eq 3 ]
	run sh -c "echo $all | tr ' ' '\n' | sort -V | tr '\n' ' '"
	assert_output "1.0 1.1 1.2 1.3 1.4 1.5 1.6 1.7 1.8 2.0 2.1 2.2 2.3 2.4 2.5 2.6 2.7 2.8 3.0 3.1 3.2 3.3 3.4 3.5 3.6 "
	# The first page is exactly the ten smallest ids.
	api "/api/v1/jobs?mine=false&limit=10&projection=ClusterId,ProcId"
	run ids
	assert_output "$(printf '%s\n' 1.0 1.1 1.2 1.3 1.4 1.5 1.6 1.7 1.8 2.0)"
}

# shaped_queue FILE SPEC...: a queue of clusters "C:N" (cluster C with
# procs 0..N-1), written out of id order (a stride through them, as
# gen-jobs.sh does), so that whatever the test schedd meets first (its
# LimitResults) is ids from the middle.  Every 97th job (by id) has
# Sparse = true; PAD (env, bytes) pads every ad.
shaped_queue() {
	local f=$1
	shift
	printf '%s\n' "$@" | awk -F: -v pad="${PAD:-0}" '
	    { for (p = 0; p < $2; p++) id[n++] = $1 " " p }
	    END {
		s = ""
		for (i = 0; i < pad; i++) s = s "x"
		for (st = 7; n % st == 0; st += 2)
			;
		for (j = 0; j < n; j++) {
			k = (j * st + int(n / 2)) % n
			split(id[k], a, " ")
			printf "ClusterId = %d\nProcId = %d\nOwner = \"alice\"\n", a[1], a[2]
			printf "User = \"alice@test.local\"\nJobStatus = 1\n"
			printf "Sparse = %s\n", (k % 97 == 5) ? "true" : "false"
			if (pad > 0) printf "Xpad = \"%s\"\n", s
			printf "\n"
		}
	    }' > "$f"
}

# walk_pages LIMIT QUERY: every page of QUERY in turn; checks each page
# is sorted (unless ANY_ORDER is set: pages past the byte cap come in
# the schedd's order) and at most LIMIT long, and prints the ids.
walk_pages() {
	local limit=$1 q=$2 tok="" n=0 ids
	while :; do
		api "/api/v1/jobs?mine=false&limit=$limit&$q${tok:+&page_token=$tok}" >&2
		[ "$HTTP_CODE" = 200 ] || { echo "status $HTTP_CODE" >&2; return 1; }
		ids=$(tr -d ' \n' < "$T/b" | grep -o '"ClusterId":[0-9]*,"ProcId":[0-9]*' |
		    sed -E 's/"ClusterId":([0-9]*),"ProcId":([0-9]*)/\1.\2/')
		[ -z "${ANY_ORDER:-}" ] || ids=$(printf '%s\n' $ids | sort -V)
		[ "$ids" = "$(printf '%s\n' $ids | sort -V)" ] || { echo "unsorted page" >&2; return 1; }
		[ "$(printf '%s\n' $ids | grep -c .)" -le "$limit" ] || return 1
		[ -z "$ids" ] || printf '%s\n' $ids
		tok=$(sed -n 's/.*"next_page_token": "\([^"]*\)".*/\1/p' "$T/b")
		n=$((n + 1))
		[ -n "$tok" ] || break
		[ "$n" -lt 60 ] || { echo "too many pages" >&2; return 1; }
	done
}

# pages_match LIMIT QUERY: the pages of QUERY, joined, are every match in
# id order (limit=* gives every match).
pages_match() {
	local want got
	api "/api/v1/jobs?mine=false&limit=*&$2" >&2
	want=$(ids)
	got=$(walk_pages "$1" "$2") || fail "walking pages of limit=$1 $2 failed"
	[ -n "$want" ] || fail "no jobs match $2"
	[ "$got" = "$want" ] || fail "pages of limit=$1 $2: $(diff <(echo "$want") <(echo "$got") | head -5)"
}

@test "pages are exact over sparse cluster ids, mid-cluster boundaries and far-apart matches" {
	shaped_queue "$T/jobs.ads" 5:3 100:60 101:1 5000:10 $(seq -f '%g:1' 5001 5040) 90000:200 90002:7
	start_schedd
	start_api
	local p=projection=ClusterId,ProcId
	for limit in 13 50 51 1000 10000; do
		pages_match "$limit" "$p"
	done
	# A constraint that matches a few jobs far apart (every 97th).
	pages_match 1 "$p&constraint=Sparse"
	pages_match 2 "$p&constraint=Sparse"
	pages_match 50 "$p&constraint=Sparse"
	# Windows whose ends fall on jobs: a boundary 4 x (limit + 1) procs
	# on, and constraints that leave only the jobs near it.
	pages_match 4 "$p&constraint=ProcId%20%3E%3D%2019%20%26%26%20ProcId%20%3C%3D%2021"
	pages_match 3 "$p&constraint=%28ClusterId%20%3D%3D%20100%20%7C%7C%20ClusterId%20%3D%3D%2090000%29%20%26%26%20ProcId%20%25%2016%20%3D%3D%200"
	pages_match 1 "$p&constraint=%28ClusterId%20%3D%3D%20100%20%7C%7C%20ClusterId%20%3D%3D%2090000%29%20%26%26%20ProcId%20%25%2016%20%3D%3D%200"
	# One page after a token that is no job's id, in a gap.
	api "/api/v1/jobs?mine=false&limit=3&$p&page_token=$(printf '101.7' | base64 | tr '+/' '-_' | tr -d '=')"
	[ "$HTTP_CODE" = 200 ]
	run ids
	assert_output "$(printf '%s\n' 5000.0 5000.1 5000.2)"
}

@test "pages are exact over many one-proc clusters and one big cluster" {
	shaped_queue "$T/jobs.ads" $(seq -f '%g:1' 1 300) 400:700
	start_schedd
	start_api
	local p=projection=ClusterId,ProcId,User
	for limit in 50 299 301 10000; do
		pages_match "$limit" "$p"
	done
	pages_match 3 "$p&constraint=Sparse"
	pages_match 50 "$p&constraint=ClusterId%20%3E%20250"
}

@test "a page whose ads pass the byte cap (4 MiB) is fetched by id, whole" {
	PAD=20000 shaped_queue "$T/jobs.ads" 1:150 2:150
	start_schedd
	start_api
	ANY_ORDER=1 pages_match 250 "projection=ClusterId,ProcId,Xpad"
	# Every ad of a page arrives with its padding.
	api "/api/v1/jobs?mine=false&limit=250&projection=ClusterId,ProcId,Xpad"
	run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["jobs"]), {len(j["Xpad"]) for j in d["jobs"]}, d["has_more"])' "$T/b"
	assert_output "250 {20000} True"
}

@test "constraint and projection reach the schedd" {
	start_schedd
	start_api
	api '/api/v1/jobs?mine=false&constraint=Owner%20%3D%3D%20%22bob%22%20%26%26%20JobStatus%20%3D%3D%202&projection=ClusterId,ProcId,Owner,JobStatus&limit=*'
	[ "$HTTP_CODE" = 200 ]
	run grep -c '"Owner": "bob"' "$T/b"
	[ "$output" -ge 1 ]
	run grep -c '"Owner": "alice"' "$T/b"
	assert_output 0
	run grep -c '"JobStatus": 1' "$T/b"
	assert_output 0
	run grep -c '"Cmd"' "$T/b"
	assert_output 0
}

@test "a projection returns only its attributes, not those they refer to" {
	start_schedd
	start_api
	# Requirements refers to RequestDisk and RequestMemory: the schedd
	# sends those too, condor_q (and we) leave them out.
	api '/api/v1/jobs/1.2?projection=ProcId,Requirements'
	[ "$HTTP_CODE" = 200 ]
	run python3 -c 'import json,sys; print(sorted(json.load(open(sys.argv[1]))))' "$T/b"
	assert_output "['ProcId', 'Requirements']"
}

@test "private attributes never reach a response" {
	start_schedd
	start_api
	api '/api/v1/jobs?limit=*'
	[ "$HTTP_CODE" = 200 ]
	run grep -c '"Cmd"' "$T/b"
	[ "$output" -ge 1 ]
	run grep -c 'ClaimId\|secret-claim' "$T/b"
	assert_output 0
}

@test "one job as an object; a missing one is 404" {
	start_schedd
	start_api
	api '/api/v1/jobs/2.3'
	[ "$HTTP_CODE" = 200 ]
	run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ClusterId"], d["ProcId"], d["Owner"])' "$T/b"
	assert_output "2 3 bob"
	api '/api/v1/jobs/2.99'
	[ "$HTTP_CODE" = 404 ]
	assert_error_json 404 "Not Found"
}

@test "one job is read with GetJobAd on a QMGMT connection, the same ad a query gives; a READ-only identity is asked with a query" {
	start_schedd
	start_api
	api '/api/v1/jobs/2.3'
	[ "$HTTP_CODE" = 200 ]
	cp "$T/b" "$T/one.json"
	run grep -c 'QMGMT_WRITE_CMD' "$T/schedd.log"
	assert_output 1
	run grep -c 'QUERY_JOB_ADS' "$T/schedd.log"
	assert_output 0
	api '/api/v1/jobs?constraint=ClusterId%3D%3D2%26%26ProcId%3D%3D3&limit=*&mine=false'
	run python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))["jobs"]; print(len(b), a == b[0])' "$T/one.json" "$T/b"
	assert_output "1 True"
	api '/api/v1/jobs/1.0?projection=ProcId,Owner'
	run cat "$T/b"
	assert_output --partial '"ProcId": 0'
	run python3 -c 'import json,sys; print(sorted(json.load(open(sys.argv[1]))))' "$T/b"
	assert_output "['Owner', 'ProcId']"
	kill "$SCHEDD_PID"; wait "$SCHEDD_PID" 2>/dev/null || true
	start_schedd read-only
	api '/api/v1/jobs/2.3'
	[ "$HTTP_CODE" = 200 ]
	run python3 -c 'import json,sys; print(json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])))' "$T/one.json" "$T/b"
	assert_output True
	api '/api/v1/jobs/2.99'
	[ "$HTTP_CODE" = 404 ] || fail "gave $HTTP_CODE: $(cat "$T/b")"
}

@test "a cluster id lists that cluster's jobs" {
	start_schedd
	start_api
	api '/api/v1/jobs/3?projection=ClusterId,ProcId'
	[ "$HTTP_CODE" = 200 ]
	run ids
	assert_output "$(printf '%s\n' 3.0 3.1 3.2 3.3 3.4 3.5 3.6)"
}

@test "malformed job ids are 400; extra segments are 404" {
	start_schedd
	start_api
	for id in 01 1.01 -1 1. .1 1.2.3 abc 2147483648; do
		api "/api/v1/jobs/$id"
		[ "$HTTP_CODE" = 400 ] || fail "$id gave $HTTP_CODE"
	done
	api /api/v1/jobs/1.0/extra
	[ "$HTTP_CODE" = 404 ]
}

@test "a constraint that does not parse is 400 and says where" {
	start_schedd
	start_api
	api '/api/v1/jobs?constraint=JobStatus%20%3D%3D'
	[ "$HTTP_CODE" = 400 ]
	assert_error_json 400 "Bad Request"
	run grep -o 'offset [0-9]*' "$T/b"
	assert_output "offset 12"
	# The schedd was never asked; a good query is.
	run grep -c 'QUERY_JOB_ADS' "$T/schedd.log"
	assert_output 0
	api '/api/v1/jobs?constraint=JobStatus%20%3D%3D%201&limit=*'
	[ "$HTTP_CODE" = 200 ]
	run grep -c 'QUERY_JOB_ADS from alice@test.local' "$T/schedd.log"
	assert_output 1
}

@test "bad limit, projection and page_token are 400" {
	start_schedd
	start_api
	for q in limit=0 limit=10001 limit=x 'projection=a%20b' 'projection=1x' page_token=%%% page_token=Zm9v; do
		api "/api/v1/jobs?$q"
		[ "$HTTP_CODE" = 400 ] || fail "$q gave $HTTP_CODE"
	done
}

@test "an unknown or repeated query parameter is 400 naming it, before the schedd" {
	start_schedd
	start_api
	# A typo would otherwise list every job.
	api '/api/v1/jobs?constrant=Owner%20%3D%3D%20%22bob%22'
	[ "$HTTP_CODE" = 400 ]
	run errmsg
	assert_output 'unknown query parameter "constrant"; this resource takes: constraint, projection, limit, page_token, mine, owned_by_me'
	api '/api/v1/jobs?mine=true&mine=false'
	[ "$HTTP_CODE" = 400 ]
	run errmsg
	assert_output 'query parameter "mine" is given more than once'
	# Each route takes its own: since is history's, limit not one job's
	# record; the write routes and whoami take none.
	for p in '/api/v1/jobs?since=1.0' '/api/v1/jobs/1.2?mine=true' \
	    '/api/v1/history/1.2?limit=1' '/api/v1/history?page_token=x' \
	    '/api/v1/jobs?limit=1&x' '/api/v1/jobs?%6dine=true' \
	    '/api/v1/whoami?x=1'; do
		api "$p"
		[ "$HTTP_CODE" = 400 ] || fail "$p gave $HTTP_CODE"
	done
	run errmsg
	assert_output --partial 'takes: none'
	# A key is shown only as letters, digits and _-.: nothing else echoes.
	api '/api/v1/jobs?%3Cb%3E=1'
	run errmsg
	assert_output --partial 'unknown query parameter "?3Cb?3E";'
	run grep -c 'QUERY_JOB_ADS' "$T/schedd.log"
	assert_output 0
	# Empty segments are no parameter; the service routes ignore any.
	api '/api/v1/jobs?&limit=1&&mine=false&'
	[ "$HTTP_CODE" = 200 ]
	get "http://127.0.0.1:$PORT/healthz?nocache=123"
	[ "$HTTP_CODE" = 200 ]
}

@test "a token signed with another key is 401" {
	start_schedd
	start_api
	TOKEN=$("$MINT" -k "$T/other.key" -s alice@test.local)
	api /api/v1/jobs
	[ "$HTTP_CODE" = 401 ]
	assert_error_json 401 Unauthorized
	run header_value WWW-Authenticate < "$T/h"
	assert_output --partial Bearer
}

@test "a token with an unknown kid is 401" {
	start_schedd
	start_api
	TOKEN=$("$MINT" -k "$T/pool.key" -K nosuchkey -s alice@test.local)
	api /api/v1/jobs
	[ "$HTTP_CODE" = 401 ]
	run grep -c 'token rejected' "$T/b"
	assert_output 1
}

@test "an expired token is 401 'token expired'" {
	start_schedd
	start_api
	TOKEN=$("$MINT" -k "$T/pool.key" -e -60 -s alice@test.local)
	api /api/v1/jobs
	[ "$HTTP_CODE" = 401 ]
	run grep -c 'token expired' "$T/b"
	assert_output 1
}

@test "a token that is not a JWT is 401; a non-Bearer scheme is 401" {
	start_schedd
	start_api
	TOKEN=not-a-jwt
	api /api/v1/jobs
	[ "$HTTP_CODE" = 401 ]
	get "http://127.0.0.1:$PORT/api/v1/jobs" -H "Authorization: Basic YWxpY2U6eA=="
	[ "$HTTP_CODE" = 401 ]
}

@test "the token is never logged" {
	start_schedd
	start_api
	api /api/v1/jobs
	[ "$HTTP_CODE" = 200 ]
	run grep -c -F -e "${TOKEN%%.*}" "$T/api.log"
	assert_output 0
	run grep -c -F -e "${TOKEN##*.}" "$T/api.log"
	assert_output 0
}

@test "schedd down is 503 with Retry-After" {
	start_schedd
	kill -KILL "$SCHEDD_PID"
	wait_exit "$SCHEDD_PID"
	start_api
	api /api/v1/jobs
	[ "$HTTP_CODE" = 503 ]
	assert_error_json 503 "Service Unavailable"
	run header_value Retry-After < "$T/h"
	assert_output 5
}

@test "no schedd address at all is 503" {
	start_api
	unset _CONDOR_SCHEDD_ADDRESS_FILE
	api /api/v1/jobs
	[ "$HTTP_CODE" = 503 ]
}

@test "a schedd killed mid-stream cuts the body: no final chunk" {
	start_schedd die-after:5
	start_api
	run hcurl -o "$T/b" -H "Authorization: Bearer $TOKEN" \
	    "http://127.0.0.1:$PORT/api/v1/jobs?limit=*"
	# curl 18: transfer closed with outstanding read data remaining.
	[ "$status" -eq 18 ]
	run grep -c '"ClusterId"' "$T/b"
	assert_output 5
	run grep -c 'total_returned' "$T/b"
	assert_output 0
	run grep -c 'answer cut' "$T/api.log"
	assert_output 1
}

@test "HTTP/1.0: a cut stream is cut JSON" {
	start_schedd die-after:3
	start_api
	run hcurl -0 -o "$T/b" -H "Authorization: Bearer $TOKEN" \
	    "http://127.0.0.1:$PORT/api/v1/jobs?limit=*"
	run python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/b"
	assert_failure
	run grep -c '"ClusterId"' "$T/b"
	assert_output 3
}

@test "a schedd that fails before the first job gives a clean error" {
	start_schedd close-query
	start_api
	api '/api/v1/jobs?limit=*'
	[ "$HTTP_CODE" = 502 ]
	assert_error_json 502 "Bad Gateway"
}

@test "a schedd that stalls is cut at the schedd deadline" {
	start_schedd stall-after:2
	export _CONDOR_HTTP_API_SCHEDD_TIMEOUT=2
	start_api
	local t0=$(now_ms)
	run hcurl -o "$T/b" -H "Authorization: Bearer $TOKEN" \
	    "http://127.0.0.1:$PORT/api/v1/jobs?limit=*"
	[ "$status" -eq 18 ]
	(( $(now_ms) - t0 < 8000 ))
	run grep -c '"ClusterId"' "$T/b"
	assert_output 2
}

@test "inetd mode and CGI mode serve the same query" {
	start_schedd
	inetd "GET /api/v1/jobs/1.2?projection=ProcId HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $TOKEN\r\n\r\n"
	[ "$RC" -eq 0 ]
	run http_body < "$OUT"
	assert_output --partial '"ProcId": 2'
	run env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
	    PATH_INFO=/api/v1/jobs/1.2 QUERY_STRING=projection=ProcId \
	    HTTP_AUTHORIZATION="Bearer $TOKEN" "$BIN" --allow-root < /dev/null
	assert_success
	assert_output --partial 'Status: 200 OK'
	assert_output --partial '"ProcId": 2'
}

@test "without an address file the schedd is found through the collector" {
	start_schedd
	start_api
	# The test schedd also plays the collector (QUERY_SCHEDD_ADS).
	local sinful
	sinful=$(head -1 "$T/addr")
	run env CONDOR_CONFIG=ONLY_ENV _CONDOR_SCHEDD_ADDRESS_FILE=/nonexistent \
	    _CONDOR_COLLECTOR_HOST="$sinful" "$BIN" --allow-root \
	    < <(printf 'GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$TOKEN")
	assert_output --partial '"user": "alice@test.local"'
	run grep -c 'QUERY_SCHEDD_ADS from alice@test.local' "$T/schedd.log"
	assert_output 1
	run env CONDOR_CONFIG=ONLY_ENV _CONDOR_SCHEDD_ADDRESS_FILE=/nonexistent \
	    _CONDOR_COLLECTOR_HOST="$sinful" _CONDOR_SCHEDD_NAME=other@x \
	    "$BIN" --allow-root \
	    < <(printf 'GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$TOKEN")
	assert_output --partial '503 Service Unavailable'
	assert_output --partial 'no schedd named other@x'
}

# whoami_with_ad AD: GET /api/v1/whoami through the binary with AD as the
# schedd's daemon ad file and no other way to find the schedd.
whoami_with_ad() {
	run env CONDOR_CONFIG=ONLY_ENV _CONDOR_SCHEDD_ADDRESS_FILE=/nonexistent \
	    _CONDOR_SCHEDD_DAEMON_AD_FILE="$1" "$BIN" --allow-root \
	    < <(printf 'GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$TOKEN")
}

@test "a daemon ad file over its cap (1 MiB) is an error, not read cut short" {
	start_schedd
	local ad="$T/schedd.ad" size
	printf 'MyAddress = "%s"\n' "$(head -1 "$T/addr")" > "$ad"
	whoami_with_ad "$ad"
	assert_output --partial '"user": "alice@test.local"'
	# Pad to exactly 1 MiB of whole lines, so an ad cut at 1 MiB still
	# parses and names the schedd; then one line more.
	size=$(stat -c %s "$ad")
	awk -v n=$(((1048576 - size) / 1024)) 'BEGIN {
	    for (i = 0; i < n; i++) printf "P%06d = \"%01011d\"\n", i, 0 }' >> "$ad"
	size=$(stat -c %s "$ad")
	awk -v n=$((1048576 - size - 7)) \
	    'BEGIN { printf "Z = \"%0" n "d\"\n", 0 }' >> "$ad"
	[ "$(stat -c %s "$ad")" -eq 1048576 ]
	whoami_with_ad "$ad"
	assert_output --partial '"user": "alice@test.local"'
	echo 'More = 1' >> "$ad"
	whoami_with_ad "$ad"
	assert_output --partial '503 Service Unavailable'
	assert_output --partial 'is too large'
}
