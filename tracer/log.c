/*
 * log.c - `thrace log FILE.db [--thread NAME] [--all] [--time]`: the trace
 * as the guide's logs, `(Thread-1  ) Sleeping 0.18`, in time order. --all
 * tells every traced operation as such a line too (logline.c). A thread's
 * name is the one it had at that moment.
 */
#include "cli.h"
#include "commands.h"
#include "db.h"
#include "logline.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *db_path;
    const char *thread; /* only this thread's lines, or NULL */
    bool all;
    bool time;
} log_options;

static const char usage[] =
    "usage: thrace log FILE.db [--thread NAME] [--all] [--time]\n"
    "\n"
    "Prints the trace as the guide's logs, (threadName) message, in time order.\n"
    "\n"
    "  --thread NAME  only the lines of the thread with that name\n"
    "  --all          every traced operation too (\"acquired Lock-1 after waiting 0.5 s\")\n"
    "  --time         prefix each line with its time since the trace began\n"
    "  -h, --help     this help\n";

/* The events to print, with everything a line needs, in time order. */
static const char query[] =
    "WITH named AS ("
    "  SELECT e.*, COALESCE((SELECT n.name FROM thread_names n WHERE n.thread_id = e.thread_id"
    "                         AND n.ts <= e.ts ORDER BY n.ts DESC LIMIT 1), t.name) AS thread"
    "  FROM events e JOIN threads t ON t.id = e.thread_id"
    "  WHERE (?1 OR e.name = 'log'))"
    "SELECT e.ts - (SELECT MIN(begin_ns) FROM traces), e.thread, e.name, o.name, o.kind,"
    "       e.outcome, e.value, e.waited_ns, pt.name, c.file, c.line, c.func,"
    "       COALESCE(json_extract(e.detail, '$.text'), json_extract(e.detail, '$.name')),"
    "       COALESCE(json_extract(e.detail, '$.timeout'), json_extract(e.detail, '$.interval'),"
    "                json_extract(e.detail, '$.seconds'), -1),"
    "       COALESCE(json_extract(e.detail, '$.requested'), 0)"
    " FROM named e LEFT JOIN objects o ON o.id = e.object_id"
    " LEFT JOIN callsites c ON c.id = e.site_id"
    " LEFT JOIN threads pt ON pt.id = e.peer"
    "      AND e.name IN ('join_begin', 'join_end', 'thread_rename', 'timer_cancelled')"
    " WHERE ?2 IS NULL OR e.thread = ?2"
    " ORDER BY e.ts, e.id";

static const char *text_or_null(sqlite3_stmt *st, int column)
{
    return (const char *)sqlite3_column_text(st, column);
}

static logline_event event_of(sqlite3_stmt *st)
{
    return (logline_event){
        .name = text_or_null(st, 2),
        .object = text_or_null(st, 3),
        .kind = text_or_null(st, 4),
        .outcome = text_or_null(st, 5),
        .value = sqlite3_column_int64(st, 6),
        .waited_ns = sqlite3_column_int64(st, 7),
        .peer = text_or_null(st, 8),
        .file = text_or_null(st, 9),
        .line = sqlite3_column_int(st, 10),
        .func = text_or_null(st, 11),
        .text = text_or_null(st, 12),
        .seconds = sqlite3_column_double(st, 13),
        .requested = sqlite3_column_int64(st, 14),
    };
}

static void print_line(sqlite3_stmt *st, const log_options *o)
{
    char prefix[128], text[1024];
    logline_event e = event_of(st);
    logline_describe(&e, text, sizeof text);
    if (!text[0])
        return;
    logline_thread_prefix(text_or_null(st, 1), prefix, sizeof prefix);
    if (o->time)
        printf("[%12.6f] ", (double)sqlite3_column_int64(st, 0) / 1e9);
    printf("%s%s\n", prefix, text);
}

static bool thread_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    bool found = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM thread_names WHERE name = ?1 UNION "
                               "SELECT 1 FROM threads WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int print_log(sqlite3 *db, const log_options *o)
{
    sqlite3_stmt *st;
    if (o->thread && !thread_exists(db, o->thread))
        return cli_error("log", o->thread, "no thread of that name in %s", o->db_path);
    if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK)
        return cli_error("log", o->db_path, "%s", sqlite3_errmsg(db));
    sqlite3_bind_int(st, 1, o->all);
    if (o->thread)
        sqlite3_bind_text(st, 2, o->thread, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        print_line(st, o);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cli_error("log", o->db_path, "%s", sqlite3_errmsg(db));
    return CLI_OK;
}

static int parse(int argc, char **argv, log_options *o)
{
    static const struct option longopts[] = {
        {"thread", required_argument, NULL, 't'}, {"all", no_argument, NULL, 'a'},
        {"time", no_argument, NULL, 'T'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0; /* our own one-line message instead */
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 't')
            o->thread = optarg;
        else if (c == 'a')
            o->all = true;
        else if (c == 'T')
            o->time = true;
        else if (c == 'h')
            return fputs(usage, stdout) < 0 ? CLI_FAIL : -1;
        else
            return cli_usage_error("log", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("log", "expected one database, FILE.db");
    o->db_path = argv[optind];
    return CLI_OK;
}

int log_main(int argc, char **argv)
{
    log_options o = {0};
    int rc = parse(argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    const char *err;
    sqlite3 *db = db_open(o.db_path, false, &err);
    if (!db)
        return cli_error("log", o.db_path, "%s", err);
    rc = print_log(db, &o);
    db_close(db);
    return rc;
}
