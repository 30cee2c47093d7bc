/*
 * chrome.c - the document (export.h): the array of events, written by
 * the passes in order (names, thread tracks with flows, object tracks,
 * counters, instants), then otherData (the origin and each trace's
 * identity and totals). The passes run inside one read transaction.
 */
#include "export.h"

#include "counters.h"
#include "doc.h"
#include "marks.h"
#include "names.h"
#include "slices.h"
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

static const char chrome_traces_sql[] = "SELECT id, uuid, COALESCE(hostname, ''), path, events,"
                                        " discarded, begin_ns, unread, cut_ns FROM traces"
                                        " ORDER BY id";

/* otherData's "trace N": what it is, where from, how many events it kept
 * and lost (by cause), and where its stream was cut, if it was. */
static bool chrome_trace(doc *d, sqlite3_stmt *st, void *arg, failure *why)
{
    (void)arg, (void)why;
    char key[32], text[1024], cut[48] = "";
    snprintf(key, sizeof key, "trace %" PRId64, (int64_t)sqlite3_column_int64(st, 0));
    if (sqlite3_column_type(st, 8) != SQLITE_NULL)
        snprintf(cut, sizeof cut, ", cut at %" PRId64, (int64_t)sqlite3_column_int64(st, 8));
    snprintf(text, sizeof text,
             "uuid %s, host %s, from %s, begin_ns %" PRId64 ", %" PRId64 " events, %" PRId64
             " discarded, %" PRId64 " unread%s",
             sqlite3_column_text(st, 1), sqlite3_column_text(st, 2), sqlite3_column_text(st, 3),
             (int64_t)sqlite3_column_int64(st, 6), (int64_t)sqlite3_column_int64(st, 4),
             (int64_t)sqlite3_column_int64(st, 5), (int64_t)sqlite3_column_int64(st, 7), cut);
    jsonout_text(&d->out, key, text);
    return true;
}

/* The array opens the document: Perfetto's older importers skip to the
 * first '[', which a path in otherData could hold. No displayTimeUnit:
 * Chrome reads it as a display preference, but Perfetto reads "ns" as the
 * unit of every ts, a thousand times too short. */
static bool chrome_other_data(doc *d, failure *why)
{
    fprintf(d->out.out,
            "\n],\"otherData\":{\"generator\":\"thrace export\","
            "\"origin_ns\":\"%" PRId64 "\",\"ts\":\"microseconds since origin_ns, itself "
            "nanoseconds since the Unix epoch (LTTng's clock)\"",
            d->out.origin_ns);
    if (!doc_each(d, chrome_traces_sql, chrome_trace, NULL, why))
        return false;
    fputs("}}\n", d->out.out);
    return true;
}

static bool chrome_passes(doc *d, failure *why)
{
    fputs("{\"traceEvents\":[", d->out.out);
    return names_write(d, why) && slices_threads(d, why) && slices_objects(d, why) &&
           counters_write(d, why) && marks_write(d, why) && chrome_other_data(d, why);
}

bool export_chrome(sqlite3 *db, FILE *out, failure *why)
{
    if (!db_exec(db, "BEGIN", why))
        return false;
    doc d = {.db = db, .out = {.out = out}};
    d.out.origin_ns = db_value(db, "SELECT COALESCE(min(begin_ns), 0) FROM traces", 0);
    bool ok =
        tracks_init(&d.tracks, db, why) && catalog_load(db, &d.cat, why) && chrome_passes(&d, why);
    catalog_free(&d.cat);
    failure ignored; /* a read transaction: nothing to lose by its end */
    db_exec(db, "COMMIT", &ignored);
    if (ok && (fflush(out) != 0 || ferror(out)))
        return failure_set(why, "cannot write: %s", strerror(errno ? errno : EIO));
    return ok;
}
