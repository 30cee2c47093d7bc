/*
 * logquery.c - rows of logquery.h's columns turned into log lines through
 * logline.c. No state.
 */
#include "logquery.h"

#include "logline.h"

#include <stdio.h>

static const char *text_at(sqlite3_stmt *st, int column)
{
    return (const char *)sqlite3_column_text(st, column);
}

static logline_event event_at(sqlite3_stmt *st, int c)
{
    return (logline_event){
        .type = vocab_event_of(text_at(st, c + 1)),
        .object = text_at(st, c + 2),
        .kind = vocab_kind_of(text_at(st, c + 3)),
        .outcome = vocab_outcome_of(text_at(st, c + 4)),
        .value = sqlite3_column_int64(st, c + 5),
        .waited_ns = sqlite3_column_int64(st, c + 6),
        .peer = text_at(st, c + 7),
        .file = text_at(st, c + 8),
        .line = sqlite3_column_int(st, c + 9),
        .func = text_at(st, c + 10),
        .text = text_at(st, c + 11),
        .seconds = sqlite3_column_double(st, c + 12),
        .requested = sqlite3_column_int64(st, c + 13),
        .shared = sqlite3_column_int(st, c + 14) != 0,
    };
}

void logquery_message(const char *thread, const char *text, char *buf, size_t size)
{
    char prefix[128];
    logline_thread_prefix(thread ? thread : "?", prefix, sizeof prefix);
    snprintf(buf, size, "%s%s", prefix, text);
}

bool logquery_text(sqlite3_stmt *st, int first, char *buf, size_t size)
{
    logline_event e = event_at(st, first);
    logline_describe(&e, buf, size);
    return buf[0] != '\0' || e.type == VOCAB_EV_log; /* an empty message is a line too */
}

bool logquery_line(sqlite3_stmt *st, int first, char *buf, size_t size)
{
    char text[1024];
    buf[0] = '\0';
    if (!logquery_text(st, first, text, sizeof text))
        return false;
    logquery_message(text_at(st, first), text, buf, size);
    return true;
}
