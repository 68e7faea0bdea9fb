#!/usr/bin/env bats
# conformance.bats — the repository's copy of the recorded conformance
# data (tests/conformance) must stay the record: where the project's shared
# folder sits beside the checkout, every data file there (all but the
# READMEs, which each side writes in its own words) must be here, byte for
# byte and with the same executable bit, and the copy must hold no data
# file the record lacks.

load helpers

COPY="$REPO/tests/conformance"
SHARED=$(realpath -m "${HTCONDOR_API_SHARED_CONFORMANCE:-$REPO/../shared/conformance}")

# data_files DIR: the data files under DIR, relative to it, sorted.
data_files() {
	(cd "$1" && find . -type f ! -name README.md | LC_ALL=C sort)
}

# is_exec FILE: "x" when FILE is executable, else nothing.
is_exec() {
	[ -x "$1" ] && echo x
}

@test "tests/conformance is byte-identical to ../shared/conformance" {
	[ -d "$SHARED" ] ||
	    skip "no shared conformance folder at $SHARED to compare the copy with"
	[ -d "$COPY" ] || fail "the copy $COPY is missing"
	bad=0
	while IFS= read -r f; do
		if [ ! -f "$COPY/$f" ]; then
			echo "missing in the copy: tests/conformance/${f#./}"
			bad=$((bad + 1))
		elif ! cmp -s "$SHARED/$f" "$COPY/$f"; then
			echo "differs from the record: tests/conformance/${f#./}"
			bad=$((bad + 1))
		elif [ "$(is_exec "$SHARED/$f")" != "$(is_exec "$COPY/$f")" ]; then
			echo "executable bit differs: tests/conformance/${f#./}"
			bad=$((bad + 1))
		fi
	done < <(data_files "$SHARED")
	while IFS= read -r f; do
		[ -f "$SHARED/$f" ] || {
			echo "not in the record: tests/conformance/${f#./}"
			bad=$((bad + 1)); }
	done < <(data_files "$COPY")
	[ "$bad" -eq 0 ] || fail "$bad data file(s) of tests/conformance drifted from $SHARED"
}
