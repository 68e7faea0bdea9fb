#!/bin/sh
# run.sh — run every unit test binary and every bats file, count the TAP
# lines they print, and end with the line "N passed, N failed" (and
# ", N skipped"), preceded by one "# skipped:" line saying what was
# skipped and why.  Run from the repository root by `make check`.
BUILD=${BUILD:-build}
: "${HTCONDOR_API_BIN:=$PWD/$BUILD/htcondor-api}"
: "${HTCONDOR_API_CONFORMANCE:=$PWD/tests/conformance}"
export HTCONDOR_API_BIN HTCONDOR_API_CONFORMANCE BUILD
export HTCONDOR_API_TESTBIN="$PWD/$BUILD/tests"
log=$(mktemp)
skips=$(mktemp)
trap 'rm -f "$log" "$skips"' EXIT
pass=0 fail=0 skip=0

count() {	# count TAP lines of one suite read from $log
	p=$(grep -a -c -E '^ok [0-9]+' "$log" | tr -d ' ')
	s=$(grep -a -c -E '^ok [0-9]+.*# *[Ss][Kk][Ii][Pp]' "$log" | tr -d ' ')
	f=$(grep -a -c -E '^not ok [0-9]+' "$log" | tr -d ' ')
	pass=$((pass + p - s)) skip=$((skip + s)) fail=$((fail + f))
	# Each skip's reason, with the suite it came from, for the summary.
	grep -a -E '^ok [0-9]+.*# *[Ss][Kk][Ii][Pp]' "$log" |
	    sed -E "s|^.*# *[Ss][Kk][Ii][Pp] *||; s|^|${suite##*/}: |" >> "$skips"
}

# One line: "# skipped: 17 in integration.bats (reason); 1 in ...", the
# suites and reasons grouped, the most frequent first.
skip_summary() {
	[ -s "$skips" ] || return 0
	sort "$skips" | uniq -c | sort -k1,1nr -k2 | awk '
	{	n = $1; sub(/^ *[0-9]+ /, "")
		i = index($0, ": "); suite = substr($0, 1, i - 1)
		why = substr($0, i + 2); if (why == "") why = "no reason given"
		line = line (line == "" ? "" : "; ") n " in " suite " (" why ")" }
	END {	print "# skipped: " line }'
}

if [ ! -d "$HTCONDOR_API_CONFORMANCE" ]; then
	echo "not ok - conformance folder $HTCONDOR_API_CONFORMANCE is missing"
	fail=$((fail + 1))
fi

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	echo "# unit: $t"
	suite=$t
	"$t" > "$log" 2>&1
	rc=$?
	grep -a -E '^(not )?ok |^#' "$log" | grep -a -v '^ok ' || true
	count
	if [ $rc -ne 0 ] && ! grep -a -q '^not ok' "$log"; then
		echo "not ok - $t exited with status $rc"
		tail -5 "$log"
		fail=$((fail + 1))
	fi
	echo "# $t: $(grep -a -c '^ok' "$log") ok"
done

if command -v bats >/dev/null 2>&1; then
	for b in tests/bats/*.bats; do
		[ -f "$b" ] || continue
		echo "# bats: $b"
		suite=$b
		bats --tap "$b" > "$log" 2>&1
		rc=$?
		grep -a -v '^ok ' "$log" | grep -a -v '^1\.\.' || true
		grep -a -E '^ok .*# *skip' "$log" || true
		count
		if [ $rc -ne 0 ] && ! grep -a -q '^not ok' "$log"; then
			echo "not ok - $b exited with status $rc"
			fail=$((fail + 1))
		fi
		echo "# $b: $(grep -a -c '^ok' "$log") ok"
	done
else
	echo "not ok - bats is not installed"
	fail=$((fail + 1))
fi

skip_summary
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
