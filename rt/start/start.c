/*
 * start.c: the executable's main for a generated program: hands the
 * program's one exported symbol, `lull_program`, to the runtime.
 * Not part of rt/src (the runtime's tests link rt/src with their own main).
 */
#include "lull_rt.h"

extern const struct lull_program lull_program;

int main(int argc, char **argv) {
    return lull_rt_main(argc, argv, &lull_program);
}
