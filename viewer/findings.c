/*
 * findings.c - the report's findings as cards. A finding is a line at the
 * margin that starts with a kind's word (tracer/deadlocks/README.md's
 * format), then its indented lines. What it names are the report's
 * mentions (deadlocks.h) made while it was told: those past its first
 * line's start, up to the next finding's. Its moment spans the times its
 * lines tell (seconds since its first thread's trace began, to the
 * microsecond; a hold's length, `(for N s)`, is no time; a deadlock the
 * program saw itself, whose lines are the program's, by its first line
 * only). A deadlock's edges are its cycle's (the report's cycles told as
 * deadlocks come in the order of its `deadlock:` findings): each thread
 * waits for an object the next one holds, since its wait began. Stateless.
 */
#include "findings.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *prefix, *kind;
} findings_kinds[] = {
    {"deadlock: ", "deadlock"},
    {"possible deadlock: ", "possible"},
    {"stuck: ", "stuck"},
    {"leak: ", "leak"},
    {"over-release: ", "over-release"},
    {"seen: ", "seen"},
    {"unknown after the gap at ", "unknown"},
};

/* The kind of the finding line [line, end) begins, or NULL. */
static const char *findings_kind(const char *line, size_t length)
{
    for (size_t i = 0; i < sizeof findings_kinds / sizeof findings_kinds[0]; i++) {
        size_t n = strlen(findings_kinds[i].prefix);
        if (length >= n && memcmp(line, findings_kinds[i].prefix, n) == 0)
            return findings_kinds[i].kind;
    }
    return NULL;
}

/* The span of times told in [text, end), in ns since the trace began, widened into
 * *lo and *hi (lo > hi: none yet). */
static void findings_times(const char *text, const char *end, int64_t *lo, int64_t *hi)
{
    for (const char *p = text; p < end; p++) {
        if (p[0] < '0' || p[0] > '9' ||
            (p > text && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.')))
            continue;
        const char *q = p;
        int64_t s = 0, us = 0;
        while (q < end && *q >= '0' && *q <= '9')
            s = s * 10 + (*q++ - '0');
        int digits = 0;
        if (q < end && *q == '.')
            for (q++; q < end && *q >= '0' && *q <= '9'; q++, digits++)
                us = us * 10 + (*q - '0');
        bool length = p - text >= 5 && memcmp(p - 5, "(for ", 5) == 0;
        if (digits != 6 || end - q < 2 || memcmp(q, " s", 2) != 0 || length)
            continue;
        int64_t ns = s * 1000000000 + us * 1000;
        *lo = *lo > *hi ? ns : (ns < *lo ? ns : *lo);
        *hi = ns > *hi ? ns : *hi;
        p = q;
    }
}

/* Appends id to the array a unless 0 or there already; false when out of memory. */
static bool findings_add_id(json_t *a, int64_t id)
{
    if (!id)
        return true;
    for (size_t i = 0; i < json_array_size(a); i++)
        if (json_integer_value(json_array_get(a, i)) == id)
            return true;
    return json_array_append_new(a, json_integer(id)) == 0;
}

/* When the wait interval id began, or -1 (none, or a database error). */
static int64_t findings_wait_begin(sqlite3 *db, int64_t id)
{
    sqlite3_stmt *st;
    int64_t begin = -1;
    if (sqlite3_prepare_v2(db, "SELECT begin_ns FROM intervals WHERE id = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        begin = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return begin;
}

/* The edges of cycle c: [{thread_id, object_id, holder_id, ts}]. */
static json_t *findings_edges(sqlite3 *db, const deadlocks_cycle *c)
{
    json_t *edges = json_array();
    for (int i = 0; edges && i < c->n; i++) {
        const deadlocks_member *m = &c->members[i];
        int64_t since = findings_wait_begin(db, m->wait_id);
        json_t *edge = json_pack("{s:I, s:I, s:I}", "thread_id", (json_int_t)m->thread_id,
                                 "object_id", (json_int_t)m->object_id, "holder_id",
                                 (json_int_t)c->members[(i + 1) % c->n].thread_id);
        if (edge && since >= 0)
            json_object_set_new(edge, "ts", json_integer(since));
        if (!edge || json_array_append_new(edges, edge) != 0) {
            json_decref(edges);
            return NULL;
        }
    }
    return edges;
}

typedef struct {
    sqlite3 *db;
    const deadlocks_report *r;
    size_t mention; /* the next mention to give a finding */
    size_t cycle;   /* the next cycle to look at for a deadlock's edges */
} findings_walk;

/* The threads and objects of the mentions before offset next, into f. */
static bool findings_names(findings_walk *w, long start, long next, json_t *f)
{
    json_t *threads = json_array(), *objects = json_array();
    bool ok = threads && objects;
    const deadlocks_report *r = w->r;
    for (; w->mention < r->nmentions && r->mentions[w->mention].at <= next; w->mention++) {
        const deadlocks_mention *m = &r->mentions[w->mention];
        if (m->at > start)
            ok = ok && findings_add_id(threads, m->thread_id) &&
                 findings_add_id(objects, m->object_id);
    }
    ok = json_object_set_new(f, "threads", threads) == 0 && ok;
    return json_object_set_new(f, "objects", objects) == 0 && ok;
}

/* The moment of the finding in [head, end) into f: begin_ns and end_ns, null
 * when it tells no time or names no thread to count it from. */
static bool findings_moment(const findings_walk *w, const char *kind, const char *head,
                            const char *head_end, const char *end, json_t *f)
{
    int64_t lo = 1, hi = 0;
    findings_times(head, strcmp(kind, "seen") == 0 ? head_end : end, &lo, &hi);
    json_t *threads = json_object_get(f, "threads");
    const catalog_thread *t =
        json_array_size(threads)
            ? catalog_thread_of(&w->r->cat, json_integer_value(json_array_get(threads, 0)))
            : NULL;
    bool known = t && lo <= hi;
    return json_object_set_new(f, "begin_ns",
                               known ? json_integer(t->trace_begin_ns + lo) : json_null()) == 0 &&
           json_object_set_new(f, "end_ns",
                               known ? json_integer(t->trace_begin_ns + hi) : json_null()) == 0;
}

/* A deadlock's edges, from the next cycle told as one, into f. */
static bool findings_cycle(findings_walk *w, json_t *f)
{
    const deadlocks_report *r = w->r;
    while (w->cycle < r->ncycles && r->cycles[w->cycle].unknown)
        w->cycle++;
    if (w->cycle == r->ncycles)
        return true;
    json_t *edges = findings_edges(w->db, &r->cycles[w->cycle++]);
    return edges && json_object_set_new(f, "edges", edges) == 0;
}

/* The lines of [head, end) after the first, without their newlines. */
static json_t *findings_lines(const char *head_end, const char *end)
{
    json_t *lines = json_array();
    for (const char *p = head_end; lines && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        if (stop > p && json_array_append_new(lines, json_stringn(p, (size_t)(stop - p))) != 0) {
            json_decref(lines);
            return NULL;
        }
        p = stop + 1;
    }
    return lines;
}

/* One finding, [head, end) of the text, its first line ending at head_end. */
static json_t *findings_one(findings_walk *w, const char *text, const char *kind, const char *head,
                            const char *head_end, const char *end, long next)
{
    json_t *f =
        json_pack("{s:s, s:s%, s:o, s:[]}", "kind", kind, "summary", head,
                  (size_t)(head_end - head), "lines", findings_lines(head_end + 1, end), "edges");
    bool ok = f && findings_names(w, (long)(head - text), next, f) &&
              findings_moment(w, kind, head, head_end, end, f) &&
              (strcmp(kind, "deadlock") != 0 || findings_cycle(w, f));
    if (!ok)
        json_decref(f);
    return ok ? f : NULL;
}

/* The end of the finding whose first line ends at head_end: its last indented line's. */
static const char *findings_end(const char *head_end, const char *end)
{
    const char *p = head_end;
    while (p < end && p + 1 < end && p[1] == ' ') {
        const char *nl = memchr(p + 1, '\n', (size_t)(end - p - 1));
        p = nl ? nl : end;
    }
    return p;
}

json_t *findings_json(sqlite3 *db, const deadlocks_report *r, const char *text, size_t size)
{
    json_t *list = json_array();
    findings_walk w = {db, r, 0, 0};
    const char *end = text + size;
    for (const char *line = text; list && line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *line_end = nl ? nl : end;
        const char *kind = findings_kind(line, (size_t)(line_end - line));
        if (!kind) {
            line = line_end + 1;
            continue;
        }
        const char *stop = findings_end(line_end, end);
        const char *next = stop;
        while (next < end && (*next == '\n' || *next == ' ')) /* the next line at the margin */
            next++;
        json_t *f = findings_one(&w, text, kind, line, line_end, stop, (long)(next - text));
        if (!f || json_array_append_new(list, f) != 0) {
            json_decref(list);
            return NULL;
        }
        line = stop + 1;
    }
    return list;
}
