/*
 * statedump.c - LTTng-UST's statedump events as model_binary
 * (statedump.h), and the process's name. A member counts only with the
 * type LTTng-UST gives it: baddr and memsz unsigned integers, path and
 * procname strings (libbabeltrace2 reads procname's text array as one),
 * build_id an array of unsigned integers (bytes); a class lacking one is
 * not read at all.
 */
#include "statedump.h"

#include "btmsg.h"

#include <string.h>

/* Whether the member named name has a class of type (or of a kind of it:
 * unsigned integers cover enumerations), its index in *index. */
static bool statedump_typed(const bt_field_class *payload, const char *name,
                            bt_field_class_type type, uint64_t *index)
{
    return btmsg_member(payload, name, type, index) != NULL;
}

/* Whether the member named name is an array of unsigned integers (bytes). */
static bool statedump_bytes_typed(const bt_field_class *payload, const char *name, uint64_t *index)
{
    const bt_field_class *fc = btmsg_member(payload, name, BT_FIELD_CLASS_TYPE_ARRAY, index);
    return fc &&
           bt_field_class_type_is(
               bt_field_class_get_type(bt_field_class_array_borrow_element_field_class_const(fc)),
               BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER);
}

statedump_layout statedump_layout_of(const char *name, const bt_field_class *payload)
{
    statedump_layout l = {STATEDUMP_NONE, 0, 0, 0, 0, 0};
    const bt_field_class_type number = BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER;
    if (name && strcmp(name, "lttng_ust_statedump:procname") == 0 &&
        statedump_typed(payload, "procname", BT_FIELD_CLASS_TYPE_STRING, &l.procname))
        l.which = STATEDUMP_PROCNAME;
    if (!name || l.which || !statedump_typed(payload, "baddr", number, &l.baddr))
        return l;
    if (strcmp(name, "lttng_ust_statedump:bin_info") == 0 &&
        statedump_typed(payload, "memsz", number, &l.memsz) &&
        statedump_typed(payload, "path", BT_FIELD_CLASS_TYPE_STRING, &l.path))
        l.which = STATEDUMP_BIN_INFO;
    else if (strcmp(name, "lttng_ust_statedump:build_id") == 0 &&
             statedump_bytes_typed(payload, "build_id", &l.build_id))
        l.which = STATEDUMP_BUILD_ID;
    return l;
}

static uint64_t statedump_unsigned(const bt_field *payload, uint64_t index)
{
    return bt_field_integer_unsigned_get_value(
        bt_field_structure_borrow_member_field_by_index_const(payload, index));
}

/* The array's bytes into id (at most size): their count. */
static size_t statedump_bytes(const bt_field *array, uint8_t *id, size_t size)
{
    uint64_t n = bt_field_array_get_length(array);
    size_t i = 0;
    for (; i < n && i < size; i++)
        id[i] = (uint8_t)bt_field_integer_unsigned_get_value(
            bt_field_array_borrow_element_field_by_index_const(array, i));
    return i;
}

void statedump_read(const statedump_layout *l, const bt_field *payload, model_binary *b,
                    uint8_t *id, size_t size)
{
    b->base = statedump_unsigned(payload, l->baddr);
    b->size = 0;
    b->path = NULL;
    b->build_id = NULL;
    b->build_id_len = 0;
    if (l->which == STATEDUMP_BIN_INFO) {
        b->size = statedump_unsigned(payload, l->memsz);
        b->path =
            btmsg_string(bt_field_structure_borrow_member_field_by_index_const(payload, l->path));
    } else {
        b->build_id = id;
        b->build_id_len = statedump_bytes(
            bt_field_structure_borrow_member_field_by_index_const(payload, l->build_id), id, size);
    }
}

const char *statedump_procname(const statedump_layout *l, const bt_field *payload)
{
    return btmsg_string(
        bt_field_structure_borrow_member_field_by_index_const(payload, l->procname));
}
