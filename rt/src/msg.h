/*
 * msg.h: copies of object graphs between heaps: messages, the actions of
 * new procs, and the shared space of CAF values. See Note [Messages] in
 * msg.c.
 */
#ifndef LULL_MSG_H
#define LULL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lull_rt.h"

struct lull_proc;

/* A graph copied out of a heap: its objects laid out one after another,
 * pointers between them as tagged word offsets, pointers out of it (static
 * and shared objects) as they are. */
struct lull_msg {
    struct lull_msg *next; /* in a channel's queue */
    lull_word root;        /* tagged offset, or the root itself when it was not copied */
    size_t nwords;
    lull_word words[];
};

/* Copy the graph at v out of proc's heap (REFs followed; objects outside
 * the heap are not copied). Does not allocate in the heap. */
struct lull_msg *lull_msg_pack(struct lull_proc *proc, struct lull_object *v);

/* Lay the message out at dst (msg->nwords words) and return its root.
 * The message is left as it was. */
struct lull_object *lull_msg_unpack_at(const struct lull_msg *msg, lull_word *dst);

/* Lay the message out in proc's heap (may collect) and return its root. */
struct lull_object *lull_msg_unpack(struct lull_proc *proc, const struct lull_msg *msg);

void lull_msg_free(struct lull_msg *msg);

/* The shared space: Note [CAFs and procs] in sched.c. A copy of the graph
 * at v (in proc's heap) in memory no collector moves or frees. */
struct lull_object *lull_share(struct lull_proc *proc, struct lull_object *v);

/* Bytes of the shared space in use. */
uint64_t lull_shared_bytes(void);

#endif /* LULL_MSG_H */
