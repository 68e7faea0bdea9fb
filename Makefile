# htcondor-api — plain Makefile.  Every src/*/*.c goes into one static
# library, which the program (src/main.c), the unit tests, the test
# programs and the fuzz harnesses link against.  Adding a module needs no
# edit here.  `make BUILD=dir` builds out of tree into dir.

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
EXDIR     ?= $(PREFIX)/share/doc/htcondor-api/examples
DESTDIR   ?=

CC        ?= cc
BUILD     ?= build
PKGS       = libtls libcjson libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
CSTD       = -std=c17 -D_GNU_SOURCE
WARN       = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-unused-parameter -Wformat=2 \
             -Wcast-qual
# Hardened by default, as Debian builds packages: fortified libc calls,
# stack canaries, a position-independent executable, read-only
# relocations bound at start.  WERROR=-Werror in CI.
HARDEN_CFLAGS  ?= -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LDFLAGS ?= -pie -Wl,-z,relro,-z,now
WERROR    ?=
OPT       ?= -O2 -g
SANITIZE  ?=
CFLAGS    += $(CSTD) $(WARN) $(WERROR) $(OPT) $(HARDEN_CFLAGS) $(SANITIZE) \
             -iquote src -MMD -MP $(PKG_CFLAGS)
LDFLAGS   += $(HARDEN_LDFLAGS) $(SANITIZE)
LDLIBS    += $(PKG_LIBS)

PROG       = htcondor-api
LIB_SRCS   = $(wildcard src/*/*.c)
LIB_OBJS   = $(LIB_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/openapi_json.o
LIB        = $(BUILD)/libhtcapi.a
UNIT_SRCS  = $(wildcard tests/unit/test_*.c)
UNIT_BINS  = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Test programs (the test schedd, the token minter): built, not run.
HELPER_SRCS = $(wildcard tests/schedd/*.c)
HELPER_BINS = $(HELPER_SRCS:tests/schedd/%.c=$(BUILD)/tests/%)
FUZZ_SRCS  = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SECONDS ?= 60
TEST_CFLAGS = -Itests/unit

.PHONY: all check check-asan fuzz bench install uninstall clean lint
all: $(PROG)

ifeq ($(BUILD),build)
$(PROG): $(BUILD)/$(PROG)
	cp $< $@.tmp && mv -f $@.tmp $@
endif

$(BUILD)/$(PROG): $(BUILD)/src/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The OpenAPI document is the single source of truth; it is embedded as a
# byte array so the binary serves exactly the file in the tree.
$(BUILD)/gen/openapi_json.c: openapi/openapi.json tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh openapi_json $< > $@

$(BUILD)/gen/openapi_json.o: $(BUILD)/gen/openapi_json.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/schedd/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

check: lint $(BUILD)/$(PROG) $(UNIT_BINS) $(HELPER_BINS)
	BUILD=$(BUILD) HTCONDOR_API_BIN=$(CURDIR)/$(BUILD)/$(PROG) sh tests/run.sh

check-asan:
	$(MAKE) BUILD=build-asan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	    SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined" check

# libFuzzer harnesses: each tests/fuzz/fuzz_NAME.c runs for FUZZ_SECONDS
# over its seed corpus tests/fuzz/corpus/NAME.
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" \
	    SANITIZE="-fsanitize=fuzzer-no-link,address,undefined" \
	    build-fuzz/libhtcapi.a
	@mkdir -p build-fuzz/fuzz
	@set -e; for f in $(FUZZ_SRCS); do \
	    n=$$(basename $$f .c); n=$${n#fuzz_}; \
	    clang $(CSTD) -O1 -g -iquote src $(TEST_CFLAGS) $(PKG_CFLAGS) \
	        -fsanitize=fuzzer,address,undefined \
	        -o build-fuzz/fuzz/$$n $$f build-fuzz/libhtcapi.a \
	        $(PKG_LIBS); \
	    mkdir -p build-fuzz/corpus/$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	    build-fuzz/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        build-fuzz/corpus/$$n tests/fuzz/corpus/$$n; \
	done

bench: $(BUILD)/$(PROG)
	BUILD=$(BUILD) sh bench/requests

install: $(BUILD)/$(PROG)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(EXDIR)
	install -m 755 $(BUILD)/$(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	install -m 644 man/htcondor-api.8 $(DESTDIR)$(MANDIR)/man8/htcondor-api.8
	cp -R examples/. $(DESTDIR)$(EXDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(MANDIR)/man8/htcondor-api.8
	rm -rf $(DESTDIR)$(EXDIR)
	-rmdir $(DESTDIR)$(PREFIX)/share/doc/htcondor-api 2>/dev/null

# The layers' include direction, and the manual.
lint:
	sh tools/lint-layers.sh
	mandoc -Tlint -Wwarning man/htcondor-api.8

clean:
	rm -rf build build-asan build-fuzz $(PROG)
