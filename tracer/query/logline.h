/*
 * logline.h - a traced operation told as a line of the guide's logs, e.g.
 * "acquired Lock-1 after waiting 0.52 s": shared by `thrace log --all` and
 * anything else that shows events to people.
 */
#ifndef THRACE_TRACER_QUERY_LOGLINE_H
#define THRACE_TRACER_QUERY_LOGLINE_H

#include "vocabulary.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One stored event, as the events table and its joins give it. */
typedef struct {
    vocab_event type;   /* VOCAB_EV_NONE for a name not in the vocabulary */
    const char *object; /* the object's name, or NULL */
    vocab_kind kind;    /* the object's, VOCAB_KIND_NONE for none */
    int outcome;        /* VOCAB_OUTCOME_ok, ...; -1 for none */
    int64_t value;
    int64_t waited_ns;
    const char *peer; /* the name of the thread it names, or NULL */
    const char *file; /* its call site, or NULL */
    int line;
    const char *func;
    const char *text;  /* log: the message */
    double seconds;    /* timeout, interval or sleep length, -1 for none */
    int64_t requested; /* cond_notify: n, -1 for all */
    bool shared;       /* an rwlock's acquire_begin, acquire_end, release: a read hold */
} logline_event;

/* Writes the event's description into buf; returns buf ("" to skip it). */
const char *logline_describe(const logline_event *e, char *buf, size_t size);

/* A duration for people: "850 ns", "12.3 us", "4.56 ms", "1.23 s". */
const char *logline_duration(int64_t ns, char *buf, size_t size);

/* A call site for people: "threading_lock.c:42 in worker()" (the file's base name); without
 * a line (0: a return address resolved without debug information) "prog+0x11af in
 * worker()", and without a function (func "") no " in ...()". A function whose name has its
 * parameter list (C++, demangled: "std::thread::join()") gets no second "()". */
const char *logline_site(const char *file, int line, const char *func, char *buf, size_t size);

/* The guide's "(%(threadName)-10s) " prefix: pads by characters, not bytes. */
void logline_thread_prefix(const char *thread, char *buf, size_t size);

#endif
