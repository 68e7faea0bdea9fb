/*
 * cgi.h — CGI/1.1 (RFC 3875): the request comes from the environment and
 * the body from stdin; the answer goes back with a Status header.
 */
#ifndef CGI_H
#define CGI_H

#include <stddef.h>

struct http_exchange;

/* Fill X's request from the CGI environment.  0, or an HTTP status with
 * ERR (the web server already parsed the request, so these are rare). */
int	cgi_read_request(struct http_exchange *x, char *err, size_t errlen);

#endif
