#!/bin/sh
# pool.sh — a private personal HTCondor pool on loopback for integration
# tests and benchmarks: TOKEN authentication and AES required for every
# client, reached through the shared port.  Needs an installed HTCondor
# (condor_master on PATH).
#
#	pool.sh start DIR	start a pool in DIR (created), mint DIR/token
#	pool.sh stop DIR	stop it and remove DIR
#	pool.sh run DIR CMD...	run CMD as the pool's user with its config
#
# As root, the pool runs as $HTCONDOR_API_IT_USER (default "htcondor"),
# since HTCondor runs jobs as their owner.  Only jobs with +RunMe = true
# start, so a queue stays as it was submitted unless a test wants a run.
set -eu
UID_DOMAIN=it.local

pool_user() {
	if [ "$(id -u)" = 0 ]; then
		echo "${HTCONDOR_API_IT_USER:-htcondor}"
	else
		id -un
	fi
}

# as_pool DIR CMD...: CMD as the pool's user with the pool's config.
as_pool() {
	dir=$1
	shift
	if [ "$(id -u)" = 0 ]; then
		su "$(pool_user)" -s /bin/sh \
		    -c 'p=$1 c=$2; shift 2; exec env PATH="$p" CONDOR_CONFIG="$c" "$@"' \
		    -- sh "$PATH" "$dir/condor_config" "$@"
	else
		env CONDOR_CONFIG="$dir/condor_config" "$@"
	fi
}

start() {
	dir=$1
	user=$(pool_user)
	id "$user" >/dev/null 2>&1 || { echo "pool.sh: no user $user" >&2; exit 2; }
	release=$(cd "$(dirname "$(command -v condor_master)")/.." && pwd)
	mkdir -p "$dir"
	for d in log spool execute lock run passwords.d tokens.d; do
		mkdir -p "$dir/local/$d"
	done
	cat > "$dir/condor_config" <<EOF
RELEASE_DIR = $release
LOCAL_DIR = $dir/local
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
# Only jobs that ask to run (+RunMe = true) start, so a queue stays as it
# was submitted unless a test wants a job to run.
START = TARGET.RunMe =?= true
NEGOTIATOR_INTERVAL = 2
NEGOTIATOR_CYCLE_DELAY = 2
STARTER_UPDATE_INTERVAL = 2
SHADOW_QUEUE_UPDATE_INTERVAL = 2
UPDATE_INTERVAL = 2
RUNBENCHMARKS = 0
SUSPEND = False
PREEMPT = False
KILL = False
# No GPU discovery tool in a minimal build: without this the startd exits.
STARTD_DETECT_GPUS =
SCHEDD_INTERVAL = 5
MAX_JOBS_SUBMITTED = 100000
# A site submit requirement, so a refused commit can be tested.
SUBMIT_REQUIREMENT_NAMES = NotHuge
SUBMIT_REQUIREMENT_NotHuge = RequestMemory < 1000000
SUBMIT_REQUIREMENT_NotHuge_REASON = "jobs may not ask for more than 1000000 MB"
SEC_DEFAULT_AUTHENTICATION = REQUIRED
SEC_READ_AUTHENTICATION = REQUIRED
SEC_CLIENT_AUTHENTICATION = REQUIRED
SEC_DEFAULT_ENCRYPTION = REQUIRED
SEC_DEFAULT_INTEGRITY = REQUIRED
SEC_DEFAULT_AUTHENTICATION_METHODS = FS, IDTOKENS
SEC_CLIENT_AUTHENTICATION_METHODS = FS, IDTOKENS, TOKEN
SEC_DEFAULT_CRYPTO_METHODS = AES, BLOWFISH, 3DES
ALLOW_READ = *
ALLOW_WRITE = *@\$(UID_DOMAIN) $user@*
ALLOW_ADMINISTRATOR = $user@* condor@*
ALLOW_DAEMON = *
EOF
	[ "$(id -u)" = 0 ] && chown -R "$user" "$dir"
	chmod 755 "$dir"
	as_pool "$dir" condor_master
	i=0
	while ! { [ -s "$dir/local/spool/.schedd_address" ] &&
	    as_pool "$dir" condor_q >/dev/null 2>&1; }; do
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "pool.sh: the pool did not start" >&2; exit 1; }
		sleep 0.1
	done
	as_pool "$dir" condor_token_create -identity "$user@$UID_DOMAIN" \
	    -key POOL > "$dir/token"
	[ -s "$dir/token" ] || { echo "pool.sh: no token" >&2; exit 1; }
}

stop() {
	dir=$1
	[ -f "$dir/condor_config" ] || return 0
	as_pool "$dir" condor_off -master -fast >/dev/null 2>&1 || true
	i=0
	while pgrep -f "$dir/local" >/dev/null && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	pkill -KILL -f "$dir/local" 2>/dev/null || true
	rm -rf "$dir"
}

cmd=${1:-}
[ $# -ge 2 ] || { echo "usage: pool.sh start|stop|run DIR [CMD...]" >&2; exit 2; }
shift
case $cmd in
start)	start "$1" ;;
stop)	stop "$1" ;;
run)	as_pool "$@" ;;
user)	pool_user ;;
*)	echo "pool.sh: unknown command $cmd" >&2; exit 2 ;;
esac
