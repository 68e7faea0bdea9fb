#!/usr/bin/env bats
# sandbox.bats — job sandboxes end to end: curl -> htcondor-api --listen
# -> CEDAR -> the test schedd's SPOOL_JOB_FILES_WITH_PERMS and
# TRANSFER_DATA_WITH_PERMS.  Upload a spooled job's input, check every
# refusal leaves the job held, download the output as a tar (one job, a
# cluster, repeatable, ?finish=true), single files, the multipart submit,
# and what a failure of the schedd or the client does.
#
# The test schedd keeps a job's spool in $T/spool/C/P (next to its
# address file); a job "runs" here by a PATCH of JobStatus to 4 and files
# written into that directory, which is what its TRANSFER_DATA sends.

load helpers

setup() {
	require_bin
	T=$BATS_TEST_TMPDIR
	head -c 64 /dev/urandom > "$T/pool.key"
	: > "$T/jobs.ads"
	TOKEN=$("$MINT" -k "$T/pool.key" -s alice@test.local)
	BOB=$("$MINT" -k "$T/pool.key" -s bob@test.local)
	mkdir -p "$T/in"
	printf '#!/bin/sh\necho hello\n' > "$T/in/run.sh"
	head -c 300000 /dev/urandom > "$T/in/data.bin"
	printf 'line 1\nline 2\n' > "$T/in/in.txt"
}

start_both() {
	start_test_schedd -j "$T/jobs.ads" "$@"
	start_server "$T/api.log" --read-timeout 10
}

API() { echo "http://127.0.0.1:$PORT/api/v1$1"; }

# js EXPR: the Python expression EXPR over the last body, parsed as d.
js() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/b" "$1"
}

# submit TEXT [QUEUE]: a spooled submit as alice; sets CLUSTER.
submit() {
	local body
	body=$(python3 -c 'import json,sys; print(json.dumps({"submit_file": sys.argv[1]}))' "$1")
	get "$(API /jobs)" -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' --data-binary "$body"
	[ "$HTTP_CODE" = 201 ] || fail "submit gave $HTTP_CODE: $(cat "$T/b")"
	CLUSTER=$(js 'd["cluster_id"]')
}

JOB='executable = run.sh
transfer_input_files = data.bin, in.txt
output = out.txt
error = err.txt
queue'

# upload ID TARFILE [TYPE]: PUT the tar as alice.
upload() {
	get "$(API "/jobs/$1/input")" -X PUT -H "Authorization: Bearer $TOKEN" \
	    -H "Content-Type: ${3:-application/x-tar}" --data-binary "@$2"
}

# status ID: the job's JobStatus (and HoldReasonCode) as "S/H".
status() {
	get "$(API "/jobs/$1?projection=JobStatus,HoldReasonCode")" \
	    -H "Authorization: Bearer $TOKEN"
	js '"%s/%s" % (d.get("JobStatus"), d.get("HoldReasonCode"))'
}

# complete C.P FILE...: the job "ran": JobStatus 4 and FILEs (relative
# to $T/out) in its spool.
complete() {
	local id=$1 c=${1%.*} p=${1#*.} f
	shift
	mkdir -p "$T/spool/$c/$p"
	for f in "$@"; do
		mkdir -p "$T/spool/$c/$p/$(dirname "$f")"
		cp "$T/out/$f" "$T/spool/$c/$p/$f"
	done
	get "$(API "/jobs/$id")" -X PATCH -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' --data-binary '{"JobStatus": 4}'
	[ "$HTTP_CODE" = 200 ] || fail "PATCH JobStatus gave $HTTP_CODE: $(cat "$T/b")"
}

make_output() {
	mkdir -p "$T/out/sub/dir"
	printf 'hello\n' > "$T/out/out.txt"
	: > "$T/out/err.txt"
	head -c 1048577 /dev/urandom > "$T/out/big.dat"
	printf 'deep\n' > "$T/out/sub/dir/f.txt"
}

@test "upload then download: the bytes round-trip, the job is released" {
	start_both
	submit "$JOB"
	run status "$CLUSTER.0"
	assert_output "5/16"
	tar -C "$T/in" -cf "$T/in.tar" run.sh data.bin in.txt
	upload "$CLUSTER.0" "$T/in.tar"
	assert_equal "$HTTP_CODE" 200
	run js '(d["job_id"], d["files"], d["bytes"], d["jobs"])'
	assert_output "('$CLUSTER.0', 3, $(cat "$T/in/run.sh" "$T/in/data.bin" "$T/in/in.txt" | wc -c), 1)"
	run status "$CLUSTER.0"
	assert_output "1/None"
	# The schedd has the files, byte for byte.
	for f in run.sh data.bin in.txt; do
		cmp "$T/in/$f" "$T/spool/$CLUSTER/0/$f"
	done
	# Sizes as condor_submit computes them from the files.
	get "$(API "/jobs/$CLUSTER.0?projection=ExecutableSize,TransferInputSizeMB,DiskUsage")" \
	    -H "Authorization: Bearer $TOKEN"
	run js '(d["ExecutableSize"], d["TransferInputSizeMB"], d["DiskUsage"])'
	assert_output "(1, 1, 295)"
	make_output
	complete "$CLUSTER.0" out.txt err.txt big.dat sub/dir/f.txt
	get "$(API "/jobs/$CLUSTER.0/output")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	run header_value Content-Type < "$T/h"
	assert_output "application/x-tar"
	run header_value Content-Disposition < "$T/h"
	assert_output "attachment; filename=\"job-$CLUSTER.0-output.tar\""
	mkdir "$T/got"
	tar -C "$T/got" -xf "$T/b"
	for f in out.txt err.txt big.dat sub/dir/f.txt; do
		[ "$(sha256sum < "$T/out/$f")" = "$(sha256sum < "$T/got/$f")" ] ||
		    fail "$f differs"
	done
}

@test "a gzip-compressed tar is taken; a tar with implicit directories too" {
	start_both
	submit 'executable = /bin/true
transfer_executable = false
transfer_input_files = d
queue'
	mkdir -p "$T/in/d/e"
	echo x > "$T/in/d/e/x.txt"
	tar -C "$T/in" -czf "$T/in.tgz" d/e/x.txt
	upload "$CLUSTER.0" "$T/in.tgz" application/gzip
	assert_equal "$HTTP_CODE" 200
	cmp "$T/in/d/e/x.txt" "$T/spool/$CLUSTER/0/d/e/x.txt"
}

@test "every refusal of an upload leaves the job held, and a retry works" {
	start_both
	submit "$JOB"
	id=$CLUSTER.0
	tar -C "$T/in" -cf "$T/good.tar" run.sh data.bin in.txt
	# 415: not a tar type
	upload "$id" "$T/good.tar" text/plain
	assert_equal "$HTTP_CODE" 415
	assert_error_json 415 "Unsupported Media Type"
	# 400: not a tar at all
	upload "$id" "$T/in/in.txt"
	assert_equal "$HTTP_CODE" 400
	# 400: an unexpected entry, and a missing one, both listed
	cp "$T/in/in.txt" "$T/in/extra.txt"
	tar -C "$T/in" -cf "$T/t.tar" run.sh data.bin extra.txt
	upload "$id" "$T/t.tar"
	assert_equal "$HTTP_CODE" 400
	run js 'd["message"]'
	assert_output --partial "extra.txt"
	assert_output --partial "in.txt"
	# 400: a symbolic link, named
	ln -s in.txt "$T/in/link"
	tar -C "$T/in" -cf "$T/t.tar" run.sh data.bin in.txt link
	upload "$id" "$T/t.tar"
	assert_equal "$HTTP_CODE" 400
	run js 'd["message"]'
	assert_output --partial "link"
	# 400: names that leave the sandbox
	for n in ../in.txt /etc/passwd; do
		python3 - "$T/t.tar" "$n" "$T/in/in.txt" <<'EOF'
import sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    t.add(sys.argv[3], arcname=sys.argv[2])
EOF
		upload "$id" "$T/t.tar"
		assert_equal "$HTTP_CODE" 400
	done
	# 404: no such job; bob's view of alice's job
	upload 999.0 "$T/good.tar"
	assert_equal "$HTTP_CODE" 404
	get "$(API "/jobs/$id/input")" -X PUT -H "Authorization: Bearer $BOB" \
	    -H 'Content-Type: application/x-tar' --data-binary "@$T/good.tar"
	assert_equal "$HTTP_CODE" 404
	run status "$id"
	assert_output "5/16"
	# The retry works.
	upload "$id" "$T/good.tar"
	assert_equal "$HTTP_CODE" 200
	run status "$id"
	assert_output "1/None"
	# 409: no longer waiting for input
	upload "$id" "$T/good.tar"
	assert_equal "$HTTP_CODE" 409
}

@test "the caps: bytes (a compression bomb stops at the cap, in bounded memory) and files" {
	start_test_schedd -j "$T/jobs.ads"
	export _CONDOR_HTTP_API_MAX_INPUT_BYTES=10485760
	export _CONDOR_HTTP_API_MAX_INPUT_FILES=3
	start_server "$T/api.log" --read-timeout 10
	submit 'executable = /bin/true
transfer_executable = false
transfer_input_files = zeros, d
queue'
	id=$CLUSTER.0
	head -c 209715200 /dev/zero > "$T/in/zeros"
	tar -C "$T/in" -czf "$T/bomb.tgz" zeros
	rm "$T/in/zeros"
	[ "$(stat -c %s "$T/bomb.tgz")" -lt 1048576 ]
	# In inetd mode, to measure the request process's peak RSS.
	{
		printf 'PUT /api/v1/jobs/%s/input HTTP/1.1\r\nHost: x\r\n' "$id"
		printf 'Authorization: Bearer %s\r\nContent-Type: application/gzip\r\n' "$TOKEN"
		printf 'Content-Length: %s\r\nConnection: close\r\n\r\n' "$(stat -c %s "$T/bomb.tgz")"
		cat "$T/bomb.tgz"
	} > "$T/req"
	/usr/bin/time -f %M -o "$T/rss" timeout 60 "$BIN" --allow-root < "$T/req" > "$T/out" 2> "$T/err"
	run head -1 "$T/out"
	assert_output --partial " 413 "
	# Bounded: the same as any sandbox request (mapped libraries, about
	# 12 MiB), not the 200 MiB the bomb expands to.  ASan's shadow
	# memory makes any RSS meaningless, so only the status counts there.
	rss=$(cat "$T/rss")
	asan_build || [ "$rss" -lt 16384 ] || fail "peak RSS $rss KiB"
	# More entries than HTTP_API_MAX_INPUT_FILES
	mkdir -p "$T/in/d"
	for i in 1 2 3 4; do echo $i > "$T/in/d/$i"; done
	echo z > "$T/in/zeros"
	tar -C "$T/in" -cf "$T/t.tar" zeros d
	upload "$id" "$T/t.tar"
	assert_equal "$HTTP_CODE" 413
	run status "$id"
	assert_output "5/16"
}

@test "a client that stops mid-upload leaves the job held" {
	start_both
	submit "$JOB"
	exec 7<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'PUT /api/v1/jobs/%s.0/input HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/x-tar\r\nContent-Length: 1000000\r\n\r\n' \
	    "$CLUSTER" "$TOKEN" >&7
	head -c 5000 /dev/zero >&7
	exec 7>&-
	sleep 0.5
	run status "$CLUSTER.0"
	assert_output "5/16"
}

@test "a schedd that fails mid-spool removes the job, and the answer says so" {
	start_both -x fail-spool-after:100000
	submit "$JOB"
	tar -C "$T/in" -cf "$T/good.tar" run.sh data.bin in.txt
	upload "$CLUSTER.0" "$T/good.tar"
	assert_equal "$HTTP_CODE" 502
	run js 'd["message"]'
	assert_output --partial "removed"
	get "$(API "/jobs/$CLUSTER.0")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 404
}

@test "download: 404, 409 before the job completes, repeatable, then ?finish=true" {
	start_both
	submit "$JOB"
	id=$CLUSTER.0
	get "$(API /jobs/999.0/output)" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 404
	get "$(API "/jobs/$id/output")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 409
	assert_error_json 409 Conflict
	get "$(API "/jobs/$id/output")" -H "Authorization: Bearer $BOB"
	assert_equal "$HTTP_CODE" 404
	make_output
	complete "$id" out.txt big.dat
	get "$(API "/jobs/$id/output")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	cp "$T/b" "$T/first.tar"
	get "$(API "/jobs/$id/output")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	run tar -tf "$T/b"
	assert_output --partial "big.dat"
	[ "$(tar -xOf "$T/first.tar" big.dat | sha256sum)" = "$(tar -xOf "$T/b" big.dat | sha256sum)" ]
	get "$(API "/jobs/$id?projection=StageOutFinish")" -H "Authorization: Bearer $TOKEN"
	run js 'd.get("StageOutFinish")'
	assert_output "None"
	get "$(API "/jobs/$id/output?finish=true")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	get "$(API "/jobs/$id?projection=StageOutFinish")" -H "Authorization: Bearer $TOKEN"
	run js 'd.get("StageOutFinish") is not None'
	assert_output "True"
	get "$(API "/jobs/$id/output?finish=maybe")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 400
}

@test "a schedd that dies mid-download cuts the body: no final chunk" {
	start_both -x fail-transfer-after:500000
	submit "$JOB"
	make_output
	complete "$CLUSTER.0" out.txt big.dat
	run hcurl -o "$T/cut.tar" "$(API "/jobs/$CLUSTER.0/output")" -H "Authorization: Bearer $TOKEN"
	# curl: 18 = transfer closed with outstanding read data remaining
	assert_equal "$status" 18
	run grep -c 'answer cut' "$T/api.log"
	assert_output 1
}

@test "single files: stdout, stderr, a file in a subdirectory; 404 and 400" {
	start_both
	submit "$JOB"
	make_output
	complete "$CLUSTER.0" out.txt err.txt big.dat sub/dir/f.txt
	get "$(API "/jobs/$CLUSTER.0/stdout")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	cmp "$T/b" "$T/out/out.txt"
	run header_value Content-Type < "$T/h"
	assert_output application/octet-stream
	run header_value X-Content-Type-Options < "$T/h"
	assert_output nosniff
	get "$(API "/jobs/$CLUSTER.0/stderr")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	[ ! -s "$T/b" ]
	get "$(API "/jobs/$CLUSTER.0/files/sub/dir/f.txt")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	cmp "$T/b" "$T/out/sub/dir/f.txt"
	get "$(API "/jobs/$CLUSTER.0/files/big.dat")" -H "Authorization: Bearer $TOKEN"
	cmp "$T/b" "$T/out/big.dat"
	get "$(API "/jobs/$CLUSTER.0/files/nope")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 404
	get "$(API "/jobs/$CLUSTER.0/files/a/../big.dat")" --path-as-is -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 400
	get "$(API "/jobs/$CLUSTER/stdout")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 400
	# Single files do not finish the transfer.
	get "$(API "/jobs/$CLUSTER.0?projection=StageOutFinish")" -H "Authorization: Bearer $TOKEN"
	run js 'd.get("StageOutFinish")'
	assert_output "None"
}

@test "a whole cluster: one upload for every proc, one tar with a folder per proc" {
	start_both
	submit "${JOB/queue/queue 2}"
	tar -C "$T/in" -cf "$T/good.tar" run.sh data.bin in.txt
	upload "$CLUSTER" "$T/good.tar"
	assert_equal "$HTTP_CODE" 200
	run js 'd["jobs"]'
	assert_output 2
	cmp "$T/in/data.bin" "$T/spool/$CLUSTER/1/data.bin"
	make_output
	complete "$CLUSTER.0" out.txt
	get "$(API "/jobs/$CLUSTER/output")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 409
	complete "$CLUSTER.1" out.txt big.dat
	get "$(API "/jobs/$CLUSTER/output")" -H "Authorization: Bearer $TOKEN"
	assert_equal "$HTTP_CODE" 200
	run tar -tf "$T/b"
	assert_line "$CLUSTER.0/out.txt"
	assert_line "$CLUSTER.1/big.dat"
}

@test "multipart submit with its input: file parts, or one tar part" {
	start_both
	printf '%s\n' "$JOB" > "$T/job.sub"
	get "$(API /jobs)" -H "Authorization: Bearer $TOKEN" \
	    -F "submit_file=@$T/job.sub" -F "executable=@$T/in/run.sh" \
	    -F "a=@$T/in/data.bin" -F "b=@$T/in/in.txt"
	assert_equal "$HTTP_CODE" 201
	c=$(js 'd["cluster_id"]')
	run js 'd["input"]["files"]'
	assert_output 3
	run status "$c.0"
	assert_output "1/None"
	cmp "$T/in/data.bin" "$T/spool/$c/0/data.bin"
	[ -x "$T/spool/$c/0/run.sh" ]
	tar -C "$T/in" -czf "$T/in.tgz" run.sh data.bin in.txt
	get "$(API /jobs)" -H "Authorization: Bearer $TOKEN" \
	    -F "submit_file=@$T/job.sub" -F "options={\"spool\": true}" \
	    -F "input=@$T/in.tgz"
	assert_equal "$HTTP_CODE" 201
	c=$(js 'd["cluster_id"]')
	cmp "$T/in/in.txt" "$T/spool/$c/0/in.txt"
}

@test "a multipart submit whose input is refused or fails leaves no cluster" {
	start_both -x fail-spool-after:1000
	printf '%s\n' "$JOB" > "$T/job.sub"
	# Refused before the schedd is contacted: a named input is missing.
	get "$(API /jobs)" -H "Authorization: Bearer $TOKEN" \
	    -F "submit_file=@$T/job.sub" -F "executable=@$T/in/run.sh"
	assert_equal "$HTTP_CODE" 400
	run js 'd["message"]'
	assert_output --partial "data.bin"
	get "$(API "/jobs?mine=true")" -H "Authorization: Bearer $TOKEN"
	run js 'len(d["jobs"])'
	assert_output 0
	# The schedd fails mid-upload: the new cluster is removed.
	get "$(API /jobs)" -H "Authorization: Bearer $TOKEN" \
	    -F "submit_file=@$T/job.sub" -F "executable=@$T/in/run.sh" \
	    -F "a=@$T/in/data.bin" -F "b=@$T/in/in.txt"
	assert_equal "$HTTP_CODE" 502
	run js 'd["message"]'
	assert_output --partial "removed"
	get "$(API "/jobs?mine=true")" -H "Authorization: Bearer $TOKEN"
	run js 'len(d["jobs"])'
	assert_output 0
}

@test "libarchive is loaded only by the sandbox routes" {
	run sh -c "readelf -d '$BIN' | grep NEEDED"
	refute_output --partial libarchive
}
