#!/bin/sh
# run.sh — run every unit test binary and every bats file, count the TAP
# lines they print, and end with the line "N passed, N failed".
# Run from the repository root by `make check`.
BUILD=${BUILD:-build}
: "${HTCONDOR_API_BIN:=$PWD/$BUILD/htcondor-api}"
: "${HTCONDOR_API_CONFORMANCE:=$PWD/tests/conformance}"
export HTCONDOR_API_BIN HTCONDOR_API_CONFORMANCE BUILD
export HTCONDOR_API_TESTBIN="$PWD/$BUILD/tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0 fail=0 skip=0

count() {	# count TAP lines of one suite read from $log
	p=$(grep -a -c -E '^ok [0-9]+' "$log" | tr -d ' ')
	s=$(grep -a -c -E '^ok [0-9]+.*# *[Ss][Kk][Ii][Pp]' "$log" | tr -d ' ')
	f=$(grep -a -c -E '^not ok [0-9]+' "$log" | tr -d ' ')
	pass=$((pass + p - s)) skip=$((skip + s)) fail=$((fail + f))
}

if [ ! -d "$HTCONDOR_API_CONFORMANCE" ]; then
	echo "not ok - conformance folder $HTCONDOR_API_CONFORMANCE is missing"
	fail=$((fail + 1))
fi

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	echo "# unit: $t"
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

if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
