/*
 * threading_condition.c - a Condition lets threads wait until another one
 * says a resource is ready: two consumers wait, then the producer notifies
 * them all. Every thread holds the condition's lock (THRACE_WITH) around its
 * wait or notify.
 */
#include "thrace.h"

/* Waits for the condition, then uses the resource. */
static void consumer(void *arg)
{
    thrace_cond *cond = arg;
    thrace_debug("开启消费者线程");
    THRACE_WITH (cond) {
        thrace_cond_wait(cond, THRACE_FOREVER);
        thrace_debug("资源已经被消费者获取");
    }
}

/* Makes the resource available to the consumers. */
static void producer(void *arg)
{
    thrace_cond *cond = arg;
    thrace_debug("开启生产者线程");
    THRACE_WITH (cond) {
        thrace_debug("生产者生产了资源");
        thrace_cond_notify_all(cond);
    }
}

static thrace_thread *start(void (*target)(void *), void *arg, const char *name)
{
    thrace_thread *t = thrace_thread_new(target, arg, &(thrace_thread_opts){.name = name});
    thrace_thread_start(t);
    return t;
}

int main(void)
{
    static thrace_cond condition; /* outlives main: exit joins the threads */

    thrace_log_config("%(asctime)s (%(threadName)-2s) %(message)s", THRACE_LOG_DEBUG);

    thrace_cond_init(&condition);
    thrace_thread *c1 = start(consumer, &condition, "c1");
    thrace_sleep(0.2);
    thrace_thread *c2 = start(consumer, &condition, "c2");
    thrace_sleep(0.2);
    thrace_thread *p = start(producer, &condition, "p");

    thrace_thread_unref(c1);
    thrace_thread_unref(c2);
    thrace_thread_unref(p);
    return 0;
}
