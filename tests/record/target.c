/*
 * target.c - the program test_record.py runs under `thrace record`: it logs
 * one traced line saying what it will do, then does it.
 *
 *   record_target exit N     exits with status N
 *   record_target kill SIG   dies of signal SIG
 *   record_target sleep S    prints "ready" on stdout, then sleeps S seconds
 *   record_target echo       copies stdin to stdout and says "to stderr" there
 *   record_target env NAME   prints NAME=value (or NAME unset) on stdout
 *   record_target tick N     logs "tick I" for I from 1 to N, 10 ms apart: a
 *                            trace that keeps growing, packet after packet
 */
#include "thrace.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int target_echo(void)
{
    int c;
    while ((c = getchar()) != EOF)
        putchar(c);
    fputs("to stderr\n", stderr);
    return 0;
}

static int target_env(const char *name)
{
    const char *value = getenv(name);
    if (value)
        printf("%s=%s\n", name, value);
    else
        printf("%s unset\n", name);
    return 0;
}

static int target_tick(int n)
{
    for (int i = 1; i <= n; i++) {
        thrace_info("tick %d", i);
        thrace_sleep(0.01);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *mode = argv[1], *arg = argc > 2 ? argv[2] : "0";
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_INFO);
    thrace_info("target %s %s", mode, arg);
    if (strcmp(mode, "exit") == 0)
        return atoi(arg);
    if (strcmp(mode, "kill") == 0)
        return raise(atoi(arg)) == 0 ? 0 : 2;
    if (strcmp(mode, "sleep") == 0) {
        printf("ready\n");
        fflush(stdout);
        thrace_sleep(atof(arg));
        return 0;
    }
    if (strcmp(mode, "echo") == 0)
        return target_echo();
    if (strcmp(mode, "env") == 0)
        return target_env(arg);
    if (strcmp(mode, "tick") == 0)
        return target_tick(atoi(arg));
    return 2;
}
