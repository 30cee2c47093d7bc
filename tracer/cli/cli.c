/*
 * cli.c - the commands' option parser and one-line errors (cli.h). The
 * parser turns a command's option table into getopt_long's, so that every
 * command takes --name=value and --name value, stops at `--`, and words
 * each mistake the same way.
 */
#include "cli.h"

#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Options a command may have, --help included. */
enum { CLI_MAX_OPTIONS = 16, CLI_HELP_OPTION = 1000 };

/* Through the failure formatter: a path or name holding a newline or an
 * escape sequence still makes one line that the terminal only shows. */
static void cli_vsay(const char *cmd, const char *object, const char *fmt, va_list ap)
{
    failure said;
    failure_vobject(&said, object, fmt, ap);
    fprintf(stderr, "thrace %s: %s\n", cmd, said.text);
}

int cli_error(const char *cmd, const char *object, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_vsay(cmd, object, fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

int cli_failure(const char *cmd, const failure *why)
{
    return cli_error(cmd, NULL, "%s", why->text);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_vsay(cmd, NULL, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'thrace %s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_with_database(const char *cmd, const char *path, int (*run)(sqlite3 *db, void *arg),
                      void *arg)
{
    failure why;
    sqlite3 *db = db_open(path, false, &why);
    if (!db)
        return cli_failure(cmd, &why);
    int status = run(db, arg);
    db_close(db);
    return status;
}

bool cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO) == 1;
}

static bool cli_parse_seconds(const char *text, double *seconds)
{
    char *end;
    errno = 0;
    *seconds = strtod(text, &end);
    return errno == 0 && end != text && *end == '\0' && isfinite(*seconds);
}

static bool cli_parse_port(const char *text, int *port)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || !*text || *end || v < 0 || v > 65535)
        return false;
    *port = (int)v;
    return true;
}

/* Stores an option's value; false once a usage error is said. */
static bool cli_take(const char *cmd, const cli_option *o, const char *text)
{
    double seconds;
    switch (o->type) {
    case CLI_FLAG:
        *(bool *)o->value = true;
        return true;
    case CLI_TEXT:
        *(const char **)o->value = text;
        return true;
    case CLI_SECONDS:
        if (!cli_parse_seconds(text, &seconds)) {
            cli_usage_error(cmd, "--%s: '%s' is not a number of seconds", o->name, text);
            return false;
        }
        if (!(seconds > 0 && seconds >= o->min && seconds <= o->max)) {
            cli_usage_error(cmd, "--%s: '%s' is out of range: seconds from %g to %g", o->name, text,
                            o->min, o->max);
            return false;
        }
        *(double *)o->value = seconds;
        return true;
    case CLI_PORT:
        if (cli_parse_port(text, (int *)o->value))
            return true;
        cli_usage_error(cmd, "--%s: '%s' is not a port number (0 to 65535)", o->name, text);
        return false;
    }
    return false;
}

/* getopt_long's tables for spec: each long option's val is its index. */
static void cli_tables(const cli_spec *spec, struct option *longs, char *shorts)
{
    size_t n = 0, s = 0;
    shorts[s++] = spec->operands_end_options ? '+' : ':';
    if (spec->operands_end_options)
        shorts[s++] = ':'; /* a missing value is told apart from an unknown option */
    shorts[s++] = 'h';
    for (const cli_option *o = spec->options; o && o->name; o++, n++) {
        int has_arg = o->type == CLI_FLAG ? no_argument : required_argument;
        longs[n] = (struct option){o->name, has_arg, NULL, (int)n};
        if (o->letter) {
            shorts[s++] = o->letter;
            if (has_arg == required_argument)
                shorts[s++] = ':';
        }
    }
    longs[n++] = (struct option){"help", no_argument, NULL, CLI_HELP_OPTION};
    longs[n] = (struct option){NULL, 0, NULL, 0};
    shorts[s] = '\0';
}

/* The option getopt_long returned as c, or NULL. */
static const cli_option *cli_option_of(const cli_spec *spec, int c)
{
    size_t n = 0;
    for (const cli_option *o = spec->options; o && o->name; o++, n++)
        if ((int)n == c || (c > 0 && o->letter == c))
            return o;
    return NULL;
}

/* Reads the options; false (status set) when the command is to exit. */
static bool cli_options(const cli_spec *spec, int argc, char **argv, int *status)
{
    struct option longs[CLI_MAX_OPTIONS + 1];
    char shorts[3 * CLI_MAX_OPTIONS + 4];
    cli_tables(spec, longs, shorts);
    optind = 1;
    opterr = 0; /* our own one-line messages instead */
    for (int c; (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1;) {
        const cli_option *o = c == '?' || c == ':' ? NULL : cli_option_of(spec, c);
        if (c == 'h' || c == CLI_HELP_OPTION) {
            *status = fputs(spec->usage, stdout) < 0 ||
                              printf("\nThe manual: man thrace-%s\n", spec->command) < 0
                          ? CLI_FAIL
                          : CLI_OK;
            return false;
        }
        if (c == ':')
            *status = cli_usage_error(spec->command, "option '%s' needs a value", argv[optind - 1]);
        else if (!o)
            *status = cli_usage_error(spec->command, "unknown option '%s'", argv[optind - 1]);
        else if (!cli_take(spec->command, o, optarg))
            *status = CLI_USAGE;
        else
            continue;
        return false;
    }
    return true;
}

bool cli_parse(const cli_spec *spec, int argc, char **argv, int *first, int *status)
{
    if (!cli_options(spec, argc, argv, status))
        return false;
    int operands = argc - optind;
    *first = optind;
    if (operands < spec->min_operands) {
        *status = cli_usage_error(spec->command, "%s", spec->too_few);
        return false;
    }
    if (spec->max_operands >= 0 && operands > spec->max_operands) {
        *status = cli_usage_error(spec->command, "unexpected argument '%s'",
                                  argv[optind + spec->max_operands]);
        return false;
    }
    return true;
}
