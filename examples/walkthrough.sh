#!/bin/sh
# walkthrough.sh — the README's demo walk-through as a script: submit a job
# that counts the lines of its input, upload that input, wait for the job
# to complete, download its output, and read its history.
#
# Start `htcondor-api --demo` (or point it at any htcondor-api), paste the
# two export lines of its banner, then run this.  It needs only curl and
# tar, works in a temporary folder that it removes, and stops with a
# message and a non-zero status at the first thing that goes wrong: a
# failed connection, an HTTP error (the API's JSON error is printed), a
# held job, or a job that has not completed within WAIT_SECS (120).
#
#   HTCONDOR_API_URL    where the API is (default http://127.0.0.1:8080)
#   HTCONDOR_API_TOKEN  the bearer token (required)
#   WAIT_SECS           how long to wait for each step of the job (120)
set -eu

me=walkthrough.sh
die() {
	printf '%s: %s\n' "$me" "$*" >&2
	exit 1
}

if [ -z "${HTCONDOR_API_TOKEN:-}" ]; then
	printf '%s: HTCONDOR_API_TOKEN is not set: start "htcondor-api --demo" and paste the two export lines its banner prints\n' "$me" >&2
	exit 2
fi
URL=${HTCONDOR_API_URL:-http://127.0.0.1:8080}
API=${URL%/}/api/v1
AUTH="Authorization: Bearer $HTCONDOR_API_TOKEN"
WAIT_SECS=${WAIT_SECS:-120}

work=$(mktemp -d "${TMPDIR:-/tmp}/walkthrough.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$work"

# api WHAT OUT CURL-ARGS...: one request, its body left in the file OUT;
# stops the script with the API's answer when the status is not 2xx.  The
# status is taken from curl (-w) rather than --fail-with-body so that
# callers that poll can tell "not yet" (404) from a failure: see try_api.
api() {
	what=$1 out=$2
	shift 2
	code=$(curl -sS -o "$out" -w '%{http_code}' -H "$AUTH" "$@") ||
	    die "$what: no answer from $API (is the API running?)"
	case $code in
	2??) ;;
	*) die "$what: HTTP $code: $(cat "$out")" ;;
	esac
}

# try_api OUT CURL-ARGS...: like api, but a 404 is "not there yet" (status
# 1) instead of a failure.
try_api() {
	out=$1
	shift
	code=$(curl -sS -o "$out" -w '%{http_code}' -H "$AUTH" "$@") ||
	    die "no answer from $API (is the API running?)"
	case $code in
	2??) return 0 ;;
	404) return 1 ;;
	*) die "HTTP $code: $(cat "$out")" ;;
	esac
}

# The value of the integer attribute NAME in the JSON of the file FILE.
int_attr() {
	sed -n "s/.*\"$1\": *\(-\{0,1\}[0-9][0-9]*\).*/\1/p" "$2" | head -n 1
}

# The job: a script that counts the lines of data.txt into count.txt.
printf '#!/bin/sh\nwc -l < data.txt > count.txt\necho done\n' > run.sh
seq 1000 > data.txt

# 1. Submit.  With spool (the default) the job waits, held, for its input.
api submit submit.json -H 'Content-Type: application/json' \
    --data-binary '{"submit_file": "executable = run.sh\ntransfer_input_files = data.txt\noutput = out.txt\nerror = err.txt\nqueue\n"}' \
    "$API/jobs"
JOB=$(sed -n 's/.*"job_ids": *\["\([0-9]*\.[0-9]*\)".*/\1/p' submit.json)
[ -n "$JOB" ] || die "submit: no job id in the answer: $(cat submit.json)"
echo "submitted job $JOB"

# 2. Upload exactly the files the job names; the schedd releases the job.
tar cf input.tar run.sh data.txt
api "upload input of $JOB" upload.json \
    -H 'Content-Type: application/x-tar' -T input.tar "$API/jobs/$JOB/input"
echo "uploaded its input"

# 3. Wait until it has completed (JobStatus 4); a hold (5) or removal (3)
# ends the wait at once with the reason.
i=0
while :; do
	api "status of $JOB" status.json \
	    "$API/jobs/$JOB?projection=JobStatus,HoldReason"
	status=$(int_attr JobStatus status.json)
	case $status in
	4) break ;;
	3) die "job $JOB was removed" ;;
	5) die "job $JOB is held: $(cat status.json)" ;;
	esac
	i=$((i + 1))
	[ "$i" -le "$WAIT_SECS" ] ||
	    die "job $JOB has not completed after $WAIT_SECS s (JobStatus $status)"
	sleep 1
done
echo "job $JOB has completed"

# 4. Download its output sandbox (a tar) and read count.txt.
api "output of $JOB" output.tar "$API/jobs/$JOB/output"
mkdir output
tar xf output.tar -C output
[ -f output/count.txt ] || die "the output of job $JOB has no count.txt"
count=$(tr -d ' \n' < output/count.txt)
echo "count.txt: $count"
[ "$count" = 1000 ] || die "count.txt says '$count', not 1000"

# 5. Finish the transfer, so that the job leaves the queue, and read its
# history once the record is there.
api "finish the output transfer of $JOB" finish.tar \
    "$API/jobs/$JOB/output?finish=true"
i=0
until try_api history.json \
    "$API/history/$JOB?projection=JobStatus,ExitCode,RemoteWallClockTime"; do
	i=$((i + 1))
	[ "$i" -le "$WAIT_SECS" ] ||
	    die "job $JOB has no history record after $WAIT_SECS s"
	sleep 1
done
echo "history of job $JOB:"
cat history.json
echo
[ "$(int_attr ExitCode history.json)" = 0 ] ||
    die "job $JOB did not exit with 0"
