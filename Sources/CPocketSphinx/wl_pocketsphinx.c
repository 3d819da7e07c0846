#include "wl_pocketsphinx.h"

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>

struct cmd_ln_s *wl_ps_config(int argc, char **argv) {
    /* cmd_ln_init is variadic (not callable from Swift): parse the argv-style list instead */
    return cmd_ln_parse_r(NULL, ps_args(), argc, argv, 1);
}

struct ps_decoder_s *wl_ps_init(struct cmd_ln_s *config) {
    ps_decoder_t *ps = ps_init(config);
    cmd_ln_free_r(config); /* the decoder keeps its own reference */
    return ps;
}

void wl_ps_free(struct ps_decoder_s *ps) { ps_free(ps); }

void wl_ps_silence_log(void) { err_set_logfp(NULL); }

int wl_ps_set_lm_file(struct ps_decoder_s *ps, const char *name, const char *path) {
    return ps_set_lm_file(ps, name, path);
}

int wl_ps_set_search(struct ps_decoder_s *ps, const char *name) { return ps_set_search(ps, name); }

int wl_ps_start_utt(struct ps_decoder_s *ps) { return ps_start_utt(ps); }

int wl_ps_end_utt(struct ps_decoder_s *ps) { return ps_end_utt(ps); }

int wl_ps_process_raw(struct ps_decoder_s *ps, const int16_t *samples, size_t count, int full_utterance) {
    return ps_process_raw(ps, samples, count, 0, full_utterance);
}

int wl_ps_get_n_frames(struct ps_decoder_s *ps) { return ps_get_n_frames(ps); }

const char *wl_ps_get_hyp(struct ps_decoder_s *ps) {
    int32 score = 0;
    return ps_get_hyp(ps, &score);
}

struct ps_seg_s *wl_ps_seg_iter(struct ps_decoder_s *ps) { return ps_seg_iter(ps); }

struct ps_seg_s *wl_ps_seg_next(struct ps_seg_s *seg) { return ps_seg_next(seg); }

const char *wl_ps_seg_word(struct ps_seg_s *seg) { return ps_seg_word(seg); }

void wl_ps_seg_frames(struct ps_seg_s *seg, int *start_frame, int *end_frame) {
    ps_seg_frames(seg, start_frame, end_frame);
}

int32_t wl_ps_seg_prob(struct ps_seg_s *seg) {
    int32 acoustic = 0, language = 0, backoff = 0;
    return ps_seg_prob(seg, &acoustic, &language, &backoff);
}

#ifdef FIXED_POINT
#error "the CMN state is exchanged as float: sphinxbase must be built with floating-point features (Debian's is)"
#endif

/* Live CMN state: the mean, the running sum, then the frame count. */
static cmn_t *live_cmn(struct ps_decoder_s *ps) {
    feat_t *feat = ps_get_feat(ps);
    return feat == NULL ? NULL : feat->cmn_struct;
}

int wl_ps_cmn_state_size(struct ps_decoder_s *ps) {
    cmn_t *cmn = live_cmn(ps);
    return cmn == NULL ? 0 : 2 * cmn->veclen + 1;
}

void wl_ps_cmn_save(struct ps_decoder_s *ps, float *state) {
    cmn_t *cmn = live_cmn(ps);
    if (cmn == NULL) return;
    for (int32 i = 0; i < cmn->veclen; i++) {
        state[i] = cmn->cmn_mean[i];
        state[cmn->veclen + i] = cmn->sum[i];
    }
    state[2 * cmn->veclen] = (float)cmn->nframe;
}

void wl_ps_cmn_restore(struct ps_decoder_s *ps, const float *state) {
    cmn_t *cmn = live_cmn(ps);
    if (cmn == NULL) return;
    for (int32 i = 0; i < cmn->veclen; i++) {
        cmn->cmn_mean[i] = state[i];
        cmn->sum[i] = state[cmn->veclen + i];
    }
    cmn->nframe = (int32)state[2 * cmn->veclen];
}
