/*
 * jsontext.h - JSON text written as it goes, into one growing buffer: for
 * the answers of tens of thousands of values (/api/window's lanes), where a
 * jansson tree cost more to build, dump and free than the queries that
 * filled it. Commas are placed by the writer; values jansson builds anyway
 * (a lane's marks, the log lines) are dumped in place (jsontext_json).
 * After an allocation fails the text is dropped and every call does
 * nothing; jsontext_take says so.
 */
#ifndef THRACE_VIEWER_JSONTEXT_H
#define THRACE_VIEWER_JSONTEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { JSONTEXT_DEPTH = 16 }; /* objects and arrays open at once, at most */

typedef struct {
    char *text;
    size_t len, cap;
    bool failed;                 /* out of memory, or nested too deep */
    int depth;                   /* containers open */
    bool filled[JSONTEXT_DEPTH]; /* whether the container at a depth has a value */
    bool keyed;                  /* a key was written: its value needs no comma */
} jsontext;

/* An empty text; jsontext_take or jsontext_drop ends it. */
void jsontext_init(jsontext *t);

/* Opens an object ('{') or an array ('['), as a value; closes it ('}', ']'). */
void jsontext_open(jsontext *t, char bracket);
void jsontext_close(jsontext *t, char bracket);

/* The next member's name in the object open: a name of ours (no escaping). */
void jsontext_key(jsontext *t, const char *name);

/* A member whose value is an integer: jsontext_key, then jsontext_int. */
void jsontext_int_member(jsontext *t, const char *name, int64_t v);

/* Values. */
void jsontext_int(jsontext *t, int64_t v);
void jsontext_bool(jsontext *t, bool v);
void jsontext_null(jsontext *t);
void jsontext_string(jsontext *t, const char *s); /* valid UTF-8, escaped; NULL: null */
void jsontext_id(jsontext *t, int64_t id);        /* 0: null */
void jsontext_json(jsontext *t, const json_t *v); /* jansson's text of v; NULL fails */

/* Each member of object o, as jsontext_key and jsontext_json would write it. */
void jsontext_members(jsontext *t, const json_t *o);

/* The text (malloc'ed, NUL-terminated), the writer emptied; NULL when a
 * call failed. */
char *jsontext_take(jsontext *t);

/* Frees the text; the writer emptied. */
void jsontext_drop(jsontext *t);

#endif
