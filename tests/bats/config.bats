#!/usr/bin/env bats
# config.bats — `htcondor-api --config-val` is condor_config_val: every
# query of the configuration conformance folder, run through the real
# binary, gives the recorded stdout, stderr and exit status.

load helpers

CONF="${HTCONDOR_API_CONFORMANCE:-$REPO/tests/conformance}/config"

@test "every conformance query through the binary matches condor_config_val" {
	[ -d "$CONF" ] || fail "conformance folder $CONF is missing"
	run python3 - "$BIN" "$CONF" <<'PY'
import json, os, subprocess, sys
binary, conf = sys.argv[1], sys.argv[2]
bad = total = 0
for case in sorted(os.listdir(conf)):
    d = os.path.join(conf, case)
    if not os.path.isfile(os.path.join(d, "expected.json")):
        continue
    env = {"PATH": os.environ["PATH"], "HOME": d,
           "CONDOR_CONFIG": os.path.join(d, "condor_config")}
    if os.path.exists(os.path.join(d, "env.txt")):
        for line in open(os.path.join(d, "env.txt")).read().split("\n"):
            if "=" in line:
                k, v = line.split("=", 1)
                env[k] = v
    for q in json.load(open(os.path.join(d, "expected.json"))):
        args = q["args"]
        if not any(a.lower() == "-subsystem" for a in args):
            args = ["-subsystem", "TOOL"] + args
        p = subprocess.run([binary, "--config-val"] + args, cwd=d, env=env,
                           capture_output=True, text=True)
        want_out = q["stdout"].replace("@CASE_DIR@", d)
        want_err = q["stderr"].replace("@CASE_DIR@", d)
        total += 1
        if (p.returncode, p.stdout, p.stderr) != (q["exit"], want_out, want_err):
            bad += 1
            print("MISMATCH", case, q["args"], repr(p.stdout)[:80], repr(p.stderr)[:80], p.returncode)
print(total, "queries,", bad, "mismatches")
sys.exit(1 if bad or total == 0 else 0)
PY
	echo "$output"
	assert_success
	assert_output --regexp '^[0-9]+ queries, 0 mismatches$'
}

@test "the program's own subsystem is HTTP_API" {
	printf 'HTTP_API.FOO = mine\nTOOL.FOO = tool\nFOO = plain\n' > "$BATS_TEST_TMPDIR/cc"
	run env CONDOR_CONFIG="$BATS_TEST_TMPDIR/cc" "$BIN" --config-val FOO
	assert_success
	assert_output mine
	run env CONDOR_CONFIG="$BATS_TEST_TMPDIR/cc" "$BIN" --config-val NOSUCH
	assert_failure 1
	assert_output --partial "Not defined: NOSUCH"
}

@test "-subsystem S -local-name L: S.L.NAME beats L.NAME, S.NAME and NAME" {
	printf '%s\n' 'FOO = plain' 'SCHEDD.FOO = sub' 'ALT.FOO = local' \
	    'schedd.alt.FOO = both' 'MASTER.ALT.BAR = master' 'BAR = plain' \
	    > "$BATS_TEST_TMPDIR/cc"
	run env CONDOR_CONFIG="$BATS_TEST_TMPDIR/cc" "$BIN" --config-val \
	    -subsystem SCHEDD -local-name ALT FOO BAR
	assert_success
	assert_output "$(printf 'both\nplain')"
	run env CONDOR_CONFIG="$BATS_TEST_TMPDIR/cc" "$BIN" --config-val \
	    -subsystem MASTER -local-name OTHER FOO
	assert_success
	assert_output plain
}

@test "--allow-root may come before --config-val" {
	printf 'FOO = plain\n' > "$BATS_TEST_TMPDIR/cc"
	run env CONDOR_CONFIG="$BATS_TEST_TMPDIR/cc" "$BIN" --allow-root \
	    --config-val FOO
	assert_success
	assert_output plain
	run env CONDOR_CONFIG="$BATS_TEST_TMPDIR/cc" "$BIN" --config-val FOO
	assert_success
	assert_output plain
	run env CONDOR_CONFIG="$BATS_TEST_TMPDIR/cc" "$BIN" --listen :1 \
	    --config-val FOO
	assert_failure 2
}
