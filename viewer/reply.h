/*
 * reply.h - the viewer's HTTP responses: JSON answers and the page's
 * files, every one with the same security headers (a strict
 * Content-Security-Policy, nosniff, no referrer, no framing).
 */
#ifndef THRACE_VIEWER_REPLY_H
#define THRACE_VIEWER_REPLY_H

#include "assets.h"

#include <jansson.h>
#include <microhttpd.h>

/* Queues body (its reference taken; NULL answers 500) with status, as
 * application/json, never cached. A 405 says Allow: GET, HEAD. */
enum MHD_Result reply_json(struct MHD_Connection *c, unsigned status, json_t *body);

/* As reply_json, for a body already JSON text (malloc'ed; freed once sent). */
enum MHD_Result reply_json_text(struct MHD_Connection *c, unsigned status, char *text);

/* {"error": message} with status: message is ours, never the client's. */
enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, const char *message);

/* The page's file f, or 304 when the request's If-None-Match names its ETag. */
enum MHD_Result reply_asset(struct MHD_Connection *c, const assets_file *f);

#endif
