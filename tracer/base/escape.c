/*
 * escape.c - control characters written as C escapes (escape.h). No state.
 */
#include "escape.h"

#include <stdio.h>
#include <string.h>

/* The escape of c into e (5 bytes at least); its length, 1 for c itself. */
static size_t escape_one(unsigned char c, char *e)
{
    static const char named[] = {['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};
    if (c >= 0x20 && c != 0x7f) {
        e[0] = (char)c;
        return 1;
    }
    if (c < sizeof named && named[c])
        return (size_t)snprintf(e, 5, "\\%c", named[c]);
    return (size_t)snprintf(e, 5, "\\x%02x", c);
}

char *escape_controls(const char *text, char *out, size_t size)
{
    size_t at = 0;
    for (const char *c = text; *c; c++) {
        char e[5];
        size_t n = escape_one((unsigned char)*c, e);
        if (at + n >= size)
            break;
        memcpy(out + at, e, n);
        at += n;
    }
    out[at] = '\0';
    return out;
}

size_t escape_utf8_length(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* Overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
}

size_t escape_chars(const char *s)
{
    size_t chars = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        chars += (*c & 0xc0) != 0x80;
    return chars;
}
