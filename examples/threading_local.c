/*
 * threading_local.c - a local() holds values that each thread sees apart:
 * value is missing in a thread until that thread sets it, whatever the others
 * did. In C an attribute that may be missing is a flag and a value, in a
 * zeroed block that each thread gets on its first thrace_local_get.
 */
#include "thrace.h"

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The attributes of the local object, as one thread sees them. */
typedef struct {
    bool has_value;
    int value;
} local_attrs;

static void show_value(thrace_local *data)
{
    local_attrs *attrs = thrace_local_get(data);
    if (!attrs->has_value) /* Python's AttributeError */
        thrace_debug("还没有value");
    else
        thrace_debug("value=%d", attrs->value);
}

static void set_value(thrace_local *data, int value)
{
    local_attrs *attrs = thrace_local_get(data);
    attrs->has_value = true;
    attrs->value = value;
}

static void worker(void *arg)
{
    thrace_local *data = arg;
    show_value(data);
    set_value(data, 1 + rand() % 100); /* random.randint(1, 100) */
    show_value(data);
}

int main(void)
{
    static thrace_local local_data; /* outlives main: exit joins the threads */

    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    thrace_local_init(&local_data, sizeof(local_attrs), NULL, NULL, NULL);
    show_value(&local_data);
    set_value(&local_data, 1000);
    show_value(&local_data);

    for (int i = 0; i < 2; i++) {
        thrace_thread *t = thrace_thread_new(worker, &local_data, NULL);
        thrace_thread_start(t);
        thrace_thread_unref(t);
    }
    return 0;
}
