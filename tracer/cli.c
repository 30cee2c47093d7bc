/*
 * cli.c - one-line errors and usage errors for the `thrace` commands.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void vsay(const char *cmd, const char *object, const char *fmt, va_list ap)
{
    fprintf(stderr, "thrace %s: ", cmd);
    if (object)
        fprintf(stderr, "%s: ", object);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_error(const char *cmd, const char *object, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(cmd, object, fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(cmd, NULL, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'thrace %s --help'.\n", cmd);
    return CLI_USAGE;
}

bool cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO) == 1;
}

bool cli_parse_seconds(const char *text, double max, double *seconds)
{
    char *end;
    errno = 0;
    *seconds = strtod(text, &end);
    return errno == 0 && end != text && *end == '\0' && isfinite(*seconds) && *seconds > 0 &&
           *seconds <= max;
}

bool cli_parse_port(const char *text, int *port)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || !*text || *end || v < 0 || v > 65535)
        return false;
    *port = (int)v;
    return true;
}
