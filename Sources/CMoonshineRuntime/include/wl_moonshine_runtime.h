#ifndef WARMLINE_CMOONSHINERUNTIME_H
#define WARMLINE_CMOONSHINERUNTIME_H
/*
 * Moonshine base-en's two ONNX models driven through ONNX Runtime's C API, one decoder step at a time, so that
 * Warmline decides how the transcript is searched (libmoonshine's greedy decode gives up on a clip it finds unclear
 * and cannot be told which words matter). The runtime is opened with dlopen from the model directory; nothing here
 * links against it, so a unit without the model still builds and starts.
 *
 * Every call returns 0 on success; otherwise it writes a one-line reason into `error` (at most `error_size` bytes,
 * always terminated) and returns a non-zero code.
 */
#include <stddef.h>
#include <stdint.h>

/* Moonshine base-en's shape: the decoder's layers, attention heads and head width, the encoder's width, the logits'
 * width (the tokenizer uses the first 32000), and the tokens that start and end a transcript. */
enum {
    WL_MOONSHINE_LAYERS = 8,
    WL_MOONSHINE_HEADS = 8,
    WL_MOONSHINE_HEAD_SIZE = 52,
    WL_MOONSHINE_WIDTH = 416,
    WL_MOONSHINE_LOGITS = 32768,
    WL_MOONSHINE_START_TOKEN = 1,
    WL_MOONSHINE_END_TOKEN = 2
};

typedef struct wl_moonshine wl_moonshine;

/* Opens the runtime (`runtime_path`, e.g. libonnxruntime.so.1.22.1) and both models. A model in ORT format (a path
 * ending ".ort") is mapped read-only and its weights are used from the mapping, so they cost file-backed pages that
 * the kernel can drop, not heap; the decoder may be the wheel's `decoder_model_merged.ort` or the folded
 * `decoder_model_folded.ort` that `make deps` derives from it (Scripts/moonshine-decoder-onnx.py: same graph, weights
 * stored as floats, about 13 ms of CPU per decoder call instead of 60-70). `threads` is the number of
 * threads each model's operators may use (0: the runtime's default, one per core); `arena` 0 turns the runtime's
 * CPU memory arena off, so memory goes back to the system after each call instead of staying at its peak. */
int wl_moonshine_open(const char *runtime_path, const char *encoder_path, const char *decoder_path, int threads,
                      int arena, wl_moonshine **out, char *error, size_t error_size);

/* Frees the models; the runtime library stays loaded (ONNX Runtime does not support being unloaded). */
void wl_moonshine_close(wl_moonshine *moonshine);

/* Encodes `count` 16 kHz samples in -1...1 and starts a new transcript (the decoder's cache is emptied).
 * `frames` receives the number of encoder frames (about 41 per second of audio). */
int wl_moonshine_encode(wl_moonshine *moonshine, const float *samples, size_t count, int64_t *frames,
                        char *error, size_t error_size);

/* Feeds `count` tokens after those fed since the last encode (the first call starts with WL_MOONSHINE_START_TOKEN)
 * and writes the logits that follow each of them: `count` rows of WL_MOONSHINE_LOGITS floats into `logits`. */
int wl_moonshine_step(wl_moonshine *moonshine, const int64_t *tokens, size_t count, float *logits,
                      char *error, size_t error_size);

/* Forgets the tokens fed since the last encode, keeping the encoded audio: the next step starts a transcript again. */
void wl_moonshine_restart(wl_moonshine *moonshine);

#endif
