/*
 * deadlocks.c - `thrace deadlocks FILE.db`: the command line; the analyses
 * are tracer/deadlocks/'s. Exits 3 when anything was found, 0 when the
 * trace is clean.
 */
#include "deadlocks.h"
#include "cli.h"
#include "commands.h"
#include "store.h"

#include <stdio.h>

static const char usage[] =
    "usage: thrace deadlocks FILE.db\n"
    "\n"
    "Reports, from a recorded trace:\n"
    "  deadlock:           wait-for cycles that happened (threads each waiting for a\n"
    "                      lock held by the next);\n"
    "  possible deadlock:  locks taken in inconsistent orders by different threads,\n"
    "                      even when this run did not hang;\n"
    "  stuck:              waits that never ended (a lost wake-up, a barrier never\n"
    "                      filled, a join on a thread that never ends, an event never set).\n"
    "Exit status: 3 when anything was found, 0 when the trace is clean.\n";

static int analyse(sqlite3 *db, void *path)
{
    int status = deadlocks_run(db, path, 0, stdout);
    return status == DEADLOCKS_FOUND ? CLI_FOUND : status == DEADLOCKS_NONE ? CLI_OK : CLI_FAIL;
}

int deadlocks_main(int argc, char **argv)
{
    const cli_spec spec = {.command = "deadlocks", .usage = usage, CLI_ONE_DATABASE};
    int first, status;
    if (!cli_parse(&spec, argc, argv, &first, &status))
        return status;
    return cli_with_database("deadlocks", argv[first], analyse, argv[first]);
}
