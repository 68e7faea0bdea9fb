/*
 * bounds.h — every hard limit of the program, with its reason, in one place.
 * Configurable ones are defaults; the configuration parameter is named.
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
 * 120 s (cedar-protocol.md §13), so we give up much sooner. */
#define DEFAULT_SCHEDD_TIMEOUT	20		/* HTTP_API_SCHEDD_TIMEOUT, s */
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

/* JSON nesting accepted in request bodies. */
#define JSON_MAX_DEPTH		32

#endif
