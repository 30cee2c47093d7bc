/*
 * model_resume.c - a live trace's model rebuilt from its rows, as its last
 * committed checkpoint left them (model.c's live storing): what a daemon
 * restarted needs to go on storing the trace as if it had never stopped.
 *
 * Every piece of state (model_state.h) comes back from a row: processes by
 * pid, with their last event's time and thread; threads by (process, tid),
 * with their name when they were given one (a thread_names row) and their
 * kernel id; objects by (process, serial), an object whose kind was never
 * told being the "lock" named Object-N, and a condition whose lock was not
 * met yet getting that lock's serial back from its object_create event;
 * call sites by (process, site); the binaries each process had loaded, and
 * objects' addresses, so that sites and objects still to come get names
 * (model_names.c); the totals from the traces row, its end
 * (the last checkpoint's edge) as a packet's end. Last, the provisional
 * intervals ('unfinished': only checkpoints write those in a live trace)
 * go back into the open lists, in the order they were written, and are
 * deleted.
 */
#include "model_state.h"

#include "db.h"
#include "vocabulary.h"

#include <stdlib.h>
#include <string.h>

/* Prepares sql, binds the trace's id to its only parameter. */
static sqlite3_stmt *resume_query(model *m, const char *sql, failure *why)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(m->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(m->db, why);
        return NULL;
    }
    sqlite3_bind_int64(st, 1, m->trace_id);
    return st;
}

/* Finalizes st; rc is its last step's result: SQLITE_DONE once it ran to
 * its end, SQLITE_ROW when a row's handling failed (its reason in why
 * already), else sqlite's error. */
static bool resume_done(model *m, sqlite3_stmt *st, int rc, failure *why)
{
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        db_fail(m->db, why);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

static const char *resume_text(sqlite3_stmt *st, int column)
{
    const unsigned char *text = sqlite3_column_text(st, column);
    return text ? (const char *)text : "";
}

static bool resume_totals(model *m, failure *why)
{
    sqlite3_stmt *st = resume_query(
        m, "SELECT begin_ns, end_ns, events, discarded, unread FROM traces WHERE id = ?", why);
    if (!st)
        return false;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        m->totals.begin_ns = sqlite3_column_int64(st, 0);
        m->edge_ns = m->packets_end_ns = sqlite3_column_int64(st, 1);
        m->totals.events = (uint64_t)sqlite3_column_int64(st, 2);
        m->totals.discarded = (uint64_t)sqlite3_column_int64(st, 3);
        m->totals.unread = (uint64_t)sqlite3_column_int64(st, 4);
    } else if (rc == SQLITE_DONE) {
        failure_set(why, "no such trace");
    } else {
        db_fail(m->db, why);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW;
}

/* The processes; the totals' end is their last event's time. */
static bool resume_processes(model *m, failure *why)
{
    sqlite3_stmt *st = resume_query(
        m, "SELECT id, pid, end_ns, name FROM processes WHERE trace_id = ? ORDER BY id", why);
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        model_process *p = model_alloc(&m->all_processes, sizeof *p, why);
        if (!p)
            break;
        p->id = sqlite3_column_int64(st, 0);
        p->pid = sqlite3_column_int64(st, 1);
        p->last_ns = sqlite3_column_int64(st, 2);
        p->named = sqlite3_column_type(st, 3) != SQLITE_NULL;
        if (!keymap_put(&m->processes, (uint64_t)p->pid, 0, p)) {
            failure_set(why, "out of memory");
            break;
        }
        if (p->last_ns > m->totals.end_ns)
            m->totals.end_ns = p->last_ns;
    }
    return resume_done(m, st, rc, why);
}

/* One threads row (resume_threads' columns), named when it was ever given a name. */
static bool resume_thread(model *m, sqlite3_stmt *st, failure *why)
{
    model_thread *t = model_alloc(&m->all_threads, sizeof *t, why);
    if (!t)
        return false;
    t->id = sqlite3_column_int64(st, 0);
    if (sqlite3_column_int(st, 5) && !(t->name = strdup(resume_text(st, 4))))
        return failure_set(why, "out of memory");
    int64_t process_id = sqlite3_column_int64(st, 1), native = sqlite3_column_int64(st, 3);
    if (!keymap_put(&m->threads, (uint64_t)process_id, (uint64_t)sqlite3_column_int64(st, 2), t) ||
        (native && !keymap_put(&m->natives, (uint64_t)process_id, (uint64_t)native, t)))
        return failure_set(why, "out of memory");
    m->totals.threads++;
    return true;
}

/* The threads, in the order they started: a kernel id reused is the later
 * thread's, as thread_start left it. */
static bool resume_threads(model *m, failure *why)
{
    sqlite3_stmt *st =
        resume_query(m,
                     "SELECT t.id, t.process_id, t.tid, t.native_id, t.name, "
                     "EXISTS (SELECT 1 FROM thread_names n WHERE n.thread_id = t.id) "
                     "FROM threads t JOIN processes p ON p.id = t.process_id WHERE p.trace_id = ? "
                     "ORDER BY t.begin_ns, t.id",
                     why);
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && resume_thread(m, st, why))
        ;
    return resume_done(m, st, rc, why);
}

/*
 * Each process's last thread to emit: the thread of its last events row.
 * Events have no index by thread: the scan goes back from the newest row
 * (CROSS JOIN keeps events the outer loop), and stops once every process
 * has its thread.
 */
static bool resume_last_threads(model *m, failure *why)
{
    size_t missing = m->all_processes.n;
    sqlite3_stmt *st =
        missing ? resume_query(m,
                               "SELECT p.pid, t.process_id, t.tid "
                               "FROM events e CROSS JOIN threads t CROSS JOIN processes p "
                               "WHERE t.id = e.thread_id AND p.id = t.process_id "
                               "AND p.trace_id = ? ORDER BY e.id DESC",
                               why)
                : NULL;
    if (!st)
        return !missing;
    int rc = SQLITE_DONE;
    while (missing && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        model_process *p = keymap_get(&m->processes, (uint64_t)sqlite3_column_int64(st, 0), 0);
        if (!p->last_thread) {
            p->last_thread = keymap_get(&m->threads, (uint64_t)sqlite3_column_int64(st, 1),
                                        (uint64_t)sqlite3_column_int64(st, 2));
            missing--;
        }
    }
    return resume_done(m, st, missing ? rc : SQLITE_DONE, why);
}

/* objects.kind as a kind (VOCAB_KIND_lock, ...), 0 for none: a "lock" that its
 * kind's default name calls Object-N was never told its kind. */
static int resume_kind(const model_object *o, const char *kind, const char *name)
{
    vocab_kind k = vocab_kind_of(kind);
    if (k != VOCAB_KIND_lock)
        return k;
    model_object untold = {.serial = o->serial};
    char buf[48];
    return strcmp(name, model_object_name(&untold, buf, sizeof buf)) == 0 ? 0 : VOCAB_KIND_lock;
}

/* One objects row (resume_objects' columns): its name is a given one unless
 * it is the one its kind and serial make. */
static bool resume_object(model *m, sqlite3_stmt *st, failure *why)
{
    model_object *o = model_alloc(&m->all_objects, sizeof *o, why);
    if (!o)
        return false;
    o->id = sqlite3_column_int64(st, 0);
    o->process_id = sqlite3_column_int64(st, 1);
    o->serial = sqlite3_column_int64(st, 2);
    const char *name = resume_text(st, 4);
    o->kind = resume_kind(o, resume_text(st, 3), name);
    o->has_param = sqlite3_column_type(st, 5) != SQLITE_NULL;
    o->param = sqlite3_column_int64(st, 5);
    o->lock_serial = sqlite3_column_int64(st, 6);
    o->addr = (uint64_t)sqlite3_column_int64(st, 7);
    /* A name derived from the binaries is final once stored, as a given one is; an
     * object with an address still named after its kind has not met its first site. */
    char buf[48];
    bool made = strcmp(name, model_object_name(o, buf, sizeof buf)) == 0;
    if (!made && !(o->name = strdup(name)))
        return failure_set(why, "out of memory");
    o->awaits_site = made && o->addr;
    const char *symbol = (const char *)sqlite3_column_text(st, 8);
    if (symbol && !(o->symbol = strdup(symbol)))
        return failure_set(why, "out of memory");
    if (!keymap_put(&m->objects, (uint64_t)o->process_id, (uint64_t)o->serial, o))
        return failure_set(why, "out of memory");
    return true;
}

/* The objects. A condition without its lock's row has the lock's serial in
 * its object_create event's detail (a few events, through events_by_object). */
static bool resume_objects(model *m, failure *why)
{
    sqlite3_stmt *st = resume_query(
        m,
        "SELECT o.id, o.process_id, o.obj, o.kind, o.name, o.param, "
        "CASE WHEN o.kind = " SQL_KIND(
            condition) " AND o.param IS NULL THEN "
                       "(SELECT json_extract(e.detail, '$.param') FROM events e "
                       "WHERE e.object_id = o.id AND e.name = " SQL_EVENT(
                           object_create) " ORDER BY e.id DESC LIMIT 1) END "
                                          ", o.addr, o.symbol FROM objects o JOIN processes p "
                                          "ON p.id = "
                                          "o.process_id WHERE p.trace_id = ?",
        why);
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && resume_object(m, st, why))
        ;
    return resume_done(m, st, rc, why);
}

static bool resume_sites(model *m, failure *why)
{
    sqlite3_stmt *st =
        resume_query(m,
                     "SELECT c.id, c.process_id, c.site, c.file, c.line FROM callsites c "
                     "JOIN processes p ON p.id = c.process_id WHERE p.trace_id = ?",
                     why);
    if (!st)
        return false;
    int rc;
    model_site *site;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
           model_names_site_put(m, sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                                sqlite3_column_int64(st, 0), resume_text(st, 3),
                                sqlite3_column_int(st, 4), &site, why))
        ;
    return resume_done(m, st, rc, why);
}

/* One binaries row (resume_binaries' columns), handed to the symbols; the
 * last one's build ID may be still to come. */
static bool resume_binary(model *m, sqlite3_stmt *st, failure *why)
{
    m->binary_row = sqlite3_column_int64(st, 0);
    m->binary_pid = sqlite3_column_int64(st, 1);
    m->binary_base = (uint64_t)sqlite3_column_int64(st, 2);
    return model_names_binary(m, m->binary_pid, m->binary_base,
                              (uint64_t)sqlite3_column_int64(st, 3), resume_text(st, 4),
                              (const char *)sqlite3_column_text(st, 5), why);
}

/* The binaries the processes had loaded, for the sites and objects to come. */
static bool resume_binaries(model *m, failure *why)
{
    sqlite3_stmt *st = resume_query(
        m,
        "SELECT id, pid, base, size, path, build_id FROM binaries WHERE trace_id = ? ORDER BY id",
        why);
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && resume_binary(m, st, why))
        ;
    return resume_done(m, st, rc, why);
}

/* One provisional intervals row (resume_intervals' columns), open again
 * and counted among the rows that model_reopen deletes. */
static bool resume_interval(model *m, sqlite3_stmt *st, failure *why)
{
    int64_t id = sqlite3_column_int64(st, 8);
    if (!m->provisional_first)
        m->provisional_first = id;
    m->provisional_last = id;
    model_object *o = sqlite3_column_type(st, 2) == SQLITE_NULL
                          ? NULL
                          : keymap_get(&m->objects, (uint64_t)sqlite3_column_int64(st, 2),
                                       (uint64_t)sqlite3_column_int64(st, 3));
    intervals_event e = {
        .ts = sqlite3_column_int64(st, 6),
        .thread_id = sqlite3_column_int64(st, 0),
        .object_id = o ? o->id : 0,
        .object_kind = o ? o->kind : 0,
        .site_id = sqlite3_column_int64(st, 5),
        .peer_thread_id = sqlite3_column_int64(st, 4),
        .outcome = -1,
        .seq = sqlite3_column_int64(st, 7),
    };
    return intervals_reopen(m->iv, vocab_state_of(resume_text(st, 1)), &e, why);
}

/*
 * The provisional intervals, open again in the order they were written,
 * then deleted. They are the last rows of the trace's that its checkpoint
 * wrote, in one range of ids: model_reopen deletes them. (A scan of the
 * trace's intervals, through intervals_by_window: 0.2 s a million rows.)
 */
static bool resume_intervals(model *m, failure *why)
{
    sqlite3_stmt *st = resume_query(
        m,
        "SELECT i.thread_id, i.state, o.process_id, o.obj, i.peer_thread_id, i.site_id, "
        "i.begin_ns, i.begin_seq, i.id FROM intervals i "
        "LEFT JOIN objects o ON o.id = i.object_id WHERE i.outcome = " SQL_OUTCOME(
            unfinished) " AND "
                        "i.thread_id IN (SELECT t.id FROM threads t JOIN processes p ON p.id = "
                        "t.process_id "
                        "WHERE p.trace_id = ?) ORDER BY i.id",
        why);
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && resume_interval(m, st, why))
        ;
    return resume_done(m, st, rc, why) && model_reopen(m, why);
}

model *model_resume(sqlite3 *db, int64_t trace_id, failure *why)
{
    model *m = model_new(db, trace_id, why);
    if (!m)
        return NULL;
    if (resume_totals(m, why) && resume_processes(m, why) && resume_threads(m, why) &&
        resume_last_threads(m, why) && resume_binaries(m, why) && resume_objects(m, why) &&
        resume_sites(m, why) && lockedges_resume(m->edges, why) && resume_intervals(m, why))
        return m;
    model_free(m);
    return NULL;
}
