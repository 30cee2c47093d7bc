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
    fprintf(out, "\n'thrace COMMAND --help' describes a command; 'man thrace-COMMAND' more.\n");
}

/* Edits (insertions, deletions, substitutions, swaps of neighbours) from a
 * to b, counted up to 3: a mistyped command is a short word. */
static int edits(const char *a, const char *b)
{
    enum { LONGEST = 32 };
    size_t n = strlen(a), m = strlen(b);
    if (n >= LONGEST || m >= LONGEST)
        return 3;
    int d[LONGEST + 1][LONGEST + 1];
    for (size_t i = 0; i <= n; i++)
        for (size_t j = 0; j <= m; j++) {
            if (i == 0 || j == 0) {
                d[i][j] = (int)(i + j);
                continue;
            }
            int cost = a[i - 1] != b[j - 1];
            int best = d[i - 1][j - 1] + cost;
            best = d[i - 1][j] + 1 < best ? d[i - 1][j] + 1 : best;
            best = d[i][j - 1] + 1 < best ? d[i][j - 1] + 1 : best;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                best = d[i - 2][j - 2] + 1 < best ? d[i - 2][j - 2] + 1 : best;
            d[i][j] = best;
        }
    return d[n][m] < 3 ? d[n][m] : 3;
}

/* The command word is closest to, when it is within two edits; else NULL. */
static const char *nearest_command(const char *word)
{
    const char *nearest = NULL;
    int fewest = 3;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int e = edits(word, commands[i].name);
        if (e < fewest) {
            fewest = e;
            nearest = commands[i].name;
        }
    }
    return nearest;
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
    const char *meant = nearest_command(argv[1]);
    if (meant) {
        fprintf(stderr, "thrace: '%s' is not a command; did you mean '%s'?\n", argv[1], meant);
        return CLI_USAGE;
    }
    fprintf(stderr, "thrace: '%s' is not a command.\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
