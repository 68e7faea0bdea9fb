#!/usr/bin/env bats
# docs.bats — the OpenAPI document is valid by a real validator and the
# man page is clean under mandoc's linter.

setup_file() {
	cd "$BATS_TEST_DIRNAME/../.."
	# The validator is installed by the test setup (npm registry) the
	# first time, into build/npm, outside the tracked tree.
	if [ ! -x build/npm/node_modules/.bin/swagger-cli ]; then
		mkdir -p build/npm
		npm install --no-audit --no-fund --prefix build/npm \
		    @apidevtools/swagger-cli@4.0.4 >/dev/null 2>&1 || true
	fi
}

@test "openapi.json is valid OpenAPI (swagger-cli validate)" {
	cd "$BATS_TEST_DIRNAME/../.."
	[ -x build/npm/node_modules/.bin/swagger-cli ] || {
		echo "swagger-cli could not be installed from npm"; false; }
	run build/npm/node_modules/.bin/swagger-cli validate openapi/openapi.json
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"is valid"* ]]
}

@test "the man page is clean under mandoc -Tlint" {
	cd "$BATS_TEST_DIRNAME/../.."
	run sh -c 'mandoc -Tlint -Wwarning man/htcondor-api.8 2>&1'
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the man page renders and names every endpoint" {
	cd "$BATS_TEST_DIRNAME/../.."
	run mandoc -Tascii man/htcondor-api.8
	[ "$status" -eq 0 ]
	# Paths of the document, parameters cut off ("/a/{id}" -> "/a/").
	paths=$(grep -o '^    "/[^"]*": {' openapi/openapi.json |
	    sed -E 's/^ *"([^"]*)".*/\1/; s/\{.*//')
	[ -n "$paths" ]
	for p in $paths; do
		grep -qE -- "Cm (GET|POST|PATCH|DELETE) $p" man/htcondor-api.8 ||
		    { echo "man page lacks $p"; false; }
	done
}
