/*
 * routes.c - the route table and the checks every request passes before an
 * endpoint runs: the number of query arguments (counted before MHD stores
 * them), method (GET or HEAD), Host (one only; a server on a loopback
 * address answers only to local names, so that a web page cannot reach it
 * through DNS rebinding), each parameter's validator, and the checks that
 * tie parameters together. Stateless: everything a request needs is on its
 * own stack or in the shared, read-only routes_context.
 */
#include "routes.h"

#include "api.h"
#include "assets.h"
#include "reply.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#define BIT PARAM_BIT

#define ROUTES_QUOTE(x) #x
#define ROUTES_TEXT(x)  ROUTES_QUOTE(x) /* a macro's value as a string literal */

typedef struct {
    const char *path;
    api_handler handler;
    unsigned allowed, required;
    bool (*check)(const params *p, failure *why); /* NULL, or false with the reason to refuse */
} route;

static bool check_window(const params *p, failure *why)
{
    if (p->t0 >= p->t1)
        return failure_object(why, "t1", "not after t0");
    if (p->threads.n + p->objects.n == 0)
        return failure_object(why, "threads", "no lane asked for (threads or objects)");
    return true;
}

static bool check_log(const params *p, failure *why)
{
    return p->t0 < p->t1 || failure_object(why, "t1", "not after t0");
}

static const route routes[] = {
    {"/api/trace", api_trace, 0, 0, NULL},
    {"/api/window", api_window,
     BIT(PARAM_T0) | BIT(PARAM_T1) | BIT(PARAM_PX) | BIT(PARAM_THREADS) | BIT(PARAM_OBJECTS),
     BIT(PARAM_T0) | BIT(PARAM_T1) | BIT(PARAM_PX), check_window},
    {"/api/interval", api_interval, BIT(PARAM_ID), BIT(PARAM_ID), NULL},
    {"/api/event", api_event, BIT(PARAM_ID), BIT(PARAM_ID), NULL},
    {"/api/log", api_log,
     BIT(PARAM_T0) | BIT(PARAM_T1) | BIT(PARAM_THREAD) | BIT(PARAM_ALL) | BIT(PARAM_LIMIT) |
         BIT(PARAM_SKIP) | BIT(PARAM_TEXT),
     BIT(PARAM_T0) | BIT(PARAM_T1), check_log},
    {"/api/stats", api_stats, 0, 0, NULL},
    {"/api/deadlocks", api_deadlocks, 0, 0, NULL},
};

static const route *find_route(const char *path)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(routes[i].path, path) == 0)
            return &routes[i];
    return NULL;
}

/* localhost, 127.0.0.0/8 or [::1], with or without a port. */
static bool local_host(const char *host)
{
    char name[64];
    const char *bracket = strchr(host, ']');
    size_t len = host[0] != '[' ? strcspn(host, ":") : bracket ? (size_t)(bracket - host) + 1 : 0;
    if (len == 0 || len >= sizeof name || (host[len] != '\0' && host[len] != ':'))
        return false;
    memcpy(name, host, len);
    name[len] = '\0';
    struct in_addr v4;
    return strcasecmp(name, "localhost") == 0 || strcmp(name, "[::1]") == 0 ||
           (inet_pton(AF_INET, name, &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127);
}

static enum MHD_Result routes_count_host(void *cls, enum MHD_ValueKind kind, const char *key,
                                         const char *value)
{
    (void)kind, (void)value;
    *(int *)cls += strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0;
    return MHD_YES;
}

/* RFC 9112: a request with more than one Host is refused, whichever a
 * check would read (MHD's lookup finds the first, a proxy may use another). */
static bool routes_one_host(struct MHD_Connection *c)
{
    int hosts = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, routes_count_host, &hosts);
    return hosts <= 1;
}

static bool host_allowed(const routes_context *ctx, struct MHD_Connection *c)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    return !ctx->loopback || !host || local_host(host);
}

typedef struct {
    params *p;
    unsigned allowed;
    bool ok;
    failure why;
} parsing;

static enum MHD_Result parse_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    parsing *s = cls;
    (void)kind;
    s->ok = params_parse(s->p, s->allowed, key, key_size, value, value_size, &s->why);
    return s->ok ? MHD_YES : MHD_NO;
}

/* Parses and checks the request's parameters for r; the reason in s->why. */
static bool validate(struct MHD_Connection *c, const route *r, parsing *s)
{
    s->ok = true;
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, parse_one, s);
    return s->ok && params_require(s->p, r->required, &s->why) &&
           (!r->check || r->check(s->p, &s->why));
}

static enum MHD_Result run(const routes_context *ctx, struct MHD_Connection *c, const route *r)
{
    params p = {0};
    parsing s = {.p = &p, .allowed = r->allowed};
    if (!validate(c, r, &s))
        return reply_error(c, MHD_HTTP_BAD_REQUEST, s.why.text);
    sqlite3 *db = dbpool_take(ctx->pool);
    api_answer a = r->handler(db, &p, &ctx->server);
    dbpool_give(ctx->pool, db);
    return a.text ? reply_json_text(c, a.status, a.text) : reply_json(c, a.status, a.body);
}

/* The request marked by routes_check_query: its query was cut. */
static const char routes_too_many[] = "too many parameters";

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

size_t routes_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    char *out = s;
    int hi, lo;
    (void)cls, (void)c;
    for (const char *in = s; *in;) {
        if (in[0] == '%' && (hi = hex_digit(in[1])) >= 0 && (lo = hex_digit(in[2])) >= 0 &&
            (hi | lo) != 0) {
            *out++ = (char)(hi * 16 + lo);
            in += 3;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

void *routes_check_query(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls, (void)c;
    char *query = strchr(uri, '?');
    int arguments = query && query[1] ? 1 : 0;
    for (const char *s = query; s && (s = strchr(s + 1, '&'));)
        arguments++;
    if (arguments <= ROUTES_MAX_ARGUMENTS)
        return NULL;
    query[1] = '\0'; /* MHD parses what is left after '?': nothing */
    return (void *)routes_too_many;
}

enum MHD_Result routes_handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **request)
{
    const routes_context *ctx = cls;
    (void)version, (void)upload_data, (void)upload_data_size;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method: only GET and HEAD");
    if (*request == routes_too_many)
        return reply_error(c, MHD_HTTP_BAD_REQUEST,
                           "more than " ROUTES_TEXT(ROUTES_MAX_ARGUMENTS) " parameters");
    if (!routes_one_host(c))
        return reply_error(c, MHD_HTTP_BAD_REQUEST, "host: given twice");
    if (!host_allowed(ctx, c))
        return reply_error(c, MHD_HTTP_FORBIDDEN, "host: not a local name");
    const route *r = find_route(url);
    if (r)
        return run(ctx, c, r);
    const assets_file *f = assets_find(url);
    return f ? reply_asset(c, f) : reply_error(c, MHD_HTTP_NOT_FOUND, "no such path");
}
