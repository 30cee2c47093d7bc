/*
 * reply.c - builds and queues MHD responses (reply.h). JSON bodies are
 * serialised by jansson into a buffer that MHD frees; the page's files are
 * served from the program's constant memory (MHD_RESPMEM_PERSISTENT).
 */
#include "reply.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                          "form-action 'none'; frame-ancestors 'none'";

static void secure(struct MHD_Response *r, const char *type, const char *cache)
{
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
    if (!r)
        return MHD_NO; /* out of memory: MHD closes the connection */
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

enum MHD_Result reply_json(struct MHD_Connection *c, unsigned status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    return reply_json_text(c, status, text);
}

enum MHD_Result reply_json_text(struct MHD_Connection *c, unsigned status, char *text)
{
    if (!text) {
        static const char failed[] = "{\"error\":\"out of memory\"}";
        text = strdup(failed);
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        if (!text)
            return MHD_NO;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    secure(r, "application/json; charset=utf-8", "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    return queue(c, status, r);
}

enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, const char *message)
{
    return reply_json(c, status, json_pack("{s:s}", "error", message));
}

/* Whether If-None-Match lists the ETag (quoted, so no other tag contains it). */
static bool fresh(struct MHD_Connection *c, const char *etag)
{
    const char *tags =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    return tags && (strcmp(tags, "*") == 0 || strstr(tags, etag));
}

enum MHD_Result reply_asset(struct MHD_Connection *c, const assets_file *f)
{
    bool not_modified = fresh(c, f->etag);
    struct MHD_Response *r = MHD_create_response_from_buffer(
        not_modified ? 0 : f->size, (void *)f->bytes, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    secure(r, f->type, "no-cache");
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, f->etag);
    return queue(c, not_modified ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, r);
}
