/*
 * local.c - Python's threading.local: one zeroed block per (local, thread),
 * made on the thread's first get and handed to init there, as a subclass's
 * __init__ runs once in each thread.
 *
 * Each block sits in two lists, both guarded by one mutex: its local's (so
 * thrace_local_destroy frees every thread's block) and its thread's (so a
 * thrace thread destroys its blocks before join returns). Blocks of threads
 * thrace did not start are destroyed by the pthread key's destructor.
 */
#include "thread.h"

#include <stdalign.h>
#include <stdlib.h>

/* A node of an intrusive list that can unlink itself. */
typedef struct link {
    struct link *next, **pprev;
} link;

typedef struct instance {
    thrace_local *local;
    link in_local;  /* in its local's list */
    link in_thread; /* in its thread's list */
    alignas(max_align_t) unsigned char data[];
} instance;

static pthread_mutex_t locals_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread link *thread_instances;

static void locals_lock(void)
{
    THRACE__CHECK(pthread_mutex_lock(&locals_mutex));
}

static void locals_unlock(void)
{
    THRACE__CHECK(pthread_mutex_unlock(&locals_mutex));
}

static void link_push(link **head, link *node)
{
    node->next = *head;
    if (*head)
        (*head)->pprev = &node->next;
    *head = node;
    node->pprev = head;
}

static void link_cut(link *node)
{
    *node->pprev = node->next;
    if (node->next)
        node->next->pprev = node->pprev;
}

static instance *of_local_link(link *node)
{
    return (instance *)((char *)node - offsetof(instance, in_local));
}

static instance *of_thread_link(link *node)
{
    return (instance *)((char *)node - offsetof(instance, in_thread));
}

static void instance_free(instance *inst, void (*destroy)(void *))
{
    if (destroy)
        destroy(inst->data);
    free(inst);
}

/* pthread key destructor: a thread thrace did not start has ended. */
static void instance_exit(void *arg)
{
    instance *inst = arg;
    void (*destroy)(void *) = inst->local->_destroy;
    locals_lock();
    link_cut(&inst->in_local);
    link_cut(&inst->in_thread);
    locals_unlock();
    instance_free(inst, destroy);
}

int thrace_local_init(thrace_local *l, size_t size, void (*init)(void *data, void *arg), void *arg,
                      void (*destroy)(void *data))
{
    if (pthread_key_create(&l->_key, instance_exit) != 0)
        return THRACE_ENOMEM;
    l->_size = size;
    l->_init = init;
    l->_arg = arg;
    l->_destroy = destroy;
    l->_instances = NULL;
    return THRACE_OK;
}

void *thrace_local_get(thrace_local *l)
{
    instance *inst = pthread_getspecific(l->_key);
    if (THRACE__LIKELY(inst != NULL))
        return inst->data;
    inst = calloc(1, sizeof *inst + l->_size);
    if (!inst)
        return NULL;
    inst->local = l;
    if (pthread_setspecific(l->_key, inst) != 0) {
        free(inst);
        return NULL;
    }
    locals_lock();
    link_push((link **)&l->_instances, &inst->in_local);
    link_push(&thread_instances, &inst->in_thread);
    locals_unlock();
    if (l->_init)
        l->_init(inst->data, l->_arg);
    return inst->data;
}

void thrace__local_thread_exit(void)
{
    for (;;) {
        locals_lock();
        instance *inst = thread_instances ? of_thread_link(thread_instances) : NULL;
        if (inst) {
            link_cut(&inst->in_local);
            link_cut(&inst->in_thread);
        }
        locals_unlock();
        if (!inst)
            return;
        pthread_setspecific(inst->local->_key, NULL);
        instance_free(inst, inst->local->_destroy);
    }
}

void thrace_local_destroy(thrace_local *l)
{
    locals_lock();
    link *all = l->_instances;
    l->_instances = NULL;
    for (link *node = all; node; node = node->next)
        link_cut(&of_local_link(node)->in_thread);
    locals_unlock();
    while (all) {
        link *next = all->next;
        instance_free(of_local_link(all), l->_destroy);
        all = next;
    }
    pthread_key_delete(l->_key);
}
