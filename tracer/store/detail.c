/*
 * detail.c - the JSON of events.detail, written by hand into one reused
 * buffer: a million events make a million small objects, and a JSON
 * library's tree per event would cost more than the rest of the row. Keys
 * come in vocab_field order; enumerations are written as their labels;
 * reals in the shortest form that reads back the same; NaN and infinities,
 * which JSON lacks, as null.
 */
#include "detail.h"
#include "vocabulary.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool detail_reserve(detail_buf *b, size_t more)
{
    if (b->len + more < b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap <= b->len + more)
        cap *= 2;
    char *text = realloc(b->text, cap);
    if (!text)
        return false;
    b->text = text;
    b->cap = cap;
    return true;
}

static bool detail_append(detail_buf *b, const char *s, size_t n)
{
    if (!detail_reserve(b, n))
        return false;
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
    return true;
}

static bool detail_string(detail_buf *b, const char *s)
{
    if (!detail_append(b, "\"", 1))
        return false;
    for (const char *run = s;; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (!detail_append(b, run, (size_t)(s - run)))
            return false;
        if (c == '\0')
            break;
        char esc[8];
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof esc, "\\%c", c);
        else if (c == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else if (c == '\t')
            snprintf(esc, sizeof esc, "\\t");
        else
            snprintf(esc, sizeof esc, "\\u%04x", c);
        if (!detail_append(b, esc, strlen(esc)))
            return false;
        run = s + 1;
    }
    return detail_append(b, "\"", 1);
}

static bool detail_real(detail_buf *b, double d)
{
    char num[32];
    if (!isfinite(d))
        return detail_append(b, "null", 4);
    snprintf(num, sizeof num, "%.15g", d);
    if (strtod(num, NULL) != d)
        snprintf(num, sizeof num, "%.17g", d);
    return detail_append(b, num, strlen(num));
}

static bool detail_int(detail_buf *b, int64_t i)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%" PRId64, i);
    return detail_append(b, num, (size_t)n);
}

/* An enumeration's label: a thread's kind in thread_start, else an object's. */
static const char *detail_label(const model_event *e, vocab_field f)
{
    if (f != VOCAB_F_kind)
        return NULL;
    return e->type == VOCAB_EV_thread_start ? vocab_thread_kind_name(e->f[f].i)
                                            : vocab_kind_name(e->f[f].i);
}

static bool detail_value(detail_buf *b, const model_event *e, vocab_field f)
{
    const char *label = detail_label(e, f);
    if (label)
        return detail_string(b, label);
    switch (vocab_field_type(f)) {
    case VOCAB_REAL:
        return detail_real(b, e->f[f].d);
    case VOCAB_TEXT:
        return detail_string(b, e->f[f].s);
    default:
        return detail_int(b, e->f[f].i);
    }
}

bool detail_json(detail_buf *b, const model_event *e, model_fields columns, const char **json)
{
    model_fields rest = e->present & ~columns;
    *json = NULL;
    if (!rest)
        return true;
    b->len = 0;
    if (!detail_append(b, "{", 1))
        return false;
    for (int f = 0; f < VOCAB_F_COUNT; f++) {
        if (!(rest & MODEL_FIELD(f)))
            continue;
        if ((b->len > 1 && !detail_append(b, ",", 1)) ||
            !detail_string(b, vocab_field_name((vocab_field)f)) || !detail_append(b, ":", 1) ||
            !detail_value(b, e, (vocab_field)f))
            return false;
    }
    if (!detail_append(b, "}", 1))
        return false;
    *json = b->text;
    return true;
}

void detail_free(detail_buf *b)
{
    free(b->text);
    *b = (detail_buf){0};
}
