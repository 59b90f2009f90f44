/*
 * segment.c: the memory of spawned procs' stacks, and segmented native
 * stacks.
 *
 * Note [Segmented stacks]
 * ~~~~~~~~~~~~~~~~~~~~~~~
 * 100,000 procs alive at once cannot each have mappings of their own:
 * Linux allows 65,530 per process (vm.max_map_count), and a guard page is
 * one more mapping per stack. So the stacks of spawned procs come from one
 * pool per OS process, a single readable and writable mapping reserved
 * with MAP_NORESERVE (touched pages only cost memory), carved in blocks of
 * power-of-two sizes with a free list per size; blocks of 64 KiB and more
 * are given back to the kernel (MADV_DONTNEED) when freed. There are no
 * guard pages, so both stacks are checked in software:
 *
 *  - The native stack is a list of segments. Every generated function
 *    carries LLVM's "split-stack" prologue, which compares rsp minus the
 *    frame size with the limit at %fs:0x70 (glibc keeps that word of the
 *    thread's control block for split stacks) and calls __morestack when
 *    the frame does not fit. The generated object's __morestack jumps to
 *    lull_morestack (the service table's `morestack`; the jump keeps r10,
 *    the frame size, which a PLT stub of a shared runtime would not).
 *    lull_morestack takes the next segment (twice the current one, or the
 *    one kept from the last overflow: a call at a segment boundary in a
 *    loop allocates once, and takes a fast path in assembly; sizes stop
 *    doubling at 16 MiB), calls the
 *    function's body on it (the prologue's
 *    call returns to a `ret` followed by the body: the body starts one
 *    byte after the return address), and on the way back switches to the
 *    older segment and returns to that `ret`, which returns to the
 *    function's caller. The limit of a segment is LULL_SEG_SLACK above its
 *    bottom: the runtime's C code (services, the collector, the scheduler)
 *    is not split-stack and runs in that room on whatever segment is
 *    current. Main runs on its own large stack with a guard page; its
 *    limit is 0, so its prologues never fire. The limit is a property of
 *    the thread: the scheduler sets the running proc's at every switch.
 *
 *    On a new segment, the stack under the header (struct lull_seg, at
 *    the segment's top) holds the proc, a pad word and the return address
 *    lull_morestack_ret; the body's frames follow. The frame walk and the
 *    watermark reach that address after the body's frame and step to the
 *    older segment's slot of the return address into the function's
 *    caller (lull_seg_hop).
 *  - The data stack is one block of address space (LULL_PROC_DATA_STACK,
 *    32 MiB), touched as it grows, and is not segmented: generated frames
 *    keep data stack addresses across calls (the sp a caller expects back
 *    after its update frames, Note [Update frames] in lull_rt.h), so it can
 *    neither move nor be split under them. Every generated entry compares
 *    sp with regs.ds_check, LULL_DS_SLACK_WORDS below the block's end (a
 *    function pushes at most that much before it enters something, or
 *    checks again itself), and calls the overflow service beyond it.
 *
 * A spawned proc itself lives in one block of the pool, whose size is the
 * data stack's (LULL_PROC_DATA_STACK, 32 MiB) and whose head is the proc:
 *
 *    [escape text 8K][C slack 12K][frames 2K|seg header][struct lull_proc][data stack ...]
 *    0               8K           20K                   22K               ~23K
 *
 * The text of the proc's escape (its failure message, what it wrote to
 * standard error) is written only when it fails; the C slack only when a
 * service runs deep (a collection); so a proc that has started and waits
 * touches one page of its block: the top of its first segment (its
 * frames, and the shallow C frames of recv and the switch), its control
 * block and the start of its data stack. Free blocks and segments are
 * linked through a word in that page (the control block's, or the
 * segment header's), so that recycling touches nothing else.
 *
 * So a spawned proc costs no mapping: its heap blocks come from the
 * shared heap reservation (Note [The heap] in gc.c), its stacks and its
 * control block from the pool.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "escape.h"
#include "proc.h"
#include "sched.h"
#include "segment.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#define LULL_ASAN 1
#endif

/* The pool's reservation: halved until the kernel gives it (an address
 * space limit). */
#define POOL_BYTES ((size_t)8 << 40)
#define POOL_MIN_BYTES ((size_t)64 << 30)
#define RELEASE_BYTES ((size_t)64 << 10)
/* Segments double up to this size, then stay there: a bigger one would
 * mostly be waste, and a sanitizer's unwinding skips (with a warning) a
 * stack over 64 MiB. */
#define LULL_SEG_MAX ((size_t)16 << 20)

static struct {
    char *base, *bump, *end;
    /* Free blocks by log2 of the size, segments and procs' blocks apart
     * (their links are at different offsets). */
    void *free_segs[64];
    void *free_procs[64];
} P;

static unsigned log2_of(size_t bytes) {
    return 63u - (unsigned)__builtin_clzll((unsigned long long)bytes);
}

static size_t pow2_at_least(size_t bytes) {
    size_t b = 4096;
    while (b < bytes) {
        b <<= 1;
    }
    return b;
}

static void pool_reserve(void) {
    for (size_t bytes = POOL_BYTES; bytes >= POOL_MIN_BYTES; bytes /= 2) {
        void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            P.base = P.bump = p;
            P.end = P.base + bytes;
            return;
        }
    }
    lull_fail(2, "cannot reserve the address space of the procs' stacks");
}

/* A new block of `bytes` (a power of two, at least a page), aligned to a
 * page. */
static void *pool_take(size_t bytes) {
    if (P.base == NULL) {
        pool_reserve();
    }
    if ((size_t)(P.end - P.bump) < bytes) {
        char lim[48];
        lull_format_bytes(lim, sizeof lim, (uint64_t)(P.end - P.base));
        lull_fail(2, "the procs' stacks are out of address space (a pool of %s)", lim);
    }
    void *b = P.bump;
    P.bump += bytes;
    return b;
}

/* A free block is linked through the word at `link` bytes into it (a
 * page the block's next user touches anyway). */
static void *pool_take_linked(void **lists, size_t bytes, size_t link) {
    unsigned k = log2_of(bytes);
    if (lists[k] != NULL) {
        char *b = lists[k];
        lists[k] = *(void **)(b + link);
        return b;
    }
    return pool_take(bytes);
}

/* Give a block back; `used` bytes of it from `dirty` may be resident. */
static void pool_give(void **lists, void *b, size_t bytes, char *dirty, size_t used, size_t link) {
    if (used >= RELEASE_BYTES) {
        madvise(dirty, used, MADV_DONTNEED);
    }
    unsigned k = log2_of(bytes);
    *(void **)((char *)b + link) = lists[k];
    lists[k] = b;
}

/* ---- native segments ------------------------------------------------------ */

/* A segment's free-list link: in its header, at its top. */
#define SEG_LINK(bytes) ((bytes) - sizeof(struct lull_seg))

static struct lull_seg *seg_new(size_t bytes) {
    char *lo = pool_take_linked(P.free_segs, bytes, SEG_LINK(bytes));
    struct lull_seg *s = (struct lull_seg *)(lo + SEG_LINK(bytes));
    s->prev = s->next = NULL;
    s->lo = lo;
    s->bytes = bytes;
    s->saved_rsp = NULL;
    return s;
}

/* Under ASan: the stack bounds the sanitizer knows follow the current
 * segment (a fiber switch in place), and a freed segment loses the
 * poisoning of C frames that a failure jumped out of. */
static void asan_stack(char *lo, size_t bytes) {
#ifdef LULL_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(&fake, lo, bytes);
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#else
    (void)lo;
    (void)bytes;
#endif
}

static void seg_free(struct lull_seg *s) {
#ifdef LULL_ASAN
    __asan_unpoison_memory_region(s->lo, s->bytes);
#endif
    /* Only the top of a small segment was touched, and it is reused soon:
     * the ones of 64 KiB and more go back to the kernel whole. */
    pool_give(P.free_segs, s->lo, s->bytes, s->lo, s->bytes, SEG_LINK(s->bytes));
}

void lull_seg_set_limit(uintptr_t limit) {
    __asm__ volatile("movq %0, %%fs:0x70" : : "r"(limit) : "memory");
}

/* Make `s` the proc's current segment (its limit is set at the next
 * switch to the proc, or by use_seg). */
static void point_at(struct lull_proc *proc, struct lull_seg *s) {
    proc->seg = s;
    proc->ns_lo = s->lo;
    proc->ns_hi = (char *)s;
    proc->ns_limit = (uintptr_t)s->lo + LULL_SEG_SLACK;
}

/* Run on `s` from now on: the running proc's segment changes. */
static void use_seg(struct lull_proc *proc, struct lull_seg *s) {
    point_at(proc, s);
    lull_seg_set_limit(proc->ns_limit);
    asan_stack(s->lo, (size_t)((char *)s - s->lo));
}

/* The layout of a spawned proc's block (Note [Segmented stacks]). */
#define BLOCK_TEXT (2 * (size_t)LULL_ESCAPE_TEXT)
#define BLOCK_TOP (BLOCK_TEXT + LULL_SEG_SLACK + LULL_SEG_FIRST_FRAMES)
#define BLOCK_PROC BLOCK_TOP
#define BLOCK_DS ((BLOCK_PROC + sizeof(struct lull_proc) + 15) & ~(size_t)15)

struct lull_proc *lull_seg_proc_new(size_t ds_bytes, size_t ns_cap) {
    /* The data stack gets the rest of a block of ds_bytes; a small one
     * (a small memory budget) a block big enough for it after the head. */
    size_t bytes = pow2_at_least(ds_bytes);
    if (bytes < BLOCK_DS + ds_bytes / 2) {
        bytes = pow2_at_least(BLOCK_DS + ds_bytes);
    }
    char *b = pool_take_linked(P.free_procs, bytes, BLOCK_PROC);
    struct lull_proc *proc = (struct lull_proc *)(b + BLOCK_PROC);
    memset(proc, 0, sizeof *proc);
    proc->block = b;
    proc->block_bytes = bytes;
    proc->child_text = b;
    proc->ds_bytes = ds_bytes;
    proc->ds_base = (lull_word **)(b + BLOCK_DS);
    size_t room = bytes - BLOCK_DS < ds_bytes ? bytes - BLOCK_DS : ds_bytes;
    proc->ds_limit = (lull_word **)(b + BLOCK_DS + (room & ~(size_t)15));
    proc->regs.sp = proc->ds_base;
    proc->regs.ds_check = proc->ds_limit - LULL_DS_SLACK_WORDS;
    proc->ns_cap = ns_cap;
    /* The first segment: from the top of the room for the escape's text
     * to the control block; its header is just under the control block. */
    struct lull_seg *s = (struct lull_seg *)(b + BLOCK_TOP - sizeof(struct lull_seg));
    s->prev = s->next = NULL;
    s->lo = b + BLOCK_TEXT;
    s->bytes = BLOCK_TOP - BLOCK_TEXT;
    s->saved_rsp = NULL;
    point_at(proc, s);
    proc->pooled = true;
#ifdef LULL_ASAN
    /* The leak checker does not scan the pool: the control block holds
     * the proc's malloc'd tables. */
    __lsan_register_root_region(proc, sizeof *proc);
#endif
    return proc;
}

void lull_seg_proc_free(struct lull_proc *proc) {
    struct lull_seg *s = proc->seg;
    while (s != NULL && s->prev != NULL) {
        s = s->prev;
    }
    /* The first segment is the block's; the newer ones are the pool's. */
    s = s != NULL ? s->next : NULL;
    while (s != NULL) {
        struct lull_seg *n = s->next;
        seg_free(s);
        s = n;
    }
#ifdef LULL_ASAN
    __lsan_unregister_root_region(proc, sizeof *proc);
#endif
    uint64_t used = proc->ds_peak_bytes + (uint64_t)(proc->regs.sp - proc->ds_base) * LULL_WORD_SIZE;
    char *b = proc->block;
    size_t bytes = proc->block_bytes;
    size_t dirty = used > bytes - BLOCK_DS ? bytes - BLOCK_DS : (size_t)((used + 4095) & ~(uint64_t)4095);
    /* The head's pages stay: the next proc uses them. The data stack's
     * first page is the head's last, so the range starts a page later. */
    char *ds_page = (char *)(((uintptr_t)(b + BLOCK_DS) + 4095) & ~(uintptr_t)4095);
    size_t skip = (size_t)(ds_page - (b + BLOCK_DS));
    pool_give(P.free_procs, b, bytes, ds_page, dirty > skip ? dirty - skip : 0, BLOCK_PROC);
    /* proc is gone from here on. */
}

uint64_t lull_seg_in_use(const struct lull_proc *proc, const char *rsp) {
    if (rsp <= proc->ns_lo || rsp > proc->ns_hi) {
        return proc->ns_below;
    }
    return proc->ns_below + (uint64_t)(proc->ns_hi - rsp);
}

/* Called by lull_morestack on the current segment, in its slack: a
 * function needs `frame` bytes that do not fit. Returns the new segment,
 * current from now on, whose header records `rsp`. */
__attribute__((visibility("hidden"))) struct lull_seg *lull_seg_enter(struct lull_proc *proc, size_t frame, void **rsp);
struct lull_seg *lull_seg_enter(struct lull_proc *proc, size_t frame, void **rsp) {
    struct lull_seg *cur = proc->seg;
    if (cur == NULL) {
        lull_internal("a split-stack overflow outside a spawned proc");
    }
    size_t need = frame + LULL_SEG_SLACK + sizeof(struct lull_seg) + 64;
    struct lull_seg *n = cur->next;
    if (n == NULL || n->bytes < need) {
        size_t grow = cur->bytes * 2 > LULL_SEG_MAX ? LULL_SEG_MAX : cur->bytes * 2;
        size_t bytes = pow2_at_least(need > grow ? need : grow);
        if (proc->ns_below + cur->bytes + bytes > proc->ns_cap) {
            if (proc->ns_capped) {
                lull_memory_limit(proc);
            }
            char lim[48];
            lull_format_bytes(lim, sizeof lim, proc->ns_cap);
            lull_fail(2, "stack overflow (native stack limit of %s)", lim);
        }
        if (n != NULL) {
            cur->next = NULL;
            while (n != NULL) {
                struct lull_seg *nn = n->next;
                seg_free(n);
                n = nn;
            }
        }
        n = seg_new(bytes);
        n->prev = cur;
        cur->next = n;
    }
    n->saved_rsp = rsp;
    proc->ns_below += cur->bytes;
    uint64_t in_use = proc->ns_below + n->bytes;
    if (in_use > proc->ns_peak_bytes) {
        proc->ns_peak_bytes = in_use;
    }
    use_seg(proc, n);
    return n;
}

/* Called by lull_morestack on the newer segment when the body returned:
 * the older segment is current again; returns the rsp to go back to. The
 * newer segment stays for the next overflow, and the one beyond it is
 * freed. */
__attribute__((visibility("hidden"))) void **lull_seg_leave(struct lull_proc *proc);
void **lull_seg_leave(struct lull_proc *proc) {
    struct lull_seg *n = proc->seg;
    struct lull_seg *cur = n->prev;
    if (n->next != NULL) {
        seg_free(n->next);
        n->next = NULL;
    }
    proc->ns_below -= cur->bytes;
    use_seg(proc, cur);
    return n->saved_rsp;
}

void **lull_seg_hop(void **slot) {
    /* lull_morestack's layout: [slot] ret, [slot+1] pad, [slot+2] proc,
     * then the header. */
    struct lull_seg *s = (struct lull_seg *)(slot + 3);
    return s->saved_rsp + 1;
}

/* Offsets and constants for lull_morestack's fast paths, as assembler
 * symbols (an extended asm statement is the only way to pass offsetof to
 * the top-level asm below). */
__attribute__((used)) static void morestack_constants(void) {
    __asm__ volatile(".set LULL_MS_SEG, %c0\n"
                     ".set LULL_MS_BELOW, %c1\n"
                     ".set LULL_MS_PEAK, %c2\n"
                     ".set LULL_MS_NS_LO, %c3\n"
                     ".set LULL_MS_NS_HI, %c4\n"
                     ".set LULL_MS_NS_LIMIT, %c5\n"
                     ".set LULL_MS_PREV, %c6\n"
                     ".set LULL_MS_NEXT, %c7\n"
                     ".set LULL_MS_LO, %c8\n"
                     ".set LULL_MS_BYTES, %c9\n"
                     ".set LULL_MS_SAVED, %c10\n"
                     ".set LULL_MS_SLACK, %c11\n"
                     ".set LULL_MS_ROOM, %c12\n"
                     :
                     : "i"(offsetof(struct lull_proc, seg)), "i"(offsetof(struct lull_proc, ns_below)),
                       "i"(offsetof(struct lull_proc, ns_peak_bytes)), "i"(offsetof(struct lull_proc, ns_lo)),
                       "i"(offsetof(struct lull_proc, ns_hi)), "i"(offsetof(struct lull_proc, ns_limit)),
                       "i"(offsetof(struct lull_seg, prev)), "i"(offsetof(struct lull_seg, next)),
                       "i"(offsetof(struct lull_seg, lo)), "i"(offsetof(struct lull_seg, bytes)),
                       "i"(offsetof(struct lull_seg, saved_rsp)), "i"(LULL_SEG_SLACK),
                       "i"(LULL_SEG_SLACK + sizeof(struct lull_seg) + 64));
}

/* Under ASan every switch goes through C (asan_stack). */
#ifdef LULL_ASAN
#define FAST_ENTER "  jmp 1f\n"
#define FAST_LEAVE "  jmp 3f\n"
#else
#define FAST_ENTER ""
#define FAST_LEAVE ""
#endif

/* On entry: rsp -> [the prologue's `ret`][the caller's return address],
 * rbp = the proc, r10 = the frame size; the function's arguments are in
 * r13 rbp r12 rbx r14 rsi rdi r8 r9 r15 (ghccc), of which the C call may
 * clobber rsi rdi r8 r9. rsp is 16-byte aligned here (the prologue's
 * call came from a function entered with rsp = 8 mod 16). On the way
 * back only the body's results (rax rdx rcx) are live: ghccc has no
 * callee-saved registers but the pinned ones, which the body keeps.
 *
 * The fast paths are lull_seg_enter and lull_seg_leave for the common
 * case of a hot split, written out: entering the kept next segment when
 * it is big enough, and leaving a segment that keeps no newer one. They
 * touch only registers the C calls clobber (rax rcx rdx r11 on the way
 * in, rsi rdi r8 r9 on the way back), and the C functions stay the
 * reference for what they do. */
__asm__(".text\n"
        ".globl lull_morestack\n"
        ".hidden lull_morestack\n"
        ".globl lull_morestack_ret\n"
        ".hidden lull_morestack_ret\n"
        ".type lull_morestack,@function\n"
        ".p2align 4\n"
        "lull_morestack:\n" FAST_ENTER
        "  movq LULL_MS_SEG(%rbp), %rax\n"
        "  testq %rax, %rax\n"
        "  jz 1f\n"
        "  movq LULL_MS_NEXT(%rax), %rcx\n"
        "  testq %rcx, %rcx\n"
        "  jz 1f\n"
        "  leaq LULL_MS_ROOM(%r10), %rdx\n"
        "  cmpq LULL_MS_BYTES(%rcx), %rdx\n"
        "  ja 1f\n"
        "  movq %rsp, LULL_MS_SAVED(%rcx)\n"
        "  movq LULL_MS_BYTES(%rax), %rdx\n"
        "  addq LULL_MS_BELOW(%rbp), %rdx\n"
        "  movq %rdx, LULL_MS_BELOW(%rbp)\n"
        "  addq LULL_MS_BYTES(%rcx), %rdx\n"
        "  cmpq LULL_MS_PEAK(%rbp), %rdx\n"
        "  jbe 0f\n"
        "  movq %rdx, LULL_MS_PEAK(%rbp)\n"
        "0:\n"
        "  movq %rcx, LULL_MS_SEG(%rbp)\n"
        "  movq %rcx, LULL_MS_NS_HI(%rbp)\n"
        "  movq LULL_MS_LO(%rcx), %rdx\n"
        "  movq %rdx, LULL_MS_NS_LO(%rbp)\n"
        "  addq $LULL_MS_SLACK, %rdx\n"
        "  movq %rdx, LULL_MS_NS_LIMIT(%rbp)\n"
        "  movq %rdx, %fs:0x70\n"
        "  movq %rcx, %rax\n"
        "  jmp 2f\n"
        "1:\n"
        "  pushq %rsi\n"
        "  pushq %rdi\n"
        "  pushq %r8\n"
        "  pushq %r9\n"
        "  movq %rbp, %rdi\n"
        "  movq %r10, %rsi\n"
        "  leaq 32(%rsp), %rdx\n"
        "  call lull_seg_enter\n"
        "  popq %r9\n"
        "  popq %r8\n"
        "  popq %rdi\n"
        "  popq %rsi\n"
        "2:\n"
        "  movq (%rsp), %r10\n"
        "  movq %rax, %rsp\n"
        "  pushq %rbp\n"
        "  pushq %rbp\n"
        "  incq %r10\n"
        "  call *%r10\n"
        "lull_morestack_ret:\n"
        "  movq 8(%rsp), %rdi\n" FAST_LEAVE
        "  movq LULL_MS_SEG(%rdi), %rsi\n"
        "  cmpq $0, LULL_MS_NEXT(%rsi)\n"
        "  jne 3f\n"
        "  movq LULL_MS_PREV(%rsi), %r8\n"
        "  movq LULL_MS_BYTES(%r8), %r9\n"
        "  subq %r9, LULL_MS_BELOW(%rdi)\n"
        "  movq %r8, LULL_MS_SEG(%rdi)\n"
        "  movq %r8, LULL_MS_NS_HI(%rdi)\n"
        "  movq LULL_MS_LO(%r8), %r9\n"
        "  movq %r9, LULL_MS_NS_LO(%rdi)\n"
        "  addq $LULL_MS_SLACK, %r9\n"
        "  movq %r9, LULL_MS_NS_LIMIT(%rdi)\n"
        "  movq %r9, %fs:0x70\n"
        "  movq LULL_MS_SAVED(%rsi), %rsp\n"
        "  ret\n"
        "3:\n"
        "  pushq %rax\n"
        "  pushq %rdx\n"
        "  pushq %rcx\n"
        "  subq $8, %rsp\n"
        "  call lull_seg_leave\n"
        "  movq %rax, %r11\n"
        "  addq $8, %rsp\n"
        "  popq %rcx\n"
        "  popq %rdx\n"
        "  popq %rax\n"
        "  movq %r11, %rsp\n"
        "  ret\n"
        ".size lull_morestack, .-lull_morestack\n");
