/*
 * thrace.c - the `thrace` command: finds the subcommand and runs it.
 */
#include "cli.h"
#include "commands.h"

#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
    {"record", "run a program under LTTng and store its trace", record_main},
    {"ingest", "store existing CTF traces", ingest_main},
    {"log", "print a trace as the guide's logs", log_main},
    {"stats", "per-lock and per-thread contention", stats_main},
    {"serve", "serve a trace's timelines to a browser", serve_main},
    {"daemon", "store live sessions as they run, serve them, report deadlocks", daemon_main},
    {"check", "check a trace against invariants and an expectation file", check_main},
    {"deadlocks", "deadlocks that happened or could, and waits that never ended", deadlocks_main},
    {"export", "write a trace as Chrome's JSON trace events, for Perfetto", export_main},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: thrace COMMAND [ARGS]\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'thrace COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("thrace %s\n", THRACE_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "thrace: '%s' is not a command.\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
