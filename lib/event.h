/*
 * event.h - Event's untraced core, which Thread (its "done" flag, join) and
 * Timer (its "finished" flag) use the way threading.py uses Event.
 */
#ifndef THRACE_LIB_EVENT_H
#define THRACE_LIB_EVENT_H

#include "internal.h"

void thrace__event_set(thrace_event *e);
/* wait(timeout) with a timeout already checked and normalised. */
int thrace__event_wait(thrace_event *e, double timeout);

#endif
