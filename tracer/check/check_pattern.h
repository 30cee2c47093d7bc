/*
 * check_pattern.h - the line patterns of `thrace check` expectations: text
 * matched whole against a line of `thrace log --all`, with wildcards.
 *
 *   *        any text, empty included
 *   {n}      a number: -?[0-9]+(.[0-9]+)?, as long as it runs
 *   {time}   a duration as thrace prints one: {n} then " ns", " us", " ms" or " s"
 *   {hex}    0x and hex digits, as long as they run (an address)
 *   \X       the character X itself (\*, \{, \\)
 *
 * Any other brace is itself ({'a': 'A'} is literal). Trailing blanks are
 * ignored, in the pattern and in the line.
 */
#ifndef THRACE_TRACER_CHECK_CHECK_PATTERN_H
#define THRACE_TRACER_CHECK_CHECK_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { PAT_TEXT, PAT_ANY, PAT_NUMBER, PAT_TIME, PAT_HEX } check_token_kind;

typedef struct {
    check_token_kind kind;
    size_t at, len; /* PAT_TEXT: its bytes in the pattern's text buffer */
} check_token;

/* A compiled pattern; zeroed is empty (matches only an empty line). */
typedef struct {
    char *text; /* the literal bytes, escapes removed */
    check_token *tokens;
    size_t ntokens;
} check_pattern;

/* Compiles source; false when out of memory. Nothing in a pattern is an error. */
bool check_pattern_compile(check_pattern *p, const char *source);

/* Whether line, all of it, matches p. */
bool check_pattern_match(const check_pattern *p, const char *line);

void check_pattern_free(check_pattern *p);

#endif
