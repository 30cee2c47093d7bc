/*
 * wrapper.c - the pthread wrapper's events as calls (wrapper.h). A
 * member counts only with the type LTTng-UST 2.13 gives it: mutex an
 * unsigned integer (a pointer, shown in hex), status an integer (an int,
 * signed); a class lacking one is not read at all.
 */
#include "wrapper.h"

#include "btmsg.h"

#include <string.h>

/* The call the event named name traces: "lttng_ust_pthread:EVENT". */
static wrapper_which wrapper_which_of(const char *name)
{
    static const char provider[] = "lttng_ust_pthread:";
    static const struct {
        const char *event;
        wrapper_which which;
    } events[] = {{"pthread_mutex_lock_req", WRAPPER_LOCK_REQ},
                  {"pthread_mutex_lock_acq", WRAPPER_LOCK_ACQ},
                  {"pthread_mutex_trylock", WRAPPER_TRYLOCK},
                  {"pthread_mutex_unlock", WRAPPER_UNLOCK}};
    if (!name || strncmp(name, provider, sizeof provider - 1) != 0)
        return WRAPPER_NONE;
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
        if (strcmp(name + sizeof provider - 1, events[i].event) == 0)
            return events[i].which;
    return WRAPPER_NONE;
}

wrapper_layout wrapper_layout_of(const char *name, const bt_field_class *payload)
{
    wrapper_layout l = {WRAPPER_NONE, 0, 0, false};
    wrapper_which which = wrapper_which_of(name);
    if (which == WRAPPER_NONE ||
        !btmsg_member(payload, "mutex", BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER, &l.mutex))
        return l;
    if (which != WRAPPER_LOCK_REQ) {
        l.status_is_signed =
            btmsg_member(payload, "status", BT_FIELD_CLASS_TYPE_SIGNED_INTEGER, &l.status);
        if (!l.status_is_signed &&
            !btmsg_member(payload, "status", BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER, &l.status))
            return l;
    }
    l.which = which;
    return l;
}

void wrapper_read(const wrapper_layout *l, const bt_field *payload, wrapper_call *c)
{
    c->mutex = bt_field_integer_unsigned_get_value(
        bt_field_structure_borrow_member_field_by_index_const(payload, l->mutex));
    c->status = 0;
    if (l->which == WRAPPER_LOCK_REQ)
        return;
    const bt_field *status =
        bt_field_structure_borrow_member_field_by_index_const(payload, l->status);
    c->status = l->status_is_signed ? bt_field_integer_signed_get_value(status)
                                    : (int64_t)bt_field_integer_unsigned_get_value(status);
}
