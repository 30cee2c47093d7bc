/*
 * preload.c - finding what `thrace record` preloads, and saying so in
 * LD_PRELOAD (preload.h). No state.
 */
#include "preload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* LTTng-UST's helper that registers a forked child as a process of its own. */
static const char preload_fork_helper[] = "liblttng-ust-fork.so.1";

/* Resolves the candidate into out if it is a file. */
static bool preload_at(const char *candidate, char *out)
{
    struct stat st;
    return stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && realpath(candidate, out) != NULL;
}

static bool preload_find_probe(preload *p, failure *why)
{
    const char *env = getenv("THRACE_PROBE");
    char exe[PATH_MAX], candidate[PATH_MAX + 32];
    if (env && *env)
        return preload_at(env, p->probe) ||
               failure_object(why, env, "no such file (from THRACE_PROBE)");
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(candidate, sizeof candidate, "%s/libthrace-tp.so", exe);
    if (preload_at(candidate, p->probe))
        return true;
    snprintf(candidate, sizeof candidate, "%s/../lib/libthrace-tp.so", exe);
    if (preload_at(candidate, p->probe))
        return true;
    snprintf(candidate, sizeof candidate, "%s/" THRACE_PRELOADDIR "/libthrace-tp.so", exe);
    if (preload_at(candidate, p->probe))
        return true;
    return failure_object(
        why, "libthrace-tp.so",
        "not found in %s, its ../lib nor its " THRACE_PRELOADDIR " (set THRACE_PROBE)", exe);
}

/* The interposer beside the probe: built and installed together. */
static bool preload_find_interposer(preload *p, failure *why)
{
    char candidate[PATH_MAX + 32];
    const char *slash = strrchr(p->probe, '/'); /* the probe's path is absolute */
    snprintf(candidate, sizeof candidate, "%.*s/libthrace-pthread.so",
             slash ? (int)(slash - p->probe) : 1, slash ? p->probe : ".");
    if (preload_at(candidate, p->interposer))
        return true;
    return failure_object(
        why, candidate, "no such file (the pthread interposer; --no-interpose records without it)");
}

/* LD_PRELOAD splits on spaces and colons: a path holding one cannot be preloaded. */
static bool preload_carried(const char *path, failure *why)
{
    return !strpbrk(path, " :") ||
           failure_object(why, path, "LD_PRELOAD cannot carry a space or a colon");
}

bool preload_find(preload *p, bool interposer, failure *why)
{
    p->interposer[0] = '\0';
    return preload_find_probe(p, why) && preload_carried(p->probe, why) &&
           (!interposer ||
            (preload_find_interposer(p, why) && preload_carried(p->interposer, why)));
}

bool preload_set(const preload *p, failure *why)
{
    const char *old = getenv("LD_PRELOAD");
    size_t size = strlen(p->interposer) + strlen(p->probe) + sizeof preload_fork_helper +
                  (old ? strlen(old) : 0) + 4;
    char *value = malloc(size);
    if (!value)
        return failure_set(why, "%s", strerror(ENOMEM));
    /* The caller's first: a sanitizer's runtime has to be loaded before anything. */
    snprintf(value, size, "%s%s%s%s%s:%s", old ? old : "", old && *old ? ":" : "", p->interposer,
             *p->interposer ? ":" : "", p->probe, preload_fork_helper);
    bool set = setenv("LD_PRELOAD", value, 1) == 0;
    free(value);
    return set || failure_set(why, "%s", strerror(errno));
}
