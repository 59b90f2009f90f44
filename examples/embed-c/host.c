/*
 * host.c: a C program that loads the Lull crate examples/Words.lull and
 * calls its functions. Built and run by `cargo xtask test`; by hand:
 *
 *   lull build --crate examples/Words.lull -o libWords.so
 *   cc -I rt/include examples/embed-c/host.c liblull_rt.a -lpthread -lm -ldl -o host
 *   ./host ./libWords.so "the cat and the hat"
 */
#include <stdio.h>
#include <stdlib.h>

#include "lull_embed.h"

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s CRATE TEXT\n", argv[0]);
        return 2;
    }
    char *err = NULL;
    lull_runtime *rt = lull_runtime_new(NULL);
    lull_crate *words = lull_crate_open(rt, argv[1], &err);
    if (words == NULL) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 1;
    }

    /* wordFreq :: String -> [(String, Int)] */
    lull_value *text = lull_string(argv[2]);
    lull_value *freq = lull_call(words, "wordFreq", 1, &text, &err);
    if (freq == NULL) {
        fprintf(stderr, "wordFreq: %s\n", err);
        free(err);
        return 1;
    }
    for (size_t i = 0; i < lull_length(freq); i++) {
        const lull_value *pair = lull_item(freq, i);
        printf("%-8s %lld\n", lull_as_string(lull_item(pair, 0), NULL), (long long)lull_as_int(lull_item(pair, 1)));
    }
    char *shown = lull_value_show(freq);
    printf("%s\n", shown);
    free(shown);
    lull_value_free(freq);

    /* A Lull error is an error string; the crate goes on working. */
    lull_value *empty = lull_string("");
    lull_value *none = lull_call(words, "longest", 1, &empty, &err);
    printf("longest \"\": %s\n", none == NULL ? err : "?");
    free(err);
    lull_value *w = lull_call(words, "longest", 1, &text, &err);
    printf("longest: %s\n", w != NULL ? lull_as_string(w, NULL) : err);
    lull_value_free(w);

    lull_value_free(empty);
    lull_value_free(text);
    lull_crate_close(words);
    lull_runtime_free(rt);
    return 0;
}
