/*
 * detail.h - events.detail: the fields of an event that no column of the
 * events table holds, as one JSON object ({"timeout":-1,"kind":"lock"}).
 */
#ifndef THRACE_TRACER_STORE_DETAIL_H
#define THRACE_TRACER_STORE_DETAIL_H

#include "model.h"

#include <stddef.h>

/* A growing text buffer, reused from event to event; zeroed is empty. */
typedef struct {
    char *text;
    size_t len, cap;
} detail_buf;

/*
 * Writes into b the JSON object of e's fields that are present and not in
 * `columns` (a mask of MODEL_FIELD(field)); *json is b->text, or NULL when no field
 * remains. False when out of memory.
 */
bool detail_json(detail_buf *b, const model_event *e, model_fields columns, const char **json);

/* Frees the buffer; it is empty again. */
void detail_free(detail_buf *b);

#endif
