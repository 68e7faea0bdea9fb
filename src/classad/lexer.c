/*
 * lexer.c — ClassAd tokens (HTCondor's src/classad/lexer.cpp), with
 * HTCondor's "old semantics": no octal or hex integers, and in old syntax
 * the wire's string rule where only \" is an escape.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "classad/classad_impl.h"

/* Character classes by hand: the C library's depend on the locale, and
 * HTCondor's tokens are plain ASCII. */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_odigit(int c)
{
	return c >= '0' && c <= '7';
}

void
lex_init(struct lexer *lx, const char *p, size_t len, int old)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = p;
	lx->len = len;
	lx->old = old;
	lx->prev = T_END;
	lx->type = T_END;
	lx->text.cap = CLASSAD_MAX_EXPR_LEN + 1;
}

void
lex_free(struct lexer *lx)
{
	buf_free(&lx->text);
}

/* The byte at offset I, or -1 past the end; a NUL byte also ends the
 * input, as it does for HTCondor's C-string readers. */
static int
at(const struct lexer *lx, size_t i)
{
	if (i >= lx->len || lx->p[i] == '\0')
		return -1;
	return (unsigned char)lx->p[i];
}

static int
bad(struct lexer *lx, const char *why)
{
	lx->why = why;
	return lx->type = T_BAD;
}

/* Skip blanks and comments.  An unterminated comment is an error, at
 * the comment's start. */
static int
skip_space(struct lexer *lx)
{
	size_t s;
	int c;

	for (;;) {
		c = at(lx, lx->pos);
		if (c >= 0 && is_space(c)) {
			lx->pos++;
		} else if (c == '/' && at(lx, lx->pos + 1) == '/') {
			while ((c = at(lx, lx->pos)) >= 0 && c != '\n')
				lx->pos++;
		} else if (c == '/' && at(lx, lx->pos + 1) == '*') {
			s = lx->pos;
			lx->pos += 2;
			for (;;) {
				c = at(lx, lx->pos);
				if (c < 0) {
					lx->pos = s;
					return -1;
				}
				if (c == '*' && at(lx, lx->pos + 1) == '/') {
					lx->pos += 2;
					break;
				}
				lx->pos++;
			}
		} else
			return 0;
	}
}

/* Numbers: [-]digits, [-]digits.digits[exp], [-].digits[exp],
 * [-]digits exp.  "5." is an error, a leading 0 on a multi-digit integer
 * too (old semantics), and an integer that does not fit in 64 bits. */
static int
lex_number(struct lexer *lx)
{
	size_t	 s = lx->pos, i = lx->pos;
	int	 real = 0, c;
	char	 tmp[512], *end;

	if (at(lx, i) == '-')
		i++;
	if (at(lx, i) == '0' && (at(lx, i + 1) == 'x' || at(lx, i + 1) == 'X'))
		return bad(lx, "hexadecimal integers are not allowed");
	while (is_digit(at(lx, i)))
		i++;
	if (at(lx, i) == '.') {
		if (!is_digit(at(lx, i + 1))) {
			lx->pos = i;
			return bad(lx, "a digit must follow the decimal point");
		}
		real = 1;
		i++;
		while (is_digit(at(lx, i)))
			i++;
	}
	c = at(lx, i);
	if (c == 'e' || c == 'E') {
		real = 1;
		i++;
		if (at(lx, i) == '+' || at(lx, i) == '-')
			i++;
		if (!is_digit(at(lx, i))) {
			lx->pos = i;
			return bad(lx, "a digit must follow the exponent");
		}
		while (is_digit(at(lx, i)))
			i++;
	}
	lx->pos = i;
	if (i - s >= sizeof(tmp))
		return bad(lx, "number too long");
	memcpy(tmp, lx->p + s, i - s);
	tmp[i - s] = '\0';
	if (real) {
		lx->rval = strtod(tmp, &end);
		if (*end != '\0')
			return bad(lx, "malformed real number");
		return lx->type = T_REAL;
	}
	if ((tmp[0] == '0' && tmp[1] != '\0') ||
	    (tmp[0] == '-' && tmp[1] == '0' && tmp[2] != '\0'))
		return bad(lx, "an integer may not start with 0");
	errno = 0;
	lx->ival = strtoll(tmp, &end, 10);
	if (errno != 0 || *end != '\0')
		return bad(lx, "integer out of range");
	return lx->type = T_INT;
}

/* Apply the new syntax's C escapes to the raw text in LX->text. */
static int
new_escapes(struct lexer *lx)
{
	char	*t = lx->text.data;
	size_t	 n = lx->text.len, i, d = 0;
	unsigned int v;
	int	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)t[i];
		if (c == '\\' && i + 1 < n) {
			c = (unsigned char)t[++i];
			switch (c) {
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'v': c = '\v'; break;
			default:
				if (!is_odigit(c))
					break;
				v = c - '0';
				if (i + 1 < n && is_odigit(t[i + 1])) {
					v = v * 8 + (t[++i] - '0');
					if (v < 0x20 && i + 1 < n &&
					    is_odigit(t[i + 1]))
						v = v * 8 + (t[++i] - '0');
				}
				c = (int)(v & 0xff);
				if (c == 0)
					return -1;
				break;
			}
		}
		t[d++] = (char)c;
	}
	if (t != NULL) {
		t[d] = '\0';
		lx->text.len = d;
	}
	return 0;
}

/* A new-syntax quoted token: scan to the DELIM not escaped by an odd run
 * of backslashes, join "a" "b", then convert the escapes. */
static int
lex_quoted_new(struct lexer *lx, int delim)
{
	size_t	 i = lx->pos + 1, s;
	int	 c, odd;

	for (;;) {
		s = i;
		odd = 0;
		for (;;) {
			c = at(lx, i);
			if (c < 0) {
				lx->pos = i;
				return bad(lx, "unterminated string");
			}
			if (c == delim && !odd)
				break;
			odd = (c == '\\') ? !odd : 0;
			i++;
		}
		if (buf_add(&lx->text, lx->p + s, i - s) == -1) {
			lx->pos = i;
			return bad(lx, "string too long");
		}
		i++;
		s = i;
		while ((c = at(lx, s)) >= 0 && is_space(c))
			s++;
		if (c != delim)
			break;
		i = s + 1;
	}
	lx->pos = i;
	if (new_escapes(lx) == -1)
		return bad(lx, "\\0 is not allowed in a string");
	return lx->type = (delim == '"') ? T_STRING : T_IDENT;
}

/* An old-syntax quoted token: a backslash is literal, except that \"
 * stands for a quote when more text follows on the line. */
static int
lex_quoted_old(struct lexer *lx, int delim)
{
	size_t	 i = lx->pos + 1;
	int	 c, prev = 0, nx;

	for (;;) {
		/* Copy the run of ordinary bytes in one go. */
		size_t r = i;

		while (r < lx->len && lx->p[r] != delim && lx->p[r] != '\0')
			r++;
		if (r > i) {
			if (buf_add(&lx->text, lx->p + i, r - i) == -1) {
				lx->pos = i;
				return bad(lx, "string too long");
			}
			prev = (unsigned char)lx->p[r - 1];
			i = r;
		}
		c = at(lx, i);
		if (c < 0) {
			lx->pos = i;
			return bad(lx, "unterminated string");
		}
		if (c == delim) {
			if (prev == '\\') {
				nx = at(lx, i + 1);
				if (nx >= 0 && nx != '\n') {
					lx->text.data[lx->text.len - 1] =
					    (char)delim;
					prev = 0;
					i++;
					continue;
				}
			}
			i++;
			break;
		}
		if (buf_addc(&lx->text, c) == -1) {
			lx->pos = i;
			return bad(lx, "string too long");
		}
		prev = c;
		i++;
	}
	lx->pos = i;
	return lx->type = (delim == '"') ? T_STRING : T_IDENT;
}

/* Words: identifiers and the reserved words (case-insensitive). */
static int
lex_word(struct lexer *lx)
{
	size_t	 s = lx->pos, n;
	int	 c;

	while ((c = at(lx, lx->pos)) >= 0 &&
	    (is_alpha(c) || is_digit(c) || c == '_'))
		lx->pos++;
	n = lx->pos - s;
	if (buf_add(&lx->text, lx->p + s, n) == -1)
		return bad(lx, "identifier too long");
	if (n == 2 && strncasecmp(lx->p + s, "is", 2) == 0)
		return lx->type = T_IS;
	if (n == 4 && strncasecmp(lx->p + s, "isnt", 4) == 0)
		return lx->type = T_ISNT;
	if (n == 4 && strncasecmp(lx->p + s, "true", 4) == 0) {
		lx->bval = 1;
		return lx->type = T_BOOL;
	}
	if (n == 5 && strncasecmp(lx->p + s, "false", 5) == 0) {
		lx->bval = 0;
		return lx->type = T_BOOL;
	}
	if (n == 5 && strncasecmp(lx->p + s, "error", 5) == 0)
		return lx->type = T_ERRORV;
	if (n == 9 && strncasecmp(lx->p + s, "undefined", 9) == 0)
		return lx->type = T_UNDEF;
	return lx->type = T_IDENT;
}

/* Operators and punctuation; LEN is how many bytes the token takes. */
static int
punct(struct lexer *lx, int type, size_t len)
{
	lx->pos += len;
	return lx->type = type;
}

static int
lex_punct(struct lexer *lx)
{
	int	 c = at(lx, lx->pos), c1 = at(lx, lx->pos + 1);
	size_t	 i;

	switch (c) {
	case '.': return punct(lx, T_DOT, 1);
	case '*': return punct(lx, T_MUL, 1);
	case '/': return punct(lx, T_DIV, 1);
	case '%': return punct(lx, T_MOD, 1);
	case '+': return punct(lx, T_PLUS, 1);
	case '-': return punct(lx, T_MINUS, 1);
	case '~': return punct(lx, T_BNOT, 1);
	case '^': return punct(lx, T_BXOR, 1);
	case ':': return punct(lx, T_COLON, 1);
	case ';': return punct(lx, T_SEMI, 1);
	case ',': return punct(lx, T_COMMA, 1);
	case '[': return punct(lx, T_LBOX, 1);
	case ']': return punct(lx, T_RBOX, 1);
	case '(': return punct(lx, T_LPAREN, 1);
	case ')': return punct(lx, T_RPAREN, 1);
	case '{': return punct(lx, T_LBRACE, 1);
	case '}': return punct(lx, T_RBRACE, 1);
	case '?':
		/* "?" then blanks then ":" is the elvis operator. */
		i = lx->pos + 1;
		while (at(lx, i) >= 0 && is_space(at(lx, i)))
			i++;
		if (at(lx, i) == ':') {
			lx->pos = i + 1;
			return lx->type = T_ELVIS;
		}
		return punct(lx, T_QMARK, 1);
	case '&':
		return c1 == '&' ? punct(lx, T_AND, 2) : punct(lx, T_BAND, 1);
	case '|':
		return c1 == '|' ? punct(lx, T_OR, 2) : punct(lx, T_BOR, 1);
	case '<':
		if (c1 == '=')
			return punct(lx, T_LE, 2);
		return c1 == '<' ? punct(lx, T_SHL, 2) : punct(lx, T_LT, 1);
	case '>':
		if (c1 == '=')
			return punct(lx, T_GE, 2);
		if (c1 == '>')
			return at(lx, lx->pos + 2) == '>' ?
			    punct(lx, T_USHR, 3) : punct(lx, T_SHR, 2);
		return punct(lx, T_GT, 1);
	case '=':
		if (c1 == '=')
			return punct(lx, T_EQ, 2);
		if (c1 == '?') {
			if (at(lx, lx->pos + 2) != '=') {
				lx->pos += 2;
				return bad(lx, "=? must be followed by =");
			}
			return punct(lx, T_IS, 3);
		}
		if (c1 == '!' && at(lx, lx->pos + 2) == '=')
			return punct(lx, T_ISNT, 3);
		return punct(lx, T_ASSIGN, 1);
	case '!':
		return c1 == '=' ? punct(lx, T_NE, 2) : punct(lx, T_NOT, 1);
	default:
		return bad(lx, "unexpected character");
	}
}

/* May a '-' here start a negative number?  Not after a value, a name or
 * a closing bracket, where it is the binary operator. */
static int
minus_is_sign(int prev)
{
	switch (prev) {
	case T_INT: case T_REAL: case T_BOOL: case T_STRING: case T_UNDEF:
	case T_ERRORV: case T_IDENT: case T_DOT: case T_RBOX:
	case T_RPAREN: case T_RBRACE:
		return 0;
	default:
		return 1;
	}
}

int
lex_next(struct lexer *lx)
{
	int	 c, c1;

	lx->prev = lx->type;
	buf_reset(&lx->text);
	lx->why = NULL;
	if (lx->type == T_BAD)
		return T_BAD;
	if (skip_space(lx) == -1) {
		lx->start = lx->pos;
		return bad(lx, "unterminated comment");
	}
	lx->start = lx->pos;
	c = at(lx, lx->pos);
	c1 = at(lx, lx->pos + 1);
	if (c < 0) {
		if (lx->pos < lx->len)
			return bad(lx, "NUL byte in expression");
		return lx->type = T_END;
	}
	if (c == '-' && minus_is_sign(lx->prev) &&
	    (is_digit(c1) || (c1 == '.' && is_digit(at(lx, lx->pos + 2)))))
		return lex_number(lx);
	if (is_digit(c) || (c == '.' && is_digit(c1)))
		return lex_number(lx);
	if (is_alpha(c) || c == '_')
		return lex_word(lx);
	if (c == '"' || c == '\'')
		return lx->old ? lex_quoted_old(lx, c) : lex_quoted_new(lx, c);
	return lex_punct(lx);
}

/* Token names for error messages. */
const char *
tok_name(int type)
{
	static const char *const names[] = {
		"end of input", "bad token", "integer", "real", "string",
		"boolean", "undefined", "error", "identifier", "'.'", "'('",
		"')'", "'['", "']'", "'{'", "'}'", "','", "';'", "'='", "'?'",
		"':'", "'?:'", "'<'", "'<='", "'!='", "'=='", "'>='", "'>'",
		"'=?='", "'=!='", "'+'", "'-'", "'*'", "'/'", "'%'", "'!'",
		"'||'", "'&&'", "'~'", "'|'", "'^'", "'&'", "'<<'", "'>>'",
		"'>>>'"
	};

	if (type < 0 || (size_t)type >= sizeof(names) / sizeof(names[0]))
		return "token";
	return names[type];
}
