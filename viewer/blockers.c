/*
 * blockers.c - who blocked whom around one interval (blockers.h). A wait
 * for a lock, rlock, semaphore or rwlock to write is blocked by its
 * object's holds and read holds; a wait to read by its write holds only;
 * a hold blocks the waits, a read hold the waits to write. The intervals
 * overlapping the one told are read level by level (overlap.h), at most
 * BLOCKERS_MAX + 1 a level, then the first BLOCKERS_MAX by begin are
 * kept: a few dozen rows, whatever the trace's length. No state.
 */
#include "blockers.h"
#include "base.h"
#include "jsonsql.h"
#include "overlap.h"
#include "query.h"
#include "vocabulary.h"

#include <stdlib.h>

#define OTHER_THREAD LOGQUERY_THREAD_NAME("i") /* its thread's name when it began */

static const char overlapping_sql[] =
    "SELECT i.id, i.thread_id, " OTHER_THREAD ", i.state, i.begin_ns, i.end_ns, i.outcome,"
    " c.file, c.line, c.func"
    " FROM (SELECT *, begin_ns AS ts FROM intervals WHERE object_id = ?1 AND level = ?2"
    "       AND begin_ns BETWEEN ?3 AND ?4 AND end_ns > ?5 AND state IN (?6, ?7)"
    "       ORDER BY begin_ns, id LIMIT ?8) i"
    " LEFT JOIN callsites c ON c.id = i.site_id";
static const char *const overlapping_names[] = {"id",       "thread_id", "thread", "state",
                                                "begin_ns", "end_ns",    "outcome"};
enum { OVERLAPPING_SITE = 7 };

/* What blocks (or is blocked by) a state: the two states sought (the
 * same twice for one), and whether they are its holders or its waiters. */
typedef struct {
    int state;
    const char *sought[2];
    bool holders;
} blocking_rule;

static const blocking_rule rules[] = {
    {VOCAB_STATE_waiting, {"holding", "reading"}, true},
    {VOCAB_STATE_waiting_read, {"holding", "holding"}, true},
    {VOCAB_STATE_holding, {"waiting", "waiting_read"}, false},
    {VOCAB_STATE_reading, {"waiting", "waiting"}, false},
};

typedef struct {
    int64_t begin_ns, id;
    json_t *o;
} found;

typedef struct {
    found *rows;
    size_t n, cap;
} found_list;

static int by_begin(const void *a, const void *b)
{
    const found *x = a, *y = b;
    if (x->begin_ns != y->begin_ns)
        return x->begin_ns < y->begin_ns ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* st's row as an answer's entry, with how long it overlapped iv. */
static bool keep_row(found_list *list, sqlite3_stmt *st, const blockers_of *iv)
{
    if (!grow_for(&list->rows, list->n, &list->cap, sizeof *list->rows, 32))
        return false;
    int64_t begin = sqlite3_column_int64(st, 4), end = sqlite3_column_int64(st, 5);
    int64_t from = begin > iv->begin_ns ? begin : iv->begin_ns;
    int64_t to = end < iv->end_ns ? end : iv->end_ns;
    json_t *o = jsonsql_object(st, overlapping_names, 7);
    if (!o || json_object_set_new(o, "site", jsonsql_site(st, OVERLAPPING_SITE)) != 0 ||
        json_object_set_new(o, "overlap_ns", json_integer(to - from)) != 0) {
        json_decref(o);
        return false;
    }
    list->rows[list->n++] = (found){begin, sqlite3_column_int64(st, 0), o};
    return true;
}

/* The rows of one level overlapping iv, in rule's states, into list. */
static bool read_level(sqlite3_stmt *st, const blockers_of *iv, const blocking_rule *rule,
                       int64_t level, found_list *list)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, iv->object_id);
    sqlite3_bind_int64(st, 2, level);
    sqlite3_bind_int64(st, 3, iv->begin_ns - overlap_reach(level));
    sqlite3_bind_int64(st, 4, iv->end_ns - 1);
    sqlite3_bind_int64(st, 5, iv->begin_ns);
    sqlite3_bind_text(st, 6, rule->sought[0], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, rule->sought[1], -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, BLOCKERS_MAX + 1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (!keep_row(list, st, iv))
            return false;
    return rc == SQLITE_DONE;
}

/* The first BLOCKERS_MAX of list, by begin, as an array; frees list's rows. */
static json_t *first_found(found_list *list)
{
    if (list->n > 0)
        qsort(list->rows, list->n, sizeof *list->rows, by_begin);
    json_t *array = json_array();
    for (size_t i = 0; i < list->n; i++) {
        if (array && i < BLOCKERS_MAX)
            json_array_append(array, list->rows[i].o);
        json_decref(list->rows[i].o);
    }
    free(list->rows);
    return array;
}

/* The overlapping intervals rule seeks, as an array; NULL on failure. */
static json_t *overlapping(sqlite3 *db, const blockers_of *iv, const blocking_rule *rule,
                           bool *truncated)
{
    overlap_levels levels;
    if (!overlap_find_levels(db, iv->object_id, &levels))
        return NULL;
    sqlite3_stmt *st = jsonsql_prepare(db, overlapping_sql);
    found_list list = {NULL, 0, 0};
    bool ok = st != NULL;
    for (int i = 0; ok && i < levels.n; i++)
        ok = read_level(st, iv, rule, levels.level[i], &list);
    sqlite3_finalize(st);
    *truncated = list.n > BLOCKERS_MAX;
    json_t *array = first_found(&list);
    if (!ok) {
        json_decref(array);
        return NULL;
    }
    return array;
}

bool blockers_add(sqlite3 *db, const blockers_of *iv, json_t *o)
{
    const blocking_rule *rule = NULL;
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
        if (rules[i].state == iv->state && iv->object_id != 0)
            rule = &rules[i];
    bool truncated = false;
    json_t *list = rule ? overlapping(db, iv, rule, &truncated) : json_array();
    if (!list)
        return false;
    bool holders = rule && rule->holders;
    /* Each set takes its value, failing or not. */
    int failed = json_object_set_new(o, "holders", holders ? list : json_array());
    failed |= json_object_set_new(o, "blocked", holders ? json_array() : list);
    failed |= json_object_set_new(o, "holders_truncated", json_boolean(holders && truncated));
    failed |= json_object_set_new(o, "blocked_truncated", json_boolean(!holders && truncated));
    return failed == 0;
}
