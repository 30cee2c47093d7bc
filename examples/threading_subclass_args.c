/*
 * threading_subclass_args.c - a Thread subclass that keeps its own args and
 * kwargs: in C, a struct of the thread's data passed to its run() target.
 * The log shows them as Python prints a tuple and a dict.
 */
#include "thrace.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const char *key;
    const char *value;
} kwarg;

/* MyThreadWithArgs: a Thread plus self.args = (n,) and self.kwargs. */
typedef struct {
    int args;
    const kwarg *kwargs;
    size_t nkwargs;
} my_thread_with_args;

/* repr(dict) of string keys and values: {'b': 'B', 'a': 'A'} */
static void dict_repr(char *buf, size_t size, const kwarg *kw, size_t n)
{
    size_t at = (size_t)snprintf(buf, size, "{");
    for (size_t i = 0; i < n && at < size; i++)
        at += (size_t)snprintf(buf + at, size - at, "%s'%s': '%s'", i ? ", " : "", kw[i].key,
                               kw[i].value);
    if (at < size)
        snprintf(buf + at, size - at, "}");
}

/* MyThreadWithArgs.run */
static void my_thread_with_args_run(void *arg)
{
    my_thread_with_args *self = arg;
    char kwargs[128];
    dict_repr(kwargs, sizeof kwargs, self->kwargs, self->nkwargs);
    thrace_debug("running with (%d,) and %s", self->args, kwargs);
    free(self);
}

/* MyThreadWithArgs(args=(n,), kwargs=kwargs): the thread owns its data. */
static thrace_thread *my_thread_with_args_new(int args, const kwarg *kwargs, size_t nkwargs)
{
    my_thread_with_args *self = malloc(sizeof *self);
    if (!self)
        return NULL;
    *self = (my_thread_with_args){args, kwargs, nkwargs};
    thrace_thread *t = thrace_thread_new(my_thread_with_args_run, self, NULL);
    if (!t)
        free(self);
    return t;
}

int main(void)
{
    /* In the order the guide's output shows them (Python 3.5 did not keep a
     * dict's insertion order). */
    static const kwarg kwargs[] = {{"b", "B"}, {"a", "A"}};

    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    for (int i = 0; i < 5; i++) {
        thrace_thread *t = my_thread_with_args_new(i, kwargs, 2);
        thrace_thread_start(t);
        thrace_thread_unref(t);
    }
    return 0;
}
