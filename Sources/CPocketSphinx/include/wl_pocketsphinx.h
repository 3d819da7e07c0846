#ifndef WARMLINE_CPOCKETSPHINX_H
#define WARMLINE_CPOCKETSPHINX_H
/*
 * The few PocketSphinx calls Warmline makes, behind a header that needs no PocketSphinx headers.
 *
 * PocketSphinx's pkg-config file links libsphinxad (its audio-device library) as well, and through it
 * PulseAudio, libsndfile, X11 and D-Bus: about 4 MB of resident pages in a process that never opens
 * a device with it. This target compiles against the real headers and links libpocketsphinx and
 * libsphinxbase only.
 */
#include <stddef.h>
#include <stdint.h>

struct cmd_ln_s;
struct ps_decoder_s;
struct ps_seg_s;

/* Decoder options from an argv-style list (argv[0] is skipped), or NULL when an option is refused. */
struct cmd_ln_s *wl_ps_config(int argc, char **argv);
/* A decoder for `config`, or NULL when the model or the keyphrase list cannot be loaded; takes over `config` either way. */
struct ps_decoder_s *wl_ps_init(struct cmd_ln_s *config);
void wl_ps_free(struct ps_decoder_s *ps);

/* Silences sphinxbase's logging to stderr (the decoder otherwise prints every utterance). */
void wl_ps_silence_log(void);

int wl_ps_set_lm_file(struct ps_decoder_s *ps, const char *name, const char *path);
int wl_ps_set_search(struct ps_decoder_s *ps, const char *name);
int wl_ps_start_utt(struct ps_decoder_s *ps);
int wl_ps_end_utt(struct ps_decoder_s *ps);
int wl_ps_process_raw(struct ps_decoder_s *ps, const int16_t *samples, size_t count, int full_utterance);
int wl_ps_get_n_frames(struct ps_decoder_s *ps);
const char *wl_ps_get_hyp(struct ps_decoder_s *ps);

/* Segments of the current hypothesis: iterate with wl_ps_seg_next until it returns NULL (it frees the iterator). */
struct ps_seg_s *wl_ps_seg_iter(struct ps_decoder_s *ps);
struct ps_seg_s *wl_ps_seg_next(struct ps_seg_s *seg);
const char *wl_ps_seg_word(struct ps_seg_s *seg);
void wl_ps_seg_frames(struct ps_seg_s *seg, int *start_frame, int *end_frame);
int32_t wl_ps_seg_prob(struct ps_seg_s *seg);

/* Live cepstral-mean-normalisation state (floats: mean, running sum, frame count): its size (0: none), a copy,
 * and putting a copy back (between utterances only). */
int wl_ps_cmn_state_size(struct ps_decoder_s *ps);
void wl_ps_cmn_save(struct ps_decoder_s *ps, float *state);
void wl_ps_cmn_restore(struct ps_decoder_s *ps, const float *state);
#endif
