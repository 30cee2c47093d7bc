/*
 * stats.c - `thrace stats FILE.db`: contention per object and per thread.
 * For each object (lock, rlock, rwlock, semaphore, condition, event,
 * barrier): acquisitions (a wait's kinds: waits that ended ok), the share
 * that had to wait, total and longest wait, total and longest hold; the
 * same per thread over every object it took or waited on, and its joins;
 * and what the traces lost, by cause (losses.h), whenever they lost any.
 * With more than one process, each row names its process (and host:
 * tracer/query/hosts.h). The figures are the summaries the store keeps:
 * the cost does not grow with the trace. The queries are tracer/query/'s
 * (statsquery.h), which the viewer serves too.
 */
#include "cli.h"
#include "commands.h"
#include "query.h"
#include "store.h"

#include <stdio.h>

static const char usage[] =
    "usage: thrace stats FILE.db\n"
    "\n"
    "Per object and per thread: acquisitions, the share that had to wait\n"
    "(contended), total and longest wait, total and longest hold (an rwlock's\n"
    "read holds and write holds alike). For a condition, event or barrier:\n"
    "its waits that ended ok, and the share of its waits begun; a thread's\n"
    "figures count its joins as waits. With more than one process, a last\n"
    "column names each row's: pid N, and its host when the traces come from\n"
    "more than one (pid N on HOST). Then what the traces lost, by cause:\n"
    "LTTng's ring buffer full, events thrace daemon did not read, a stream cut.\n";

enum { NAME_MAX_BYTES = 1024, NAME_MIN_WIDTH = 20 };

static const char names_sql[] = "SELECT name FROM objects UNION ALL SELECT name FROM threads"
                                " UNION ALL SELECT name FROM thread_names";

/* How the tables are laid out: the name column's width; with more than
 * one process, a last column naming each row's (its host too, with more
 * than one host), so that two processes' Lock-1s are told apart. */
typedef struct {
    const char *path;
    int width;
    bool processes, hosts;
} stats_layout;

/* A name from the trace as printed: its control characters escaped. */
static const char *printed_name(const unsigned char *raw, char out[NAME_MAX_BYTES])
{
    return escape_controls(raw ? (const char *)raw : "", out, NAME_MAX_BYTES);
}

/* The name column's width in characters, as printed: 20, wider for a
 * longer name (Lock-3@liblzma.so.5+0xc3a0) or one whose escapes lengthen
 * it. On a database error, 20: the tables' own queries will say it. */
static int name_width(sqlite3 *db)
{
    sqlite3_stmt *st;
    size_t width = NAME_MIN_WIDTH;
    if (sqlite3_prepare_v2(db, names_sql, -1, &st, NULL) != SQLITE_OK)
        return (int)width;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char name[NAME_MAX_BYTES];
        size_t chars = escape_chars(printed_name(sqlite3_column_text(st, 0), name));
        width = chars > width ? chars : width;
    }
    sqlite3_finalize(st);
    return (int)width;
}

static void print_header(const stats_layout *l, const char *title)
{
    printf("%-*s %-18s %9s %10s %10s %10s %10s %10s%s\n", l->width, title, "kind", "acquired",
           "contended", "wait total", "wait max", "hold total", "hold max",
           l->processes ? "  process" : "");
}

static void print_row(const stats_layout *l, sqlite3_stmt *st)
{
    char d[4][32], process[320] = "", name[NAME_MAX_BYTES];
    long long acquired = sqlite3_column_int64(st, STATSQUERY_ACQUIRED);
    long long contended = sqlite3_column_int64(st, STATSQUERY_CONTENDED);
    char share[16] = "-";
    if (acquired > 0)
        snprintf(share, sizeof share, "%.1f%%", 100.0 * (double)contended / (double)acquired);
    for (int i = 0; i < 4; i++)
        logline_duration(sqlite3_column_int64(st, STATSQUERY_WAIT_TOTAL + i), d[i], sizeof d[i]);
    if (l->processes)
        hosts_process(sqlite3_column_int64(st, STATSQUERY_PID),
                      (const char *)sqlite3_column_text(st, STATSQUERY_HOSTNAME), l->hosts, process,
                      sizeof process);
    /* Padded by characters, not bytes (printf's): a UTF-8 name stays in its column. */
    printed_name(sqlite3_column_text(st, STATSQUERY_NAME), name);
    int pad = l->width - (int)escape_chars(name);
    printf("%s%*s %-18s %9lld %10s %10s %10s %10s %10s%s%s\n", name, pad > 0 ? pad : 0, "",
           sqlite3_column_text(st, STATSQUERY_KIND), acquired, share, d[0], d[1], d[2], d[3],
           l->processes ? "  " : "", process);
}

/* Prints one table; false (with the reason printed) on a database error. */
static bool print_table(sqlite3 *db, const stats_layout *l, const char *title, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        cli_error("stats", l->path, "%s", sqlite3_errmsg(db));
        return false;
    }
    print_header(l, title);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        print_row(l, st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        cli_error("stats", l->path, "%s", sqlite3_errmsg(db));
    return rc == SQLITE_DONE;
}

/* What was lost, by cause: these figures miss it. False (said) on a database error. */
static bool print_losses(sqlite3 *db, const char *path)
{
    losses l;
    failure why;
    if (!losses_read(db, 0, &l, &why)) {
        cli_error("stats", path, "%s", why.text);
        return false;
    }
    if (losses_any(&l)) {
        printf("\nThese figures miss what the traces lost:\n");
        losses_print(&l, stdout);
    }
    return true;
}

static int print_stats(sqlite3 *db, void *path)
{
    const stats_layout l = {
        .path = path,
        .width = name_width(db),
        .processes = db_value(db, "SELECT count(*) FROM processes", 0) > 1,
        .hosts = hosts_several(db),
    };
    bool ok = print_table(db, &l, "object", statsquery_objects);
    if (ok) {
        putchar('\n');
        ok = print_table(db, &l, "thread", statsquery_threads);
    }
    ok = ok && print_losses(db, path);
    return ok ? CLI_OK : CLI_FAIL;
}

int stats_main(int argc, char **argv)
{
    const cli_spec spec = {.command = "stats", .usage = usage, CLI_ONE_DATABASE};
    int first, status;
    if (!cli_parse(&spec, argc, argv, &first, &status))
        return status;
    return cli_with_database("stats", argv[first], print_stats, argv[first]);
}
