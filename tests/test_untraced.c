/*
 * test_untraced.c - a program linked with libthrace and not traced loads no
 * liblttng-ust and starts no thread of LTTng's: the probes come only with
 * the preloaded provider (libthrace-tp.so).
 */
#include "harness.h"

#include <dirent.h>

static bool maps_contain(const char *needle)
{
    FILE *f = fopen("/proc/self/maps", "r");
    ASSERT_TRUE(f != NULL);
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

/* ThreadSanitizer runs a background thread of its own in every process. */
#if defined(__SANITIZE_THREAD__)
enum { OWN_THREADS = 2 };
#else
enum { OWN_THREADS = 1 };
#endif

/* Whether a thread's name ends with "-ust", as LTTng-UST names its own. */
static bool is_lttng_thread(const char *task)
{
    char path[300], name[32] = "";
    snprintf(path, sizeof path, "/proc/self/task/%s/comm", task);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    if (!fgets(name, sizeof name, f))
        name[0] = '\0';
    fclose(f);
    name[strcspn(name, "\n")] = '\0';
    size_t len = strlen(name);
    return len >= 4 && strcmp(name + len - 4, "-ust") == 0;
}

/* The process's threads; *lttng gets how many of them are LTTng's. */
static int task_count(int *lttng)
{
    DIR *d = opendir("/proc/self/task");
    ASSERT_TRUE(d != NULL);
    int n = 0;
    *lttng = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        n++;
        *lttng += is_lttng_thread(e->d_name);
    }
    closedir(d);
    return n;
}

TEST(untraced_program_maps_no_liblttng_ust_and_runs_one_thread)
{
    thrace_lock l = THRACE_LOCK_INIT;
    thrace_lock_acquire(&l, true, THRACE_FOREVER);
    thrace_lock_release(&l);
    thrace_sleep(0.001);
    ASSERT_FALSE(maps_contain("liblttng-ust.so"));
    ASSERT_FALSE(maps_contain("libthrace-tp.so"));
    int lttng;
    ASSERT_EQ(OWN_THREADS, task_count(&lttng));
    ASSERT_EQ(0, lttng);
}
