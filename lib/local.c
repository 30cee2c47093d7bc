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
static THRACE__TLS link *thread_instances;

static void locals_lock(void)
{
    THRACE__CHECK(pthread_mutex_lock(&locals_mutex));
}

static void locals_unlock(void)
{
    THRACE__CHECK(pthread_mutex_unlock(&locals_mutex));
}

/* Held across fork, so that the child never inherits half-linked lists. */
__attribute__((constructor)) static void locals_init(void)
{
    THRACE__CHECK(pthread_atfork(locals_lock, locals_unlock, locals_unlock));
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

/* Unlinks inst from both lists (locals_mutex held); returns its destroy. */
static void (*detach_locked(instance *inst, pthread_key_t *key))(void *)
{
    link_cut(&inst->in_local);
    link_cut(&inst->in_thread);
    *key = inst->local->_key;
    return inst->local->_destroy;
}

/* Whether inst is still in the calling thread's list (locals_mutex held). */
static bool still_owned(const instance *inst)
{
    for (link *node = thread_instances; node; node = node->next)
        if (of_thread_link(node) == inst)
            return true;
    return false;
}

/*
 * pthread key destructor: a thread thrace did not start has ended. Its block
 * may have been freed meanwhile by thrace_local_destroy, so it is looked up in
 * the thread's own list before it is touched.
 */
static void instance_exit(void *arg)
{
    instance *inst = arg;
    pthread_key_t key;
    locals_lock();
    if (!still_owned(inst)) {
        locals_unlock();
        return;
    }
    void (*destroy)(void *) = detach_locked(inst, &key);
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
        pthread_key_t key;
        void (*destroy)(void *) = NULL;
        locals_lock();
        instance *inst = thread_instances ? of_thread_link(thread_instances) : NULL;
        if (inst)
            destroy = detach_locked(inst, &key);
        locals_unlock();
        if (!inst)
            return;
        pthread_setspecific(key, NULL); /* so that the key destructor skips it */
        instance_free(inst, destroy);
    }
}

void thrace_local_destroy(thrace_local *l)
{
    locals_lock();
    link *all = l->_instances;
    l->_instances = NULL;
    for (link *node = all; node; node = node->next)
        link_cut(&of_local_link(node)->in_thread);
    void (*destroy)(void *) = l->_destroy;
    locals_unlock();
    pthread_key_delete(l->_key);
    while (all) {
        link *next = all->next;
        instance_free(of_local_link(all), destroy);
        all = next;
    }
}
