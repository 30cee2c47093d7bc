/*
 * log.c - `thrace log FILE.db [--thread NAME] [--all] [--time]`: the trace
 * as the guide's logs, `(Thread-1  ) Sleeping 0.18`, in time order. --all
 * tells every traced operation as such a line too (logline.c). A thread's
 * name is the one it had at that moment. When the database holds more than
 * one process (a program that forked), each line says its process's pid
 * first, and its host when the traces come from more than one
 * (tracer/query/hosts.h). --all reads the events through logquery.h's
 * query; the default reads the logs table alone, so that it costs the
 * lines it prints.
 * Control characters are printed as escapes (\n, \t, \x1b), so that each
 * line is one line.
 */
#include "base.h"
#include "cli.h"
#include "commands.h"
#include "query.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *db_path;
    const char *thread; /* only this thread's lines, or NULL */
    bool all;
    bool time;
    bool pids;  /* more than one process: each line says its pid */
    bool hosts; /* traces from more than one host: ... and its host */
} log_options;

static const char usage[] =
    "usage: thrace log FILE.db [--thread NAME] [--all] [--time]\n"
    "\n"
    "Prints the trace as the guide's logs, (threadName) message, in time order;\n"
    "[pid N] first when the trace holds more than one process, [pid N on HOST]\n"
    "when its traces come from more than one host.\n"
    "\n"
    "  --thread NAME  only the lines of the thread with that name\n"
    "  --all          every traced operation too (\"acquired Lock-1 after waiting 0.5 s\")\n"
    "  --time         prefix each line with its time since the trace began\n"
    "  -h, --help     this help\n";

/* A row's time since the trace began, its thread's pid and, when ?3 (more
 * than one host), its trace's hostname, for r an event e or a log line l;
 * then the columns print_line reads from column LOG_LINE. */
#define LOG_SELECT(r)                                                                              \
    "SELECT " r ".ts - (SELECT MIN(begin_ns) FROM traces),"                                        \
    " (SELECT p.pid FROM threads t JOIN processes p ON p.id = t.process_id"                        \
    "  WHERE t.id = " r ".thread_id),"                                                             \
    " CASE WHEN ?3 THEN (SELECT tr.hostname FROM threads t JOIN processes p"                       \
    "  ON p.id = t.process_id JOIN traces tr ON tr.id = p.trace_id WHERE t.id = " r ".thread_id)"  \
    " END, "

enum { LOG_LINE = 3 };

#define LOG_THREAD LOGQUERY_THREAD_NAME("l") /* the name of a log line's thread then */

/* --all: every event, with everything a line needs (logquery.h), in time order. */
static const char all_query[] = LOG_SELECT("e") LOGQUERY_COLUMNS
    " FROM " LOGQUERY_FROM " WHERE ?2 IS NULL OR " LOGQUERY_THREAD " = ?2 ORDER BY e.ts, e.id";

/* The default: the log lines alone, read from the logs table by its time
 * index rather than from the events (a few in a million). A line's row
 * follows its event's in both tables, so ts then id is the events' order;
 * an empty text is a line, as logquery_line tells its event. */
static const char logs_query[] =
    LOG_SELECT("l") LOG_THREAD ", l.text FROM logs l"
                               " WHERE ?2 IS NULL OR " LOG_THREAD " = ?2 ORDER BY l.ts, l.id";

/* "[pid N] " or "[pid N on HOST] " before a line, into buf, when more than one process. */
static const char *process_prefix(sqlite3_stmt *st, const log_options *o, char *buf, size_t size)
{
    char process[320];
    buf[0] = '\0';
    if (o->pids)
        snprintf(buf, size, "[%s] ",
                 hosts_process(sqlite3_column_int64(st, 1),
                               (const char *)sqlite3_column_text(st, 2), o->hosts, process,
                               sizeof process));
    return buf;
}

/* The line printed with its control characters escaped (escape.h): a
 * program's message, thread name or host cannot split it nor drive the
 * terminal. The viewer's JSON keeps them, as JSON escapes them itself. */
static void print_line(sqlite3_stmt *st, const log_options *o)
{
    char line[1600], shown[4 * sizeof line];
    size_t at = strlen(process_prefix(st, o, line, 400));
    if (o->all) {
        if (!logquery_line(st, LOG_LINE, line + at, sizeof line - at))
            return;
    } else {
        char text[1024]; /* cut where logquery_line cuts an event's text */
        snprintf(text, sizeof text, "%s", (const char *)sqlite3_column_text(st, LOG_LINE + 1));
        logquery_message((const char *)sqlite3_column_text(st, LOG_LINE), text, line + at,
                         sizeof line - at);
    }
    if (o->time)
        printf("[%12.6f] ", (double)sqlite3_column_int64(st, 0) / 1e9);
    printf("%s\n", escape_controls(line, shown, sizeof shown));
}

static bool thread_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    bool found = false;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM thread_names WHERE name = ?1 UNION "
                           "SELECT 1 FROM threads WHERE name = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int print_log(sqlite3 *db, void *options)
{
    log_options *o = options;
    sqlite3_stmt *st;
    o->pids = db_value(db, "SELECT count(*) FROM processes", 0) > 1;
    o->hosts = hosts_several(db);
    if (o->thread && !thread_exists(db, o->thread))
        return cli_error("log", o->thread, "no thread of that name in %s", o->db_path);
    if (sqlite3_prepare_v2(db, o->all ? all_query : logs_query, -1, &st, NULL) != SQLITE_OK)
        return cli_error("log", o->db_path, "%s", sqlite3_errmsg(db));
    if (o->thread)
        sqlite3_bind_text(st, 2, o->thread, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, o->hosts);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        print_line(st, o);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cli_error("log", o->db_path, "%s", sqlite3_errmsg(db));
    return CLI_OK;
}

int log_main(int argc, char **argv)
{
    log_options o = {0};
    const cli_option options[] = {
        CLI_OPTION("thread", 0, CLI_TEXT, &o.thread),
        CLI_OPTION("all", 0, CLI_FLAG, &o.all),
        CLI_OPTION("time", 0, CLI_FLAG, &o.time),
        CLI_END,
    };
    const cli_spec spec = {.command = "log", .usage = usage, .options = options, CLI_ONE_DATABASE};
    int first, status;
    if (!cli_parse(&spec, argc, argv, &first, &status))
        return status;
    o.db_path = argv[first];
    return cli_with_database("log", o.db_path, print_log, &o);
}
