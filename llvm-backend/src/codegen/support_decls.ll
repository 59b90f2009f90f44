; support_decls.ll: what every part of a generated program declares (the
; return type of entry codes, the C library's functions, the attributes of
; calls). support.ll has the entry codes and stubs themselves. Runtime
; services are not declared: generated code calls them through the proc's
; service table (Note [The service table] in rt/include/lull_rt.h), and a
; `$service %f NAME` line in support.ll or in generated text loads the
; address of service NAME into %f (expand_services in emit.rs).

%lull.ret = type { ptr, ptr, i64 }

declare double @llvm.sqrt.f64(double)
declare double @exp(double)
declare double @log(double)
declare double @sin(double)
declare double @cos(double)
declare double @tan(double)
declare double @atan2(double, double)
declare double @pow(double, double)
@lull.what.data = private unnamed_addr constant [12 x i8] c"a data type\00"
; Calls that never collect (tail calls included): see Note [GC pointers in
; generated code] in llvm-backend/src/codegen/mod.rs.
attributes #0 = { "gc-leaf-function" }
; The same for the services that report a failure and never return.
attributes #1 = { "gc-leaf-function" noreturn }
