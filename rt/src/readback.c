/*
 * readback.c: read-back to full normal form and lazy conversion checking,
 * driving generated code through prog->call_entry.
 *
 * Note [Native read-back]
 * ~~~~~~~~~~~~~~~~~~~~~~~
 * This is the interpreter's read-back (Note [Read-back under binders] in
 * middle/src/core/interp/readback.rs) on native objects:
 *  - a value is brought to weak head normal form by following REFs, and
 *    entering THUNKs (and BLACKHOLEs, which report <<loop>>) through
 *    call_entry with argc 0, then performing the updates between the sp
 *    we expected back and the sp returned (Note [Update frames]);
 *  - a FUN (arity in its info) or PAP (the function's arity minus the saved
 *    arguments, at least 1) is applied to that many fresh RIGID variables
 *    ([rigid_entry, 4, (id << 1) | 1, NULL]), pushed last first, and again
 *    while the result is a function, so a run of λs is one LAM node with
 *    consecutive binder ids;
 *  - a RIGID is its head applied to its whole spine (the prev chain);
 *  - a CON is its constructor with its fields in source order (value
 *    fields come first in the object, then i64/f64 fields).
 *
 * Every heap pointer the read-back holds across something that may
 * collect is in the read-back root stack (proc->roots), which the collector
 * scans and updates; C locals holding heap pointers are re-read from it
 * after every call that may collect. The worklist is explicit: a work item
 * is a literal or "the object on top of the root stack", and children are
 * pushed last first, so nodes are produced in prefix order and a spine ten
 * million deep needs a constant worklist.
 */
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "proc.h"
#include "program.h"
#include "readback.h"
#include "services.h"

enum { W_OBJ, W_INT, W_FLOAT };

struct work {
    uint32_t kind;
    union {
        int64_t i;
        double f;
    } a, b;
};

struct workvec {
    struct work *items;
    size_t len, cap;
};

static void work_push(struct workvec *w, struct work item) {
    if (w->len == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->items = lull_xrealloc(w->items, w->cap * sizeof *w->items);
    }
    w->items[w->len++] = item;
}

static struct lull_object *root_at(struct lull_proc *proc, size_t i) {
    return proc->roots.items[i];
}

static void root_push(struct lull_proc *proc, struct lull_object *o) {
    lull_objvec_push(&proc->roots, o);
}

static uint32_t tag_of(const struct lull_object *o) {
    return lull_info_fast(o)->tag;
}

/* Enter `self` with the argc arguments on the data stack; perform the
 * updates; return the value. */
struct lull_object *lull_call_object(struct lull_proc *proc, struct lull_object *self, uint64_t argc) {
    lull_word **expected = proc->regs.sp - argc;
    if (proc->prog->call_entry == NULL) {
        lull_internal("no call_entry to evaluate a %s", lull_rt_tag_name(tag_of(self)));
    }
    struct lull_object *v = proc->prog->call_entry(proc, self, argc);
    if (proc->regs.sp != expected) {
        lull_rt_update_frames(proc, expected, proc->regs.sp, v);
        proc->regs.sp = expected;
    }
    return v;
}

void lull_whnf_root(struct lull_proc *proc, size_t i) {
    struct lull_object *o = root_at(proc, i);
    for (;;) {
        uint32_t t = tag_of(o);
        if (t == LULL_TAG_REF) {
            o = (struct lull_object *)(uintptr_t)o->contents[0];
            continue;
        }
        if (t == LULL_TAG_THUNK || t == LULL_TAG_BLACKHOLE) {
            o = lull_call_object(proc, o, 0);
            continue;
        }
        if (t == LULL_TAG_FORWARD || t >= LULL_TAG_COUNT) {
            lull_internal("read-back met an object with tag %s", lull_rt_tag_name(t));
        }
        break;
    }
    proc->roots.items[i] = o;
}

/* The arity still missing if `o` is a function, else 0. */
static uint64_t fun_arity(const struct lull_object *o) {
    const struct lull_info *info = lull_info_fast(o);
    if (info->tag == LULL_TAG_FUN) {
        return info->con_or_arity;
    }
    if (info->tag == LULL_TAG_PAP) {
        const struct lull_object *f = (const struct lull_object *)(uintptr_t)o->contents[1];
        while (tag_of(f) == LULL_TAG_REF) {
            f = (const struct lull_object *)(uintptr_t)f->contents[0];
        }
        uint64_t arity = lull_info_fast(f)->con_or_arity;
        uint64_t saved = o->contents[0] - 3;
        return arity > saved + 1 ? arity - saved : 1;
    }
    return 0;
}

/* Allocate n fresh rigid variables and push them on the data stack, the
 * last first (so the first is at sp[-1]). Returns the first id. */
static uint64_t push_fresh_vars(struct lull_proc *proc, uint64_t n) {
    lull_word *m = lull_gc_alloc(proc, 4 * n);
    uint64_t first = proc->next_rigid;
    for (uint64_t j = 0; j < n; j++) {
        lull_word *v = m + 4 * j;
        v[0] = (lull_word)(uintptr_t)proc->prog->rigid_entry;
        v[1] = 4;
        v[2] = ((first + j) << 1) | 1;
        v[3] = 0;
    }
    for (uint64_t j = n; j-- > 0;) {
        lull_ds_push(proc, (struct lull_object *)(m + 4 * j));
    }
    proc->next_rigid += n;
    return first;
}

/* io mode: apply `entry` to a token (a fresh rigid variable) and evaluate
 * the application to weak head normal form; the value is dropped. */
void lull_run_io(struct lull_proc *proc, struct lull_object *entry) {
    root_push(proc, entry);
    size_t i = proc->roots.len - 1;
    push_fresh_vars(proc, 1); /* may collect: entry is a root meanwhile */
    struct lull_object *v = lull_call_object(proc, root_at(proc, i), 1);
    proc->roots.items[i] = v;
    lull_whnf_root(proc, i);
    proc->roots.len--;
}

/* Apply the function at roots[i] to fresh variables until it is no longer
 * a function. Returns the number of variables; *first the first id. */
static uint64_t apply_fresh(struct lull_proc *proc, size_t i, uint64_t *first) {
    uint64_t total = 0;
    uint64_t n;
    while ((n = fun_arity(root_at(proc, i))) > 0) {
        uint64_t id = push_fresh_vars(proc, n);
        if (total == 0) {
            *first = id;
        }
        total += n;
        struct lull_object *v = lull_call_object(proc, root_at(proc, i), n);
        proc->roots.items[i] = v;
        lull_whnf_root(proc, i);
    }
    return total;
}

/* The number of arguments in a rigid term's whole spine. */
static uint64_t spine_length(const struct lull_object *r) {
    uint64_t n = 0;
    for (; r != NULL; r = (const struct lull_object *)(uintptr_t)r->contents[2]) {
        n += r->contents[0] - 4;
    }
    return n;
}

/* The timeout and the memory accounting are checked once every
 * CHECK_EVERY nodes: often enough to stop within microseconds, rarely
 * enough to cost nothing per node. */
#define CHECK_EVERY 256

static void account(struct lull_proc *proc, const struct lull_nf *nf, const struct workvec *w) {
    proc->extra_bytes = nf->cap * sizeof(struct lull_nf_node) + w->cap * sizeof(struct work) +
                        proc->roots.cap * sizeof(struct lull_object *);
    if (proc->gc.heap_bytes + proc->extra_bytes > proc->opts.max_memory) {
        lull_gc_collect(proc, 0, true); /* exits if still over the limit */
    }
    lull_proc_account(proc);
}

static struct lull_nf_node head_node(lull_word head) {
    struct lull_nf_node n;
    memset(&n, 0, sizeof n);
    if (head & 1) {
        n.kind = LULL_NF_BOUND;
        n.u.id = head >> 1;
    } else {
        n.kind = LULL_NF_FREE;
        n.u.name = (const char *)(uintptr_t)head;
    }
    return n;
}

static const struct lull_con_desc *con_desc(struct lull_proc *proc, const struct lull_object *o) {
    const struct lull_con_desc *d = lull_con_of_entry(proc->prog, o->entry);
    if (d == NULL) {
        lull_internal("a constructor with no description (entry %p)", o->entry);
    }
    return d;
}

void lull_readback(struct lull_proc *proc, struct lull_object *root, struct lull_nf *out) {
    struct workvec work = {0};
    size_t base = proc->roots.len;
    uint32_t offs_inline[16];
    root_push(proc, root);
    work_push(&work, (struct work){.kind = W_OBJ});
    uint64_t iter = 0;
    while (work.len > 0) {
        struct work w = work.items[--work.len];
        if (++iter % CHECK_EVERY == 0) {
            lull_check_timeout(proc);
            account(proc, out, &work);
        }
        struct lull_nf_node node;
        memset(&node, 0, sizeof node);
        if (w.kind == W_INT) {
            node.kind = LULL_NF_INT;
            node.u.i = w.a.i;
            lull_nf_push(out, node);
            continue;
        }
        if (w.kind == W_FLOAT) {
            node.kind = LULL_NF_FLOAT;
            node.u.f = w.a.f;
            lull_nf_push(out, node);
            continue;
        }
        size_t i = proc->roots.len - 1;
        lull_whnf_root(proc, i);
        if (fun_arity(root_at(proc, i)) > 0) {
            uint64_t first = 0;
            uint64_t n = apply_fresh(proc, i, &first);
            node.kind = LULL_NF_LAM;
            node.n = (uint32_t)n;
            node.u.id = first;
            lull_nf_push(out, node);
        }
        /* No collection from here to the end of the iteration. */
        struct lull_object *o = root_at(proc, i);
        proc->roots.len--;
        switch (tag_of(o)) {
        case LULL_TAG_RIGID: {
            uint64_t n = spine_length(o);
            if (n > 0) {
                node.kind = LULL_NF_APP;
                node.n = (uint32_t)n;
                lull_nf_push(out, node);
            }
            lull_nf_push(out, head_node(o->contents[1]));
            /* Newest segment first, each last argument first: the first
             * argument ends on top. */
            for (const struct lull_object *r = o; r != NULL;
                 r = (const struct lull_object *)(uintptr_t)r->contents[2]) {
                uint64_t k = r->contents[0] - 4;
                for (uint64_t j = k; j-- > 0;) {
                    root_push(proc, (struct lull_object *)(uintptr_t)r->contents[3 + j]);
                    work_push(&work, (struct work){.kind = W_OBJ});
                }
            }
            break;
        }
        case LULL_TAG_CON: {
            const struct lull_con_desc *d = con_desc(proc, o);
            node.kind = LULL_NF_CON;
            node.n = (uint32_t)d->nfields;
            node.u.name = d->name;
            lull_nf_push(out, node);
            uint32_t *offs = d->nfields <= 16 ? offs_inline : lull_xmalloc(d->nfields * sizeof *offs);
            lull_con_field_offsets(d, offs);
            for (uint64_t j = d->nfields; j-- > 0;) {
                lull_word x = o->contents[offs[j]];
                struct work item = {.kind = W_OBJ};
                switch (d->field_kinds[j]) {
                case LULL_FIELD_VALUE:
                    root_push(proc, (struct lull_object *)(uintptr_t)x);
                    break;
                case LULL_FIELD_I64:
                    item.kind = W_INT;
                    item.a.i = (int64_t)x;
                    break;
                default:
                    item.kind = W_FLOAT;
                    memcpy(&item.a.f, &x, sizeof x);
                    break;
                }
                work_push(&work, item);
            }
            if (offs != offs_inline) {
                free(offs);
            }
            break;
        }
        default:
            lull_internal("read-back met an unevaluated value (%s)", lull_rt_tag_name(tag_of(o)));
        }
    }
    account(proc, out, &work);
    proc->roots.len = base;
    free(work.items);
}

/* ---- conv ---------------------------------------------------------------- */

/* The arguments of a rigid term's whole spine, in order, into *args. */
static uint64_t spine_args(const struct lull_object *r, struct lull_object ***args, size_t *cap) {
    const struct lull_object *prev = (const struct lull_object *)(uintptr_t)r->contents[2];
    if (prev == NULL || prev->contents[2] == 0) {
        /* The common shapes, a variable or a variable applied once, without
         * the length walk (conv of nat10m: 0.32 s against 0.33-0.34 s user
         * for the general loop alone). */
        uint64_t k = r->contents[0] - 4, p = prev == NULL ? 0 : prev->contents[0] - 4;
        if (k + p <= *cap) {
            for (uint64_t j = 0; j < p; j++) {
                (*args)[j] = (struct lull_object *)(uintptr_t)prev->contents[3 + j];
            }
            for (uint64_t j = 0; j < k; j++) {
                (*args)[p + j] = (struct lull_object *)(uintptr_t)r->contents[3 + j];
            }
            return k + p;
        }
    }
    uint64_t n = spine_length(r);
    if (n > *cap) {
        *cap = n;
        *args = lull_xrealloc(*args, n * sizeof **args);
    }
    uint64_t end = n;
    for (; r != NULL; r = (const struct lull_object *)(uintptr_t)r->contents[2]) {
        uint64_t k = r->contents[0] - 4;
        end -= k;
        for (uint64_t j = 0; j < k; j++) {
            (*args)[end + j] = (struct lull_object *)(uintptr_t)r->contents[3 + j];
        }
    }
    return n;
}

static bool same_head(lull_word a, lull_word b) {
    if ((a & 1) || (b & 1)) {
        return a == b;
    }
    return strcmp((const char *)(uintptr_t)a, (const char *)(uintptr_t)b) == 0;
}

bool lull_conv(struct lull_proc *proc, struct lull_object *a, struct lull_object *b) {
    struct workvec work = {0};
    struct lull_nf none = {0};
    struct lull_object **sa = NULL, **sb = NULL;
    size_t ca = 0, cb = 0;
    size_t base = proc->roots.len;
    bool same = true;
    root_push(proc, a);
    root_push(proc, b);
    work_push(&work, (struct work){.kind = W_OBJ});
    uint64_t iter = 0;
    while (work.len > 0 && same) {
        struct work w = work.items[--work.len];
        if (++iter % CHECK_EVERY == 0) {
            lull_check_timeout(proc);
            account(proc, &none, &work);
        }
        if (w.kind == W_INT) {
            same = w.a.i == w.b.i;
            continue;
        }
        if (w.kind == W_FLOAT) {
            same = memcmp(&w.a.f, &w.b.f, sizeof(double)) == 0;
            continue;
        }
        size_t ia = proc->roots.len - 2, ib = proc->roots.len - 1;
        lull_whnf_root(proc, ia);
        lull_whnf_root(proc, ib);
        bool fa = fun_arity(root_at(proc, ia)) > 0, fb = fun_arity(root_at(proc, ib)) > 0;
        if (fa || fb) {
            if (!(fa && fb)) {
                same = false;
                break;
            }
            /* One fresh variable for both sides. */
            push_fresh_vars(proc, 1);
            struct lull_object *x = lull_ds_pop(proc);
            root_push(proc, x);
            lull_ds_push(proc, root_at(proc, ia + 2));
            proc->roots.items[ia] = lull_call_object(proc, root_at(proc, ia), 1);
            lull_ds_push(proc, root_at(proc, ia + 2));
            proc->roots.items[ib] = lull_call_object(proc, root_at(proc, ib), 1);
            proc->roots.len--;
            work_push(&work, (struct work){.kind = W_OBJ});
            continue;
        }
        struct lull_object *x = root_at(proc, ia), *y = root_at(proc, ib);
        proc->roots.len -= 2;
        uint32_t tx = tag_of(x), ty = tag_of(y);
        if (tx == LULL_TAG_RIGID && ty == LULL_TAG_RIGID) {
            if (!same_head(x->contents[1], y->contents[1])) {
                same = false;
                break;
            }
            uint64_t n = spine_args(x, &sa, &ca);
            if (spine_args(y, &sb, &cb) != n) {
                same = false;
                break;
            }
            for (uint64_t j = n; j-- > 0;) {
                root_push(proc, sa[j]);
                root_push(proc, sb[j]);
                work_push(&work, (struct work){.kind = W_OBJ});
            }
        } else if (tx == LULL_TAG_CON && ty == LULL_TAG_CON) {
            const struct lull_con_desc *dx = con_desc(proc, x), *dy = con_desc(proc, y);
            if (strcmp(dx->name, dy->name) != 0 || dx->nfields != dy->nfields) {
                same = false;
                break;
            }
            uint32_t *ox = lull_xmalloc((dx->nfields + 1) * sizeof *ox);
            uint32_t *oy = lull_xmalloc((dy->nfields + 1) * sizeof *oy);
            lull_con_field_offsets(dx, ox);
            lull_con_field_offsets(dy, oy);
            for (uint64_t j = dx->nfields; j-- > 0;) {
                lull_word vx = x->contents[ox[j]], vy = y->contents[oy[j]];
                uint8_t kx = dx->field_kinds[j], ky = dy->field_kinds[j];
                struct work item = {.kind = W_OBJ};
                if (kx != ky) {
                    same = false;
                    break;
                }
                if (kx == LULL_FIELD_VALUE) {
                    root_push(proc, (struct lull_object *)(uintptr_t)vx);
                    root_push(proc, (struct lull_object *)(uintptr_t)vy);
                } else if (kx == LULL_FIELD_I64) {
                    item.kind = W_INT;
                    item.a.i = (int64_t)vx;
                    item.b.i = (int64_t)vy;
                } else {
                    item.kind = W_FLOAT;
                    memcpy(&item.a.f, &vx, sizeof vx);
                    memcpy(&item.b.f, &vy, sizeof vy);
                }
                work_push(&work, item);
            }
            free(ox);
            free(oy);
        } else {
            same = false;
        }
    }
    proc->roots.len = base;
    free(work.items);
    free(sa);
    free(sb);
    return same;
}
