/*
 * bounds.h — every hard limit of the program, with its reason, in one place,
 * grouped by layer from the top of the stack down.  Configurable ones are
 * defaults; the configuration parameter is named.  Facts of the CEDAR wire
 * format (packet header, key and digest lengths, command numbers, and the
 * bounds HTCondor's own receiver applies) stay in cedar/cedar.h.
 */
#ifndef BOUNDS_H
#define BOUNDS_H

/* HTTP request head: RFC 9112 recommends at least 8000 octets of request
 * line; more is a 414.  Headers beyond 32 KiB or 100 fields are a 431. */
#define HTTP_MAX_REQUEST_LINE	8192
#define HTTP_MAX_HEADER_BYTES	32768
#define HTTP_MAX_HEADER_FIELDS	100
/* A chunk-size line (size plus extensions) longer than this is a 400. */
#define HTTP_MAX_CHUNK_LINE	1024
/* Trailer section of a chunked body, counted against the header limit. */
#define HTTP_MAX_TRAILER_BYTES	8192
/* The buffer a request head is read into: the line, the fields, CRLFs. */
#define HTTP_HEAD_MAX	(HTTP_MAX_REQUEST_LINE + HTTP_MAX_HEADER_BYTES + 4)
/* No method we serve is longer than this: a longer first token is not a
 * request line at all (400). */
#define HTTP_MAX_METHOD	32
/* Longest bearer token accepted (IDTOKENs are a few hundred bytes). */
#define AUTH_MAX_TOKEN	8192
/* How much a closing connection drains (so the peer reads our answer
 * rather than a reset), and for how long, at most. */
#define DRAIN_MAX_BYTES	(1 << 20)
#define DRAIN_MAX_MS	2000

/* Defaults of the HTTP_API_* parameters. */
#define DEFAULT_READ_TIMEOUT	30		/* HTTP_API_READ_TIMEOUT, s */
#define DEFAULT_WRITE_TIMEOUT	30		/* HTTP_API_WRITE_TIMEOUT, s */
#define DEFAULT_MAX_BODY	16777216	/* HTTP_API_MAX_BODY, bytes */
/* A request body must average this after the read timeout's grace: a
 * trickle just under the per-read stall limit would otherwise hold a
 * process for as long as it likes.  1 KiB/s is far below any real link. */
#define DEFAULT_MIN_BODY_RATE	1024		/* HTTP_API_MIN_BODY_RATE, B/s */
#define DEFAULT_MAX_CHILDREN	64		/* HTTP_API_MAX_CHILDREN */
/* Off: behind a reverse proxy every client is the proxy's address. */
#define DEFAULT_MAX_PER_IP	0		/* HTTP_API_MAX_PER_IP */
/* Every successful step of a schedd exchange is answered within
 * milliseconds; a schedd that fails a token silently only closes after
 * 120 s (tests/conformance/cedar/client-error-auth-sub-mismatch), so we
 * give up much sooner. */
#define DEFAULT_SCHEDD_TIMEOUT	20		/* HTTP_API_SCHEDD_TIMEOUT, s */
#define DEFAULT_SESSION_CACHE_LIFETIME 300	/* ..._SESSION_CACHE_LIFETIME, s */
#define SESSION_CACHE_LIFETIME_MAX 86400	/* the same, at most */
#define SESSION_ENTRY_MAX	4096		/* bytes of a sealed cache entry */
#define SESSION_REPLAY_MAX	(256u << 10)	/* kept for a resume's fallback */
/* The kid of a token minted for a front end's user (HTCondor's POOL key). */
#define DEFAULT_SIGNING_KEY_ID	"POOL"		/* HTTP_API_SIGNING_KEY_ID */
/* A minted token lives one minute: it is used at once, for the schedd
 * handshakes of one request. */
#define MINTED_TOKEN_LIFETIME	60		/* seconds */
/* The longest user name a front end may give (before "@domain"), and the
 * longest domain HTTP_API_USER_DOMAIN_FROM_HEADER lets it add. */
#define USER_NAME_MAX		64
#define USER_DOMAIN_MAX		255
/* The largest signing key file read (HTCondor writes 64 bytes). */
#define SIGNING_KEY_MAX		1024
/* Connections the kernel queues for --listen while every child slot is
 * busy (tcpserver's way: stop accepting rather than refuse); the kernel
 * caps it at net.core.somaxconn. */
#define LISTEN_BACKLOG		1024
/* A TLS handshake gets the read deadline too; this caps it. */
#define TLS_HANDSHAKE_TIMEOUT_MAX 60

/* Bounds accepted for the configurable values. */
#define TIMEOUT_MIN		1
#define TIMEOUT_MAX		86400
#define MAX_BODY_MAX		(1LL << 40)
#define MAX_CHILDREN_MAX	100000
#define MIN_BODY_RATE_MAX	(1 << 30)

/* Job ids are CLUSTER or CLUSTER.PROC, each 0..INT_MAX. */
#define JOB_ID_MAX		2147483647

/* A schedd's daemon ad file (SCHEDD_DAEMON_AD_FILE) is a few KiB; a file
 * over this is refused rather than read cut short. */
#define SCHEDD_MAX_DAEMON_AD_FILE	(1u << 20)

/* JSON nesting accepted in request bodies. */
#define JSON_MAX_DEPTH		32

/* multipart/form-data (RFC 7578): a part head is a few short fields;
 * names and types are short; a filename is an input file's name. */
#define MULTIPART_MAX_HEAD	8192		/* bytes of one part's head */
#define MULTIPART_MAX_NAME	255		/* form-data name */
#define MULTIPART_MAX_FILENAME	1024		/* filename= */
#define MULTIPART_MAX_CTYPE	255		/* a part's Content-Type */
#define MULTIPART_MAX_PARTS	10003		/* input files + 3 fields */
#define MULTIPART_MAX_BOUNDARY	70		/* RFC 2046 */

/* ---- api/: the handlers ---- */

/* Path parameters of one route ({id} and the like); the table has two. */
#define API_MAX_PARAMS		4
/* A query parameter's value, decoded: constraints are the longest. */
#define API_MAX_PARAM		8192
/* Jobs per page, by default and at most: the page keeps a heap of them. */
#define API_DEFAULT_LIMIT	50
#define API_MAX_LIMIT		10000
/* A page's ads are held as JSON until written, up to this many bytes;
 * past it the page keeps ids and fetches its ads by id range. */
#define PAGE_MAX_BYTES		(4 << 20)
/* Attributes one edit request may set (each is a schedd round trip). */
#define EDIT_MAX_ATTRS		256
/* Failures listed in a bulk answer; the rest are only counted. */
#define EDIT_MAX_FAILED		100

/* Job sandboxes.  An input name is a path inside the sandbox. */
#define INPUT_MAX_NAME		1024
#define DEFAULT_MAX_INPUT_BYTES	(1LL << 30)	/* HTTP_API_MAX_INPUT_BYTES */
#define DEFAULT_MAX_INPUT_FILES	10000		/* HTTP_API_MAX_INPUT_FILES */
#define MAX_INPUT_FILES_MAX	1000000
/* What a tar adds to its files' bytes: a 512-byte header and up to 511
 * bytes of padding per entry, a pax header for a long name, the end
 * blocks and the last record's padding.  The staged body may exceed the
 * byte cap by this much per entry, plus TAR_SLACK. */
#define TAR_OVERHEAD_PER_ENTRY	3072
#define TAR_SLACK		(1 << 20)

/* ---- cedar/: our side of the wire ---- */

/* Largest message we accept (a whole job listing arrives as many
 * messages, so this bounds one ad, not a listing). */
#define CEDAR_MAX_MESSAGE	(64u << 20)
/* TOKEN identities and shared-port ids: HTCondor's are short names. */
#define CEDAR_NAME_MAX		1024
/* A session id a server hands out or looks up ("host:pid:time:n"; a
 * real schedd's is under 100 bytes); also a file name in a session
 * directory, so under NAME_MAX with its prefix. */
#define CEDAR_SID_MAX		200
/* Bytes a stream reads ahead and gathers before writing: one read(2)
 * brings in many packets, one send(2) carries every message queued
 * before we wait for an answer.  Allocated once per stream. */
#define CEDAR_IO_BUF		(64u << 10)
/* NewProc requests a submit may have sent whose replies it has not read
 * yet.  A reply is at most 64 bytes on the wire (rval and errno, sealed),
 * so those of a full window fit in the read-ahead buffer: while a write
 * waits, the stream reads them there, the schedd is never left blocked
 * on its replies, and the pipeline cannot deadlock (qmgmt.c). */
#define SCHEDD_QMGMT_WINDOW	(CEDAR_IO_BUF / 64)
/* Milliseconds allowed per blocking step of an exchange. */
#define CEDAR_DEFAULT_TIMEOUT	20000
/* A JWT longer than this is refused before it is decoded. */
#define TOKEN_MAX_LEN		16384
/* Longer sinful strings are refused (a real one is under 200 bytes). */
#define SINFUL_MAX_LEN		4096
/* The schedd's address file is three short lines. */
#define ADDRESS_FILE_MAX	65536

/* ---- submit/: submit text comes from the network ---- */

#define SUBMIT_MAX_PROCS	100000		/* jobs in one submission */
#define SUBMIT_MAX_TEXT		(4u << 20)	/* bytes of submit text */
#define SUBMIT_MAX_WARNINGS	100		/* kept; later ones dropped */
#define SUBMIT_MAX_LINE		(1u << 20)	/* one logical line */
#define SUBMIT_MAX_MACROS	10000		/* distinct macro names */
#define SUBMIT_MAX_EXPANSIONS	10000		/* substitutions per value */
#define SUBMIT_MAX_VALUE	(1u << 20)	/* one expanded value */
#define SUBMIT_MAX_WORK		(16u << 20)	/* bytes scanned per value */
#define SUBMIT_MAX_DEPTH	20		/* nested functions, includes */
#define SUBMIT_MAX_IF_DEPTH	63		/* if/elif nesting, as HTCondor */
#define SUBMIT_MAX_ITEMS	100000		/* rows of one queue statement */
#define SUBMIT_MAX_FILE		(16u << 20)	/* an included or items file */
#define SUBMIT_MAX_VARS		100		/* loop variables */
/* Machine attributes the requirements may name, for the default
 * request_* clauses condor_submit adds. */
#define SUBMIT_MAX_REQ_REFS	512

/* ---- config/: the configuration reader ---- */

/* Include and metaknob nesting follow HTCondor's CONFIG_MAX_NESTING_DEPTH;
 * if/elif nesting is HTCondor's 63. */
#define CONFIG_MAX_DEPTH	20
#define CONFIG_MAX_IF_DEPTH	63
#define CONFIG_MAX_FILE_BYTES	(16u << 20)	/* one config file */
#define CONFIG_MAX_LINE_BYTES	(1u << 20)	/* one logical line */
#define CONFIG_MAX_EXPANSIONS	10000		/* macro substitutions */
#define CONFIG_MAX_VALUE_BYTES	(1u << 20)	/* one expanded value */
#define CONFIG_MAX_SCAN_BYTES	(16u << 20)	/* scanning for one value */
#define CONFIG_MAX_LOAD_SCAN_BYTES (64u << 20)	/* scanning for a whole load */
#define CONFIG_MAX_ENTRIES	100000		/* distinct names */
/* Warnings and the stderr transcript kept for one load. */
#define CONFIG_MAX_LOG_BYTES	(1u << 20)

/* ---- classad/: hostile-input limits ---- */

/* Nesting of parentheses, unary operators, lists and records while
 * parsing; depth of the finished tree (long chains of binary operators,
 * walked recursively by the unparsers); the length of one expression
 * text; attributes in one ad; the length of one attribute name. */
#define CLASSAD_MAX_DEPTH	200
#define CLASSAD_MAX_TREE_DEPTH	2000
#define CLASSAD_MAX_EXPR_LEN	(1u << 20)
#define CLASSAD_MAX_ATTRS	100000
#define CLASSAD_MAX_NAME_LEN	1024
/* Attribute references followed while evaluating one expression. */
#define EVAL_MAX_DEPTH		64

/* ---- util/ ---- */

/* A buffer whose cap is 0 grows to this: larger than any one answer. */
#define BUF_DEFAULT_CAP		(64u << 20)
/* Words of a job's arguments or environment (args.c), as submitted and
 * as the demo schedd starts the job. */
#define ARGS_MAX_WORDS		100000

#endif
