/*
 * decode.c - libbabeltrace2 event messages as model_events and
 * model_binaries, and the pthread wrapper's calls. What an event class's
 * payload holds (which member is which model field, read as which type;
 * for the statedump and the wrapper, statedump.c's and wrapper.c's
 * layouts) and where its common context keeps vtid, vpid, procname and ip are
 * worked out the first time the class is met, and kept in a keymap keyed by
 * the class's address (valid as long as the trace's graph): decoding an
 * event is then one borrow and one read per member. A compact event
 * (lock_acquired, lock_released) is decoded as the one it stands for.
 */
#include "decode.h"

#include "base.h"
#include "btmsg.h"
#include "statedump.h"
#include "store.h"
#include "wrapper.h"

#include <stdlib.h>
#include <string.h>

typedef enum { READ_UNSIGNED, READ_SIGNED, READ_REAL, READ_FLOAT, READ_STRING } decode_read;

typedef struct {
    uint64_t index; /* in the payload structure */
    vocab_field field;
    decode_read read;
} decode_member;

typedef struct {
    uint64_t index;
    decode_read read;
    bool present;
} decode_context;

/* What an event class's events hold, worked out once. */
typedef struct {
    decode_kind kind;
    statedump_layout statedump; /* DECODE_BINARY's and DECODE_PROCNAME's */
    wrapper_layout wrapper;     /* DECODE_WRAPPER's */
    const char *name;           /* the class's: valid as long as the graph */
    vocab_event type;
    bool has_clock;
    int nmembers;
    decode_member members[VOCAB_F_COUNT];
    decode_context pid; /* the payload's process field (vocabulary.h) */
    decode_context vtid, vpid, procname, ip;
} decode_class;

static bool decode_read_of(const bt_field_class *fc, decode_read *read)
{
    bt_field_class_type type = bt_field_class_get_type(fc);
    if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
        *read = READ_UNSIGNED;
    else if (bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
        *read = READ_SIGNED;
    else if (type == BT_FIELD_CLASS_TYPE_DOUBLE_PRECISION_REAL)
        *read = READ_REAL;
    else if (type == BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL)
        *read = READ_FLOAT;
    else if (type == BT_FIELD_CLASS_TYPE_STRING)
        *read = READ_STRING;
    else
        return false;
    return true;
}

/* A string field fills only a string slot, a number only a number slot. */
static bool decode_fits(decode_read read, vocab_value_type type)
{
    return (read == READ_STRING) == (type == VOCAB_TEXT);
}

static void decode_payload_layout(decode_class *dc, const bt_field_class *payload)
{
    uint64_t n = payload ? bt_field_class_structure_get_member_count(payload) : 0;
    for (uint64_t i = 0; i < n && dc->nmembers < VOCAB_F_COUNT; i++) {
        const bt_field_class_structure_member *member =
            bt_field_class_structure_borrow_member_by_index_const(payload, i);
        const char *name = bt_field_class_structure_member_get_name(member);
        const bt_field_class *fc = bt_field_class_structure_member_borrow_field_class_const(member);
        if (strcmp(name, VOCAB_PROCESS_FIELD_NAME) == 0) {
            dc->pid.index = i;
            dc->pid.present = decode_read_of(fc, &dc->pid.read) && dc->pid.read != READ_STRING;
            continue;
        }
        int field = vocab_field_of(name);
        decode_read read;
        if (field < 0 || !decode_read_of(fc, &read) ||
            !decode_fits(read, vocab_field_type((vocab_field)field)))
            continue;
        dc->members[dc->nmembers++] = (decode_member){i, (vocab_field)field, read};
    }
}

static void decode_context_layout(decode_class *dc, const bt_field_class *context)
{
    uint64_t n = context ? bt_field_class_structure_get_member_count(context) : 0;
    for (uint64_t i = 0; i < n; i++) {
        const bt_field_class_structure_member *member =
            bt_field_class_structure_borrow_member_by_index_const(context, i);
        const char *name = bt_field_class_structure_member_get_name(member);
        decode_context *c = strcmp(name, "vtid") == 0       ? &dc->vtid
                            : strcmp(name, "vpid") == 0     ? &dc->vpid
                            : strcmp(name, "procname") == 0 ? &dc->procname
                            : strcmp(name, "ip") == 0       ? &dc->ip
                                                            : NULL;
        if (c && decode_read_of(bt_field_class_structure_member_borrow_field_class_const(member),
                                &c->read)) {
            c->index = i;
            c->present = c == &dc->procname ? c->read == READ_STRING : c->read != READ_STRING;
        }
    }
}

/* The thrace event named "thrace:NAME", or VOCAB_EV_NONE for any other. */
static vocab_event decode_event_of(const char *name)
{
    static const char provider[] = "thrace:";
    if (!name || strncmp(name, provider, sizeof provider - 1) != 0)
        return VOCAB_EV_NONE;
    return vocab_event_of(name + sizeof provider - 1);
}

static decode_class *decode_class_new(const bt_event_class *cls)
{
    decode_class *dc = calloc(1, sizeof *dc);
    if (!dc)
        return NULL;
    const char *name = bt_event_class_get_name(cls);
    const bt_field_class *payload = bt_event_class_borrow_payload_field_class_const(cls);
    dc->name = name;
    dc->type = decode_event_of(name);
    dc->statedump = statedump_layout_of(name, payload);
    dc->wrapper = wrapper_layout_of(name, payload);
    dc->kind = dc->type != VOCAB_EV_NONE                   ? DECODE_EVENT
               : dc->statedump.which == STATEDUMP_PROCNAME ? DECODE_PROCNAME
               : dc->statedump.which != STATEDUMP_NONE     ? DECODE_BINARY
               : dc->wrapper.which != WRAPPER_NONE         ? DECODE_WRAPPER
                                                           : DECODE_OTHER;
    if (dc->kind == DECODE_OTHER)
        return dc;
    const bt_stream_class *sc = bt_event_class_borrow_stream_class_const(cls);
    dc->has_clock = bt_stream_class_borrow_default_clock_class_const(sc) != NULL;
    if (dc->kind == DECODE_EVENT)
        decode_payload_layout(dc, payload);
    decode_context_layout(dc, bt_stream_class_borrow_event_common_context_field_class_const(sc));
    return dc;
}

static model_value decode_value(const bt_field *f, decode_read read, vocab_value_type type)
{
    model_value v;
    switch (read) {
    case READ_UNSIGNED:
        v.i = (int64_t)bt_field_integer_unsigned_get_value(f);
        break;
    case READ_SIGNED:
        v.i = bt_field_integer_signed_get_value(f);
        break;
    case READ_REAL:
        v.d = bt_field_real_double_precision_get_value(f);
        break;
    case READ_FLOAT:
        v.d = bt_field_real_single_precision_get_value(f);
        break;
    default:
        v.s = btmsg_string(f);
        return v;
    }
    bool is_real = read == READ_REAL || read == READ_FLOAT;
    if (type == VOCAB_REAL && !is_real)
        v.d = read == READ_SIGNED ? (double)v.i : (double)(uint64_t)v.i;
    else if (type == VOCAB_INT && is_real)
        v.i = (int64_t)v.d;
    return v;
}

/* A number of a structure (the common context, the payload), when the class has it there. */
static void decode_context_int(const bt_field *ctx, const decode_context *c, bool *has,
                               int64_t *value)
{
    *has = c->present;
    if (c->present)
        *value = decode_value(bt_field_structure_borrow_member_field_by_index_const(ctx, c->index),
                              c->read, VOCAB_INT)
                     .i;
}

static void decode_contexts(const decode_class *dc, const bt_event *event, model_event *e)
{
    const bt_field *ctx = bt_event_borrow_common_context_field_const(event);
    e->has_vtid = e->has_vpid = false;
    e->procname = NULL;
    if (!ctx)
        return;
    decode_context_int(ctx, &dc->vtid, &e->has_vtid, &e->vtid);
    decode_context_int(ctx, &dc->vpid, &e->has_vpid, &e->vpid);
    if (dc->procname.present)
        e->procname = btmsg_string(
            bt_field_structure_borrow_member_field_by_index_const(ctx, dc->procname.index));
}

static void decode_imply(model_event *e, vocab_field f, int64_t value)
{
    e->f[f].i = value;
    e->present |= MODEL_FIELD(f);
}

/* A compact form (vocabulary.h) as the event it stands for, with the
 * fields it leaves out. */
static void decode_expand(model_event *e)
{
    if (e->type != VOCAB_EV_lock_acquired && e->type != VOCAB_EV_lock_released)
        return;
    bool acquired = e->type == VOCAB_EV_lock_acquired;
    e->type = acquired ? VOCAB_EV_acquire_end : VOCAB_EV_release;
    decode_imply(e, VOCAB_F_kind, VOCAB_KIND_lock);
    decode_imply(e, VOCAB_F_value, acquired ? 1 : 0);
    decode_imply(e, VOCAB_F_shared, 0);
    if (acquired) {
        decode_imply(e, VOCAB_F_outcome, VOCAB_OUTCOME_ok);
        decode_imply(e, VOCAB_F_waited_ns, 0);
    } else {
        decode_imply(e, VOCAB_F_count, 1);
    }
}

/* The event's time: 0 when its class has no clock. */
static int64_t decode_ts(const decode_class *dc, const bt_message *msg)
{
    int64_t ts = 0;
    if (dc->has_clock)
        bt_clock_snapshot_get_ns_from_origin(
            bt_message_event_borrow_default_clock_snapshot_const(msg), &ts);
    return ts;
}

/* Decodes an event message of a thrace event class. */
static void decode_fields(const decode_class *dc, const bt_message *msg, model_event *e)
{
    const bt_event *event = bt_message_event_borrow_event_const(msg);
    e->ts = decode_ts(dc, msg);
    e->present = 0;
    const bt_field *payload = bt_event_borrow_payload_field_const(event);
    for (int i = 0; i < dc->nmembers; i++) {
        const decode_member *m = &dc->members[i];
        const bt_field *f =
            bt_field_structure_borrow_member_field_by_index_const(payload, m->index);
        e->f[m->field] = decode_value(f, m->read, vocab_field_type(m->field));
        e->present |= MODEL_FIELD(m->field);
    }
    decode_expand(e);
    decode_contexts(dc, event, e);
    /* The process as the payload says it: thrace record's traces add no vpid context. */
    if (dc->pid.present)
        decode_context_int(payload, &dc->pid, &e->has_vpid, &e->vpid);
}

struct decode {
    keymap classes; /* (event class address, 0) -> decode_class */
    decode_class **owned;
    size_t n, cap;
};

decode *decode_new(void)
{
    return calloc(1, sizeof(decode));
}

static decode_class *decode_class_of(decode *d, const bt_event_class *cls)
{
    decode_class *dc = keymap_get(&d->classes, (uint64_t)(uintptr_t)cls, 0);
    if (dc)
        return dc;
    if (!grow_for(&d->owned, d->n, &d->cap, sizeof *d->owned, 32))
        return NULL;
    dc = decode_class_new(cls);
    if (!dc || !keymap_put(&d->classes, (uint64_t)(uintptr_t)cls, 0, dc)) {
        free(dc);
        return NULL;
    }
    d->owned[d->n++] = dc;
    return dc;
}

/* The event's vpid context, when its class has it. */
static void decode_vpid(const decode_class *dc, const bt_event *event, bool *has, int64_t *vpid)
{
    const bt_field *ctx = bt_event_borrow_common_context_field_const(event);
    *has = false;
    if (ctx)
        decode_context_int(ctx, &dc->vpid, has, vpid);
}

/* Decodes an event message of a statedump class we read: the binary, and its process. */
static void decode_binary(const decode_class *dc, const bt_message *msg, decoded *out)
{
    const bt_event *event = bt_message_event_borrow_event_const(msg);
    statedump_read(&dc->statedump, bt_event_borrow_payload_field_const(event), &out->binary,
                   out->build_id, sizeof out->build_id);
    decode_vpid(dc, event, &out->binary.has_vpid, &out->binary.vpid);
}

/* Decodes an event message of a wrapper class: the call, its time and contexts. */
static void decode_call(const decode_class *dc, const bt_message *msg, wrapper_call *c)
{
    const bt_event *event = bt_message_event_borrow_event_const(msg);
    wrapper_read(&dc->wrapper, bt_event_borrow_payload_field_const(event), c);
    c->which = dc->wrapper.which;
    c->event = dc->name;
    c->ts = decode_ts(dc, msg);
    model_event contexts;
    decode_contexts(dc, event, &contexts);
    c->has_vtid = contexts.has_vtid;
    c->vtid = contexts.vtid;
    c->has_vpid = contexts.has_vpid;
    c->vpid = contexts.vpid;
    c->procname = contexts.procname;
    const bt_field *ctx = bt_event_borrow_common_context_field_const(event);
    int64_t ip = 0;
    c->has_ip = false;
    if (ctx)
        decode_context_int(ctx, &dc->ip, &c->has_ip, &ip);
    c->ip = (uint64_t)ip;
}

/* Decodes lttng_ust_statedump:procname: the name, and its process. */
static void decode_procname(const decode_class *dc, const bt_message *msg, decode_process *out)
{
    const bt_event *event = bt_message_event_borrow_event_const(msg);
    out->name = statedump_procname(&dc->statedump, bt_event_borrow_payload_field_const(event));
    decode_vpid(dc, event, &out->has_vpid, &out->vpid);
}

bool decode_event(decode *d, const bt_message *msg, decoded *out, failure *why)
{
    decode_class *dc =
        decode_class_of(d, bt_event_borrow_class_const(bt_message_event_borrow_event_const(msg)));
    if (!dc)
        return failure_set(why, "out of memory");
    out->kind = dc->kind;
    if (dc->kind == DECODE_EVENT) {
        out->event.type = dc->type;
        decode_fields(dc, msg, &out->event);
    } else if (dc->kind == DECODE_BINARY) {
        decode_binary(dc, msg, out);
    } else if (dc->kind == DECODE_WRAPPER) {
        decode_call(dc, msg, &out->call);
    } else if (dc->kind == DECODE_PROCNAME) {
        decode_procname(dc, msg, &out->process);
    }
    return true;
}

void decode_free(decode *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->owned[i]);
    free(d->owned);
    keymap_free(&d->classes);
    free(d);
}
