/*
 * ingest.c - `thrace ingest [-o FILE.db] TRACE_DIR...`: the command line
 * and the report (with the pthread wrapper's unlocks left out, when any);
 * the storing is tracer/ingest/'s (ingest_paths).
 */
#include "ingest.h"
#include "cli.h"
#include "commands.h"
#include "store.h"

#include <inttypes.h>
#include <stdio.h>

static const char usage[] =
    "usage: thrace ingest [-o FILE.db] TRACE_DIR...\n"
    "\n"
    "Stores every CTF trace found under each TRACE_DIR (an LTTng session's\n"
    "output directory, or a trace's own) in FILE.db. A trace already stored\n"
    "there (same UUID) is skipped.\n"
    "\n"
    "Besides thrace's own events (thrace:*), it stores the calls that LTTng's\n"
    "pthread wrapper traces (LD_PRELOAD=liblttng-ust-pthread-wrapper.so,\n"
    "events lttng_ust_pthread:*) as mutex events; they need the vtid and vpid\n"
    "contexts. With lttng_ust_statedump:* too, mutexes are named by their\n"
    "symbols; with the ip context, calls by their source lines:\n"
    "  lttng enable-event -u 'lttng_ust_pthread:*,lttng_ust_statedump:*'\n"
    "  lttng add-context -u -t vtid -t vpid -t procname -t ip\n"
    "\n"
    "  -o, --output FILE.db  the database (default: thrace.db), created if needed\n"
    "  -h, --help            print this help\n";

static void ingest_report(const char *file, const ingest_summary *s)
{
    if (s->traces || !s->skipped)
        printf("%s: stored %" PRIu64 " trace%s: %" PRIu64 " events, %" PRIu64 " threads, %" PRIu64
               " events discarded by LTTng\n",
               file, s->traces, s->traces == 1 ? "" : "s", s->events, s->threads, s->discarded);
    if (s->unlocks_left_out)
        printf("%s: left out %" PRIu64 " pthread_mutex_unlock call%s of LTTng's pthread wrapper "
               "that no traced lock matches\n",
               file, s->unlocks_left_out, s->unlocks_left_out == 1 ? "" : "s");
    if (s->skipped)
        printf("%s: skipped %" PRIu64 " trace%s already stored\n", file, s->skipped,
               s->skipped == 1 ? "" : "s");
}

int ingest_main(int argc, char **argv)
{
    const char *file = "thrace.db";
    const cli_option options[] = {CLI_OPTION("output", 'o', CLI_TEXT, &file), CLI_END};
    const cli_spec spec = {.command = "ingest",
                           .usage = usage,
                           .options = options,
                           .min_operands = 1,
                           .max_operands = -1,
                           .too_few = "no trace directory given"};
    int first, status;
    if (!cli_parse(&spec, argc, argv, &first, &status))
        return status;
    failure why;
    ingest_summary summary;
    if (!ingest_paths(file, argv + first, argc - first, cli_stderr_is_tty(), &summary, &why))
        return cli_failure("ingest", &why);
    ingest_report(file, &summary);
    return CLI_OK;
}
