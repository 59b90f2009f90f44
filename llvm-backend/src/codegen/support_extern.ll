; support_extern.ll: the support entries of support.ll, as the parts of a
; program other than the first see them.
declare hidden ghccc %lull.ret @lull_pap_stub(ptr, ptr, ptr, ptr addrspace(1), ptr, i64, i64, i64, i64, i64)
declare hidden ghccc %lull.ret @lull_thunk_apply_stub(ptr, ptr, ptr, ptr addrspace(1), ptr, i64, i64, i64, i64, i64)
declare hidden ghccc %lull.ret @lull_pap_entry(ptr, ptr, ptr, ptr addrspace(1), ptr, i64, i64, i64, i64, i64)
declare hidden ghccc %lull.ret @lull_rigid_entry(ptr, ptr, ptr, ptr addrspace(1), ptr, i64, i64, i64, i64, i64)
declare hidden ghccc %lull.ret @lull_ref_entry(ptr, ptr, ptr, ptr addrspace(1), ptr, i64, i64, i64, i64, i64)
declare hidden ghccc %lull.ret @lull_blackhole_entry(ptr, ptr, ptr, ptr addrspace(1), ptr, i64, i64, i64, i64, i64)
declare hidden ghccc %lull.ret @lull_forward_entry(ptr, ptr, ptr, ptr addrspace(1), ptr, i64, i64, i64, i64, i64)
declare hidden ghccc %lull.ret @lull_str_entry(ptr, ptr, ptr, ptr addrspace(1), ptr, i64, i64, i64, i64, i64)
