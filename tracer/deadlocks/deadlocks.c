/*
 * deadlocks.c - runs the analyses of analysis.h over a stored trace,
 * prints what they find in the format of README.md and a summary line.
 * Also keeps the wait-for cycles told, which the later analyses consult,
 * and the threads and objects the findings name (once each, and as
 * mentions: each naming, with where the report then was), and holds a run to its
 * time budget: checked between the analyses and by lockorder.c's search
 * loop, and inside SQLite by a progress handler installed for the run.
 */
#include "analysis.h"

#include "store.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int deadlocks_new_cycle(deadlocks_report *r, const deadlocks_member *members, int n, failure *why)
{
    for (size_t i = 0; i < r->ncycles; i++)
        if (r->cycles[i].n == n &&
            memcmp(r->cycles[i].members, members, (size_t)n * sizeof *members) == 0)
            return 0;
    deadlocks_cycle *cycles = realloc(r->cycles, (r->ncycles + 1) * sizeof *cycles);
    deadlocks_member *copy = malloc((size_t)n * sizeof *copy);
    if (cycles)
        r->cycles = cycles;
    if (!cycles || !copy) {
        free(copy);
        failure_set(why, "out of memory");
        return -1;
    }
    memcpy(copy, members, (size_t)n * sizeof *copy);
    r->cycles[r->ncycles++] = (deadlocks_cycle){copy, n, false};
    return 1;
}

/* The member of a cycle told with that wait (by_thread: thread) id, or
 * NULL. A thread is in a deadlock only by a cycle that is one, not by
 * one unknown after a gap; its waits were told either way. */
static const deadlocks_member *deadlocks_member_of(const deadlocks_report *r, int64_t id,
                                                   bool by_thread)
{
    for (size_t i = 0; i < r->ncycles; i++)
        for (int k = 0; k < r->cycles[i].n && !(by_thread && r->cycles[i].unknown); k++) {
            const deadlocks_member *m = &r->cycles[i].members[k];
            if ((by_thread ? m->thread_id : m->wait_id) == id)
                return m;
        }
    return NULL;
}

bool deadlocks_in_cycle(const deadlocks_report *r, int64_t wait_id)
{
    return deadlocks_member_of(r, wait_id, false) != NULL;
}

bool deadlocks_thread_in_cycle(const deadlocks_report *r, int64_t thread_id)
{
    return deadlocks_member_of(r, thread_id, true) != NULL;
}

static bool deadlocks_waits_for(const deadlocks_cycle *c, int64_t object_id)
{
    for (int k = 0; k < c->n; k++)
        if (c->members[k].object_id == object_id)
            return true;
    return false;
}

bool deadlocks_cycle_on(const deadlocks_report *r, const int64_t *objects, int n)
{
    for (size_t i = 0; i < r->ncycles; i++) {
        bool same = r->cycles[i].n == n && !r->cycles[i].unknown;
        for (int k = 0; same && k < n; k++)
            same = deadlocks_waits_for(&r->cycles[i], objects[k]);
        if (same)
            return true;
    }
    return false;
}

static bool deadlocks_name_one(deadlocks_report *r, int64_t kind, int64_t id, failure *why)
{
    if (keymap_get(&r->named_set, (uint64_t)kind, (uint64_t)id))
        return true;
    /* Pairs: room for one more makes room for two (the capacity stays even). */
    if (!grow_for(&r->named, r->nnamed, &r->named_cap, sizeof *r->named, 32) ||
        !keymap_put(&r->named_set, (uint64_t)kind, (uint64_t)id, r))
        return failure_set(why, "out of memory");
    r->named[r->nnamed++] = kind;
    r->named[r->nnamed++] = id;
    return true;
}

/* Keeps who the finding being told names, and where it is told. */
static bool deadlocks_mention_one(deadlocks_report *r, int64_t thread_id, int64_t object_id,
                                  failure *why)
{
    if (!grow_for(&r->mentions, r->nmentions, &r->mentions_cap, sizeof *r->mentions, 16))
        return failure_set(why, "out of memory");
    r->mentions[r->nmentions++] = (deadlocks_mention){ftell(r->out), thread_id, object_id};
    return true;
}

bool deadlocks_keep_named(deadlocks_report *r, int64_t thread_id, int64_t object_id, failure *why)
{
    return (!thread_id || deadlocks_name_one(r, 0, thread_id, why)) &&
           (!object_id || deadlocks_name_one(r, 1, object_id, why)) &&
           deadlocks_mention_one(r, thread_id, object_id, why);
}

bool deadlocks_keep_seen(deadlocks_report *r, int64_t thread_id, int64_t object_id, int64_t ts,
                         failure *why)
{
    deadlocks_seen *seen = realloc(r->seen, (r->nseen + 1) * sizeof *seen);
    if (!seen)
        return failure_set(why, "out of memory");
    r->seen = seen;
    r->seen[r->nseen++] = (deadlocks_seen){thread_id, object_id, ts};
    return true;
}

void deadlocks_free(deadlocks_report *r)
{
    free(r->seen);
    free(r->leaked);
    free(r->named);
    free(r->mentions);
    keymap_free(&r->named_set);
    for (size_t i = 0; i < r->ncycles; i++)
        free(r->cycles[i].members);
    free(r->cycles);
    moment_free(r->at);
    catalog_free(&r->cat);
}

bool deadlocks_any(const deadlocks_report *r)
{
    return r->deadlocks || r->possible || r->stuck || r->leaks || r->overreleases;
}

void deadlocks_counts(const deadlocks_report *r, char *out, size_t size)
{
    const int n[] = {r->deadlocks, r->possible, r->stuck, r->leaks, r->overreleases};
    const char *const what[] = {"deadlock", "possible deadlock", "stuck wait", "leak",
                                "over-release"};
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < 5 && used < size; i++)
        if (n[i])
            used += (size_t)snprintf(out + used, size - used, "%s%d %s%s", used ? ", " : "", n[i],
                                     what[i], n[i] == 1 ? "" : "s");
}

static int64_t deadlocks_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static bool deadlocks_late(const deadlocks_report *r)
{
    return r->deadline_ns && deadlocks_now() >= r->deadline_ns;
}

bool deadlocks_in_time(deadlocks_report *r, failure *why)
{
    if (!deadlocks_late(r))
        return true;
    r->over_budget = true;
    return failure_set(why, "the analysis took longer than its budget (%g s)",
                       (double)r->budget_ns / 1e9);
}

/* SQLite's progress handler during a run with a budget: nonzero interrupts
 * the statement under way. */
static int deadlocks_progress(void *report)
{
    return deadlocks_late(report);
}

/* Reads the losses by cause and heads the report with them: every finding
 * below is read through them. False on a database error (reason in why). */
static bool deadlocks_losses(deadlocks_report *r, failure *why)
{
    if (!losses_read(r->db, r->trace_id, &r->lost, why))
        return false;
    if (losses_any(&r->lost)) {
        fprintf(r->out, "lost from the trace, so unknown here:\n");
        losses_print(&r->lost, r->out);
        fputc('\n', r->out);
    }
    return true;
}

static void deadlocks_summary(const deadlocks_report *r)
{
    char path[3 * PATH_MAX]; /* escaped: a newline in it would split the line */
    char unknown[64] = "";
    escape_controls(r->path, path, sizeof path);
    if (r->unknown)
        snprintf(unknown, sizeof unknown, "; %d unknown after a gap", r->unknown);
    if (!deadlocks_any(r)) {
        fprintf(r->out, "thrace deadlocks: %s: no deadlock, no lock-order cycle, no stuck wait%s\n",
                path, unknown);
        return;
    }
    fprintf(r->out, "thrace deadlocks: %s: %d deadlock%s, %d possible deadlock%s, %d stuck wait%s",
            path, r->deadlocks, r->deadlocks == 1 ? "" : "s", r->possible,
            r->possible == 1 ? "" : "s", r->stuck, r->stuck == 1 ? "" : "s");
    /* named only when found: a clean run's line stays as it was */
    if (r->leaks)
        fprintf(r->out, ", %d leak%s", r->leaks, r->leaks == 1 ? "" : "s");
    if (r->overreleases)
        fprintf(r->out, ", %d over-release%s", r->overreleases, r->overreleases == 1 ? "" : "s");
    fprintf(r->out, "%s\n", unknown);
}

enum { DEADLOCKS_PROGRESS_STEPS = 10000 }; /* SQLite's VM steps between two looks at the clock */

bool deadlocks_analyse(sqlite3 *db, const char *path, int64_t trace_id, int64_t live_grace_ns,
                       int64_t budget_ns, FILE *out, deadlocks_report *r, failure *why)
{
    *r = (deadlocks_report){.db = db,
                            .path = path,
                            .out = out,
                            .trace_id = trace_id,
                            .live_grace_ns = live_grace_ns,
                            .budget_ns = budget_ns,
                            .deadline_ns = budget_ns ? deadlocks_now() + budget_ns : 0};
    if (budget_ns)
        sqlite3_progress_handler(db, DEADLOCKS_PROGRESS_STEPS, deadlocks_progress, r);
    bool ok = catalog_load(db, &r->cat, why) && (r->at = moment_new(db, why)) &&
              deadlocks_losses(r, why) && deadlocks_in_time(r, why) && waitfor_report(r, why) &&
              deadlocks_in_time(r, why) && lockorder_report(r, why) && deadlocks_in_time(r, why) &&
              leaks_report(r, why) && deadlocks_in_time(r, why) && stuck_report(r, why) &&
              seen_report(r, why) && variables_report(r, why);
    if (budget_ns)
        sqlite3_progress_handler(db, 0, NULL, NULL); /* the connection may serve others */
    if (!ok)
        deadlocks_in_time(r, why); /* "interrupted" was the budget */
    else
        deadlocks_summary(r);
    return ok;
}

bool deadlocks_analyse_text(sqlite3 *db, const char *path, int64_t trace_id, int64_t live_grace_ns,
                            int64_t budget_ns, char **text, deadlocks_report *r, failure *why)
{
    size_t size;
    *text = NULL;
    FILE *out = open_memstream(text, &size);
    if (!out) {
        *r = (deadlocks_report){0};
        return failure_set(why, "out of memory");
    }
    bool ok = deadlocks_analyse(db, path, trace_id, live_grace_ns, budget_ns, out, r, why);
    bool written = fclose(out) == 0;
    return ok && (written || failure_set(why, "out of memory"));
}

int deadlocks_run(sqlite3 *db, const char *path, int64_t trace_id, FILE *out)
{
    deadlocks_report r;
    failure why;
    bool ok = deadlocks_analyse(db, path, trace_id, DEADLOCKS_LIVE_GRACE_NS, 0, out, &r, &why);
    if (!ok)
        fprintf(stderr, "thrace deadlocks: %s: %s\n", path, why.text);
    int status = !ok ? DEADLOCKS_FAILED : deadlocks_any(&r) ? DEADLOCKS_FOUND : DEADLOCKS_NONE;
    deadlocks_free(&r);
    return status;
}
