/*
 * check.c - `thrace check FILE.db [--expect FILE]`: the command line and
 * the verdict; the checking is tracer/check/'s (check_database). Problems
 * go to stdout, one headline each with detail below; a one-line verdict to
 * stdout when all holds, to stderr when not. Exit 0 when all holds, 1 when
 * any does not (or the database cannot be read), 2 on bad usage or a bad
 * expectation file ("file:line: reason").
 */
#include "check.h"
#include "cli.h"
#include "commands.h"
#include "store.h"

#include <stdio.h>

typedef struct {
    const char *db_path;
    const char *expect_path; /* or NULL */
} check_options;

static const char usage[] =
    "usage: thrace check FILE.db [--expect FILE]\n"
    "\n"
    "Checks a recorded trace: the built-in invariants, and with --expect what FILE\n"
    "says each thread does (man thrace-check has the format). Prints each\n"
    "problem; exits 0 when there is none, 1 when there is, 2 on bad usage or a bad\n"
    "FILE.\n"
    "\n"
    "  --expect FILE  an expectation: thread sections of lines as `thrace log --all`\n"
    "                 prints them, with wildcards; orders across threads; bounds\n"
    "  -h, --help     this help\n"
    "\n"
    "Built-in invariants (`skip NAME` in FILE turns one off):\n"
    "  mutual-exclusion  no Lock held by two threads at once, no RLock owned by two\n"
    "  semaphore-bounds  no semaphore acquired past its value; no BoundedSemaphore\n"
    "                    released past it\n"
    "  barrier-rounds    no thread passes a barrier before all its parties arrived\n"
    "  threads-joined    every started thread that is no daemon exited\n"
    "  no-discards       LTTng lost no event (`allow discarded` in FILE accepts it)\n"
    "Objects are replayed in seq order, never by timestamps.\n";

/* The verdict: a line on stdout when all holds, on stderr when not. */
static int verdict(const check_options *o, const check_report *r, size_t threads)
{
    char against[1024];
    snprintf(against, sizeof against, "%s%s", o->expect_path ? o->expect_path : "",
             o->expect_path ? " and " : "");
    if (r->problems == 0) {
        printf("%s: meets %sthe built-in invariants (%zu thread%s)\n", o->db_path, against, threads,
               threads == 1 ? "" : "s");
        return CLI_OK;
    }
    return cli_error("check", o->db_path, "%zu problem%s against %sthe built-in invariants",
                     r->problems, r->problems == 1 ? "" : "s", against);
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
    check_report r = {.out = stdout, .scope = ""};
    size_t threads = 0;
    long processes = check_database(db, c->x, &r, &threads, &why);
    if (processes < 0)
        return cli_error("check", c->o->db_path, "%s", why.text);
    if (processes == 0)
        return cli_error("check", c->o->db_path, "holds no trace");
    return verdict(c->o, &r, threads);
}

int check_main(int argc, char **argv)
{
    check_options o = {0};
    const cli_option options[] = {CLI_OPTION("expect", 0, CLI_TEXT, &o.expect_path), CLI_END};
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
    status = cli_with_database("check", o.db_path, run, &(check_run){&o, &x});
    check_expect_free(&x);
    return status;
}
