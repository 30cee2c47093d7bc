/*
 * deadlock.c - the wait-for graph of in-process deadlock detection and its
 * report (see deadlock.h; format: tracer/deadlocks/README.md).
 *
 * The graph has a node per thread that took or waited for a user-visible
 * lock (what it waits for, and since when) and a hold per held lock, keyed
 * by the lock's object id (never its address, which a new lock may reuse):
 * its holder, since when, and the acquire's call site. One mutex guards it
 * all; it is taken only when detection is on, and no other lock is taken
 * while it is held (malloc's aside), so it nests under none. Holds are
 * recorded after the lock word is taken and dropped before it is released,
 * and a thread's wait is recorded before it blocks and dropped (turned into
 * a hold when it got the lock) once it is back: under the mutex, each
 * recorded hold is real (unless another thread released a Lock in the
 * instant between its taking and its recording) and each recorded wait is
 * real or about to end with the lock unheld, so a cycle seen there is a
 * cycle. Only a wait can close a cycle (a thread recording a hold is
 * running), and the thread recording it looks then: each cycle is told
 * once, by the thread whose wait closed it.
 *
 * A thread that ends tells the Locks and RLocks it still holds as leaks
 * (its holds, oldest first, with their waiters); nothing else can be sure
 * of its end as it can. A hold keeps its lock's object and depth for that:
 * what names it, and an RLock's recursion count, which only its holder
 * writes, and reads then.
 *
 * A node lives while its thread runs and while it holds something (a Lock
 * may be released by another thread after its taker ended): its references
 * are its thread's and one per hold. Across fork, the mutex is held; in the
 * child only the forking thread's node stays waiting-capable.
 */
#include "deadlock.h"

#include "deadline.h"
#include "foreign.h"
#include "thread.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct node {
    struct node *prev, *next; /* the live threads' nodes */
    thrace_thread *thread;    /* a reference: its name */
    uint64_t tid;             /* thrace id: a report starts at the smallest */
    unsigned long refs;       /* its running thread's, and one per hold */
    thrace__obj *waits_for;   /* NULL unless waiting */
    uint64_t waits_id;        /* its id */
    int kind;
    const unsigned long *depth;
    const thrace__site *site;
    struct timespec since;
} node;

typedef struct hold {
    struct hold *next; /* in its bucket, or among the spares */
    uint64_t obj;
    thrace__obj *o; /* its name */
    int kind;
    const unsigned long *depth; /* an RLock's, else NULL */
    node *holder;
    const thrace__site *site;
    struct timespec since;
} hold;

enum { HOLD_BITS = 8 };

bool thrace__deadlock_on;
static pthread_mutex_t graph_mutex = PTHREAD_MUTEX_INITIALIZER;
static node live = {.prev = &live, .next = &live};
static size_t live_count;
static hold *holds[1 << HOLD_BITS];
static hold *spares;
static THRACE__TLS node *self_node;
static struct timespec loaded_at; /* report times count from here */

static void graph_lock(void)
{
    THRACE__CHECK(pthread_mutex_lock(&graph_mutex));
}

static void graph_unlock(void)
{
    THRACE__CHECK(pthread_mutex_unlock(&graph_mutex));
}

/* ---- nodes and holds (graph mutex held) ---------------------------------- */

static void node_unref(node *n)
{
    if (--n->refs > 0)
        return;
    thrace_thread_unref(n->thread);
    free(n);
}

static void node_unlink(node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = NULL;
    live_count--;
}

static hold **hold_slot(uint64_t obj)
{
    hold **slot = &holds[(obj * 0x9E3779B97F4A7C15ull) >> (64 - HOLD_BITS)];
    while (*slot && (*slot)->obj != obj)
        slot = &(*slot)->next;
    return slot;
}

static hold *hold_find(uint64_t obj)
{
    return *hold_slot(obj);
}

/* Records that n holds obj (object o, of kind, depth as deadlock.h says); a
 * record left by a missed release is replaced. */
static void hold_set(uint64_t obj, thrace__obj *o, int kind, const unsigned long *depth, node *n,
                     const thrace__site *site, struct timespec since)
{
    hold **slot = hold_slot(obj);
    hold *h = *slot;
    n->refs++;
    if (h) {
        node_unref(h->holder);
    } else {
        h = spares ? spares : malloc(sizeof *h);
        if (!h) {
            n->refs--; /* out of memory: this hold goes unseen, never falsely seen */
            return;
        }
        if (h == spares)
            spares = h->next;
        *h = (hold){.obj = obj};
        *slot = h;
    }
    h->o = o;
    h->kind = kind;
    h->depth = depth;
    h->holder = n;
    h->site = site;
    h->since = since;
}

static void hold_drop(uint64_t obj)
{
    hold **slot = hold_slot(obj);
    hold *h = *slot;
    if (!h)
        return;
    *slot = h->next;
    node_unref(h->holder);
    h->next = spares;
    spares = h;
}

/* ---- the calling thread's node ------------------------------------------ */

/* The caller's node, made on its first use; NULL when out of memory. */
static node *self(void)
{
    if (THRACE__LIKELY(self_node != NULL))
        return self_node;
    thrace_thread *t = thrace_current_thread();
    node *n = t ? calloc(1, sizeof *n) : NULL;
    if (!n)
        return NULL;
    n->thread = thrace_thread_ref(t);
    n->tid = t->trace_id;
    n->refs = 1;
    graph_lock();
    n->prev = live.prev;
    n->next = &live;
    live.prev->next = n;
    live.prev = n;
    live_count++;
    graph_unlock();
    return self_node = n;
}

/* ---- cycles and their report (graph mutex held) -------------------------- */

/* The number of threads in the cycle that me closes by its wait, or 0. */
static size_t cycle_length(const node *me)
{
    uint64_t obj = me->waits_id;
    for (size_t n = 1; n <= live_count; n++) {
        const hold *h = hold_find(obj);
        if (!h)
            return 0;
        if (h->holder == me)
            return n;
        if (!h->holder->waits_for)
            return 0;
        obj = h->holder->waits_id;
    }
    return 0; /* it leads into a cycle without me, told when that one closed */
}

/* What lock o (object id, kind) is called: its name, or "Lock-3" (kind, serial). */
static const char *deadlock_lock_name(thrace__obj *o, uint64_t id, int kind, char *buf, size_t size)
{
    const char *name = __atomic_load_n(&o->_name, __ATOMIC_ACQUIRE);
    if (name)
        return name;
    snprintf(buf, size, "%s-%llu", kind == VOCAB_KIND_rlock ? "RLock" : "Lock",
             (unsigned long long)id);
    return buf;
}

/* What the waited lock is called. */
static const char *object_name(const node *waiter, char *buf, size_t size)
{
    return deadlock_lock_name(waiter->waits_for, waiter->waits_id, waiter->kind, buf, size);
}

static const char *site_text(const thrace__site *site, char *buf, size_t size)
{
    if (!site)
        return "an unknown site";
    const char *slash = strrchr(site->file, '/');
    if (site->line == 0 && !site->func[0]) /* a return address in no known function */
        snprintf(buf, size, "%s", slash ? slash + 1 : site->file);
    else if (site->line == 0) /* a return address (foreign_site.c): no line to tell */
        snprintf(buf, size, "%s in %s()", slash ? slash + 1 : site->file, site->func);
    else
        snprintf(buf, size, "%s:%d in %s()", slash ? slash + 1 : site->file, site->line,
                 site->func);
    return buf;
}

static double seconds_since_load(struct timespec t)
{
    return (double)(t.tv_sec - loaded_at.tv_sec) + (double)(t.tv_nsec - loaded_at.tv_nsec) / 1e9;
}

/* Member i: what it waits for, and its hold on what member i - 1 waits for. */
static void describe_member(FILE *f, node **m, size_t n, size_t i, struct timespec at)
{
    char obj[96], held[96], site[256], taken[256];
    const char *name = thrace_thread_name(m[i]->thread);
    const node *prev = m[(i + n - 1) % n];
    const hold *h = hold_find(prev->waits_id);
    fprintf(f, "  %s waits for %s since %.6f s at %s\n", name, object_name(m[i], obj, sizeof obj),
            seconds_since_load(m[i]->since), site_text(m[i]->site, site, sizeof site));
    fprintf(f, "  %*s holds %s since %.6f s (for %.6f s), taken at %s\n", (int)strlen(name), "",
            object_name(prev, held, sizeof held), seconds_since_load(h->since),
            seconds_since_load(at) - seconds_since_load(h->since),
            site_text(h->site, taken, sizeof taken));
}

/* Writes the report of the cycle of m[0..n), starting at its smallest id. */
static void describe_cycle(FILE *f, node **m, size_t n, struct timespec at)
{
    size_t first = 0;
    for (size_t i = 1; i < n; i++)
        if (m[i]->tid < m[first]->tid)
            first = i;
    char obj[96];
    fputs("deadlock: ", f);
    for (size_t k = 0; k < n; k++) {
        const node *member = m[(first + k) % n];
        fprintf(f, "%s -> %s -> ", thrace_thread_name(member->thread),
                object_name(member, obj, sizeof obj));
    }
    fprintf(f, "%s (pid %ld, at %.6f s)\n", thrace_thread_name(m[first]->thread), (long)getpid(),
            seconds_since_load(at));
    for (size_t k = 0; k < n; k++)
        describe_member(f, m, n, (first + k) % n, at);
}

/* The report of the cycle me closes (n threads), or NULL when out of memory. */
static char *report(node *me, size_t n)
{
    node **m = malloc(n * sizeof *m);
    char *text = NULL;
    size_t size;
    FILE *f = m ? open_memstream(&text, &size) : NULL;
    if (f) {
        m[0] = me;
        for (size_t i = 1; i < n; i++)
            m[i] = hold_find(m[i - 1]->waits_id)->holder;
        describe_cycle(f, m, n, me->since);
        if (fclose(f) != 0) {
            free(text);
            text = NULL;
        }
    }
    free(m);
    return text;
}

/* ---- locks held by a thread that ends (graph mutex held) ----------------- */

static int deadlock_holds_oldest_first(const void *a, const void *b)
{
    const hold *x = *(const hold *const *)a, *y = *(const hold *const *)b;
    if (x->since.tv_sec != y->since.tv_sec)
        return x->since.tv_sec < y->since.tv_sec ? -1 : 1;
    return (x->since.tv_nsec > y->since.tv_nsec) - (x->since.tv_nsec < y->since.tv_nsec);
}

/* The Locks and RLocks n holds (not an RWLock's write hold: no leak
 * `thrace deadlocks` tells), oldest first, into out (room for all n's
 * holds); their number. */
static size_t deadlock_leaks_held(const node *n, const hold **out)
{
    size_t count = 0;
    for (size_t b = 0; b < sizeof holds / sizeof *holds; b++)
        for (const hold *h = holds[b]; h; h = h->next)
            if (h->holder == n && (h->kind == VOCAB_KIND_lock || h->kind == VOCAB_KIND_rlock))
                out[count++] = h;
    qsort(out, count, sizeof *out, deadlock_holds_oldest_first);
    return count;
}

/* One hold's leak: which thread ended holding what, where it was taken,
 * and who waits for it. */
static void deadlock_leak_describe(FILE *f, const node *me, const hold *h, struct timespec now)
{
    char obj[96], site[256], depth[32] = "";
    const char *name = deadlock_lock_name(h->o, h->obj, h->kind, obj, sizeof obj);
    if (h->depth && *h->depth > 1)
        snprintf(depth, sizeof depth, " (depth %lu)", *h->depth);
    fprintf(f, "leak: %s ended holding %s (pid %ld, at %.6f s)\n", thrace_thread_name(me->thread),
            name, (long)getpid(), seconds_since_load(now));
    fprintf(f, "  %s taken at %.6f s at %s, never released%s\n", name, seconds_since_load(h->since),
            site_text(h->site, site, sizeof site), depth);
    for (const node *w = live.next; w != &live; w = w->next)
        if (w->waits_for && w->waits_id == h->obj)
            fprintf(f, "  %s waits for it since %.6f s at %s\n", thrace_thread_name(w->thread),
                    seconds_since_load(w->since), site_text(w->site, site, sizeof site));
}

/* The leaks of the locks me still holds as its thread ends, or NULL (none,
 * or out of memory). */
static char *deadlock_leaks_report(const node *me, struct timespec now)
{
    size_t holding = me->refs - 1; /* its thread's reference, then one per hold */
    if (holding == 0)
        return NULL;
    const hold **held = malloc(holding * sizeof *held);
    char *text = NULL;
    size_t size, n = held ? deadlock_leaks_held(me, held) : 0;
    FILE *f = n ? open_memstream(&text, &size) : NULL;
    if (f) {
        for (size_t i = 0; i < n; i++)
            deadlock_leak_describe(f, me, held[i], now);
        if (fclose(f) != 0) {
            free(text);
            text = NULL;
        }
    }
    free(held);
    return text;
}

/* ---- telling ------------------------------------------------------------ */

/* Prints the report on stderr, each line prefixed, in one write. */
static void deadlock_tell_stderr(const char *text)
{
    static const char prefix[] = "thrace: ";
    size_t lines = 0, len = strlen(text);
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    char *out = malloc(len + lines * (sizeof prefix - 1) + 1);
    if (out) {
        char *w = out;
        for (const char *line = text; *line;) {
            const char *end = strchr(line, '\n');
            size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
            memcpy(w, prefix, sizeof prefix - 1);
            memcpy(w + sizeof prefix - 1, line, n);
            w += sizeof prefix - 1 + n;
            line += n;
        }
        fwrite(out, 1, (size_t)(w - out), stderr);
        free(out);
    }
}

/* Prints the report on stderr and traces it. */
static void tell(const char *text, uint64_t obj)
{
    deadlock_tell_stderr(text);
    THRACE__TRACE(deadlock, thrace__trace_tid(), obj, text);
}

/* ---- what the locks tell ------------------------------------------------ */

void thrace__deadlock_note_held(thrace__obj *o, int kind, const unsigned long *depth,
                                const thrace__site *site)
{
    node *me = self();
    if (!me)
        return;
    uint64_t obj = thrace__trace_obj(o, kind);
    struct timespec now = thrace__clock_now();
    graph_lock();
    hold_set(obj, o, kind, depth, me, site, now);
    graph_unlock();
}

void thrace__deadlock_note_wait(thrace__obj *o, int kind, const unsigned long *depth,
                                const thrace__site *site)
{
    node *me = self();
    if (!me)
        return;
    uint64_t obj = thrace__trace_obj(o, kind);
    struct timespec now = thrace__clock_now();
    graph_lock();
    me->waits_for = o;
    me->waits_id = obj;
    me->kind = kind;
    me->depth = depth;
    me->site = site;
    me->since = now;
    size_t n = cycle_length(me);
    char *text = n ? report(me, n) : NULL;
    graph_unlock();
    if (text)
        tell(text, obj);
    free(text);
}

void thrace__deadlock_note_wait_end(bool acquired)
{
    node *me = self_node;
    if (!me || !me->waits_for)
        return;
    struct timespec now = thrace__clock_now();
    graph_lock();
    if (acquired)
        hold_set(me->waits_id, me->waits_for, me->kind, me->depth, me, me->site, now);
    me->waits_for = NULL;
    graph_unlock();
}

void thrace__deadlock_note_released(thrace__obj *o)
{
    /* A lock never given an id was never recorded as held. */
    uint64_t obj = __atomic_load_n(&o->_id, __ATOMIC_RELAXED);
    if (obj == 0)
        return;
    graph_lock();
    hold_drop(obj);
    graph_unlock();
}

void thrace__deadlock_note_thread_exit(void)
{
    node *me = self_node;
    if (!me)
        return;
    self_node = NULL;
    struct timespec now = thrace__clock_now();
    graph_lock();
    char *text = deadlock_leaks_report(me, now);
    node_unlink(me);
    node_unref(me);
    graph_unlock();
    if (text)
        deadlock_tell_stderr(text);
    free(text);
}

/* ---- set-up ------------------------------------------------------------- */

/* In the child of a fork only the forking thread runs: the others' nodes
 * stop waiting and leave, keeping what they held held. */
static void keep_only_self_in_child(void)
{
    for (node *n = live.next, *next; n != &live; n = next) {
        next = n->next;
        if (n != self_node) {
            n->waits_for = NULL;
            node_unlink(n);
            node_unref(n);
        }
    }
    graph_unlock();
}

__attribute__((constructor)) static void deadlock_init(void)
{
    const char *env = getenv("THRACE_DEADLOCK");
    if (!env || strcmp(env, "1") != 0)
        return;
    loaded_at = thrace__clock_now();
    thrace__deadlock_on = true;
    thrace__foreign_watching = true;
    THRACE__CHECK(pthread_atfork(graph_lock, graph_unlock, keep_only_self_in_child));
}
