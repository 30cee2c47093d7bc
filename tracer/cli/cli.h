/*
 * cli.h - what every `thrace` command shares: exit statuses, one option
 * parser (getopt_long underneath) with its usage errors, and one-line
 * errors. A command file (one per command, in this folder) holds its
 * usage text, its option table and its main; the work is a library's.
 *
 * Every message is one line on stderr, `thrace CMD: OBJECT: reason`; a
 * usage error adds `Try 'thrace CMD --help'.` and exits 2.
 */
#ifndef THRACE_TRACER_CLI_CLI_H
#define THRACE_TRACER_CLI_CLI_H

#include "base.h"

#include <sqlite3.h>
#include <stdbool.h>

enum {
    CLI_OK = 0,    /* success */
    CLI_FAIL = 1,  /* a failure, explained in one line on stderr */
    CLI_USAGE = 2, /* bad usage */
    CLI_FOUND = 3  /* `thrace deadlocks`: something was found */
};

/* What an option's value is, and where the parser puts it. */
typedef enum {
    CLI_FLAG,    /* no value: sets a bool */
    CLI_TEXT,    /* any text: sets a const char * (into argv) */
    CLI_SECONDS, /* a positive number of seconds from min to max: sets a double */
    CLI_PORT,    /* a TCP port, 0 to 65535: sets an int */
} cli_type;

typedef struct {
    const char *name; /* "output" for --output; NULL ends a table */
    char letter;      /* 'o' for -o, or 0 for none */
    cli_type type;
    void *value;     /* bool *, const char **, double * or int *, by type */
    double min, max; /* CLI_SECONDS: the values accepted */
} cli_option;

/* Table entries: an option with a letter (0 for none) and a value, one
 * of seconds within a range, and the end of a table. */
#define CLI_OPTION(name, letter, type, value)                                                      \
    {                                                                                              \
        name, letter, type, value, 0, 0                                                            \
    }
#define CLI_SECONDS_OPTION(name, value, min, max)                                                  \
    {                                                                                              \
        name, 0, CLI_SECONDS, value, min, max                                                      \
    }
#define CLI_END                                                                                    \
    {                                                                                              \
        NULL, 0, CLI_FLAG, NULL, 0, 0                                                              \
    }

/* A command that reads one database: its operands, as cli_spec fields. */
#define CLI_ONE_DATABASE                                                                           \
    .min_operands = 1, .max_operands = 1, .too_few = "expected one database, FILE.db"

/* A command's command line. -h and --help are every command's. */
typedef struct {
    const char *command;       /* "record": messages say `thrace record: ...` */
    const char *usage;         /* what --help prints on stdout */
    const cli_option *options; /* ended by an entry whose name is NULL */
    int min_operands;          /* arguments that are not options, at least... */
    int max_operands;          /* ... and at most (-1: no limit) */
    const char *too_few;       /* said when there are fewer: "expected one database, FILE.db" */
    bool operands_end_options; /* PROG ARGS...: PROG's options are its own */
} cli_spec;

/*
 * Parses argv (argv[0] is the command's name) as spec says: sets every
 * option given and *first to the index of the first operand. True to go
 * on; false when the command is to exit at once with *status: 0 once
 * --help printed the usage, 2 once a usage error was said (unknown option,
 * missing or bad value, operands too few or too many), 1 when stdout
 * failed.
 */
bool cli_parse(const cli_spec *spec, int argc, char **argv, int *first, int *status);

/* Says `thrace CMD: OBJECT: reason` (no OBJECT when NULL); returns CLI_FAIL. */
int cli_error(const char *cmd, const char *object, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Says `thrace CMD: ` and the failure a library wrote (`OBJECT: reason`);
 * returns CLI_FAIL. */
int cli_failure(const char *cmd, const failure *why);

/* Says `thrace CMD: reason` and the --help hint; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens path read-only, runs run(db, arg) and closes it: run's exit status,
 * or CLI_FAIL once said why the database does not open. */
int cli_with_database(const char *cmd, const char *path, int (*run)(sqlite3 *db, void *arg),
                      void *arg);

/* Whether stderr is a terminal: progress bars are drawn only there. */
bool cli_stderr_is_tty(void);

#endif
