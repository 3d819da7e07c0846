/* The network's audio toward the unit, as the emulator's phone line would carry it: call-progress tones per country
 * tone plan (dial tone after a seizure or flash, ringback, busy), silence otherwise, as 8 kHz S16LE mono raw samples
 * written in real time to a file or FIFO (the ALSA file plugin's `infile` reads it as the line's capture device). */
#ifndef WL_LINE_AUDIO_H
#define WL_LINE_AUDIO_H

#include <stdbool.h>
#include <stdint.h>

#include "network_sim.h"

#define LINE_AUDIO_RATE_HZ 8000u
#define LINE_AUDIO_SAMPLES_PER_MS (LINE_AUDIO_RATE_HZ / 1000u)
#define LINE_AUDIO_MAX_CADENCE 4

typedef struct {
    uint16_t hz[2]; /* 0 when single-frequency */
    uint16_t cadence_ms[LINE_AUDIO_MAX_CADENCE]; /* on, off, on, off; all 0: continuous */
} line_tone_t;

typedef struct {
    const char *name;
    line_tone_t dial_tone;
    line_tone_t ringback;
    line_tone_t busy;
} line_tone_plan_t;

typedef struct {
    const char *path;
    int fd;
    const line_tone_plan_t *plan;
    uint32_t retry_at_ms;
    uint32_t phase[2]; /* 32-bit phase accumulators */
    uint32_t samples_dropped;
} line_audio_t;

/* The plan called `name` (us, uk, eu, tr, ua), or NULL. */
const line_tone_plan_t *line_audio_plan(const char *name);

void line_audio_init(line_audio_t *audio, const char *path, const line_tone_plan_t *plan);

/* One millisecond of the line's audio for the network's state: opens the file when it can (a FIFO waits for its
 * reader), drops what a slow or absent reader cannot take, as a line does. */
void line_audio_tick(line_audio_t *audio, uint32_t now_ms, const network_sim_t *sim);

#endif
