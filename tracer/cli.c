/*
 * cli.c - one-line errors and usage errors for the `thrace` commands.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
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
