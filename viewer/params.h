/*
 * params.h - the query parameters of the viewer's endpoints, each with its
 * validator: a request's parameters are all parsed and checked here before
 * any handler runs, and an error names the parameter and the reason, never
 * the value given.
 */
#ifndef THRACE_VIEWER_PARAMS_H
#define THRACE_VIEWER_PARAMS_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    PARAM_T0, /* time, ns since the epoch */
    PARAM_T1,
    PARAM_PX,      /* 1..8192 */
    PARAM_THREADS, /* up to 64 thread ids, comma-separated */
    PARAM_OBJECTS, /* up to 64 object ids */
    PARAM_ID,      /* a row id */
    PARAM_THREAD,  /* a thread id */
    PARAM_ALL,     /* 0 or 1 */
    PARAM_LIMIT,   /* 1..10000 */
    PARAM_SKIP,    /* 0..10000 */
    PARAM_TEXT,    /* 1..200 bytes of any text but NUL */
    PARAM_COUNT
} params_name;

#define PARAM_BIT(name) (1u << (name))

enum {
    PARAMS_MAX_IDS = 64,
    PARAMS_MAX_PX = 8192,
    PARAMS_MAX_LIMIT = 10000,
    PARAMS_MAX_TEXT = 200,
};

/* Times beyond 2^62 ns (the year 2116) are refused: window arithmetic
 * stays far from overflow. */
#define PARAMS_MAX_TIME ((int64_t)1 << 62)

typedef struct {
    int64_t ids[PARAMS_MAX_IDS];
    int n;
} params_ids;

typedef struct {
    unsigned given; /* PARAM_BIT of each parameter present */
    int64_t t0, t1, px, id, thread, limit, skip;
    bool all;
    char text[PARAMS_MAX_TEXT + 1]; /* NUL-terminated */
    params_ids threads, objects;
} params;

/*
 * Parses one decoded query argument (key and value as received, with their
 * lengths: either may hold a NUL) into p. Only parameters in `allowed` are
 * known. False with "<name>: <reason>" (or "unknown parameter") in why.
 */
bool params_parse(params *p, unsigned allowed, const char *key, size_t key_len, const char *value,
                  size_t value_len, failure *why);

/* False with "<name>: missing" in why unless every parameter in `required`
 * was given. */
bool params_require(const params *p, unsigned required, failure *why);

#endif
