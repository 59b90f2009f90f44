; support_decls.ll: what every part of a generated program declares (the
; runtime's services, the return type of entry codes). support.ll has the
; entry codes and stubs themselves.

%lull.ret = type { ptr, ptr, i64 }

declare void @lull_rt_gc(ptr, i64)
declare ptr addrspace(1) @lull_rt_make_pap(ptr, ptr addrspace(1), i64)
declare ptr addrspace(1) @lull_rt_rigid_apply(ptr, ptr addrspace(1), i64)
declare ptr addrspace(1) @lull_rt_str_unpack(ptr, ptr addrspace(1))
declare void @lull_rt_update_frames(ptr, ptr, ptr, ptr addrspace(1))
declare void @lull_rt_out_of_fuel(ptr)
declare void @lull_rt_putchar(ptr, i64)
declare i64 @lull_rt_getchar(ptr)
declare i64 @lull_rt_dataid(ptr, ptr addrspace(1))
declare i64 @lull_rt_fshowchar(double, i64)
declare i64 @lull_rt_uniprop(i64, i64)
declare double @lull_rt_fdec(i64, i64)
declare void @lull_rt_hputchar(ptr, i64, i64)
declare void @lull_rt_hcommit(ptr, i64, i64)
declare i64 @lull_rt_hgetchar(ptr, i64)
declare void @lull_rt_hflush(ptr, i64)
declare void @lull_rt_hclose(ptr, i64)
declare void @lull_rt_pathchar(ptr, i64)
declare i64 @lull_rt_hopen(ptr, i64)
declare void @lull_rt_exit(ptr, i64)
declare i64 @lull_rt_argcount(ptr)
declare i64 @lull_rt_argchar(ptr, i64, i64)
declare double @llvm.sqrt.f64(double)
declare double @exp(double)
declare double @log(double)
declare double @sin(double)
declare double @cos(double)
declare double @tan(double)
declare double @atan2(double, double)
declare double @pow(double, double)
@lull.what.data = private unnamed_addr constant [12 x i8] c"a data type\00"
declare void @lull_rt_loop(ptr) noreturn
declare void @lull_rt_bad_apply(ptr, ptr addrspace(1)) noreturn
declare void @lull_rt_error(ptr, ptr, ptr) noreturn
declare void @lull_rt_no_match(ptr) noreturn
declare void @lull_rt_no_match_con(ptr, ptr addrspace(1)) noreturn
declare void @lull_rt_no_match_i64(ptr, i64) noreturn
declare void @lull_rt_no_match_f64(ptr, double) noreturn
declare void @lull_rt_bad_case(ptr, ptr addrspace(1), ptr) noreturn

; Calls that never collect (tail calls included): see Note [GC pointers in
; generated code] in llvm-backend/src/codegen/mod.rs.
attributes #0 = { "gc-leaf-function" }
