/*
 * cedar_int.h — what the files of the cedar module share and nobody else
 * needs: the stream's layout and the byte-level codec.
 */
#ifndef CEDAR_INT_H
#define CEDAR_INT_H

#include <stdint.h>

#include <openssl/evp.h>

#include "util/base64.h"
#include "util/buf.h"
#include "cedar/cedar.h"

/* Per-direction AES-GCM state (condor_crypt_aesgcm.cpp). */
struct cedar_dir {
	int		 started;	/* first packet (with the IV) done */
	unsigned char	 base_iv[CEDAR_IV_LEN];
	uint32_t	 counter;	/* packets sealed / opened so far */
};

/* One running handshake digest (ReliSock). */
struct cedar_digest {
	EVP_MD_CTX	*ctx;		/* NULL before the first packet */
	uint64_t	 bytes;		/* payload bytes hashed */
	int		 over;		/* stopped: more than 1 MiB */
	unsigned char	 value[CEDAR_DIGEST_LEN];	/* once frozen */
};

struct cedar_stream {
	enum cedar_role	 role;
	struct cedar_io	 io;
	int		 fd;		/* owned, or -1 */
	int		 timeout_ms;
	int64_t		 deadline;	/* absolute, 0 = none */
	struct cedar_rng rng;

	enum cedar_err	 status;
	char		 err[256];

	struct buf	 out;		/* message being built */
	size_t		 packet_size;

	unsigned char	*wbuf;		/* CEDAR_IO_BUF: packets not yet written */
	size_t		 wlen;
	unsigned char	*rbuf;		/* CEDAR_IO_BUF: bytes read ahead */
	size_t		 rpos, rlen;	/* not yet cut: rbuf[rpos..rlen) */

	struct buf	 in;		/* message being read */
	size_t		 in_pos;
	int		 in_have;	/* IN holds a complete message */
	size_t		 max_message;

	struct cedar_digest dsend, drecv;
	int		 frozen;	/* digests final (key installed) */

	int		 shared_port;	/* reached through condor_shared_port */
	int		 crypto;	/* AES-GCM on */
	unsigned char	 key[CEDAR_KEY_LEN];
	struct cedar_dir tx, rx;

	/* A resumed session until the peer's first message (cedar_set_recover):
	 * the plaintext of each message sent (32-bit length, bytes), so a new
	 * connection can carry them if the peer closes this one unanswered. */
	int		 replay_armed;
	int		 replay_broken;	/* a write failed while armed */
	size_t		 replay_cap;
	struct buf	 replay;
	cedar_recover_fn recover;
	void		*recover_arg;
};

/* codec.c: primitive encodings over byte buffers (stream.cpp). */
int	 codec_put_int(struct buf *b, int64_t v);
int	 codec_put_double(struct buf *b, double v);
int	 codec_put_string(struct buf *b, const char *s, int crypto);
int	 codec_get_int(const unsigned char *p, size_t len, size_t *pos,
	    int64_t *v);
int	 codec_get_double(const unsigned char *p, size_t len, size_t *pos,
	    double *v);
/* *S points into P; *SLEN excludes the NUL; *ISNULL for the 0xAD marker. */
int	 codec_get_string(const unsigned char *p, size_t len, size_t *pos,
	    int crypto, const char **s, size_t *slen, int *isnull);
void	 codec_be32(unsigned char *p, uint32_t v);
uint32_t codec_get_be32(const unsigned char *p);

/* stream.c helpers for the other files. */
int	 stream_rand(struct cedar_stream *s, enum cedar_rand_use use,
	    unsigned char *out, size_t n);

/* sock.c: the fd transport. */
extern const struct cedar_io cedar_fd_io;
/* Write all N bytes of P to the non-blocking FD; whenever it will not
 * take more, read what the peer sends into IN (at most ROOM bytes, *GOT
 * gets the count) instead of only waiting.  0, -1 error, -2 when
 * DEADLINE (monotonic ms, 0 = none) passed. */
int	 sock_write_reading(int fd, const void *p, size_t n,
	    unsigned char *in, size_t room, size_t *got, int64_t deadline);

/* token.c: one run of the TOKEN method as a client (Condor_Auth_Passwd). */
enum token_result {
	TOKEN_OK,
	TOKEN_REJECTED,		/* message 2 status -1 */
	TOKEN_WRONG_KEY,	/* hkt does not verify */
	TOKEN_BAD_REPLY		/* echoes or lengths wrong */
};
int	 jwt_parse_text(const char *text, size_t len, struct cedar_jwt *jwt,
	    char *err, size_t errlen);
int	 token_client(struct cedar_stream *s, const struct cedar_jwt *jwt,
	    enum token_result *result);
#endif
