/*
 * test_bounded_reads.c - `thrace deadlocks` reads what it needs, not the
 * whole trace: no statement its analyses run scans the intervals or the
 * events (EXPLAIN QUERY PLAN of each statement, as SQLite traces them).
 * Their plans hold on an empty database too: without ANALYZE the planner
 * does not look at the rows. The partial indexes of schema.sql are used
 * only where a query spells their condition alike; this is what catches a
 * query changed so that one no longer is. And a run with a time budget
 * stops once past it, saying so.
 */
#include "harness.h"

#include "deadlocks.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { MAX_STATEMENTS = 32 };

static char *statements[MAX_STATEMENTS];
static int nstatements;

/* Keeps the SQL of each statement run (SQLITE_TRACE_STMT). */
static int keep_statement(unsigned type, void *ctx, void *p, void *x)
{
    (void)type, (void)ctx, (void)x;
    const char *sql = sqlite3_sql(p);
    if (sql && nstatements < MAX_STATEMENTS)
        statements[nstatements++] = strdup(sql);
    return 0;
}

/* The aliases the analyses give the intervals and events tables. */
static bool scans_the_trace(const char *detail)
{
    static const char *const scans[] = {"SCAN i", "SCAN j",         "SCAN e",
                                        "SCAN x", "SCAN intervals", "SCAN events"};
    static const char *const small[] = {"intervals_unfinished", "intervals_stalled_waits",
                                        "events_process_exits", "events_deadlocks",
                                        "events_refused"};
    for (size_t s = 0; s < sizeof scans / sizeof *scans; s++) {
        size_t n = strlen(scans[s]);
        if (strncmp(detail, scans[s], n) != 0 || (detail[n] != '\0' && detail[n] != ' '))
            continue;
        for (size_t k = 0; k < sizeof small / sizeof *small; k++)
            if (strstr(detail, small[k]))
                return false;
        return true;
    }
    return false;
}

static void assert_bounded(sqlite3 *db, const char *sql)
{
    char explain[8192];
    snprintf(explain, sizeof explain, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st;
    ASSERT_EQ(SQLITE_OK, sqlite3_prepare_v2(db, explain, -1, &st, NULL));
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(st, 3);
        if (scans_the_trace(detail))
            harness_fail(__FILE__, __LINE__, "%s\nscans the trace: %s", sql, detail);
    }
    sqlite3_finalize(st);
}

static void remove_database(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char file[80];
        snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
        unlink(file);
    }
}

TEST(no_analysis_scans_the_intervals_or_the_events)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/thrace-bounded-%d.db", (int)getpid());
    failure why;
    sqlite3 *db = db_open(path, true, &why);
    ASSERT_TRUE(db != NULL);
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, keep_statement, NULL);
    FILE *out = fopen("/dev/null", "w");
    deadlocks_report r;
    ASSERT_TRUE(deadlocks_analyse(db, path, 0, DEADLOCKS_LIVE_GRACE_NS, 0, out, &r, &why));
    deadlocks_free(&r);
    fclose(out);
    sqlite3_trace_v2(db, 0, NULL, NULL);
    ASSERT_TRUE(nstatements >= 4); /* the catalog's, wait-for, lock order, stuck, seen */
    for (int i = 0; i < nstatements; i++)
        assert_bounded(db, statements[i]);
    db_close(db);
    remove_database(path);
}

TEST(an_analysis_past_its_budget_stops_saying_so)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/thrace-budget-%d.db", (int)getpid());
    failure why;
    sqlite3 *db = db_open(path, true, &why);
    ASSERT_TRUE(db != NULL);
    FILE *out = fopen("/dev/null", "w");
    deadlocks_report r;
    ASSERT_FALSE(deadlocks_analyse(db, path, 0, DEADLOCKS_LIVE_GRACE_NS, 1, out, &r, &why));
    ASSERT_TRUE(r.over_budget);
    ASSERT_STR_EQ("the analysis took longer than its budget (1e-09 s)", why.text);
    deadlocks_free(&r);
    /* The connection serves on, without the run's progress handler. */
    ASSERT_TRUE(deadlocks_analyse(db, path, 0, DEADLOCKS_LIVE_GRACE_NS, 0, out, &r, &why));
    ASSERT_FALSE(r.over_budget);
    deadlocks_free(&r);
    fclose(out);
    db_close(db);
    remove_database(path);
}
