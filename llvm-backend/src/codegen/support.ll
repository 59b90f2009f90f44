; support.ll: the entry codes and stubs every generated program carries
; (in its first part; the others declare them, see support_extern.ll).
;
; These are written in LLVM IR by hand because they must use the runtime's
; convention (ghccc), which no C compiler can declare. See Note [Registers
; and the entry signature], Note [The data stack] and Note [Update frames]
; in rt/include/lull_rt.h. They have hidden, not internal, linkage: the
; other parts of the program refer to them, and no interprocedural pass may
; change their signature (a musttail call needs the exact prototype).

; The proc's registers (struct lull_proc_regs): hp at 0, hl at 8, sp at 16,
; fuel at 24.

; A FUN entered with 0 < argc < arity: build the PAP [pap_entry, 3 + argc,
; self, a1..a_argc] (popping the arguments) and return it. The common case
; allocates inline; when the nursery is full, lull_rt_make_pap collects and
; builds it. (self is a FUN here, never a PAP: no flattening is needed.)
define hidden ghccc %lull.ret @lull_pap_stub(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr %hl, i64 %a5, i64 %a6, i64 %a7, i64 %a8, i64 %argc) noinline "split-stack" gc "statepoint-example" {
entry:
  %size = add i64 %argc, 3
  %hpn = getelementptr i64, ptr %hp, i64 %size
  %hlp = getelementptr i8, ptr %proc, i64 8
  %hl0 = load ptr, ptr %hlp
  %ok = icmp ule ptr %hpn, %hl0
  br i1 %ok, label %fast, label %slow, !prof !1
fast:
  store ptr @lull_pap_entry, ptr %hp
  %w1 = getelementptr i64, ptr %hp, i64 1
  store i64 %size, ptr %w1
  %w2 = getelementptr i64, ptr %hp, i64 2
  store ptr addrspace(1) %self, ptr %w2
  br label %copy
copy:
  %i = phi i64 [ 0, %fast ], [ %i1, %copy ]
  %src.off = sub i64 -1, %i
  %src = getelementptr ptr addrspace(1), ptr %sp, i64 %src.off
  %a = load ptr addrspace(1), ptr %src
  %dst.off = add i64 %i, 3
  %dst = getelementptr i64, ptr %hp, i64 %dst.off
  store ptr addrspace(1) %a, ptr %dst
  %i1 = add i64 %i, 1
  %more = icmp ult i64 %i1, %argc
  br i1 %more, label %copy, label %done
done:
  %neg = sub i64 0, %argc
  %spf = getelementptr ptr addrspace(1), ptr %sp, i64 %neg
  %pi = ptrtoint ptr %hp to i64
  %f0 = insertvalue %lull.ret undef, ptr %hpn, 0
  %f1 = insertvalue %lull.ret %f0, ptr %spf, 1
  %f2 = insertvalue %lull.ret %f1, i64 %pi, 2
  ret %lull.ret %f2
slow:
  store ptr %hp, ptr %proc
  %spp = getelementptr i8, ptr %proc, i64 16
  store ptr %sp, ptr %spp
  $service %make_pap make_pap
  %pap = call ptr addrspace(1) %make_pap(ptr %proc, ptr addrspace(1) %self, i64 %argc)
  %hp2 = load ptr, ptr %proc
  %sp2 = load ptr, ptr %spp
  %v = ptrtoint ptr addrspace(1) %pap to i64
  %r0 = insertvalue %lull.ret undef, ptr %hp2, 0
  %r1 = insertvalue %lull.ret %r0, ptr %sp2, 1
  %r2 = insertvalue %lull.ret %r1, i64 %v, 2
  ret %lull.ret %r2
}

; A THUNK entered with argc > 0: evaluate it with a real call (argc 0),
; perform the updates, then enter the value with the arguments, which are
; still on the data stack.
define hidden ghccc %lull.ret @lull_thunk_apply_stub(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr %hl, i64 %a5, i64 %a6, i64 %a7, i64 %a8, i64 %argc) noinline "split-stack" gc "statepoint-example" {
  %e = load ptr, ptr addrspace(1) %self
  %r = call ghccc %lull.ret %e(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr undef, i64 undef, i64 undef, i64 undef, i64 undef, i64 0)
  %hp2 = extractvalue %lull.ret %r, 0
  %sp2 = extractvalue %lull.ret %r, 1
  %vi = extractvalue %lull.ret %r, 2
  %v = inttoptr i64 %vi to ptr addrspace(1)
  %upd = icmp ne ptr %sp2, %sp
  br i1 %upd, label %update, label %apply
update:
  ; One young frame inline, anything else in the runtime: Note [Inline
  ; updates] in rt/include/lull_rt.h.
  %one = getelementptr ptr addrspace(1), ptr %sp, i64 1
  %single = icmp eq ptr %sp2, %one
  %obj = load ptr addrspace(1), ptr %sp
  %oi = ptrtoint ptr addrspace(1) %obj to i64
  %lop = getelementptr i8, ptr %proc, i64 $proc.nursery_lo
  %lo = load i64, ptr %lop
  %sizep = getelementptr i8, ptr %proc, i64 $proc.nursery_size
  %size = load i64, ptr %sizep
  %off = sub i64 %oi, %lo
  %young = icmp ult i64 %off, %size
  %fast = and i1 %single, %young
  br i1 %fast, label %update1, label %updaten, !prof !1
update1:
  store ptr @lull_ref_entry, ptr addrspace(1) %obj
  %vp = getelementptr ptr addrspace(1), ptr addrspace(1) %obj, i64 1
  store ptr addrspace(1) %v, ptr addrspace(1) %vp
  br label %apply
updaten:
  $service %update_frames update_frames
  call void %update_frames(ptr %proc, ptr %sp, ptr %sp2, ptr addrspace(1) %v) #0
  br label %apply
apply:
  %ve = load ptr, ptr addrspace(1) %v
  %t = musttail call ghccc %lull.ret %ve(ptr %hp2, ptr %proc, ptr %sp, ptr addrspace(1) %v, ptr undef, i64 undef, i64 undef, i64 undef, i64 undef, i64 %argc) #0
  ret %lull.ret %t
}

; PAP [entry, size, fun, a1..ak]: push a_k .. a_1 (a1 ends on top), then
; enter the function with argc + k.
define hidden ghccc %lull.ret @lull_pap_entry(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr %hl, i64 %a5, i64 %a6, i64 %a7, i64 %a8, i64 %argc) "split-stack" align 16 gc "statepoint-example" prefix [4 x i32] [i32 0, i32 0, i32 0, i32 3] {
entry:
  %z = icmp eq i64 %argc, 0
  br i1 %z, label %whnf, label %apply
whnf:
  %sv = ptrtoint ptr addrspace(1) %self to i64
  %w0 = insertvalue %lull.ret undef, ptr %hp, 0
  %w1 = insertvalue %lull.ret %w0, ptr %sp, 1
  %w2 = insertvalue %lull.ret %w1, i64 %sv, 2
  ret %lull.ret %w2
apply:
  %sizep = getelementptr i64, ptr addrspace(1) %self, i64 1
  %size = load i64, ptr addrspace(1) %sizep
  %k = sub i64 %size, 3
  %funp = getelementptr i64, ptr addrspace(1) %self, i64 2
  %fun = load ptr addrspace(1), ptr addrspace(1) %funp
  %one = icmp eq i64 %k, 1
  br i1 %one, label %single, label %loop
single:
  %a1p = getelementptr i64, ptr addrspace(1) %self, i64 3
  %a1 = load ptr addrspace(1), ptr addrspace(1) %a1p
  store ptr addrspace(1) %a1, ptr %sp
  br label %done
loop:
  %i = phi i64 [ 0, %apply ], [ %i1, %body ]
  %more = icmp ult i64 %i, %k
  br i1 %more, label %body, label %done
body:
  %src = getelementptr i64, ptr addrspace(1) %self, i64 3
  %srci = getelementptr ptr addrspace(1), ptr addrspace(1) %src, i64 %i
  %a = load ptr addrspace(1), ptr addrspace(1) %srci
  %km1 = sub i64 %k, 1
  %di = sub i64 %km1, %i
  %dst = getelementptr ptr addrspace(1), ptr %sp, i64 %di
  store ptr addrspace(1) %a, ptr %dst
  %i1 = add i64 %i, 1
  br label %loop
done:
  %sp2 = getelementptr ptr addrspace(1), ptr %sp, i64 %k
  %argc2 = add i64 %argc, %k
  %fe = load ptr, ptr addrspace(1) %fun
  %t = musttail call ghccc %lull.ret %fe(ptr %hp, ptr %proc, ptr %sp2, ptr addrspace(1) %fun, ptr undef, i64 undef, i64 undef, i64 undef, i64 undef, i64 %argc2) #0
  ret %lull.ret %t
}

; RIGID [entry, size, head, prev, a1..ak]: applying it extends the spine:
; the new RIGID [rigid_entry, 4 + argc, head, self, a1..a_argc] (popping the
; arguments), allocated inline unless the nursery is full.
define hidden ghccc %lull.ret @lull_rigid_entry(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr %hl, i64 %a5, i64 %a6, i64 %a7, i64 %a8, i64 %argc) "split-stack" align 16 gc "statepoint-example" prefix [4 x i32] [i32 0, i32 0, i32 0, i32 4] {
entry:
  %z = icmp eq i64 %argc, 0
  br i1 %z, label %whnf, label %apply
whnf:
  %sv = ptrtoint ptr addrspace(1) %self to i64
  %w0 = insertvalue %lull.ret undef, ptr %hp, 0
  %w1 = insertvalue %lull.ret %w0, ptr %sp, 1
  %w2 = insertvalue %lull.ret %w1, i64 %sv, 2
  ret %lull.ret %w2
apply:
  %size = add i64 %argc, 4
  %hpn = getelementptr i64, ptr %hp, i64 %size
  %hlp = getelementptr i8, ptr %proc, i64 8
  %hl0 = load ptr, ptr %hlp
  %ok = icmp ule ptr %hpn, %hl0
  br i1 %ok, label %fast, label %slow, !prof !1
fast:
  store ptr @lull_rigid_entry, ptr %hp
  %f1 = getelementptr i64, ptr %hp, i64 1
  store i64 %size, ptr %f1
  %headp = getelementptr i64, ptr addrspace(1) %self, i64 2
  %head = load i64, ptr addrspace(1) %headp
  %f2 = getelementptr i64, ptr %hp, i64 2
  store i64 %head, ptr %f2
  %f3 = getelementptr i64, ptr %hp, i64 3
  store ptr addrspace(1) %self, ptr %f3
  br label %copy
copy:
  %i = phi i64 [ 0, %fast ], [ %i1, %copy ]
  %src.off = sub i64 -1, %i
  %src = getelementptr ptr addrspace(1), ptr %sp, i64 %src.off
  %a = load ptr addrspace(1), ptr %src
  %dst.off = add i64 %i, 4
  %dst = getelementptr i64, ptr %hp, i64 %dst.off
  store ptr addrspace(1) %a, ptr %dst
  %i1 = add i64 %i, 1
  %more = icmp ult i64 %i1, %argc
  br i1 %more, label %copy, label %done
done:
  %neg = sub i64 0, %argc
  %spf = getelementptr ptr addrspace(1), ptr %sp, i64 %neg
  %ni = ptrtoint ptr %hp to i64
  %d0 = insertvalue %lull.ret undef, ptr %hpn, 0
  %d1 = insertvalue %lull.ret %d0, ptr %spf, 1
  %d2 = insertvalue %lull.ret %d1, i64 %ni, 2
  ret %lull.ret %d2
slow:
  store ptr %hp, ptr %proc
  %spp = getelementptr i8, ptr %proc, i64 16
  store ptr %sp, ptr %spp
  $service %rigid_apply rigid_apply
  %r = call ptr addrspace(1) %rigid_apply(ptr %proc, ptr addrspace(1) %self, i64 %argc)
  %hp2 = load ptr, ptr %proc
  %sp2 = load ptr, ptr %spp
  %v = ptrtoint ptr addrspace(1) %r to i64
  %r0 = insertvalue %lull.ret undef, ptr %hp2, 0
  %r1 = insertvalue %lull.ret %r0, ptr %sp2, 1
  %r2 = insertvalue %lull.ret %r1, i64 %v, 2
  ret %lull.ret %r2
}

; REF [entry, value]: enter the value.
define hidden ghccc %lull.ret @lull_ref_entry(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr %hl, i64 %a5, i64 %a6, i64 %a7, i64 %a8, i64 %argc) "split-stack" align 16 gc "statepoint-example" prefix [4 x i32] [i32 0, i32 0, i32 2, i32 1] {
  %vp = getelementptr i64, ptr addrspace(1) %self, i64 1
  %v = load ptr addrspace(1), ptr addrspace(1) %vp
  %ve = load ptr, ptr addrspace(1) %v
  %t = musttail call ghccc %lull.ret %ve(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %v, ptr undef, i64 undef, i64 undef, i64 undef, i64 undef, i64 %argc) #0
  ret %lull.ret %t
}

; BLACKHOLE: a thunk entered while it is being evaluated.
define hidden ghccc %lull.ret @lull_blackhole_entry(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr %hl, i64 %a5, i64 %a6, i64 %a7, i64 %a8, i64 %argc) "split-stack" align 16 gc "statepoint-example" prefix [4 x i32] [i32 0, i32 0, i32 2, i32 6] {
  ; Returns only when another proc is evaluating the object (Note [CAFs
  ; and procs] in rt/src/sched.c): then it may have been updated meanwhile,
  ; and we enter it again.
  $service %bh blackhole
  call void %bh(ptr %proc, ptr addrspace(1) %self, ptr %sp) #0
  %e = load ptr, ptr addrspace(1) %self
  %r = musttail call ghccc %lull.ret %e(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr undef, i64 undef, i64 undef, i64 undef, i64 undef, i64 %argc) #0
  ret %lull.ret %r
}

; FORWARD: only exists during a collection; never entered.
define hidden ghccc %lull.ret @lull_forward_entry(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr %hl, i64 %a5, i64 %a6, i64 %a7, i64 %a8, i64 %argc) "split-stack" align 16 gc "statepoint-example" prefix [4 x i32] [i32 0, i32 0, i32 2, i32 0] {
  $service %bad_apply bad_apply
  call void %bad_apply(ptr %proc, ptr addrspace(1) %self) #1
  unreachable
}

; A string literal [entry, desc, offset]: unpacked one character at a time
; by the runtime (not updated: unpacking again gives an equal list).
define hidden ghccc %lull.ret @lull_str_entry(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %self, ptr %hl, i64 %a5, i64 %a6, i64 %a7, i64 %a8, i64 %argc) "split-stack" align 16 gc "statepoint-example" prefix [4 x i32] [i32 0, i32 2, i32 3, i32 5] {
entry:
  store ptr %hp, ptr %proc
  %spp = getelementptr i8, ptr %proc, i64 16
  store ptr %sp, ptr %spp
  $service %str_unpack str_unpack
  %r = call ptr addrspace(1) %str_unpack(ptr %proc, ptr addrspace(1) %self)
  %hp2 = load ptr, ptr %proc
  %sp2 = load ptr, ptr %spp
  %z = icmp eq i64 %argc, 0
  br i1 %z, label %whnf, label %apply
whnf:
  %v = ptrtoint ptr addrspace(1) %r to i64
  %r0 = insertvalue %lull.ret undef, ptr %hp2, 0
  %r1 = insertvalue %lull.ret %r0, ptr %sp2, 1
  %r2 = insertvalue %lull.ret %r1, i64 %v, 2
  ret %lull.ret %r2
apply:
  %re = load ptr, ptr addrspace(1) %r
  %t = musttail call ghccc %lull.ret %re(ptr %hp2, ptr %proc, ptr %sp2, ptr addrspace(1) %r, ptr undef, i64 undef, i64 undef, i64 undef, i64 undef, i64 %argc) #0
  ret %lull.ret %t
}

; The C-to-generated-code trampoline (lull_program.call_entry): a C-convention
; function, so it keeps the C stack alignment and saves the callee-saved
; registers that ghccc code uses freely. Not a GC function: the collector's
; frame walk stops at its return address.
define hidden ptr @lull_call_entry(ptr %proc, ptr %self, i64 %argc) {
  %hp = load ptr, ptr %proc
  %spp = getelementptr i8, ptr %proc, i64 16
  %sp = load ptr, ptr %spp
  %si = ptrtoint ptr %self to i64
  %s = inttoptr i64 %si to ptr addrspace(1)
  %e = load ptr, ptr %self
  %r = call ghccc %lull.ret %e(ptr %hp, ptr %proc, ptr %sp, ptr addrspace(1) %s, ptr undef, i64 undef, i64 undef, i64 undef, i64 undef, i64 %argc)
  %hp2 = extractvalue %lull.ret %r, 0
  %sp2 = extractvalue %lull.ret %r, 1
  %vi = extractvalue %lull.ret %r, 2
  store ptr %hp2, ptr %proc
  store ptr %sp2, ptr %spp
  %v = inttoptr i64 %vi to ptr
  ret ptr %v
}

