/*
 * dbopen.c - opening the thrace database (db.h). A thrace database is
 * marked (PRAGMA application_id, "thrc"); any other SQLite file is refused
 * and left as it was: nothing is written to a file before it is known to
 * be ours or empty. A new database's schema is created in an IMMEDIATE
 * transaction that looks again whether the file is still empty, so that
 * two commands creating one database at once both succeed. A read-only
 * open writes nothing, and works on read-only media. Writers use WAL, so
 * that readers (the viewer) never wait for an ingest.
 */
#include "db.h"

#include "lanecounts.h"
#include "schema_sql.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* schema.sql's version, in PRAGMA user_version: 2 added intervals.begin_seq and end_seq,
 * 3 live traces (traces.live, live_streams), 4 names from binaries (objects.addr, binaries),
 * 5 summaries kept as the trace is stored, 6 losses by cause (discards.cause, traces.unread
 * and cut_ns), 7 the callers of call sites (site_frames), 8 a libthrace object's variable
 * (objects.symbol), 9 the thread whose stack a site's callers are (callsites.thread_id),
 * 10 where a libthrace object was made (objects.made_site), 11 the timeline's marks counted
 * (mark_counts) and its counts at 2^16 ns (lane_counts' resolution 16), 12 the log lines
 * counted (log_counts). */
enum { SCHEMA_VERSION = 12 };

/* The oldest schema opened still: 7 only added a table, which a writer
 * adds (schema.sql creates only what is missing) and a reader of a
 * schema 6 file sees empty (db_frames_absent); 8, 9 and 10 only added a
 * column, which a writer adds and a reader sees NULL (db_objects_older,
 * db_site_threads_absent); 11 a table counted from the events and a
 * resolution of lane_counts, which a writer fills (db_marks_counted,
 * db_finest_counted) and a reader does without; 12 a table counted from
 * the log lines, likewise (db_logs_counted). Older ones are refused. */
enum { OLDEST_SCHEMA_OPENED = 6 };
enum { SCHEMA_FRAMES = 7, SCHEMA_SYMBOLS = 8, SCHEMA_SITE_THREADS = 9 }; /* see above */
enum { SCHEMA_MADE = 10 };                                               /* objects.made_site */
enum { SCHEMA_MARKS = 11 };                                              /* mark_counts */
enum { SCHEMA_LOG_COUNTS = 12 };                                         /* log_counts */

/* PRAGMA application_id of a thrace database: "thrc". Databases of schema
 * 5 made before it was set carry 0, and are known by their tables. */
enum { THRACE_APPLICATION_ID = 0x74687263 };

enum { BUSY_TIMEOUT_MS = 5000 };

/* A reader is used by one thread at a time (the viewer's pool hands each
 * to one request): without a mutex of its own, no lock is taken and freed
 * around every sqlite3_column_* call (a tenth of a zoomed-out window's time). */
#define DB_READER_FLAGS (SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX)

typedef struct {
    int version, application_id;
    int tables;      /* every table, index or view in the file */
    bool has_thrace; /* a traces and an events table: thrace's, before application_id */
} db_identity;

/* Reads what the file says it is; sqlite's result code, SQLITE_OK when read. */
static int db_identify(sqlite3 *db, db_identity *id)
{
    static const char sql[] =
        "SELECT (SELECT user_version FROM pragma_user_version), "
        "(SELECT application_id FROM pragma_application_id), "
        "(SELECT count(*) FROM sqlite_master), "
        "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('traces', "
        "'events'))";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = (db_identity){sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
                            sqlite3_column_int(st, 2), sqlite3_column_int(st, 3) == 2};
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Why the file could not be read, in words for its user. */
static bool db_unreadable(sqlite3 *db, int rc, failure *why)
{
    switch (rc) {
    case SQLITE_NOTADB:
        return failure_set(why, "not a database (or a damaged one)");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return failure_set(why, "locked by another process writing it (try again once it is done)");
    default:
        return db_fail(db, why);
    }
}

static bool db_is_empty(const db_identity *id)
{
    return id->tables == 0 && id->version == 0 && id->application_id == 0;
}

/* Made by thrace: marked, or of the schema versions before the mark. */
static bool db_is_thrace(const db_identity *id)
{
    return id->application_id == THRACE_APPLICATION_ID ||
           (id->application_id == 0 && id->version > 0 && id->version <= SCHEMA_VERSION &&
            id->has_thrace);
}

/* Refuses what is not a thrace database of this schema. */
static bool db_check(const db_identity *id, failure *why)
{
    if (!db_is_thrace(id))
        return failure_set(why, "not a thrace database (another application's SQLite file: "
                                "left untouched)");
    if (id->version > SCHEMA_VERSION)
        return failure_set(why, "made by a newer thrace (schema %d; this one reads %d)",
                           id->version, SCHEMA_VERSION);
    if (id->version < OLDEST_SCHEMA_OPENED)
        return failure_set(why,
                           "made by an older thrace (schema %d; this one reads %d): ingest its "
                           "trace again into a new database",
                           id->version, SCHEMA_VERSION);
    return true;
}

static bool db_set_versions(sqlite3 *db, failure *why)
{
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d; PRAGMA application_id=%d", SCHEMA_VERSION,
             THRACE_APPLICATION_ID);
    return db_exec(db, sql, why);
}

/* INSERT INTO table, at every resolution of the counts, the rows of
 * select: a SELECT over the table `resolutions`, whose column r is one. */
static bool db_count_at_resolutions(sqlite3 *db, const char *table, const char *select,
                                    failure *why)
{
    char sql[768];
    snprintf(sql, sizeof sql,
             "INSERT INTO %s WITH RECURSIVE resolutions(r) AS "
             "(SELECT %d UNION ALL SELECT r + %d FROM resolutions WHERE r < %d) %s",
             table, LANECOUNTS_FINEST, LANECOUNTS_STEP,
             lanecounts_resolution(LANECOUNTS_RESOLUTIONS - 1), select);
    return db_exec(db, sql, why);
}

/* A file of schema 10 or older written: its mark_counts, just created,
 * filled from the events as markcounts.c counts them (ts and thread_id
 * are the first's: SQLite takes bare columns from the row min() chose). */
static bool db_marks_counted(sqlite3 *db, failure *why)
{
    return db_count_at_resolutions(
        db, "mark_counts",
        "SELECT object_id, r AS resolution, ts >> r AS bucket, name, count(*) AS count, "
        "sum(value) AS value, min(seq) AS first_seq, ts, thread_id FROM events, resolutions "
        "WHERE name IN " SQL_MARK_EVENTS " AND object_id IS NOT NULL AND seq IS NOT NULL "
        "AND ts >= 0 GROUP BY object_id, r, ts >> r, name",
        why);
}

/* A file of schema 11 or older written: its log_counts, just created,
 * filled from its log lines as logcounts.c counts them. */
static bool db_logs_counted(sqlite3 *db, failure *why)
{
    return db_count_at_resolutions(db, "log_counts",
                                   "SELECT thread_id, r, ts >> r, count(*), min(ts) FROM logs, "
                                   "resolutions WHERE ts >= 0 GROUP BY thread_id, r, ts >> r",
                                   why);
}

/* The intervals of one kind of lane counted at the finest resolution, as
 * lanecounts.c counts them: a live trace's intervals still open are not. */
#define DB_FINEST_LANES(kind, lane)                                                                \
    "SELECT " kind ", " lane ", %d, i.begin_ns >> %d, i.state, count(*) FROM intervals i"          \
    " JOIN threads t ON t.id = i.thread_id JOIN processes p ON p.id = t.process_id"                \
    " JOIN traces tr ON tr.id = p.trace_id WHERE " lane " IS NOT NULL AND i.level <= %d"           \
    " AND i.begin_ns >= 0 AND NOT (tr.live AND i.outcome = " SQL_OUTCOME(                          \
        unfinished) ")"                                                                            \
                    " GROUP BY 2, 4, 5"

/* A file of schema 10 or older written: its lane_counts at the resolution
 * schema 11 added, counted from its intervals. */
static bool db_finest_counted(sqlite3 *db, failure *why)
{
    enum { R = LANECOUNTS_FINEST };
    char sql[1024];
    snprintf(
        sql, sizeof sql,
        "INSERT INTO lane_counts (kind, lane, resolution, bucket, state, count) " DB_FINEST_LANES(
            "0", "i.thread_id") " UNION ALL " DB_FINEST_LANES("1", "i.object_id"),
        R, R, R, R, R, R);
    return db_exec(db, sql, why);
}

/* In the IMMEDIATE transaction: creates the schema if the file is still
 * empty (another command may have created it meanwhile), adds to an older
 * schema opened what it lacks, marks a database of the schema made before
 * the mark. */
static bool db_create_locked(sqlite3 *db, failure *why)
{
    db_identity id;
    int rc = db_identify(db, &id);
    if (rc != SQLITE_OK)
        return db_unreadable(db, rc, why);
    if (db_is_empty(&id))
        return db_exec(db, schema_sql, why) && db_set_versions(db, why);
    if (!db_check(&id, why))
        return false;
    if (id.version < SCHEMA_SYMBOLS &&
        !db_exec(db, "ALTER TABLE objects ADD COLUMN symbol TEXT", why))
        return false;
    if (id.version < SCHEMA_SITE_THREADS &&
        !db_exec(db, "ALTER TABLE callsites ADD COLUMN thread_id INTEGER REFERENCES threads(id)",
                 why))
        return false;
    if (id.version < SCHEMA_MADE &&
        !db_exec(db, "ALTER TABLE objects ADD COLUMN made_site INTEGER REFERENCES callsites(id)",
                 why))
        return false;
    if (id.version < SCHEMA_VERSION)
        return db_exec(db, schema_sql, why) &&
               (id.version >= SCHEMA_MARKS ||
                (db_marks_counted(db, why) && db_finest_counted(db, why))) &&
               (id.version >= SCHEMA_LOG_COUNTS || db_logs_counted(db, why)) &&
               db_set_versions(db, why);
    return id.application_id == THRACE_APPLICATION_ID || db_set_versions(db, why);
}

static bool db_create(sqlite3 *db, failure *why)
{
    if (!db_exec(db, "PRAGMA journal_mode=WAL", why) || !db_exec(db, "BEGIN IMMEDIATE", why))
        return false;
    if (db_create_locked(db, why))
        return db_exec(db, "COMMIT", why);
    failure ignored; /* the failure to tell is the first */
    db_exec(db, "ROLLBACK", &ignored);
    return false;
}

/* A schema 6 file opened read-only: its site_frames, which a writer would
 * add, as an empty view in the connection's own temporary schema. */
static bool db_frames_absent(sqlite3 *db, failure *why)
{
    return db_exec(db,
                   "CREATE TEMP VIEW site_frames (site_id, depth, file, line, func) AS "
                   "SELECT 0, 0, '', 0, '' WHERE 0",
                   why);
}

/* A schema 6 to 9 file opened read-only: objects as they are, seen through
 * a view in the connection's own temporary schema (searched first) that
 * adds the columns a writer would add, NULL: symbol (8), made_site (10). */
static bool db_objects_older(sqlite3 *db, int version, failure *why)
{
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE TEMP VIEW objects AS SELECT *%s%s FROM main.objects",
             version < SCHEMA_SYMBOLS ? ", NULL AS symbol" : "",
             version < SCHEMA_MADE ? ", NULL AS made_site" : "");
    return db_exec(db, sql, why);
}

/* A file of schema 8 or older opened read-only: callsites seen through a
 * view that adds the thread_id a writer would add, NULL (callers shown
 * under every thread's lines, as before). */
static bool db_site_threads_absent(sqlite3 *db, failure *why)
{
    return db_exec(
        db, "CREATE TEMP VIEW callsites AS SELECT *, NULL AS thread_id FROM main.callsites", why);
}

/* What a reader of an older schema lacks, as views. (A file without
 * mark_counts or log_counts is read without: viewer/marks.c reads its
 * events, viewer/loglines.c its first lines.) */
static bool db_read_older(sqlite3 *db, int version, failure *why)
{
    return (version >= SCHEMA_FRAMES || db_frames_absent(db, why)) &&
           (version >= SCHEMA_MADE || db_objects_older(db, version, why)) &&
           (version >= SCHEMA_SITE_THREADS || db_site_threads_absent(db, why));
}

/* Checks the file is a thrace database of a schema it opens; a writable
 * connection creates the schema in an empty file, adds to an older one
 * what it lacks, and marks one of the schema made before the mark. */
static bool db_ensure_schema(sqlite3 *db, bool writable, failure *why)
{
    db_identity id;
    int rc = db_identify(db, &id);
    if (rc != SQLITE_OK)
        return db_unreadable(db, rc, why);
    if (db_is_empty(&id) && !writable)
        return failure_set(why, "not a thrace database (an empty file)");
    if (!db_is_empty(&id) && !db_check(&id, why))
        return false;
    if (writable && (id.application_id != THRACE_APPLICATION_ID || id.version < SCHEMA_VERSION))
        return db_create(db, why);
    return writable || db_read_older(db, id.version, why);
}

enum { CREATE_PATIENCE_S = 10, CREATE_RETRY_MS = 100 };

static double db_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* db_ensure_schema, tried again for a while when a writer meets another
 * making the same new file at that moment: SQLite answers one of two
 * writers "busy" at once, without waiting, where waiting could deadlock
 * (two connections each switching the new file to WAL). */
static bool db_ensure_schema_patiently(sqlite3 *db, bool writable, failure *why)
{
    double give_up = db_now() + CREATE_PATIENCE_S;
    while (!db_ensure_schema(db, writable, why)) {
        if (!writable || db_now() >= give_up || strcmp(why->text, sqlite3_errstr(SQLITE_BUSY)))
            return false;
        nanosleep(&(struct timespec){0, CREATE_RETRY_MS * 1000000L}, NULL);
    }
    return true;
}

/* path as an SQLite URI (RFC 3986: '%', '?' and '#' escaped) with the
 * query q, into out; false when it does not fit. */
static bool db_uri(const char *path, const char *q, char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "file:");
    for (const char *p = path; *p && n + 4 < size; p++)
        n += strchr("%?#", *p) ? (size_t)snprintf(out + n, size - n, "%%%02X", (unsigned char)*p)
                               : (size_t)snprintf(out + n, size - n, "%c", *p);
    return n + strlen(q) + 1 < size && snprintf(out + n, size - n, "%s", q) > 0;
}

/*
 * Read-only media: a WAL database cannot be read there without its -shm
 * file, which cannot be made. Without a -wal file there is nothing but the
 * database to read, and nothing can change it: it is opened immutable.
 */
static sqlite3 *db_open_immutable(const char *path)
{
    char wal[PATH_MAX + 8], uri[3 * PATH_MAX + 32];
    struct stat st;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if ((stat(wal, &st) == 0 && st.st_size > 0) || !db_uri(path, "?immutable=1", uri, sizeof uri))
        return NULL;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(uri, &db, DB_READER_FLAGS | SQLITE_OPEN_URI, NULL) == SQLITE_OK)
        return db;
    sqlite3_close(db);
    return NULL;
}

static sqlite3 *db_connect(const char *path, bool writable, failure *why)
{
    sqlite3 *db = NULL;
    int flags = writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : DB_READER_FLAGS;
    if (sqlite3_open_v2(path, &db, flags, NULL) == SQLITE_OK)
        return db;
    /* The system's reason (No such file or directory, Permission denied)
     * says more than SQLite's "unable to open database file". */
    int os_error = db ? sqlite3_system_errno(db) : 0;
    if (os_error)
        failure_set(why, "%s", strerror(os_error));
    else if (db)
        db_fail(db, why);
    else
        failure_set(why, "out of memory");
    sqlite3_close(db);
    return NULL;
}

sqlite3 *db_open(const char *path, bool writable, failure *why)
{
    sqlite3 *db = db_connect(path, writable, why);
    if (db && !writable && db_identify(db, &(db_identity){0}) == SQLITE_CANTOPEN) {
        sqlite3 *immutable = db_open_immutable(path);
        if (immutable) {
            sqlite3_close(db);
            db = immutable;
        }
    }
    if (db) {
        sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
        if (db_ensure_schema_patiently(db, writable, why) &&
            db_exec(db, "PRAGMA foreign_keys=ON", why))
            return db;
    }
    sqlite3_close(db);
    failure_prefix(why, path);
    return NULL;
}

void db_close(sqlite3 *db)
{
    sqlite3_close(db);
}
