/*
 * check_pattern.c - line patterns (check_pattern.h). A pattern is a list of
 * tokens; matching walks them left to right keeping the set of positions in
 * the line that the tokens so far can end at, so that `*` never backtracks:
 * time is O(tokens x line length) whatever the pattern.
 */
#include "check_pattern.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    check_token_kind kind;
} wildcards[] = {{"{n}", PAT_NUMBER}, {"{time}", PAT_TIME}, {"{hex}", PAT_HEX}};

static bool push(check_pattern *p, check_token_kind kind, size_t at, size_t len)
{
    /* Adjacent literal bytes make one token. */
    if (kind == PAT_TEXT && p->ntokens && p->tokens[p->ntokens - 1].kind == PAT_TEXT) {
        p->tokens[p->ntokens - 1].len += len;
        return true;
    }
    check_token *grown = realloc(p->tokens, (p->ntokens + 1) * sizeof *grown);
    if (!grown)
        return false;
    p->tokens = grown;
    p->tokens[p->ntokens++] = (check_token){kind, at, len};
    return true;
}

/* The wildcard source starts with, or -1. */
static int wildcard_at(const char *source)
{
    for (size_t i = 0; i < sizeof wildcards / sizeof wildcards[0]; i++)
        if (strncmp(source, wildcards[i].name, strlen(wildcards[i].name)) == 0)
            return (int)i;
    return -1;
}

static size_t trimmed_length(const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

bool check_pattern_compile(check_pattern *p, const char *source)
{
    size_t n = trimmed_length(source), out = 0;
    *p = (check_pattern){0};
    p->text = malloc(n + 1);
    if (!p->text)
        return false;
    for (size_t i = 0; i < n;) {
        int w = source[i] == '{' ? wildcard_at(source + i) : -1;
        bool ok;
        if (source[i] == '*') {
            ok = push(p, PAT_ANY, 0, 0);
            i++;
        } else if (w >= 0) {
            ok = push(p, wildcards[w].kind, 0, 0);
            i += strlen(wildcards[w].name);
        } else {
            if (source[i] == '\\' && i + 1 < n)
                i++;
            p->text[out] = source[i++];
            ok = push(p, PAT_TEXT, out++, 1);
        }
        if (!ok) {
            check_pattern_free(p);
            return false;
        }
    }
    p->text[out] = '\0';
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The end of the number at s[at..n), or 0 when none starts there. */
static size_t number_end(const char *s, size_t at, size_t n)
{
    size_t i = at + (at < n && s[at] == '-');
    size_t digits = i;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == digits)
        return 0;
    if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1]))
        for (i++; i < n && is_digit(s[i]);)
            i++;
    return i;
}

static size_t time_end(const char *s, size_t at, size_t n)
{
    static const char *const units[] = {" ns", " us", " ms", " s"};
    size_t i = number_end(s, at, n);
    if (!i)
        return 0;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t len = strlen(units[u]);
        if (i + len <= n && memcmp(s + i, units[u], len) == 0)
            return i + len;
    }
    return 0;
}

static size_t hex_end(const char *s, size_t at, size_t n)
{
    if (at + 2 >= n || s[at] != '0' || s[at + 1] != 'x')
        return 0;
    size_t i = at + 2;
    while (i < n && isxdigit((unsigned char)s[i]))
        i++;
    return i > at + 2 ? i : 0;
}

/* Where token t, started at each position set in from[], can end: into to[]. */
static void step(const check_pattern *p, const check_token *t, const char *line, size_t n,
                 const uint8_t *from, uint8_t *to)
{
    memset(to, 0, n + 1);
    for (size_t at = 0; at <= n; at++) {
        if (!from[at])
            continue;
        size_t end = 0;
        switch (t->kind) {
        case PAT_ANY:
            memset(to + at, 1, n + 1 - at); /* every later position too */
            return;
        case PAT_TEXT:
            if (at + t->len <= n && memcmp(line + at, p->text + t->at, t->len) == 0)
                to[at + t->len] = 1;
            continue;
        case PAT_NUMBER:
            end = number_end(line, at, n);
            break;
        case PAT_TIME:
            end = time_end(line, at, n);
            break;
        case PAT_HEX:
            end = hex_end(line, at, n);
            break;
        }
        if (end)
            to[end] = 1;
    }
}

bool check_pattern_match(const check_pattern *p, const char *line)
{
    size_t n = trimmed_length(line);
    /* A single literal, the common case, needs no position sets. */
    if (p->ntokens == 1 && p->tokens[0].kind == PAT_TEXT)
        return p->tokens[0].len == n && memcmp(line, p->text, n) == 0;
    if (p->ntokens == 0)
        return n == 0;
    uint8_t small[2][512], *from = small[0], *to = small[1], *heap = NULL;
    if (n + 1 > sizeof small[0]) {
        heap = malloc(2 * (n + 1));
        if (!heap)
            return false;
        from = heap;
        to = heap + n + 1;
    }
    memset(from, 0, n + 1);
    from[0] = 1;
    for (size_t i = 0; i < p->ntokens; i++) {
        step(p, &p->tokens[i], line, n, from, to);
        uint8_t *swap = from;
        from = to;
        to = swap;
    }
    bool matched = from[n];
    free(heap);
    return matched;
}

void check_pattern_free(check_pattern *p)
{
    free(p->text);
    free(p->tokens);
    *p = (check_pattern){0};
}
