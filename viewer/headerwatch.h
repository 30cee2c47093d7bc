/*
 * headerwatch.h - a deadline for each request's line and headers, which a
 * client sending them a byte at a time cannot extend (libmicrohttpd's
 * timeout counts silence, and each byte ends one). A connection has
 * deadline_s seconds from its start, or from its previous answer, until
 * its request's headers are in; past that, a thread of the watch shuts its
 * socket down, and libmicrohttpd closes it.
 */
#ifndef THRACE_VIEWER_HEADERWATCH_H
#define THRACE_VIEWER_HEADERWATCH_H

#include "base.h"

#include <microhttpd.h>

typedef struct headerwatch headerwatch;

/* Starts the watch's thread; NULL with the reason in why. */
headerwatch *headerwatch_start(int deadline_s, failure *why);

/* Stops the thread and frees the watch; after the daemon has stopped. */
void headerwatch_stop(headerwatch *w);

/* MHD_OPTION_NOTIFY_CONNECTION's callback (cls: the watch): follows each
 * connection from its start to its close. */
void headerwatch_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode toe);

/* MHD_OPTION_NOTIFY_COMPLETED's callback (cls: the watch): the next
 * request's clock starts when one is answered. */
void headerwatch_completed(void *cls, struct MHD_Connection *c, void **request,
                           enum MHD_RequestTerminationCode toe);

/* The request's headers are in (the access handler runs): c is no longer
 * watched until its answer is done. */
void headerwatch_arrived(struct MHD_Connection *c);

#endif
