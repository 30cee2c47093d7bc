/*
 * jsontext.c - JSON text written as it goes (jsontext.h): the buffer
 * doubles as it fills, integers are formatted by hand (snprintf was a
 * fifth of jansson's dump), and a comma precedes every value but the
 * first of its container and the one after a key.
 */
#include "jsontext.h"

#include <stdlib.h>
#include <string.h>

enum { JSONTEXT_FIRST_CAP = 64 * 1024 };

void jsontext_init(jsontext *t)
{
    memset(t, 0, sizeof *t);
}

/* Room for n more bytes and a NUL; false (the text dropped) when there is none. */
static bool room(jsontext *t, size_t n)
{
    if (t->failed)
        return false;
    if (t->len + n + 1 <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : JSONTEXT_FIRST_CAP;
    while (cap < t->len + n + 1)
        cap *= 2;
    char *grown = realloc(t->text, cap);
    if (!grown) {
        jsontext_drop(t);
        t->failed = true;
        return false;
    }
    t->text = grown;
    t->cap = cap;
    return true;
}

static void put(jsontext *t, const char *s, size_t n)
{
    if (room(t, n)) {
        memcpy(t->text + t->len, s, n);
        t->len += n;
    }
}

/* The comma before a value, when its container has one already. */
static void before_value(jsontext *t)
{
    if (t->keyed)
        t->keyed = false;
    else if (t->depth > 0 && t->filled[t->depth - 1])
        put(t, ",", 1);
    if (t->depth > 0)
        t->filled[t->depth - 1] = true;
}

void jsontext_open(jsontext *t, char bracket)
{
    before_value(t);
    if (t->depth == JSONTEXT_DEPTH) {
        jsontext_drop(t);
        t->failed = true;
        return;
    }
    put(t, &bracket, 1);
    t->filled[t->depth++] = false;
}

void jsontext_close(jsontext *t, char bracket)
{
    put(t, &bracket, 1);
    if (t->depth > 0)
        t->depth--;
}

void jsontext_key(jsontext *t, const char *name)
{
    before_value(t);
    put(t, "\"", 1);
    put(t, name, strlen(name));
    put(t, "\":", 2);
    t->keyed = true;
}

void jsontext_int(jsontext *t, int64_t v)
{
    char digits[24], *end = digits + sizeof digits, *p = end;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--p = '-';
    before_value(t);
    put(t, p, (size_t)(end - p));
}

void jsontext_int_member(jsontext *t, const char *name, int64_t v)
{
    jsontext_key(t, name);
    jsontext_int(t, v);
}

void jsontext_bool(jsontext *t, bool v)
{
    before_value(t);
    put(t, v ? "true" : "false", v ? 4 : 5);
}

void jsontext_null(jsontext *t)
{
    before_value(t);
    put(t, "null", 4);
}

void jsontext_id(jsontext *t, int64_t id)
{
    if (id)
        jsontext_int(t, id);
    else
        jsontext_null(t);
}

/* One byte of a string, escaped as JSON needs. */
static void put_escaped(jsontext *t, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    if (c == '"' || c == '\\') {
        char e[2] = {'\\', (char)c};
        put(t, e, 2);
    } else if (c < 0x20) {
        char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        put(t, e, 6);
    } else {
        put(t, (const char *)&c, 1);
    }
}

void jsontext_string(jsontext *t, const char *s)
{
    if (!s) {
        jsontext_null(t);
        return;
    }
    before_value(t);
    put(t, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        put_escaped(t, *c);
    put(t, "\"", 1);
}

static int dumped(const char *buffer, size_t size, void *data)
{
    jsontext *t = data;
    put(t, buffer, size);
    return t->failed ? -1 : 0;
}

void jsontext_json(jsontext *t, const json_t *v)
{
    before_value(t);
    if (!v || json_dump_callback(v, dumped, t, JSON_COMPACT | JSON_ENCODE_ANY) != 0) {
        jsontext_drop(t);
        t->failed = true;
    }
}

void jsontext_members(jsontext *t, const json_t *o)
{
    const char *name;
    json_t *value;
    json_object_foreach((json_t *)o, name, value)
    {
        jsontext_key(t, name);
        jsontext_json(t, value);
    }
}

char *jsontext_take(jsontext *t)
{
    char *text = t->failed || !room(t, 0) ? NULL : t->text;
    if (text)
        text[t->len] = '\0';
    else
        free(t->text);
    jsontext_init(t);
    return text;
}

void jsontext_drop(jsontext *t)
{
    free(t->text);
    jsontext_init(t);
}
