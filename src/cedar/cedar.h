/*
 * cedar.h — the CEDAR wire protocol as a client of an HTCondor schedd needs
 * it (HTCondor's src/condor_io: reli_sock.cpp, stream.cpp,
 * condor_secman.cpp, condor_auth_passwd.cpp, condor_crypt_aesgcm.cpp):
 * packet framing and end-of-message, the primitive encodings, ClassAds on
 * the wire, the DC_AUTHENTICATE security handshake with TOKEN
 * authentication, ECDH P-256 and AES-256-GCM packet protection, sinful
 * strings and the shared-port prologue.
 *
 * A stream carries one command.  Every function that can fail returns 0 or
 * -1 (or a status) and leaves a sticky error in the stream (cedar_status,
 * cedar_error) or in the caller's ERR buffer.  Every blocking step honours
 * the stream's timeout and deadline.
 */
#ifndef CEDAR_H
#define CEDAR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/bounds.h"

struct buf;
struct classad;

/* ---- limits (HTCondor's own, in src/condor_io) ---- */

#define CEDAR_HDR_LEN		5	/* end flag + 32-bit length */
#define CEDAR_MAX_PACKET	(1u << 20) /* receiver's packet bound */
#define CEDAR_SEND_PACKET	4091	/* payload per sent packet, as C++ */
#define CEDAR_MAX_STRING	10000000 /* crypto-mode string bound */
#define CEDAR_MAX_AD_LINES	1000000	/* getClassAd bound */
#define CEDAR_MAX_POD_LINES	100	/* getPODClassAd bound */
#define CEDAR_DIGEST_LIMIT	(1u << 20) /* handshake digests stop */
#define CEDAR_KEY_LEN		32	/* AES-256 session key */
#define CEDAR_IV_LEN		16	/* AES-GCM IV as CEDAR uses it */
#define CEDAR_TAG_LEN		16
#define CEDAR_DIGEST_LEN	32	/* SHA-256 */
#define CEDAR_ECDH_PUB_LEN	65	/* 04 || X || Y */
#define CEDAR_TOKEN_RAND_LEN	256	/* ra, rb */
#define CEDAR_HMAC_SHA1_LEN	20	/* hkt, hk */
#define CEDAR_NONCE_LEN		33	/* resume nonce */

/* ---- command numbers (condor_commands.h, qmgmt_constants.h) ---- */

#define CEDAR_SHARED_PORT_CONNECT	75
#define CEDAR_ACT_ON_JOBS		478
#define CEDAR_SPOOL_JOB_FILES_WITH_PERMS 488
#define CEDAR_TRANSFER_DATA_WITH_PERMS	489
#define CEDAR_QUERY_SCHEDD_HISTORY	515
#define CEDAR_QUERY_JOB_ADS		516
#define CEDAR_QUERY_JOB_ADS_WITH_AUTH	519
#define CEDAR_QMGMT_READ_CMD		1111
#define CEDAR_QMGMT_WRITE_CMD		1112
#define CEDAR_DC_AUTHENTICATE		60010
#define CEDAR_DC_NOP			60011
#define CEDAR_DC_SEC_QUERY		60040
#define CEDAR_CAUTH_TOKEN		2048	/* method bit */

/* ---- errors: what went wrong (the schedd client maps them) ---- */

enum cedar_err {
	CEDAR_OK = 0,
	CEDAR_ERR_UNREACHABLE,	/* connect failed / shared port refused: 503 */
	CEDAR_ERR_TIMEOUT,	/* a deadline passed: 503 */
	CEDAR_ERR_CLOSED,	/* the peer closed at a message boundary: 502 */
	CEDAR_ERR_PROTOCOL,	/* malformed or unexpected data: 502 */
	CEDAR_ERR_TOKEN,	/* token missing, rejected or expired: 401 */
	CEDAR_ERR_DENIED,	/* authenticated, but the schedd refuses: 403 */
	CEDAR_ERR_INTERNAL,	/* no memory, crypto library failure: 500 */
	CEDAR_ERR_NO_SESSION	/* resume refused: do a full handshake (502) */
};

/* A short name for E. */
const char	*cedar_err_name(enum cedar_err e);

/* ---- transport (sock.c) ---- */

/* Monotonic clock in milliseconds: the unit of every deadline. */
int64_t		 cedar_now_ms(void);

/* Where bytes go.  read returns bytes read (> 0), 0 at EOF, -1 on error,
 * -2 when DEADLINE (monotonic ms, 0 = none) passed; write writes all N
 * bytes and returns 0, -1 on error, -2 on timeout. */
struct cedar_io {
	ssize_t	(*read)(void *ctx, void *p, size_t n, int64_t deadline);
	int	(*write)(void *ctx, const void *p, size_t n, int64_t deadline);
	void	*ctx;
};

/* Connect to HOST:PORT (numeric or name) within TIMEOUT_MS; *FDP is a
 * non-blocking socket.  Returns CEDAR_OK or the error (ERR says why). */
enum cedar_err	 cedar_tcp_connect(const char *host, const char *port,
		    int timeout_ms, int *fdp, char *err, size_t errlen);

/* ---- randomness: the one injectable source (crypto.c) ---- */

enum cedar_rand_use {
	CEDAR_RAND_ECDH,	/* 32-byte P-256 private scalar */
	CEDAR_RAND_RA,		/* 256 bytes of TOKEN message 1 */
	CEDAR_RAND_IV,		/* 16-byte base IV of our first AES packet */
	CEDAR_RAND_NONCE	/* 33-byte resume nonce */
};
struct cedar_rng {
	int	(*fill)(void *arg, enum cedar_rand_use use, unsigned char *out,
		    size_t n);	/* 0, or -1 */
	void	*arg;
};
/* The production source: RAND_bytes. */
extern const struct cedar_rng cedar_rng_default;

/* ---- the stream (stream.c) ---- */

enum cedar_role { CEDAR_CLIENT, CEDAR_SERVER };
struct cedar_stream;
/* A new, ready stream to carry on over (cedar_set_recover), or NULL
 * with why in *E and ERR (ERRLEN bytes). */
typedef struct cedar_stream *(*cedar_recover_fn)(void *arg,
		    enum cedar_err *e, char *err, size_t errlen);

/* A stream over FD (made non-blocking; closed by cedar_stream_free), or
 * over the caller's IO callbacks.  NULL when memory runs out. */
struct cedar_stream *cedar_stream_new(int fd, enum cedar_role role);
struct cedar_stream *cedar_stream_new_io(const struct cedar_io *io,
		    enum cedar_role role);
/* Close, wipe every key and buffer, free. */
void		 cedar_stream_free(struct cedar_stream *s);

/* Time allowed per blocking step (ms, default CEDAR_DEFAULT_TIMEOUT), and
 * an absolute deadline for everything (monotonic ms, 0 = none). */
void		 cedar_set_timeout(struct cedar_stream *s, int ms);
void		 cedar_set_deadline(struct cedar_stream *s, int64_t abs_ms);
/* Randomness for this stream (copied); default cedar_rng_default. */
void		 cedar_set_rng(struct cedar_stream *s,
		    const struct cedar_rng *r);
/* Largest message accepted (default CEDAR_MAX_MESSAGE), payload bytes per
 * packet sent (1..CEDAR_MAX_PACKET, default CEDAR_SEND_PACKET). */
void		 cedar_set_max_message(struct cedar_stream *s, size_t n);
void		 cedar_set_packet_size(struct cedar_stream *s, size_t n);

/* The sticky error: CEDAR_OK while the stream is healthy. */
enum cedar_err	 cedar_status(const struct cedar_stream *s);
const char	*cedar_error(const struct cedar_stream *s);
/* Record an error from a layer above (the first one sticks); returns -1. */
int		 cedar_fail(struct cedar_stream *s, enum cedar_err e,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Is AES-GCM on (strings length-prefixed)? */
int		 cedar_encrypted(const struct cedar_stream *s);

/* Encoding (stream.cpp): appended to the message being built. */
int		 cedar_put_int(struct cedar_stream *s, int64_t v);
int		 cedar_put_double(struct cedar_stream *s, double v);
int		 cedar_put_string(struct cedar_stream *s, const char *str);
int		 cedar_put_bytes(struct cedar_stream *s, const void *p,
		    size_t n);
/* Send what was put as one message (end flag on its last packet).  An
 * empty message sends nothing.  The packets are queued: they are written,
 * together with any queued before them, by the next read that has to
 * wait for the peer, when the queue is full, by cedar_flush, or by
 * cedar_stream_free; a write error shows at that point.  While a write
 * on a descriptor waits for the peer to take more, what the peer sends
 * is read ahead (up to CEDAR_IO_BUF bytes), so requests sent back to back
 * cannot deadlock against a peer answering each one, as long as the
 * answers not yet read fit in that buffer. */
int		 cedar_send_eom(struct cedar_stream *s);
/* Write every queued packet now (also after an error recorded by a layer
 * above: a refusal queued before it still goes out): 0, or -1 when the
 * stream has an error. */
int		 cedar_flush(struct cedar_stream *s);

/* Decoding: reads the next message when none is loaded; never crosses the
 * end of a message.  Strings are malloc'ed (the 0xAD null marker reads as
 * ""); get_int_range fails unless LO <= v <= HI. */
int		 cedar_get_int(struct cedar_stream *s, int64_t *v);
int		 cedar_get_int_range(struct cedar_stream *s, int64_t lo,
		    int64_t hi, int64_t *v);
int		 cedar_get_double(struct cedar_stream *s, double *v);
int		 cedar_get_string(struct cedar_stream *s, char **out);
int		 cedar_get_bytes(struct cedar_stream *s, void *p, size_t n);
/* End of the received message: fails unless every byte was consumed. */
int		 cedar_recv_eom(struct cedar_stream *s);
/* 1 when the current message is fully consumed, 0 when bytes remain, -1
 * on error (loads the next message when none is loaded). */
int		 cedar_peek_eom(struct cedar_stream *s);
/* Wait for the next message without consuming it: 0 once a message is
 * loaded, -1 on error (CEDAR_ERR_CLOSED for EOF at a boundary). */
int		 cedar_recv_message(struct cedar_stream *s);
/* Can the next message be read without waiting for the peer: 1 when it
 * is loaded or whole in the read-ahead buffer, 0 when reading it would
 * wait, -1 when the stream has an error.  No system call: a pipeline of
 * requests checks the replies that have already come with it, between
 * requests, and waits only when it must. */
int		 cedar_message_ready(const struct cedar_stream *s);
/* Bytes of the current message not yet decoded (loads the next message
 * when none is loaded): the count, or -1 on error.  FileTransfer's data
 * messages are raw bytes whose length only the message framing gives. */
ssize_t		 cedar_msg_left(struct cedar_stream *s);
/* Payload bytes per packet sent now (cedar_set_packet_size). */
size_t		 cedar_packet_size(const struct cedar_stream *s);

/* After resuming a cached session (cedar_client_resume) nothing proves
 * that the peer still holds its key until the peer answers: a schedd
 * that does not reads our first packet, fails to open it and closes
 * (cedar-protocol.md §13 row 23).  So until the peer's first message
 * arrives, the plaintext of what is sent (at most CAP bytes, else no
 * recovery) is kept; if the peer then closes or resets the connection
 * without a word, RECOVER(ARG) is asked for a new stream with a fresh
 * session (a full handshake, ready for the same command), the kept
 * messages are sent again on it and the stream carries on over it
 * unseen by its user.  Once, and only on a clean close or reset: a
 * timeout or a malformed answer is an error as usual.  When RECOVER
 * fails, its error becomes the stream's (a schedd that refuses the
 * command on a resumed session closes it as it would a wrong key; the
 * full handshake then says DENIED). */
void		 cedar_set_recover(struct cedar_stream *s, size_t cap,
		    cedar_recover_fn fn, void *arg);

/* Handshake plumbing, used by secman.c and by tests. */
void		 cedar_reset_digests(struct cedar_stream *s);
/* The handshake digests S (sent) and R (received), as frozen or so far. */
void		 cedar_get_digests(struct cedar_stream *s,
		    unsigned char S[CEDAR_DIGEST_LEN],
		    unsigned char R[CEDAR_DIGEST_LEN]);
/* Install the AES-256-GCM key: digests freeze, both directions encrypt
 * from the next packet on, our base IV comes from the stream's rng. */
int		 cedar_install_key(struct cedar_stream *s,
		    const unsigned char key[CEDAR_KEY_LEN]);

/* ---- ClassAds on the wire (wire_ad.c) ---- */

/* Put AD as N, "Name = value" lines, MyType "", TargetType "". */
int		 cedar_put_classad(struct cedar_stream *s,
		    const struct classad *ad);
/* Get one ad (ZKM pairs handled, duplicates: last wins). */
int		 cedar_get_classad(struct cedar_stream *s,
		    struct classad **out);
/* The handshake's restricted form: <= 100 lines, literals only. */
int		 cedar_get_classad_pod(struct cedar_stream *s,
		    struct classad **out);

/* ---- crypto primitives (crypto.c) ---- */

int		 cedar_sha256(const void *p, size_t n,
		    unsigned char out[CEDAR_DIGEST_LEN]);
int		 cedar_hkdf_sha256(const void *ikm, size_t ikmlen,
		    const void *salt, size_t saltlen, const void *info,
		    size_t infolen, unsigned char *out, size_t outlen);
int		 cedar_hmac_sha1(const void *key, size_t keylen, const void *p,
		    size_t n, unsigned char out[CEDAR_HMAC_SHA1_LEN]);
int		 cedar_hmac_sha256(const void *key, size_t keylen,
		    const void *p, size_t n, unsigned char out[32]);
/* IV of packet N: bytes 0..3 of BASE plus N, big-endian, mod 2^32. */
void		 cedar_iv_at(const unsigned char base[CEDAR_IV_LEN], uint32_t n,
		    unsigned char iv[CEDAR_IV_LEN]);
/* AES-256-GCM with a 16-byte IV; OUT gets LEN bytes.  open returns -1 on
 * a tag mismatch. */
int		 cedar_gcm_seal(const unsigned char key[CEDAR_KEY_LEN],
		    const unsigned char iv[CEDAR_IV_LEN], const void *aad,
		    size_t aadlen, const void *in, size_t len,
		    unsigned char *out, unsigned char tag[CEDAR_TAG_LEN]);
int		 cedar_gcm_open(const unsigned char key[CEDAR_KEY_LEN],
		    const unsigned char iv[CEDAR_IV_LEN], const void *aad,
		    size_t aadlen, const void *in, size_t len,
		    unsigned char *out, const unsigned char tag[CEDAR_TAG_LEN]);

/* ECDH P-256 (condor_secman.cpp, Condor_Crypt_Base::hkdf).  A key pair from
 * a 32-byte scalar (-1 when it is not in 1..n-1), or from RNG (which is
 * asked again for an invalid scalar). */
struct cedar_ecdh;
int		 cedar_ecdh_from_scalar(const unsigned char scalar[32],
		    struct cedar_ecdh **out);
int		 cedar_ecdh_generate(const struct cedar_rng *rng,
		    struct cedar_ecdh **out);
const unsigned char *cedar_ecdh_public(const struct cedar_ecdh *k);
/* Shared X coordinate with a peer's 65-byte uncompressed point. */
int		 cedar_ecdh_derive(const struct cedar_ecdh *k,
		    const unsigned char *peer, size_t peerlen,
		    unsigned char secret[32]);
void		 cedar_ecdh_free(struct cedar_ecdh *k);
/* Session key = HKDF-SHA256(secret, "htcondor", "keygen", 32). */
int		 cedar_session_key(const unsigned char secret[32],
		    unsigned char key[CEDAR_KEY_LEN]);


/* ---- the IDTOKEN and the TOKEN method's keys (token.c) ---- */

/* A parsed JWT.  TEXT points into the caller's token (header.payload);
 * the signature is copied and wiped by cedar_jwt_clear.  No signature
 * check: the schedd checks it. */
struct cedar_jwt {
	const char	*text;
	size_t		 textlen;
	unsigned char	 sig[64];
	size_t		 siglen;
	char		*sub, *iss, *kid, *jti, *alg;	/* NULL when absent */
	int64_t		 exp, iat;
	int		 has_exp, has_iat;
};
int		 cedar_jwt_parse(const char *token, struct cedar_jwt *jwt,
		    char *err, size_t errlen);
void		 cedar_jwt_clear(struct cedar_jwt *jwt);

/* K = HKDF(sig, seed_ka || text, "master ka", 32). */
int		 cedar_token_k(const struct cedar_jwt *jwt,
		    unsigned char k[32]);
/* hkt = HMAC-SHA1(K, A " " B "\0" ra rb); hk = HMAC-SHA1(K, A "\0" rb). */
int		 cedar_token_hkt(const unsigned char k[32], const char *a,
		    const char *b, const unsigned char ra[CEDAR_TOKEN_RAND_LEN],
		    const unsigned char rb[CEDAR_TOKEN_RAND_LEN],
		    unsigned char out[CEDAR_HMAC_SHA1_LEN]);
int		 cedar_token_hk(const unsigned char k[32], const char *a,
		    const unsigned char rb[CEDAR_TOKEN_RAND_LEN],
		    unsigned char out[CEDAR_HMAC_SHA1_LEN]);
/* Signing keys (store_cred.cpp): unscramble a key file's bytes in place (XOR
 * de ad be ef), and jwt_key = HKDF(ikm, "htcondor", "master jwt", 32). */
void		 cedar_key_unscramble(unsigned char *p, size_t n);
int		 cedar_jwt_key(const void *ikm, size_t ikmlen,
		    unsigned char out[32]);

/* ---- the DC_AUTHENTICATE handshake (secman.c) ---- */

struct cedar_auth {
	int		 command;	/* e.g. CEDAR_QUERY_JOB_ADS */
	int		 auth_command;	/* for DC_SEC_QUERY: command to probe */
	const char	*token;		/* full JWT, or NULL: no TOKEN */
	int		 optional;	/* ask OPTIONAL (anonymous READ) */
	const char	*version;	/* RemoteVersion; NULL = ours */
	int		 session_duration;	/* s; 0 = 60 */
	int		 session_lease;		/* s; 0 = 3600 */
	const char	*connect_sinful;	/* sent when not NULL */
};

/* What the handshake established; strings are malloc'ed. */
struct cedar_session {
	char		*user;		/* the identity the schedd mapped */
	char		*sid;
	char		*valid_commands;
	char		*peer_version;
	int		 authenticated;
	int64_t		 duration, lease;	/* from the response ad */
	unsigned char	 key[CEDAR_KEY_LEN];	/* for resumption */
};

/* Run the client side of SecManStartCommand on S (after any shared-port
 * prologue).  On success the stream is encrypted and ready for the
 * command's payload and SESS (may be NULL) is filled.  Returns CEDAR_OK or
 * the error, also left in the stream. */
enum cedar_err	 cedar_client_handshake(struct cedar_stream *s,
		    const struct cedar_auth *auth, struct cedar_session *sess);
void		 cedar_session_clear(struct cedar_session *sess);

/* Resume a session of an earlier handshake on a new connection:
 * SID and KEY from its cedar_session, COMMAND to run, VERSION as in
 * cedar_auth.  CEDAR_ERR_NO_SESSION when the schedd no longer knows the
 * session (SID_NOT_FOUND, or it closed): drop it and do a full handshake
 * on a new connection.  A wrong key only shows as EOF on the first
 * command message. */
enum cedar_err	 cedar_client_resume(struct cedar_stream *s, const char *sid,
		    const unsigned char key[CEDAR_KEY_LEN], int command,
		    const char *version);

/* "$CondorVersion: <HTCONDOR_VERSION> <date> BuildID: HTCAPI $". */
const char	*cedar_version_string(void);
/* Is V a RemoteVersion a 25.14 schedd parses safely (condor_ver_info.cpp)? */
int		 cedar_version_valid(const char *v);

/* ---- reaching the schedd (sinful.c) ---- */

struct cedar_sinful {
	char	*host;		/* without brackets */
	char	*port;		/* decimal text */
	char	*sock;		/* shared-port id, or NULL */
	char	*alias;		/* or NULL */
	char	*addrs;		/* raw addrs= value, or NULL */
	int	 ccb;		/* CCBID present (unsupported) */
};
int		 cedar_sinful_parse(const char *text, struct cedar_sinful *out,
		    char *err, size_t errlen);
void		 cedar_sinful_clear(struct cedar_sinful *sn);
/* Line 1 of an address file, into OUT. */
int		 cedar_address_file_read(const char *path, struct buf *out,
		    char *err, size_t errlen);
/* Send the SHARED_PORT_CONNECT prologue (shared_port_client.cpp) and reset
 * the digests. */
int		 cedar_shared_port_prologue(struct cedar_stream *s,
		    const char *id, const char *client_name, int deadline_s);
/* Connect to SINFUL within TIMEOUT_MS, with the prologue when it names a
 * shared-port id.  Returns CEDAR_OK with *OUT, or the error and ERR. */
enum cedar_err	 cedar_connect(const char *sinful, int timeout_ms,
		    struct cedar_stream **out, char *err, size_t errlen);

/* ---- the FileTransfer sub-protocol (xfer.c; HTCondor's
 * src/condor_utils/file_transfer.cpp and reli_sock.cpp put_file/get_file)
 * ----
 * One sandbox, one direction, on an open encrypted stream: the uploader
 * sends a preamble, then per entry a command, a name, the go-ahead
 * handshake (first entry only, both sides grant "always"), a mode and,
 * for a file, its size and the data in messages of at most
 * CEDAR_XFER_CHUNK bytes (the 666 marker for an empty file); then
 * Finished and the two acknowledgement ads.  Either role may be played
 * by either end (the schedd client uploads a spool and downloads output;
 * a test or demo schedd does the reverse).  Every function returns 0 or
 * -1 with the stream's sticky error set. */

#define CEDAR_XFER_CHUNK	262144	/* bytes per data message (AES) */
#define CEDAR_XFER_ALIVE	300	/* alive interval we state, s */
#define CEDAR_XFER_EOM_MARK	666	/* PUT_FILE_EOM_NUM: empty file */
#define CEDAR_XFER_MODE_MISSING	16777216 /* source file could not be read */
#define CEDAR_XFER_NAME_MAX	4096	/* longest entry name accepted */

enum cedar_xfer_kind {
	CEDAR_XFER_END,			/* Finished: no more entries */
	CEDAR_XFER_FILE,
	CEDAR_XFER_DIR
};

/* An entry as it is announced.  For a received entry NAME belongs to the
 * transfer and stays valid until the next cedar_xfer_get_next. */
struct cedar_xfer_entry {
	enum cedar_xfer_kind	 kind;
	const char		*name;	/* relative, '/'-separated */
	int64_t			 mode;	/* permission bits; 0 = unknown */
	int64_t			 size;	/* files: bytes that follow */
};

struct cedar_xfer;

/* A transfer on S (which it does not own).  NULL when memory runs out. */
struct cedar_xfer *cedar_xfer_new(struct cedar_stream *s);
void		 cedar_xfer_free(struct cedar_xfer *x);

/* Uploader.  The preamble states FINAL (0: into a spool, 1: to the
 * end user) and the sandbox's total file bytes.  put_dir and put_file
 * announce an entry (parents before children); put_data sends the file's
 * bytes, any split, until exactly its size was given (full chunks go out
 * as they fill).  put_finish sends Finished and our acknowledgement (OK,
 * or a failure with REASON) and reads the downloader's: 0 when both say
 * success, else -1 with the downloader's reason in the stream error. */
int		 cedar_xfer_put_preamble(struct cedar_xfer *x, int final,
		    int64_t sandbox_size);
int		 cedar_xfer_put_dir(struct cedar_xfer *x, const char *name,
		    int64_t mode);
int		 cedar_xfer_put_file(struct cedar_xfer *x, const char *name,
		    int64_t mode, int64_t size);
int		 cedar_xfer_put_data(struct cedar_xfer *x, const void *p,
		    size_t n);
int		 cedar_xfer_put_finish(struct cedar_xfer *x, int ok,
		    const char *reason);

/* Downloader.  get_preamble reads FINAL and the announced size;
 * get_next the next entry (kind CEDAR_XFER_END after Finished), refusing
 * a name that is absolute, empty, or has an empty, "." or ".." component
 * (a protocol error); get_data reads up to N bytes of the current file:
 * the count, 0 once the whole file was read, -1.  get_finish reads the
 * uploader's acknowledgement and sends ours (OK, or a failure with
 * REASON): 0 when both say success, else -1 with the reason. */
int		 cedar_xfer_get_preamble(struct cedar_xfer *x, int *final,
		    int64_t *sandbox_size);
int		 cedar_xfer_get_next(struct cedar_xfer *x,
		    struct cedar_xfer_entry *e);
ssize_t		 cedar_xfer_get_data(struct cedar_xfer *x, void *p,
		    size_t n);
int		 cedar_xfer_get_finish(struct cedar_xfer *x, int ok,
		    const char *reason);

#endif
