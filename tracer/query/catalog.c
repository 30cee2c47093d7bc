/*
 * catalog.c - threads, objects and call sites (with their callers) read
 * into arrays and mapped by id (see catalog.h). Strings are copies owned
 * by the catalog, names and sites with their control characters escaped:
 * what reports print (a host is escaped by hosts_process, as it prints it).
 */
#include "catalog.h"

#include "hosts.h"
#include "logline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char threads_sql[] =
    "SELECT t.id, t.process_id, p.pid, COALESCE(tr.begin_ns, 0), COALESCE(t.end_ns, 0),"
    "       t.daemon, t.name, tr.hostname"
    " FROM threads t JOIN processes p ON p.id = t.process_id JOIN traces tr ON tr.id = p.trace_id";
static const char objects_sql[] =
    "SELECT id, process_id, COALESCE(param, 0), kind, name FROM objects";
static const char sites_sql[] =
    "SELECT id, file, line, func, COALESCE(thread_id, 0) FROM callsites";
static const char frames_sql[] =
    "SELECT site_id, file, line, func FROM site_frames ORDER BY site_id, depth";

/* A copy of text as reports print it: its control characters escaped
 * (escape.h), so that a name or a file name from the trace cannot split a
 * report's line or drive the terminal; NULL when out of memory. */
static char *copy_shown(const char *text)
{
    size_t size = 4 * strlen(text) + 1; /* \xHH at most, for each byte */
    char *copy = malloc(size);
    return copy ? escape_controls(text, copy, size) : NULL;
}

static char *copy_text(sqlite3_stmt *st, int column)
{
    const char *s = (const char *)sqlite3_column_text(st, column);
    return copy_shown(s ? s : "");
}

/* A copy of the column's text as it is (a host: hosts_process escapes it
 * where it is printed, /api/deadlocks compares it with /api/trace's); NULL
 * for NULL, and when out of memory (*ok false then). */
static char *copy_nullable(sqlite3_stmt *st, int column, bool *ok)
{
    const char *s = (const char *)sqlite3_column_text(st, column);
    char *copy = s ? strdup(s) : NULL;
    *ok = !s || copy;
    return copy;
}

/* Runs sql, calling row for each row; false on a database error or when
 * row fails (out of memory), with the reason in why. */
static bool each_row(sqlite3 *db, const char *sql, bool (*row)(catalog *, sqlite3_stmt *),
                     catalog *c, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, why);
    int rc = SQLITE_DONE;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = row(c, st);
    if (!ok)
        failure_set(why, "out of memory");
    else if (rc != SQLITE_DONE)
        ok = db_fail(db, why);
    sqlite3_finalize(st);
    return ok;
}

enum { CATALOG_FIRST_ROWS = 16 }; /* room made for the first rows of a table */

static bool thread_row(catalog *c, sqlite3_stmt *st)
{
    if (!grow_for(&c->threads, c->nthreads, &c->threads_cap, sizeof *c->threads,
                  CATALOG_FIRST_ROWS))
        return false;
    catalog_thread *t = &c->threads[c->nthreads];
    *t = (catalog_thread){
        .id = sqlite3_column_int64(st, 0),
        .process_id = sqlite3_column_int64(st, 1),
        .pid = sqlite3_column_int64(st, 2),
        .trace_begin_ns = sqlite3_column_int64(st, 3),
        .end_ns = sqlite3_column_int64(st, 4),
        .daemon = sqlite3_column_int(st, 5) != 0,
        .name = copy_text(st, 6),
    };
    bool ok;
    t->host = copy_nullable(st, 7, &ok);
    c->nthreads++; /* counted first, so that catalog_free frees a half-made row */
    return t->name && ok;
}

static bool object_row(catalog *c, sqlite3_stmt *st)
{
    if (!grow_for(&c->objects, c->nobjects, &c->objects_cap, sizeof *c->objects,
                  CATALOG_FIRST_ROWS))
        return false;
    catalog_object *o = &c->objects[c->nobjects];
    *o = (catalog_object){
        .id = sqlite3_column_int64(st, 0),
        .process_id = sqlite3_column_int64(st, 1),
        .param = sqlite3_column_int64(st, 2),
        .kind = vocab_kind_of((const char *)sqlite3_column_text(st, 3)),
        .name = copy_text(st, 4),
    };
    c->nobjects++; /* counted first, so that catalog_free frees a half-made row */
    return o->name;
}

static bool site_row(catalog *c, sqlite3_stmt *st)
{
    catalog_site *s = calloc(1, sizeof *s);
    if (!s)
        return false;
    s->file = copy_text(st, 1);
    s->line = sqlite3_column_int(st, 2);
    s->func = copy_text(st, 3);
    s->thread_id = sqlite3_column_int64(st, 4);
    if (!s->file || !s->func ||
        !keymap_put(&c->site_by_id, (uint64_t)sqlite3_column_int64(st, 0), 0, s)) {
        free(s->file);
        free(s->func);
        free(s);
        return false;
    }
    return true;
}

/* A caller of its site, appended to the site's callers; a frame of a site
 * the catalog lacks is ignored. */
static bool frame_row(catalog *c, sqlite3_stmt *st)
{
    catalog_site *s = keymap_get(&c->site_by_id, (uint64_t)sqlite3_column_int64(st, 0), 0);
    if (!s)
        return true;
    catalog_site *more = realloc(s->callers, (s->ncallers + 1) * sizeof *more);
    if (!more)
        return false;
    s->callers = more;
    catalog_site *f = &more[s->ncallers++];
    *f = (catalog_site){
        .file = copy_text(st, 1), .line = sqlite3_column_int(st, 2), .func = copy_text(st, 3)};
    return f->file && f->func;
}

/* Maps every thread and object by id (the arrays no longer move). */
static bool map_ids(catalog *c)
{
    for (size_t i = 0; i < c->nthreads; i++)
        if (!keymap_put(&c->thread_by_id, (uint64_t)c->threads[i].id, 0, &c->threads[i]))
            return false;
    for (size_t i = 0; i < c->nobjects; i++)
        if (!keymap_put(&c->object_by_id, (uint64_t)c->objects[i].id, 0, &c->objects[i]))
            return false;
    return true;
}

bool catalog_load(sqlite3 *db, catalog *c, failure *why)
{
    *c = (catalog){.several_hosts = hosts_several(db)};
    return each_row(db, threads_sql, thread_row, c, why) &&
           each_row(db, objects_sql, object_row, c, why) &&
           each_row(db, sites_sql, site_row, c, why) &&
           each_row(db, frames_sql, frame_row, c, why) &&
           (map_ids(c) || failure_set(why, "out of memory"));
}

void catalog_free(catalog *c)
{
    for (size_t i = 0; i < c->nthreads; i++) {
        free(c->threads[i].name);
        free(c->threads[i].host);
    }
    for (size_t i = 0; i < c->nobjects; i++) {
        free(c->objects[i].name);
    }
    for (size_t i = 0; i <= c->site_by_id.mask && c->site_by_id.slots; i++) {
        catalog_site *s = c->site_by_id.slots[i].value;
        for (size_t k = 0; s && k < s->ncallers; k++) {
            free(s->callers[k].file);
            free(s->callers[k].func);
        }
        if (s) {
            free(s->file);
            free(s->func);
            free(s->callers);
            free(s);
        }
    }
    free(c->threads);
    free(c->objects);
    keymap_free(&c->thread_by_id);
    keymap_free(&c->object_by_id);
    keymap_free(&c->site_by_id);
    *c = (catalog){0};
}

const catalog_thread *catalog_thread_of(const catalog *c, int64_t id)
{
    return keymap_get(&c->thread_by_id, (uint64_t)id, 0);
}

const catalog_object *catalog_object_of(const catalog *c, int64_t id)
{
    return keymap_get(&c->object_by_id, (uint64_t)id, 0);
}

const char *catalog_thread_name(const catalog *c, int64_t id, char *buf, size_t size)
{
    const catalog_thread *t = catalog_thread_of(c, id);
    if (t)
        return t->name;
    snprintf(buf, size, "thread #%lld", (long long)id);
    return buf;
}

const char *catalog_object_name(const catalog *c, int64_t id, char *buf, size_t size)
{
    const catalog_object *o = catalog_object_of(c, id);
    if (o)
        return o->name;
    snprintf(buf, size, "object #%lld", (long long)id);
    return buf;
}

const char *catalog_process(const catalog *c, int64_t thread_id, char *buf, size_t size)
{
    const catalog_thread *t = catalog_thread_of(c, thread_id);
    if (t)
        return hosts_process(t->pid, t->host, c->several_hosts, buf, size);
    snprintf(buf, size, "an unknown process");
    return buf;
}

const char *catalog_site_text(const catalog *c, int64_t site_id, char *buf, size_t size)
{
    const catalog_site *s = site_id ? keymap_get(&c->site_by_id, (uint64_t)site_id, 0) : NULL;
    if (s)
        return logline_site(s->file, s->line, s->func, buf, size);
    snprintf(buf, size, "an unknown site");
    return buf;
}

const catalog_site *catalog_site_callers_of(const catalog *c, int64_t site_id, int64_t thread_id)
{
    const catalog_site *s = site_id ? keymap_get(&c->site_by_id, (uint64_t)site_id, 0) : NULL;
    return s && (!s->thread_id || s->thread_id == thread_id) ? s : NULL;
}

void catalog_site_callers(const catalog *c, int64_t site_id, int64_t thread_id, int indent,
                          FILE *out)
{
    const catalog_site *s = catalog_site_callers_of(c, site_id, thread_id);
    char text[300];
    for (size_t k = 0; s && k < s->ncallers; k++)
        fprintf(out, "%*scalled from %s\n", indent + 2, "",
                logline_site(s->callers[k].file, s->callers[k].line, s->callers[k].func, text,
                             sizeof text));
}

const char *catalog_site_range(const catalog *c, int64_t from_id, int64_t to_id, char *buf,
                               size_t size)
{
    const catalog_site *a = from_id ? keymap_get(&c->site_by_id, (uint64_t)from_id, 0) : NULL;
    const catalog_site *b = to_id ? keymap_get(&c->site_by_id, (uint64_t)to_id, 0) : NULL;
    char from[200], to[200];
    if (!a)
        return catalog_site_text(c, 0, buf, size);
    logline_site(a->file, a->line, "", from, sizeof from);
    if (!b || (b->line == a->line && strcmp(b->file, a->file) == 0))
        snprintf(buf, size, "%s", from);
    else if (strcmp(b->file, a->file) == 0 && a->line > 0 && b->line > 0)
        snprintf(buf, size, "%s-%d", from, b->line);
    else
        snprintf(buf, size, "%s-%s", from, logline_site(b->file, b->line, "", to, sizeof to));
    return buf;
}

const char *catalog_when(const catalog *c, int64_t thread_id, int64_t ts, char *buf, size_t size)
{
    const catalog_thread *t = catalog_thread_of(c, thread_id);
    int64_t origin = t ? t->trace_begin_ns : 0;
    snprintf(buf, size, "%.6f s", (double)(ts - origin) / 1e9);
    return buf;
}
