/*
 * test_util_shared.c — the helpers src/util/ keeps one copy of for every
 * layer: hex digits and %XX escapes, random numbers, capped file reads,
 * the append-and-flush loop, case-insensitive names and their table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/names.h"
#include "util/rand.h"
#include "tap.h"

static void
test_hex(void)
{
	struct buf	 b = BUF_INIT;
	char		*s;

	tap_ok(hex_digit('0') == 0 && hex_digit('9') == 9 &&
	    hex_digit('a') == 10 && hex_digit('F') == 15, "hex_digit: digits");
	tap_ok(hex_digit('g') == -1 && hex_digit('/') == -1 &&
	    hex_digit(0) == -1 && hex_digit(0xff) == -1,
	    "hex_digit: non-digits are -1");
	tap_ok(hex_byte("2f") == 0x2f && hex_byte("A0") == 0xa0,
	    "hex_byte: two digits");
	tap_ok(hex_byte("2") == -1 && hex_byte("") == -1 &&
	    hex_byte("x0") == -1, "hex_byte: a short or bad pair is -1");
	tap_ok(hex_decode("00ff7A", 6, &b) == 0 && b.len == 3 &&
	    memcmp(b.data, "\0\xff\x7a", 3) == 0, "hex_decode: bytes");
	buf_reset(&b);
	tap_ok(hex_decode("abc", 3, &b) == -1, "hex_decode: odd length");
	tap_ok(hex_decode("zz", 2, &b) == -1, "hex_decode: bad digit");
	buf_free(&b);

	s = percent_decode("a%2Fb%41+c", 10);
	tap_ok(s != NULL && strcmp(s, "a/bA+c") == 0,
	    "percent_decode: escapes decoded, '+' kept");
	free(s);
	s = percent_decode("", 0);
	tap_ok(s != NULL && *s == '\0', "percent_decode: empty is \"\"");
	free(s);
	tap_ok(percent_decode("a%00b", 5) == NULL,
	    "percent_decode: encoded NUL refused");
	tap_ok(percent_decode("ab%4", 4) == NULL &&
	    percent_decode("ab%", 3) == NULL, "percent_decode: cut-off escape");
	tap_ok(percent_decode("%zz", 3) == NULL, "percent_decode: bad escape");
	/* the length bounds the input, not the NUL */
	s = percent_decode("%41%42", 3);
	tap_ok(s != NULL && strcmp(s, "A") == 0,
	    "percent_decode: reads only N bytes");
	free(s);
}

static void
test_rand(void)
{
	unsigned long	 first = random_ul();
	int		 i, differs = 0;

	for (i = 0; i < 64; i++)
		if (random_ul() != first)
			differs = 1;
	tap_ok(differs, "random_ul: not one value over and over");
}

/* Write N bytes of 'x' to PATH. */
static int
write_file(const char *path, size_t n)
{
	FILE	*f;
	size_t	 i;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		putc('x', f);
	return fclose(f);
}

static void
test_file(void)
{
	struct buf	 b = BUF_INIT;
	char		 dir[] = "/tmp/test_util.XXXXXX", path[64], err[256];
	int		 rc;

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/f", dir);

	write_file(path, 100);
	rc = file_read_capped(path, 100, &b, err, sizeof(err));
	tap_ok(rc == 0 && b.len == 100 && b.data[99] == 'x' &&
	    b.data[100] == '\0', "file_read_capped: a file of exactly the cap");
	write_file(path, 101);
	buf_adds(&b, "old");
	errno = 0;
	rc = file_read_capped(path, 100, &b, err, sizeof(err));
	tap_ok(rc == -1 && errno == EFBIG && strstr(err, "too large") != NULL
	    && b.len == 0, "file_read_capped: one byte over is an error, not "
	    "cut short (%s)", err);
	write_file(path, 0);
	rc = file_read_capped(path, 100, &b, err, sizeof(err));
	tap_ok(rc == 0 && b.len == 0 && *buf_str(&b) == '\0',
	    "file_read_capped: an empty file");
	rc = file_read_capped(dir, 100, &b, err, sizeof(err));
	tap_ok(rc == -1 && errno == EISDIR &&
	    strncmp(err, "can't open file ", 16) == 0,
	    "file_read_capped: a directory is refused (%s)", err);
	unlink(path);
	rc = file_read_capped(path, 100, &b, err, sizeof(err));
	tap_ok(rc == -1 && errno == ENOENT &&
	    strncmp(err, "can't open file ", 16) == 0,
	    "file_read_capped: a missing file keeps ENOENT (%s)", err);
	rmdir(dir);
	buf_free(&b);
}

/* A sink for block_put: collects what each flush sends. */
struct sink {
	char	 block[4];
	size_t	 len;
	struct buf sent;
	int	 flushes, fail_at;
};

static int
sink_flush(void *ctx)
{
	struct sink *k = ctx;

	if (++k->flushes == k->fail_at)
		return -1;
	buf_add(&k->sent, k->block, k->len);
	k->len = 0;
	return 0;
}

static void
test_block_put(void)
{
	struct sink	 k = { .sent = BUF_INIT };

	tap_ok(block_put(k.block, sizeof(k.block), &k.len, "abcdefghij", 10,
	    sink_flush, &k) == 0 && k.flushes == 2 &&
	    strcmp(buf_str(&k.sent), "abcdefgh") == 0 && k.len == 2 &&
	    memcmp(k.block, "ij", 2) == 0,
	    "block_put: flushes each full block, keeps the rest");
	tap_ok(block_put(k.block, sizeof(k.block), &k.len, "kl", 2,
	    sink_flush, &k) == 0 && k.flushes == 2 && k.len == 4,
	    "block_put: filling the block exactly does not flush yet");
	tap_ok(block_put(k.block, sizeof(k.block), &k.len, "", 0,
	    sink_flush, &k) == 0 && k.flushes == 2,
	    "block_put: nothing to put, nothing flushed");
	k.fail_at = 3;
	tap_ok(block_put(k.block, sizeof(k.block), &k.len, "m", 1,
	    sink_flush, &k) == -1 && k.flushes == 3,
	    "block_put: a failed flush is -1");
	buf_free(&k.sent);
}

/* buf_room: room is filled in place and counted by the caller; the cap
 * bounds it as it bounds buf_add. */
static void
test_buf_room(void)
{
	struct buf	 b = BUF_INIT;
	char		*p;

	b.cap = 8;
	buf_adds(&b, "ab");
	p = buf_room(&b, 6);
	tap_ok(p == b.data + 2 && b.len == 2, "buf_room: room after the "
	    "contents, length unchanged");
	memcpy(p, "cdefgh", 6);
	b.len += 6;
	b.data[b.len] = '\0';
	tap_ok(strcmp(buf_str(&b), "abcdefgh") == 0, "buf_room: filled in "
	    "place");
	tap_ok(buf_room(&b, 1) == NULL && b.failed, "buf_room: past the cap "
	    "is refused");
	buf_free(&b);
}

static void
test_names(void)
{
	struct names		 t = { NULL, 0, 0, 0 };
	struct names_entry	*e;
	char			 name[32];
	int			 i, ok = 1;

	tap_ok(names_hash(NAMES_HASH_INIT, "MyAddress", 9) ==
	    names_hash(NAMES_HASH_INIT, "myaddress", 9) &&
	    names_hash(NAMES_HASH_INIT, "a", 1) !=
	    names_hash(NAMES_HASH_INIT, "b", 1),
	    "names_hash: ignores case, tells names apart");
	tap_ok(names_hash(names_hash(names_hash(NAMES_HASH_INIT, "S", 1),
	    ".", 1), "n", 1) == names_hash(NAMES_HASH_INIT, "s.N", 3),
	    "names_hash: continues across pieces");
	tap_ok(names_equal("Job_Prio", "jOB_pRIO", 8) &&
	    !names_equal("JobPrio", "JobPrix", 7) &&
	    !names_equal("a[", "A{", 2), "names_equal: ASCII case only");

	tap_ok(names_get(&t, "x") == NULL && names_find(&t, NULL, "x") == NULL,
	    "names: an empty table has nothing");
	tap_ok(names_set(&t, "Foo", "1") == 0 && names_set(&t, "FOO", "2") == 0
	    && t.n == 1 && strcmp(names_get(&t, "foo"), "2") == 0,
	    "names_set: a name set again is replaced, not added");
	e = names_find(&t, NULL, "fOO");
	tap_ok(e != NULL && strcmp(e->key, "Foo") == 0,
	    "names: the first spelling is kept");
	tap_ok(names_set(&t, "Sub.Local.Name", "3") == 0 &&
	    (e = names_find(&t, "SUB.local", "NAME")) != NULL &&
	    strcmp(e->val, "3") == 0 &&
	    names_find(&t, "SUB", "local") == NULL &&
	    names_find(&t, "Sub.Local.Nam", "e") == NULL,
	    "names_find: PREFIX.NAME without building the string");
	for (i = 0; i < 1000 && ok; i++) {
		snprintf(name, sizeof(name), "N%d", i);
		ok = names_set(&t, name, name) == 0;
	}
	for (i = 0; i < 1000 && ok; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		ok = names_get(&t, name) != NULL &&
		    strcasecmp(names_get(&t, name), name) == 0;
	}
	tap_ok(ok && t.n == 1002 && t.cap >= 2 * t.n,
	    "names: 1000 more names survive growing");
	names_free(&t);
	t.max = 2;
	tap_ok(names_set(&t, "a", "1") == 0 && names_set(&t, "b", "2") == 0 &&
	    names_set(&t, "c", "3") == -1 && names_set(&t, "A", "4") == 0 &&
	    t.n == 2, "names_set: MAX bounds new names, not redefinitions");
	names_free(&t);
	tap_ok(t.e == NULL && t.n == 0 && t.cap == 0, "names_free: empties");
}

int
main(void)
{
	test_names();
	test_buf_room();
	test_block_put();
	test_hex();
	test_rand();
	test_file();
	return tap_done();
}
