/*
 * cli.h - what every `thrace` command shares: exit statuses, one-line error
 * messages (`thrace <cmd>: <object>: <reason>`), and usage errors.
 */
#ifndef THRACE_CLI_H
#define THRACE_CLI_H

#include <stdbool.h>

enum {
    CLI_OK = 0,       /* success */
    CLI_FAIL = 1,     /* a failure, explained in one line on stderr */
    CLI_USAGE = 2,    /* bad usage */
    CLI_FOUND = 3     /* `thrace deadlocks`: something was found */
};

/* A command: its name, one line of summary, and its entry point. */
typedef struct {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the command's name */
} cli_command;

/* Prints `thrace <cmd>: <object>: <reason>` (object may be NULL); returns CLI_FAIL. */
int cli_error(const char *cmd, const char *object, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints `thrace <cmd>: <reason>` and a hint to --help; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An option's number of seconds: the whole text a finite number in
 * (0, max]; false otherwise. */
bool cli_parse_seconds(const char *text, double max, double *seconds);

/* An option's TCP port: the whole text a decimal 0..65535; false otherwise. */
bool cli_parse_port(const char *text, int *port);

/* Whether stderr is a terminal (for progress bars). */
bool cli_stderr_is_tty(void);

#endif
