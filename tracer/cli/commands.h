/*
 * commands.h - the entry points of the `thrace` commands, one per file of
 * the command's name in this folder (record.c, ingest.c, log.c, stats.c,
 * serve.c, check.c, deadlocks.c, export.c, daemon.c), and the table thrace.c runs
 * them from. Each gets its argv with argv[0] the command's name and
 * returns the exit status (cli.h).
 */
#ifndef THRACE_TRACER_CLI_COMMANDS_H
#define THRACE_TRACER_CLI_COMMANDS_H

/* A command: its name, its line in `thrace --help`, and its main (argv[0]
 * is the command's name; the return value is the exit status). */
typedef struct {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

int record_main(int argc, char **argv);
int ingest_main(int argc, char **argv);
int log_main(int argc, char **argv);
int stats_main(int argc, char **argv);
int serve_main(int argc, char **argv);
int check_main(int argc, char **argv);
int deadlocks_main(int argc, char **argv);
int export_main(int argc, char **argv);
int daemon_main(int argc, char **argv);

#endif
