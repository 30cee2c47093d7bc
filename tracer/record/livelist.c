/*
 * livelist.c - a relay daemon's live sessions through libbabeltrace2's
 * query "sessions" of src.ctf.lttng-live (what `babeltrace2 -i lttng-live
 * net://HOST:PORT` prints), so that the list is read the way the readers
 * that follow the sessions will connect, with no protocol code of ours.
 *
 * Each query loads the ctf plugin and connects anew: it holds nothing
 * between calls, so any thread may call it (one at a time per array).
 */
#include "livelist.h"

#include "ingest.h"

#include <babeltrace2/babeltrace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The string entry key of map into out ("" when missing). */
static void livelist_string(const bt_value *map, const char *key, char *out, size_t size)
{
    const bt_value *v = bt_value_map_borrow_entry_value_const(map, key);
    snprintf(out, size, "%s", v && bt_value_is_string(v) ? bt_value_string_get(v) : "");
}

/* The integer entry key of map (0 when missing); libbabeltrace2 2.0 gives unsigned ones. */
static uint64_t livelist_uint(const bt_value *map, const char *key)
{
    const bt_value *v = bt_value_map_borrow_entry_value_const(map, key);
    if (v && bt_value_is_unsigned_integer(v))
        return bt_value_integer_unsigned_get(v);
    if (v && bt_value_is_signed_integer(v) && bt_value_integer_signed_get(v) > 0)
        return (uint64_t)bt_value_integer_signed_get(v);
    return 0;
}

/* Copies the query's result, an array of maps, into a new array; false when out of memory. */
static bool livelist_copy(const bt_value *result, livelist_session **out, size_t *n)
{
    uint64_t count = bt_value_is_array(result) ? bt_value_array_get_length(result) : 0;
    *out = NULL;
    *n = 0;
    if (!count)
        return true;
    livelist_session *s = calloc(count, sizeof *s);
    if (!s)
        return false;
    for (uint64_t i = 0; i < count; i++) {
        const bt_value *map = bt_value_array_borrow_element_by_index_const(result, i);
        if (!bt_value_is_map(map))
            continue;
        livelist_string(map, "url", s[*n].url, sizeof s[*n].url);
        livelist_string(map, "target-hostname", s[*n].hostname, sizeof s[*n].hostname);
        livelist_string(map, "session-name", s[*n].name, sizeof s[*n].name);
        s[*n].streams = livelist_uint(map, "stream-count");
        s[*n].clients = livelist_uint(map, "client-count");
        (*n)++;
    }
    *out = s;
    return true;
}

/* Runs the query on src.ctf.lttng-live; the result, or NULL with the error pending. */
static const bt_value *livelist_run(const bt_plugin *ctf, const char *url)
{
    const bt_component_class_source *live =
        bt_plugin_borrow_source_component_class_by_name_const(ctf, "lttng-live");
    bt_value *params = bt_value_map_create();
    bt_query_executor *q = NULL;
    const bt_value *result = NULL;
    if (live && params && bt_value_map_insert_string_entry(params, "url", url) == 0)
        q = bt_query_executor_create(bt_component_class_source_as_component_class_const(live),
                                     "sessions", params);
    if (q && bt_query_executor_query(q, &result) != BT_QUERY_EXECUTOR_QUERY_STATUS_OK)
        result = NULL;
    bt_query_executor_put_ref(q);
    bt_value_put_ref(params);
    return result;
}

bool livelist_query(const char *relayd_url, livelist_session **out, size_t *n, failure *why)
{
    const bt_plugin *ctf = NULL;
    *out = NULL;
    *n = 0;
    if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &ctf) !=
        BT_PLUGIN_FIND_STATUS_OK)
        return btmsg_fail(why, relayd_url, "libbabeltrace2's ctf plugin is missing");
    const bt_value *result = livelist_run(ctf, relayd_url);
    bt_plugin_put_ref(ctf);
    if (!result)
        return btmsg_fail(why, relayd_url, "no relay daemon answers");
    bool copied = livelist_copy(result, out, n);
    bt_value_put_ref(result);
    bt_current_thread_clear_error();
    if (!copied)
        failure_object(why, relayd_url, "out of memory");
    return copied;
}

const livelist_session *livelist_find(const livelist_session *s, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].name, name) == 0)
            return &s[i];
    return NULL;
}

void livelist_free(livelist_session *s)
{
    free(s);
}
