#!/usr/bin/env bats
# build.bats — the build as a packager uses it: the binary is hardened
# (PIE, full RELRO, stack protector, fortified calls), `make install`
# works for an out-of-tree BUILD directory and `make uninstall` removes
# what it installed, and no include points up the stack.

load helpers

setup() {
	require_bin
	cd "$REPO"
}

@test "the binary is a PIE with full RELRO, a stack protector and fortified calls" {
	command -v readelf >/dev/null || skip "readelf is not installed (binutils)"
	run readelf -h "$BIN"
	assert_output --regexp 'Type: +DYN'
	run readelf -d "$BIN"
	assert_output --partial 'BIND_NOW'
	assert_output --regexp 'FLAGS_1.*PIE'
	run readelf -lW "$BIN"
	assert_output --partial 'GNU_RELRO'
	run sh -c "readelf -sW '$BIN' | grep -c -E '__stack_chk_fail|__[a-z]+_chk@'"
	[ "$output" -ge 2 ] || fail "no stack protector or fortified calls: $output"
}

@test "make install with BUILD=dir and DESTDIR, then make uninstall leaves nothing" {
	local build dest
	build=$(dirname "$BIN")
	dest=$(mktemp -d)
	run make -s BUILD="${build#"$REPO"/}" DESTDIR="$dest" PREFIX=/usr install
	assert_success
	[ -x "$dest/usr/sbin/htcondor-api" ]
	[ -f "$dest/usr/share/man/man8/htcondor-api.8" ]
	[ -f "$dest/usr/share/doc/htcondor-api/examples/systemd/htcondor-api.socket" ]
	run "$dest/usr/sbin/htcondor-api" --version
	assert_output --partial "htcondor-api"
	run make -s BUILD="${build#"$REPO"/}" DESTDIR="$dest" PREFIX=/usr uninstall
	assert_success
	run find "$dest" -type f
	assert_output ""
	rm -rf "$dest"
}

@test "make lint: every include points down the stack, and a wrong one is refused" {
	run sh tools/lint-layers.sh
	assert_success
	assert_output --partial "every include points down"
	# A handler that includes CEDAR directly is refused.
	local tmp
	tmp=$(mktemp -d)
	cp -R tools src "$tmp/"
	printf '#include "cedar/cedar.h"\n' >> "$tmp/src/api/meta.c"
	run sh "$tmp/tools/lint-layers.sh"
	assert_failure
	assert_output --partial 'src/api/meta.c'
	assert_output --partial 'includes "cedar/cedar.h"'
	rm -rf "$tmp"
}
