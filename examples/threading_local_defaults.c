/*
 * threading_local_defaults.c - a local() subclass whose __init__ runs once in
 * every thread that uses the object, so that each starts with the same
 * default value. In C, MyLocal is the local plus its constructor argument,
 * and __init__ the init callback of thrace_local_init. Its log line shows
 * the one object's address, the same in every thread, as Python's %r does.
 */
#include "thrace.h"

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The attributes of a MyLocal, as one thread sees them. */
typedef struct {
    bool has_value;
    int value;
} local_attrs;

/* MyLocal(threading.local), made by MyLocal(value). */
typedef struct {
    thrace_local local;
    int value;
} my_local;

/* MyLocal.__init__(self, value): runs in each thread on its first use. */
static void my_local_init_thread(void *data, void *arg)
{
    my_local *self = arg;
    local_attrs *attrs = data;
    thrace_debug("初始化 <__main__.MyLocal object at %p>", (void *)self);
    attrs->has_value = true;
    attrs->value = self->value;
}

/* MyLocal(value) */
static void my_local_init(my_local *self, int value)
{
    self->value = value;
    thrace_local_init(&self->local, sizeof(local_attrs), my_local_init_thread, self, NULL);
}

static void show_value(my_local *data)
{
    local_attrs *attrs = thrace_local_get(&data->local);
    if (!attrs->has_value) /* Python's AttributeError */
        thrace_debug("还没有value");
    else
        thrace_debug("value=%d", attrs->value);
}

static void worker(void *arg)
{
    my_local *data = arg;
    show_value(data);
    local_attrs *attrs = thrace_local_get(&data->local);
    attrs->value = 1 + rand() % 100; /* random.randint(1, 100) */
    show_value(data);
}

int main(void)
{
    static my_local local_data; /* outlives main: exit joins the threads */

    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    my_local_init(&local_data, 1000);
    show_value(&local_data);

    for (int i = 0; i < 2; i++) {
        thrace_thread *t = thrace_thread_new(worker, &local_data, NULL);
        thrace_thread_start(t);
        thrace_thread_unref(t);
    }
    return 0;
}
