#ifndef WARMLINE_CPOCKETSPHINX_SHIM_H
#define WARMLINE_CPOCKETSPHINX_SHIM_H
#include <pocketsphinx.h>
#include <sphinxbase/err.h>

/* cmd_ln_init is variadic (not callable from Swift): parse an argv-style list instead. */
static inline cmd_ln_t *wl_ps_config(int argc, char **argv) {
    return cmd_ln_parse_r(NULL, ps_args(), argc, argv, 1);
}

/* Silences sphinxbase's logging to stderr (the decoder otherwise prints every utterance). */
static inline void wl_ps_silence_log(void) {
    err_set_logfp(NULL);
}
#endif
