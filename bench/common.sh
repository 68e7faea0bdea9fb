# bench/common.sh — what the benchmark scripts share; sourced (". bench/
# common.sh") by bench/job and bench/page, never run.  It builds the
# program and the test helpers, compiles bench/spawn.c, makes a private
# temporary folder, and removes on exit everything it started: background
# processes by their pid (dash's EXIT trap sees no `jobs -p`), the private
# HTCondor pool, the folder.  Then either a private pool of the installed
# HTCondor (bench_pool_start) or the test schedd (bench_test_schedd) is
# the schedd, and bench_schedd says which, as every table must.
#
# Sets: bin (the program), tb (the test programs), tmp, root (--allow-root
# as root), and after a start: token, schedd_pid, schedd_label, and for a
# pool also pool and user.  CONDOR_CONFIG=ONLY_ENV and the schedd's
# address file are exported, so the program's own parameters go as
# _CONDOR_HTTP_API_* variables, as bench/sandbox and the tests pass them.
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}
bin=${BIN:-$PWD/$build/htcondor-api}
tb=$PWD/$build/tests
tmp=$(mktemp -d "${TMPDIR:-/tmp}/htcapi-bench.XXXXXX")
bench_pids=""
bench_pool=""

# bench_cleanup: the EXIT trap; every step may fail without stopping the
# next (set -e would end the trap at its first failure).
bench_cleanup() {
	for p in $bench_pids; do kill "$p" 2>/dev/null || true; done
	for p in $bench_pids; do wait "$p" 2>/dev/null || true; done
	[ -z "$bench_pool" ] || sh tests/pool.sh stop "$bench_pool" || true
	rm -rf "$tmp"
}
trap bench_cleanup EXIT
trap 'exit 130' HUP INT PIPE TERM

# bench_bg PID: stop PID when the script ends.
bench_bg() { bench_pids="$bench_pids $1"; }

make -s "$build/htcondor-api" "$build/tests/test-schedd" \
    "$build/tests/mint-token" >/dev/null
cc -O2 -o "$tmp/spawn" bench/spawn.c
root=""
[ "$(id -u)" = 0 ] && root=--allow-root
export CONDOR_CONFIG=ONLY_ENV

# api_env MODE: the program's environment (its HTCondor parameters as
# _CONDOR_* variables) with the session cache off (a lifetime of 0) or on
# (a private folder, $tmp/cache, and the default lifetime), inetd mode.
mkdir -m 700 "$tmp/cache"
api_env() {
	case $1 in
	off)	echo "_CONDOR_HTTP_API_SESSION_CACHE_LIFETIME=0" ;;
	on)	echo "_CONDOR_HTTP_API_SESSION_CACHE_DIR=$tmp/cache" \
		    "_CONDOR_HTTP_API_SESSION_CACHE_LIFETIME=300" ;;
	esac
}

# median: the median of the numbers on stdin.
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# div A B [FORMAT]: A / B, or "-" when either is missing or B is 0.
div() {
	awk -v a="${1:-}" -v b="${2:-}" -v f="${3:-%.2f}" 'BEGIN {
	    if (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0)
		print "-"; else printf f "\n", a / b }'
}

# spawn_ms / spawn_rss: the median (ms) and peak RSS (KiB) in a line of
# bench/spawn.c's output.
spawn_ms() { echo "$1" | sed -E 's/.*median *([0-9.]+) ms.*/\1/'; }
spawn_rss() { echo "$1" | sed -E 's/.*peak RSS ([0-9]+) KiB.*/\1/'; }

# row OPERATION API TOOL RATIO: one line of the table every script prints.
row() { printf '%-46s %-26s %-42s %s\n' "$@"; }

# have_condor: HTCondor is installed (its tools on PATH).
have_condor() {
	command -v condor_master >/dev/null && command -v condor_q >/dev/null &&
	    command -v condor_submit >/dev/null
}

# condor_build: how the installed condor_schedd was compiled, from its
# debug information (RelWithDebInfo carries -O2 in DW_AT_producer).
condor_build() {
	s=$(dirname "$(command -v condor_master)")/condor_schedd
	f=$(timeout 30 readelf --debug-dump=info "$s" 2>/dev/null |
	    grep -m1 DW_AT_producer || true)
	case $f in
	*" -O0"*)	echo "UNOPTIMISED (-O0): ratios flatter us" ;;
	*" -O"[123s]*)	echo "optimised ($(echo "$f" | grep -o ' -O[123s]' | head -1 | tr -d ' '))" ;;
	*)		echo "optimisation unknown (no debug information)" ;;
	esac
}

# bench_pool_start: a private pool of the installed HTCondor
# (tests/pool.sh: TOKEN + AES required, shared port), its token in a
# token folder its user's tools read, and the pool's condor_schedd.
bench_pool_start() {
	pool=$(mktemp -d /tmp/htcapi-bench-pool.XXXXXX)
	bench_pool=$pool
	sh tests/pool.sh start "$pool"
	user=$(sh tests/pool.sh user x)
	token=$(cat "$pool/token")
	mkdir -p "$pool/tokens" "$pool/work"
	cp "$pool/token" "$pool/tokens/t"
	chmod 700 "$pool/tokens"
	chmod 600 "$pool/tokens/t"
	[ "$(id -u)" = 0 ] && chown -R "$user" "$pool/tokens" "$pool/work"
	export _CONDOR_SCHEDD_ADDRESS_FILE=$pool/local/spool/.schedd_address
	schedd_pid=$(pool_schedd_pid)
	release=$(cd "$(dirname "$(command -v condor_master)")/.." && pwd)
	schedd_label="HTCondor $(condor_version | head -1 | cut -d' ' -f2) at $release, $(condor_build); private pool, TOKEN + AES"
}

# pool_schedd_pid: the pid of this pool's condor_schedd, the one whose
# environment names the pool's configuration (other pools may run).
pool_schedd_pid() {
	for p in $(pgrep -x condor_schedd || true); do
		if tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null |
		    grep -qx "CONDOR_CONFIG=$pool/condor_config"; then
			echo "$p"
			return 0
		fi
	done
	echo "bench: no condor_schedd of the pool $pool" >&2
	return 1
}

# tool CMD...: an HTCondor tool as the pool's user, authenticating with
# the pool's token only, in $pool/work.
tool() {
	sh tests/pool.sh run "$pool" sh -c 'cd "$1"; shift
	    export _CONDOR_SEC_CLIENT_AUTHENTICATION_METHODS=TOKEN
	    export _CONDOR_SEC_TOKEN_DIRECTORY="$0"; "$@"' \
	    "$pool/tokens" "$pool/work" "$@"
}

# tool_times N CMD...: CMD run N times one after another by the pool's
# user; prints each run's wall time in ms, read with bash's EPOCHREALTIME
# so that no clock process is inside the interval.
tool_times() {
	tool bash -c 'n=$1; shift; for ((i = 0; i < n; i++)); do
	    t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || exit 1
	    t1=$EPOCHREALTIME; echo "$t0 $t1"; done' bash "$@" |
	    awk '{ printf "%.3f\n", ($2 - $1) * 1000 }'
}

# tool_rate N P CMD...: CMD run N times, P at a time (xargs -P), by the
# pool's user; prints runs per second, or "-" if any run failed.
tool_rate() {
	tool bash -c 'n=$1 p=$2; shift 2; t0=$EPOCHREALTIME
	    seq "$n" | xargs -P "$p" -I{} "$@" >/dev/null 2>&1 || exit 1
	    t1=$EPOCHREALTIME; echo "$n $t0 $t1"' bash "$@" |
	    awk '{ printf "%.1f\n", $1 / ($3 - $2) }' | grep . || echo -
}

# tool_rss CMD...: the peak RSS (KiB) of one run of CMD by the pool's user.
tool_rss() {
	tool /usr/bin/time -f %M -o rss.txt "$@" >/dev/null 2>&1
	cat "$pool/work/rss.txt"
}

# pool_fill N: submit clusters of 1,000 sleeping jobs until the pool's
# queue holds at least N (pool_jobs counts them).
pool_jobs=0
pool_fill() {
	printf 'executable = /bin/sleep\narguments = 600\nrequest_memory = 128\nqueue 1000\n' \
	    > "$pool/work/fill.sub"
	[ "$(id -u)" = 0 ] && chown "$user" "$pool/work/fill.sub"
	while [ "$pool_jobs" -lt "$1" ]; do
		tool condor_submit fill.sub > "$tmp/fill.out" 2>&1 ||
		    { cat "$tmp/fill.out" >&2; return 1; }
		pool_jobs=$((pool_jobs + 1000))
	done
}

# bench_test_schedd N: the test schedd (tests/schedd) holding N jobs of
# tests/schedd/gen-jobs.sh (alice owns cluster 1), and a token for alice.
bench_test_schedd() {
	head -c 64 /dev/urandom > "$tmp/pool.key"
	token=$("$tb/mint-token" -k "$tmp/pool.key" -s alice@test.local)
	sh tests/schedd/gen-jobs.sh "$1" > "$tmp/jobs.ads"
	rm -f "$tmp/addr"
	"$tb/test-schedd" -k "$tmp/pool.key" -a "$tmp/addr" -j "$tmp/jobs.ads" \
	    2>/dev/null &
	schedd_pid=$!
	bench_bg "$schedd_pid"
	while [ ! -s "$tmp/addr" ]; do sleep 0.05; done
	export _CONDOR_SCHEDD_ADDRESS_FILE=$tmp/addr
	schedd_label="the TEST schedd (tests/schedd): HTCondor not installed (no condor_master on PATH); no HTCondor tool to compare with"
}

# bench_test_schedd_stop: stop the test schedd bench_test_schedd started.
bench_test_schedd_stop() {
	kill "$schedd_pid" 2>/dev/null || true
	wait "$schedd_pid" 2>/dev/null || true
}

# bench_schedd: the header line naming the schedd measured against.
bench_schedd() { echo "== schedd: $schedd_label"; }

# cpu_ms PID: the CPU a process has used, in ms: utime + stime of
# /proc/PID/stat, plus cutime + cstime (the children it has reaped: a
# schedd forks query workers).  The fields follow the command name, which
# may hold blanks, so they are counted from its closing parenthesis.
cpu_ms() {
	sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" \
	    '{ print ($12 + $13 + $14 + $15) * 1000 / hz }'
}

# free_port: a loopback port nobody listens on (as tests/bats' helper).
free_port() {
	while :; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
	done
}

# wait_port PORT: until the listener on PORT answers /healthz.
wait_port() {
	i=0
	while ! curl -s -o /dev/null "http://127.0.0.1:$1/healthz"; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "bench: nothing on port $1" >&2; return 1; }
		sleep 0.05
	done
}

# now_ns: the wall clock in ns.
now_ns() { date +%s%N; }
