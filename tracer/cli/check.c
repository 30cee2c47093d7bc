/*
 * check.c - `thrace check FILE.db [--expect FILE] [--no-deadlocks] [--no-leaks]
 * [--junit FILE.xml] [--json]`: the command line and the verdict; the checking is
 * tracer/check/'s (check_database), the results for machines too
 * (check_output.h). Problems go to stdout, one headline each with detail
 * below; a one-line verdict to stdout when all holds, to stderr when not.
 * With --json, stdout holds the JSON result alone. Exit 0 when all holds,
 * 1 when any does not (or the database cannot be read, or the JUnit file
 * written), 2 on bad usage or a bad expectation file ("file:line: reason").
 */
#include "check.h"
#include "cli.h"
#include "commands.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *db_path;
    const char *expect_path; /* or NULL */
    const char *junit_path;  /* or NULL */
    bool json;
} check_options;

static const char usage[] =
    "usage: thrace check FILE.db [--expect FILE] [--no-deadlocks] [--no-leaks] [--junit FILE.xml]\n"
    "                    [--json]\n"
    "\n"
    "Checks a recorded trace: the built-in invariants, and with --expect what FILE\n"
    "says each thread does (man thrace-check has the format). Prints each\n"
    "problem; exits 0 when there is none, 1 when there is, 2 on bad usage or a bad\n"
    "FILE.\n"
    "\n"
    "  --expect FILE     an expectation: thread sections of lines as `thrace log --all`\n"
    "                    prints them, with wildcards; orders across threads; bounds\n"
    "  --no-deadlocks    do not check for deadlocks (as `skip deadlocks` in FILE)\n"
    "  --no-leaks        do not check for leaks (as `skip leaks` in FILE)\n"
    "  --junit FILE.xml  also write the result as JUnit XML, as CI dashboards read it:\n"
    "                    a testsuite per trace, a testcase per check\n"
    "  --json            write the result as JSON on stdout instead of the problems:\n"
    "                    the verdict, the checks, the problems and the notes\n"
    "  -h, --help        this help\n"
    "\n"
    "Built-in invariants (`skip NAME` in FILE turns one off):\n"
    "  mutual-exclusion  no Lock held by two threads at once, no RLock owned by two\n"
    "  semaphore-bounds  no semaphore acquired past its value; no BoundedSemaphore\n"
    "                    released past it\n"
    "  barrier-rounds    no thread passes a barrier before all its parties arrived\n"
    "  threads-joined    every started thread that is no daemon exited (one whose\n"
    "                    exit may lie in a gap is unknown: a note, no problem)\n"
    "  no-discards       the trace lost nothing: LTTng discarded no event, thrace\n"
    "                    daemon read them all, the stream was not cut (`allow\n"
    "                    discarded`, `allow unread`, `allow cut` in FILE accept each)\n"
    "  deadlocks         `thrace deadlocks` finds no deadlock, no lock-order cycle\n"
    "                    (a possible deadlock), no stuck wait, in each trace\n"
    "  leaks             `thrace deadlocks` finds no leak: no semaphore permit taken\n"
    "                    and never given back, no Lock or RLock held by a thread that\n"
    "                    ended\n"
    "Objects are replayed in seq order, never by timestamps.\n";

/* The verdict: a line on stdout when all holds (not with --json), on stderr when not. */
static int verdict(const check_options *o, const check_report *r, size_t threads)
{
    char against[1024];
    snprintf(against, sizeof against, "%s%s", o->expect_path ? o->expect_path : "",
             o->expect_path ? " and " : "");
    if (r->problems == 0) {
        char notes[64] = "";
        if (r->nnotes)
            snprintf(notes, sizeof notes, "; %zu note%s on what is unknown after a gap", r->nnotes,
                     r->nnotes == 1 ? "" : "s");
        if (!o->json)
            printf("%s: meets %sthe built-in invariants (%zu thread%s%s)\n", o->db_path, against,
                   threads, threads == 1 ? "" : "s", notes);
        return CLI_OK;
    }
    return cli_error("check", o->db_path, "%zu problem%s against %sthe built-in invariants",
                     r->problems, r->problems == 1 ? "" : "s", against);
}

/* Writes the results for machines that were asked for; false when said on stderr. */
static bool write_outputs(const check_options *o, const check_report *r, size_t threads)
{
    const check_output_about about = {o->db_path, o->expect_path, threads};
    if (o->json && (!check_output_json(r, &about, stdout) || fflush(stdout) != 0)) {
        cli_error("check", "stdout", "%s", strerror(errno));
        return false;
    }
    if (!o->junit_path)
        return true;
    FILE *f = fopen(o->junit_path, "w");
    bool written = f && check_output_junit(r, &about, f);
    if (f && fclose(f) != 0)
        written = false;
    if (!written)
        cli_error("check", o->junit_path, "%s", strerror(errno ? errno : EIO));
    return written;
}

/* What check_database needs besides the database. */
typedef struct {
    const check_options *o;
    const check_expect *x;
} check_run;

static int run(sqlite3 *db, void *arg)
{
    const check_run *c = arg;
    failure why;
    check_report r = {.out = c->o->json ? NULL : stdout, .db_path = c->o->db_path, .scope = ""};
    size_t threads = 0;
    long processes = check_database(db, c->x, &r, &threads, &why);
    int status = processes < 0    ? cli_error("check", c->o->db_path, "%s", why.text)
                 : processes == 0 ? cli_error("check", c->o->db_path, "holds no trace")
                 : !write_outputs(c->o, &r, threads) ? CLI_FAIL
                                                     : verdict(c->o, &r, threads);
    check_report_free(&r);
    return status;
}

int check_main(int argc, char **argv)
{
    check_options o = {0};
    bool no_deadlocks = false, no_leaks = false;
    const cli_option options[] = {CLI_OPTION("expect", 0, CLI_TEXT, &o.expect_path),
                                  CLI_OPTION("no-deadlocks", 0, CLI_FLAG, &no_deadlocks),
                                  CLI_OPTION("no-leaks", 0, CLI_FLAG, &no_leaks),
                                  CLI_OPTION("junit", 0, CLI_TEXT, &o.junit_path),
                                  CLI_OPTION("json", 0, CLI_FLAG, &o.json),
                                  CLI_END};
    const cli_spec spec = {
        .command = "check", .usage = usage, .options = options, CLI_ONE_DATABASE};
    int first, status;
    if (!cli_parse(&spec, argc, argv, &first, &status))
        return status;
    o.db_path = argv[first];
    check_expect x = {0};
    failure why;
    if (o.expect_path && !check_expect_load(&x, o.expect_path, &why)) {
        cli_failure("check", &why);
        return CLI_USAGE; /* a bad expectation file is a usage error */
    }
    x.skip[INV_DEADLOCKS] |= no_deadlocks;
    x.skip[INV_LEAKS] |= no_leaks;
    status = cli_with_database("check", o.db_path, run, &(check_run){&o, &x});
    check_expect_free(&x);
    return status;
}
