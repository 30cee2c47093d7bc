/*
 * names.h - the metadata events that name the document's processes and
 * threads: a process as its program, pid and host, `threading_lock (pid
 * 11602 on vm)`, on its first thread's tid; a thread as its last name
 * (threads.name), on the tid of its first lane (tracks.h).
 */
#ifndef THRACE_TRACER_EXPORT_NAMES_H
#define THRACE_TRACER_EXPORT_NAMES_H

#include "doc.h"

/* Writes a process_name for every process and a thread_name for every
 * thread; false with the reason in why on a database error. */
bool names_write(doc *d, failure *why);

#endif
