#!/usr/bin/env bats
# integration.bats — the API against a real HTCondor: a private personal
# pool with TOKEN authentication and AES required, reached through the
# shared port as HTCondor's own tools reach it.  The API's answers must
# equal `condor_q -json` for the same constraint and projection.
#
# Runs only where HTCondor is installed (condor_master on PATH); reported
# as skipped otherwise.  As root it runs the pool as the unprivileged user
# $HTCONDOR_API_IT_USER (default "htcondor"), since HTCondor runs jobs as
# their owner.

load helpers

UID_DOMAIN=it.local

# as_pool CMD...: run a shell command as the pool's user, with the pool's
# configuration.
as_pool() {
	if [ "$(id -u)" = 0 ]; then
		su "$IT_USER" -s /bin/sh \
		    -c 'p=$1 c=$2; shift 2; exec env PATH="$p" CONDOR_CONFIG="$c" "$@"' \
		    -- sh "$PATH" "$POOL/condor_config" "$@"
	else
		env CONDOR_CONFIG="$POOL/condor_config" "$@"
	fi
}

setup_file() {
	command -v condor_master >/dev/null ||
	    skip "HTCondor is not installed (condor_master not on PATH): integration tests against a real schedd skipped"
	export IT_USER=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		IT_USER=${HTCONDOR_API_IT_USER:-htcondor}
		id "$IT_USER" >/dev/null 2>&1 ||
		    skip "running as root needs an unprivileged user for the pool (HTCONDOR_API_IT_USER, default htcondor)"
	fi
	export POOL=$(mktemp -d /tmp/htcapi-it.XXXXXX)
	chmod 755 "$POOL"
	local release
	release=$(cd "$(dirname "$(command -v condor_master)")/.." && pwd)
	mkdir -p "$POOL/local/log" "$POOL/local/spool" "$POOL/local/execute" \
	    "$POOL/local/lock" "$POOL/local/run" "$POOL/local/passwords.d" \
	    "$POOL/local/tokens.d"
	cat > "$POOL/condor_config" <<EOF
RELEASE_DIR = $release
LOCAL_DIR = $POOL/local
LOCAL_CONFIG_FILE =
LOCAL_CONFIG_DIR =
use ROLE : Personal
CONDOR_HOST = 127.0.0.1
NETWORK_INTERFACE = 127.0.0.1
BIND_ALL_INTERFACES = False
ENABLE_IPV6 = False
UID_DOMAIN = $UID_DOMAIN
TRUST_DOMAIN = $UID_DOMAIN
FILESYSTEM_DOMAIN = $UID_DOMAIN
MOUNT_UNDER_SCRATCH =
USE_PID_NAMESPACES = False
BASE_CGROUP =
DISCARD_SESSION_KEYRING_ON_STARTUP = False
# Jobs stay idle, so the queue is stable while we compare.
START = False
SCHEDD_INTERVAL = 5
SEC_DEFAULT_AUTHENTICATION = REQUIRED
SEC_READ_AUTHENTICATION = REQUIRED
SEC_CLIENT_AUTHENTICATION = REQUIRED
SEC_DEFAULT_ENCRYPTION = REQUIRED
SEC_DEFAULT_INTEGRITY = REQUIRED
SEC_DEFAULT_AUTHENTICATION_METHODS = FS, IDTOKENS
SEC_CLIENT_AUTHENTICATION_METHODS = FS, IDTOKENS, TOKEN
SEC_DEFAULT_CRYPTO_METHODS = AES, BLOWFISH, 3DES
ALLOW_READ = *
ALLOW_WRITE = *@\$(UID_DOMAIN) $IT_USER@*
ALLOW_ADMINISTRATOR = $IT_USER@* condor@*
ALLOW_DAEMON = *
EOF
	[ "$(id -u)" = 0 ] && chown -R "$IT_USER" "$POOL"
	as_pool condor_master
	local i
	for ((i = 0; i < 600; i++)); do
		[ -s "$POOL/local/spool/.schedd_address" ] &&
		    as_pool condor_q >/dev/null 2>&1 && break
		sleep 0.1
	done
	[ -s "$POOL/local/spool/.schedd_address" ] ||
	    { echo "the pool did not start" >&2; return 1; }
	as_pool condor_token_create -identity "$IT_USER@$UID_DOMAIN" \
	    -key POOL > "$POOL/token"
	[ -s "$POOL/token" ] || { echo "no token minted" >&2; return 1; }
	as_pool condor_token_create -identity "$IT_USER@$UID_DOMAIN" \
	    -key POOL -lifetime 1 > "$POOL/token-short"
	printf 'executable = /bin/sleep\narguments = 600\nrequest_memory = 64\nqueue 5\n' > "$POOL/job.sub"
	printf 'executable = /bin/echo\narguments = second cluster\nqueue 2\n' > "$POOL/job2.sub"
	[ "$(id -u)" = 0 ] && chown "$IT_USER" "$POOL"/*.sub "$POOL"/token*
	(cd "$POOL" && as_pool condor_submit job.sub &&
	    as_pool condor_submit job2.sub) >/dev/null
}

teardown_file() {
	[ -n "${POOL:-}" ] || return 0
	as_pool condor_off -master -fast >/dev/null 2>&1 || true
	for ((i = 0; i < 100; i++)); do
		pgrep -f "$POOL" >/dev/null || break
		sleep 0.1
	done
	pkill -KILL -f "$POOL/local" 2>/dev/null || true
	rm -rf "$POOL"
}

setup() {
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
