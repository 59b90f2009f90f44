/*
 * start.c: the start stub of an executable built by `lull build`: hands
 * the crate's entry (its one exported symbol, Note [Crate entries] in
 * lull_rt.h) to the runtime, which initialises itself and calls back into
 * the crate with its service table. Not part of rt/src (the runtime's
 * tests link rt/src with their own main).
 */
#include "lull_rt.h"

const struct lull_program *lull_entry(const struct lull_services *svc);

int main(int argc, char **argv) {
    return lull_rt_start(argc, argv, lull_entry);
}
