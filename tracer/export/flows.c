/*
 * flows.c - the wake-ups' flow events (flows.h). Which event ended a wait
 * is tracer/query's rule (wakers.h), the one the viewer draws its arrows
 * by; this file writes the pair of events for it. No state.
 */
#include "flows.h"

/*
 * The pair of events of flow id, from the waker `from` to w's end. A
 * notify or set is traced once it has woken its waiters (it tells how
 * many), so its event may come after the wake-up it caused; a flow whose
 * start follows its end is dropped by Perfetto, so such an arrow starts at
 * the wake-up's time, when the notify had happened.
 */
static void flows_pair(doc *d, const flows_wait *w, const wakers_event *from, int64_t id)
{
    jsonout_event(&d->out, 's', from->process_id, from->thread_id,
                  from->ts < w->wait.end_ns ? from->ts : w->wait.end_ns);
    jsonout_text(&d->out, "cat", "wakeup");
    jsonout_text(&d->out, "name", vocab_wakeup_of(w->wait.state));
    jsonout_int(&d->out, "id", id);
    jsonout_end(&d->out);
    jsonout_event(&d->out, 'f', w->process_id, w->wait.thread_id, w->wait.end_ns);
    jsonout_text(&d->out, "cat", "wakeup");
    jsonout_text(&d->out, "name", vocab_wakeup_of(w->wait.state));
    jsonout_int(&d->out, "id", id);
    jsonout_text(&d->out, "bp", "e");
    jsonout_end(&d->out);
}

bool flows_write(wakers *wk, doc *d, const flows_wait *w, failure *why)
{
    wakers_event from, to; /* to: the wait's end, which w tells already */
    int rc = wakers_find(wk, &w->wait, &from, &to, why);
    if (rc == 1)
        flows_pair(d, w, &from, ++d->flows);
    return rc >= 0;
}
