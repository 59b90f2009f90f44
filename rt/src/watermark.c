/*
 * watermark.c: the watermark that keeps a minor collection from walking
 * generated frames that have not run since the previous collection.
 *
 * Note [The watermark]
 * ~~~~~~~~~~~~~~~~~~~~
 * Deep non-tail recursion leaves millions of generated frames on the
 * native stack, and a minor collection that walked all of them (a stack-map
 * lookup each) would make the run quadratic. But after any collection,
 * every generated frame holds old-space pointers only, and a frame's slots
 * change only while it runs. The newest frame F1 (the one that called into
 * the runtime) resumes at once; the older ones F2..Fn stay untouched until
 * F1 returns into F2. So after every collection we hijack the slot S2 that
 * holds F2's return address (the slot the walk reads right after F1's
 * frame, when that return address is a generated call site):
 *
 *     proc->wm_slot = S2, proc->wm_ret = *S2, *S2 = lull_watermark_return
 *
 *          | ...          |  older frames: clean
 *          | F2's frame   |
 *     S2:  | stub address |  <- proc->wm_slot (the real one in wm_ret)
 *          | F1's frame   |  runs, and calls other code, which collects
 *          | ...          |
 *
 * A minor collection's walk (LULL_WALK_NEW) stops at proc->wm_slot; a
 * major one, and the heap checker, walk on with wm_ret instead (Note
 * [Walking generated frames] in stackmap.c). After every collection
 * lull_watermark_after_gc puts the old slot back and hijacks the new S2.
 *
 * When F1 returns, it returns into lull_watermark_return (below) with
 * rsp = S2 + 8, and F2 is about to run. The stub saves rax, rdx and rcx
 * (generated code returns {hp, sp, value} there: Note [Registers and the
 * entry signature] in lull_rt.h; ghccc has no callee-saved registers, so
 * nothing else is live), aligns the stack for the C call and calls
 * lull_watermark_returned, which hijacks the next older slot S3 = S2 + 8 +
 * the stack size of F2's function (F2 has not run since the collection
 * either, but its callee is gone: from now on F2 is new and F3 is the
 * first clean frame), or drops the watermark when F2's caller is not
 * generated code (the C trampoline lull_call_entry); it returns F2's real
 * return address, which the stub jumps to after restoring the registers.
 * So unwinding a deep recursion moves the watermark down one frame per
 * return, at the cost of one C call and one stack-map lookup, instead of
 * losing it; every minor collection walks only the frames pushed or
 * returned into since the previous one.
 *
 * Generated code keeps no proc in a callee-saved register across calls, so
 * the stub finds the proc through lull_current_proc (one proc per
 * process). Hijacking return addresses is incompatible with a hardware
 * shadow stack (CET SHSTK) and the stub's `jmp *%r11` with indirect-branch
 * tracking: neither is on, because the generated object carries no
 * GNU property note marking it SHSTK or IBT compatible (the linker keeps a
 * feature only when every object has it). Keep it that way, or give up
 * the hijack (walk the whole stack) when a shadow stack is active.
 */
#include <stdint.h>

#include "proc.h"
#include "segment.h"
#include "stackmap.h"

/* Hijack `slot` when it holds a generated call site's return address. */
static void hijack(struct lull_proc *proc, void **slot) {
    if (*slot == (void *)lull_morestack_ret) {
        slot = lull_seg_hop(slot); /* Note [Segmented stacks] in segment.c */
    }
    uint64_t size;
    if (lull_stackmap_frame_size((uint64_t)(uintptr_t)*slot, &size)) {
        proc->wm_slot = slot;
        proc->wm_ret = *slot;
        *slot = (void *)&lull_watermark_return;
    }
}

void lull_watermark_after_gc(struct lull_proc *proc) {
    void **s1 = proc->last_ret_slot;
    if (s1 == NULL) {
        /* The runtime collected on its own: no generated frame ran (and
         * any watermark stays valid). */
        return;
    }
    if (proc->wm_slot != NULL) {
        if (*proc->wm_slot != (void *)&lull_watermark_return) {
            lull_internal("the watermark's slot %p lost its hijack", (void *)proc->wm_slot);
        }
        *proc->wm_slot = proc->wm_ret;
        proc->wm_slot = NULL;
        proc->wm_ret = NULL;
    }
    uint64_t size;
    if (!lull_stackmap_frame_size((uint64_t)(uintptr_t)*s1, &size)) {
        return; /* called from outside generated code */
    }
    hijack(proc, (void **)((char *)(s1 + 1) + size));
}

/* Called by the stub: `rsp` is the stub's rsp on entry, just above the
 * hijacked slot. Returns the slot's real return address. */
void *lull_watermark_returned(void **rsp);

void *lull_watermark_returned(void **rsp) {
    struct lull_proc *proc = lull_current_proc;
    void **slot = rsp - 1;
    if (proc == NULL || slot != proc->wm_slot) {
        lull_internal("returned through the watermark at %p, which is not the watermark's slot", (void *)slot);
    }
    void *ra = proc->wm_ret;
    proc->wm_slot = NULL;
    proc->wm_ret = NULL;
    uint64_t size;
    if (!lull_stackmap_frame_size((uint64_t)(uintptr_t)ra, &size)) {
        lull_internal("the watermark's return address %p is not a call site", ra);
    }
    hijack(proc, (void **)((char *)rsp + size));
    return ra;
}

/* The stub. On entry rsp = hijacked slot + 8 (16-byte aligned, as at any
 * return into generated code; aligned anyway for robustness). rbx is
 * callee-saved in the C convention: it keeps the unaligned rsp. */
__asm__(
    "    .text\n"
    "    .globl lull_watermark_return\n"
    "    .type lull_watermark_return, @function\n"
    "    .p2align 4\n"
    "lull_watermark_return:\n"
    "    pushq %rax\n"
    "    pushq %rdx\n"
    "    pushq %rcx\n"
    "    pushq %rbx\n"
    "    leaq 32(%rsp), %rdi\n"
    "    movq %rsp, %rbx\n"
    "    andq $-16, %rsp\n"
    "    call lull_watermark_returned@PLT\n"
    "    movq %rbx, %rsp\n"
    "    movq %rax, %r11\n"
    "    popq %rbx\n"
    "    popq %rcx\n"
    "    popq %rdx\n"
    "    popq %rax\n"
    "    jmpq *%r11\n"
    "    .size lull_watermark_return, .-lull_watermark_return\n");
