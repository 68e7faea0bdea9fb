#!/bin/sh
# install-deps.sh — the one list of what building and testing htcondor-api
# needs on Debian 12, installed if missing.  The README's first command and
# .ci/run both call it, so a new contributor and CI get the same machine.
#
# Works as root without sudo (containers) and as a user with sudo.  Runs
# `apt-get update` once, and only when something is missing.  Node.js may
# come from elsewhere (NodeSource's nodejs ships its own npm, and Debian's
# npm package conflicts with it), so Debian's nodejs and npm are added only
# when there is no npm at all.  Then fetches the OpenAPI validator the
# suite runs (tests/bats/docs.bats) from npm into build/npm, as the
# calling user.  `-n` prints what would be installed and changes nothing.
set -eu
cd "$(dirname "$0")/.."

# Build: compiler, libraries.  Tests: bats, the servers the program runs
# under (systemd socket activation, xinetd, tcpserver, s6, lighttpd for
# CGI), curl, openssl, python3, mandoc for the man page; python3-requests
# for examples/client.py (Debian's /usr/bin/python3).  libarchive-dev,
# libjwt-dev and libseccomp-dev are for the sandbox and demo work that
# comes next; they cost nothing now.
PKGS="build-essential pkg-config clang libclang-rt-14-dev
libtls-dev libcjson-dev libssl-dev libarchive-dev libjwt-dev libseccomp-dev
bats bats-support bats-assert curl openssl python3 python3-requests procps mandoc
systemd xinetd ucspi-tcp s6 lighttpd"
VALIDATOR=@apidevtools/swagger-cli@4.0.4

dry=0
[ "${1:-}" = -n ] && dry=1

log() { printf '# install-deps: %s\n' "$*"; }

command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done

if [ "$(id -u)" = 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1; then
	as_root="sudo"
else
	as_root="none"
fi

if [ -n "$missing" ]; then
	log "installing:$missing"
	if [ "$as_root" = none ]; then
		log "not root and no sudo: install these as root, then run this again"
		exit 1
	fi
	if [ "$dry" = 0 ]; then
		$as_root apt-get update
		$as_root env DEBIAN_FRONTEND=noninteractive \
		    apt-get install -y $missing
	fi
else
	log "every Debian package is installed"
fi

if [ -x build/npm/node_modules/.bin/swagger-cli ]; then
	log "the OpenAPI validator is in build/npm"
else
	log "fetching $VALIDATOR from npm into build/npm"
	if [ "$dry" = 0 ]; then
		mkdir -p build/npm
		npm install --no-audit --no-fund --prefix build/npm \
		    "$VALIDATOR" ||
		    log "npm install failed: tests/bats/docs.bats will say so"
	fi
fi
