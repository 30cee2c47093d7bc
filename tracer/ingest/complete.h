/*
 * complete.h - whether a trace on disk is whole, before it is stored as
 * whole: libbabeltrace2 reads a stream cut at a packet boundary as a
 * shorter stream, and loops forever on metadata cut inside a packet.
 * LTTng writes what tells: the metadata's packet headers, and for each
 * stream an index of its packets (index/NAME.idx).
 */
#ifndef THRACE_TRACER_INGEST_COMPLETE_H
#define THRACE_TRACER_INGEST_COMPLETE_H

#include "base.h"

#include <stdbool.h>

/*
 * True when the trace in dir (a directory holding `metadata`) has at least
 * one stream, its packetized metadata ends at a packet's end, and each
 * stream with an index holds every packet its index lists, exactly. False
 * with "FILE: reason" in why otherwise.
 */
bool complete_check(const char *dir, failure *why);

#endif
