/*
 * params.c - one validator per query parameter (params.h). Integers are
 * plain decimal digits, nothing else: no sign, space, '+' or hex, so that
 * every value has one spelling and "t0=1e9" is an error, not 1.
 */
#include "params.h"

#include <string.h>

/* Parses a value into p; false with the reason (without the parameter's name) in why. */
typedef bool (*validator)(params *p, const char *value, size_t len, failure *why);

/* Decimal digits into *out, from min to max; false with the reason in why when they are not. */
static bool parse_int(const char *s, size_t len, int64_t min, int64_t max, int64_t *out,
                      failure *why)
{
    int64_t v = 0;
    if (!s || len == 0)
        return failure_set(why, "not an integer");
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return failure_set(why, "not an integer");
        if (v > max / 10 || v * 10 > max - (s[i] - '0'))
            return failure_set(why, "out of range");
        v = v * 10 + (s[i] - '0');
    }
    if (v < min)
        return failure_set(why, "out of range");
    *out = v;
    return true;
}

static bool parse_time(const char *s, size_t len, int64_t *out, failure *why)
{
    return parse_int(s, len, 0, PARAMS_MAX_TIME, out, why);
}

static bool parse_t0(params *p, const char *s, size_t len, failure *why)
{
    return parse_time(s, len, &p->t0, why);
}

static bool parse_t1(params *p, const char *s, size_t len, failure *why)
{
    return parse_time(s, len, &p->t1, why);
}

static bool parse_px(params *p, const char *s, size_t len, failure *why)
{
    return parse_int(s, len, 1, PARAMS_MAX_PX, &p->px, why);
}

static bool parse_id(params *p, const char *s, size_t len, failure *why)
{
    return parse_int(s, len, 1, INT64_MAX, &p->id, why);
}

static bool parse_thread(params *p, const char *s, size_t len, failure *why)
{
    return parse_int(s, len, 1, INT64_MAX, &p->thread, why);
}

static bool parse_limit(params *p, const char *s, size_t len, failure *why)
{
    return parse_int(s, len, 1, PARAMS_MAX_LIMIT, &p->limit, why);
}

static bool parse_skip(params *p, const char *s, size_t len, failure *why)
{
    return parse_int(s, len, 0, PARAMS_MAX_LIMIT, &p->skip, why);
}

/* Any bytes but NUL (never decoded): the value is only ever bound, never
 * spliced into SQL or HTML. */
static bool parse_text(params *p, const char *s, size_t len, failure *why)
{
    if (!s || len == 0)
        return failure_set(why, "empty");
    if (len > PARAMS_MAX_TEXT)
        return failure_set(why, "longer than 200 bytes");
    memcpy(p->text, s, len);
    p->text[len] = '\0';
    return true;
}

static bool parse_all(params *p, const char *s, size_t len, failure *why)
{
    int64_t v;
    if (!parse_int(s, len, 0, 1, &v, why))
        return failure_set(why, "not 0 or 1");
    p->all = v == 1;
    return true;
}

static bool seen(const params_ids *ids, int64_t id)
{
    for (int i = 0; i < ids->n; i++)
        if (ids->ids[i] == id)
            return true;
    return false;
}

/* "1,2,3": 1 to PARAMS_MAX_IDS distinct ids. */
static bool parse_ids(params_ids *ids, const char *s, size_t len, failure *why)
{
    if (!s)
        return failure_set(why, "not a list of ids");
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ',')
            continue;
        int64_t id;
        if (!parse_int(s + start, i - start, 1, INT64_MAX, &id, why))
            return failure_set(why, "not a list of ids");
        if (ids->n == PARAMS_MAX_IDS)
            return failure_set(why, "more than 64 ids");
        if (seen(ids, id))
            return failure_set(why, "an id twice");
        ids->ids[ids->n++] = id;
        start = i + 1;
    }
    return true;
}

static bool parse_threads(params *p, const char *s, size_t len, failure *why)
{
    return parse_ids(&p->threads, s, len, why);
}

static bool parse_objects(params *p, const char *s, size_t len, failure *why)
{
    return parse_ids(&p->objects, s, len, why);
}

static const struct {
    const char *label;
    validator parse;
} table[PARAM_COUNT] = {
    [PARAM_T0] = {"t0", parse_t0},
    [PARAM_T1] = {"t1", parse_t1},
    [PARAM_PX] = {"px", parse_px},
    [PARAM_THREADS] = {"threads", parse_threads},
    [PARAM_OBJECTS] = {"objects", parse_objects},
    [PARAM_ID] = {"id", parse_id},
    [PARAM_THREAD] = {"thread", parse_thread},
    [PARAM_ALL] = {"all", parse_all},
    [PARAM_LIMIT] = {"limit", parse_limit},
    [PARAM_SKIP] = {"skip", parse_skip},
    [PARAM_TEXT] = {"text", parse_text},
};

static int lookup(unsigned allowed, const char *key, size_t key_len)
{
    for (int i = 0; i < PARAM_COUNT; i++)
        if ((allowed & PARAM_BIT(i)) && strlen(table[i].label) == key_len &&
            memcmp(table[i].label, key, key_len) == 0)
            return i;
    return -1;
}

bool params_parse(params *p, unsigned allowed, const char *key, size_t key_len, const char *value,
                  size_t value_len, failure *why)
{
    int i = key ? lookup(allowed, key, key_len) : -1;
    if (i < 0)
        return failure_set(why, "unknown parameter");
    bool ok = p->given & PARAM_BIT(i) ? failure_set(why, "given twice")
                                      : table[i].parse(p, value, value_len, why);
    p->given |= PARAM_BIT(i);
    return ok || failure_prefix(why, table[i].label);
}

bool params_require(const params *p, unsigned required, failure *why)
{
    for (int i = 0; i < PARAM_COUNT; i++)
        if ((required & PARAM_BIT(i)) && !(p->given & PARAM_BIT(i)))
            return failure_object(why, table[i].label, "missing");
    return true;
}
