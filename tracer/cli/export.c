/*
 * export.c - `thrace export FILE.db [--format chrome] [-o FILE.json]`:
 * the database's traces in Chrome's JSON trace event format, on stdout or
 * into a file. The writing is tracer/export/'s (export_chrome). A file
 * left half-written by a failure is removed, so a FILE.json that exists
 * is whole; and -o naming the database itself is refused before anything
 * is opened, since opening it to write would empty it.
 */
#include "export.h"
#include "cli.h"
#include "commands.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: thrace export FILE.db [--format chrome] [-o FILE.json]\n"
    "\n"
    "Writes every trace in FILE.db in Chrome's JSON trace event format, which\n"
    "Perfetto's UI (ui.perfetto.dev) and chrome://tracing open: a process per\n"
    "traced process (named with its program, pid and host), a track per thread\n"
    "with what it did as slices (running, waiting for, holding, sleeping,\n"
    "joining, ...; a slice still open when the trace ended reaches its end with\n"
    "outcome \"unfinished\"), a track per object with who held and waited for it,\n"
    "arrows from each release, notify, set, exit or last arrival to the wait it\n"
    "ended, semaphore values as counters, log lines and the gaps (events LTTng\n"
    "discarded or thrace daemon did not read, a cut) as instants. Times are microseconds with "
    "three decimals (exact\n"
    "nanoseconds) since the first trace's begin (otherData.origin_ns). The\n"
    "output is streamed: any length of trace exports in little memory.\n"
    "\n"
    "  --format FORMAT      chrome, the only one (the default)\n"
    "  -o, --output FILE    write FILE instead of stdout (removed again on a failure)\n"
    "  -h, --help           this help\n";

typedef struct {
    const char *path, *output;
} export_args;

/* Writes to stdout, or to a new output file removed again on a failure. */
static int export_run(sqlite3 *db, void *arg)
{
    const export_args *a = arg;
    FILE *out = a->output ? fopen(a->output, "w") : stdout;
    if (!out)
        return cli_error("export", a->output, "%s", strerror(errno));
    failure why;
    bool ok = export_chrome(db, out, &why);
    if (a->output && fclose(out) != 0 && ok)
        ok = failure_set(&why, "cannot write: %s", strerror(errno));
    if (ok)
        return CLI_OK;
    if (a->output)
        unlink(a->output);
    return cli_error("export", a->output ? a->output : a->path, "%s", why.text);
}

/* Whether output is the file at path (the same inode): neither need exist. */
static bool export_same_file(const char *path, const char *output)
{
    struct stat a, b;
    return stat(path, &a) == 0 && stat(output, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

int export_main(int argc, char **argv)
{
    export_args a = {0};
    const char *format = "chrome";
    const cli_option options[] = {CLI_OPTION("format", 0, CLI_TEXT, &format),
                                  CLI_OPTION("output", 'o', CLI_TEXT, &a.output), CLI_END};
    const cli_spec spec = {
        .command = "export", .usage = usage, .options = options, CLI_ONE_DATABASE};
    int first, status;
    if (!cli_parse(&spec, argc, argv, &first, &status))
        return status;
    if (strcmp(format, "chrome") != 0)
        return cli_usage_error("export", "unknown format '%s' (known: chrome)", format);
    a.path = argv[first];
    if (a.output && export_same_file(a.path, a.output))
        return cli_usage_error("export", "-o %s: that is the database", a.output);
    return cli_with_database("export", a.path, export_run, &a);
}
