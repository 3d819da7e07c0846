#include "line_audio.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* As Sources/WarmlineDSP/TonePlan.swift: ANSI T1.401, BT SIN 350, ETSI TR 101 041, E.180 Suppl. 2. */
static const line_tone_plan_t plans[] = {
    {"us", {{350, 440}, {0}}, {{440, 480}, {2000, 4000}}, {{480, 620}, {500, 500}}},
    {"uk", {{350, 440}, {0}}, {{400, 450}, {400, 200, 400, 2000}}, {{400, 0}, {375, 375}}},
    {"eu", {{425, 0}, {0}}, {{425, 0}, {1000, 4000}}, {{425, 0}, {500, 500}}},
    {"tr", {{450, 0}, {0}}, {{450, 0}, {2000, 4000}}, {{450, 0}, {500, 500}}},
    {"ua", {{425, 0}, {0}}, {{425, 0}, {1000, 4000}}, {{425, 0}, {350, 350}}},
};

#define SINE_TABLE_BITS 10u
#define SINE_TABLE_SIZE (1u << SINE_TABLE_BITS)
/* About -13 dBm0 per frequency: a typical exchange level. */
#define TONE_AMPLITUDE 5000.0

static int16_t sine_table[SINE_TABLE_SIZE];
static bool sine_ready;

const line_tone_plan_t *line_audio_plan(const char *name)
{
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
        if (strcmp(plans[i].name, name) == 0) {
            return &plans[i];
        }
    }
    return NULL;
}

void line_audio_init(line_audio_t *audio, const char *path, const line_tone_plan_t *plan)
{
    memset(audio, 0, sizeof *audio);
    audio->path = path;
    audio->fd = -1;
    audio->plan = plan;
    if (!sine_ready) {
        for (uint32_t i = 0; i < SINE_TABLE_SIZE; i++) {
            sine_table[i] = (int16_t)lrint(TONE_AMPLITUDE * sin(2.0 * M_PI * (double)i / (double)SINE_TABLE_SIZE));
        }
        sine_ready = true;
    }
}

/* Whether the tone is in an on-period `t_ms` after it started. */
static bool cadence_on(const line_tone_t *tone, uint32_t t_ms)
{
    uint32_t period = 0;
    for (int i = 0; i < LINE_AUDIO_MAX_CADENCE; i++) {
        period += tone->cadence_ms[i];
    }
    if (period == 0) {
        return true;
    }
    uint32_t at = t_ms % period;
    for (int i = 0; i < LINE_AUDIO_MAX_CADENCE; i++) {
        if (at < tone->cadence_ms[i]) {
            return i % 2 == 0;
        }
        at -= tone->cadence_ms[i];
    }
    return false;
}

static const line_tone_t *tone_for(const line_audio_t *audio, const network_sim_t *sim)
{
    if (!sim->hook) {
        return NULL; /* on-hook: the unit hears nothing of the line */
    }
    switch (sim->state) {
    case NET_HELD:
        return &audio->plan->dial_tone;
    case NET_AGENT_RINGING:
        return &audio->plan->ringback;
    case NET_AGENT_BUSY:
        return &audio->plan->busy;
    default:
        return NULL;
    }
}

static void try_open(line_audio_t *audio, uint32_t now_ms)
{
    if (audio->fd >= 0 || now_ms < audio->retry_at_ms) {
        return;
    }
    /* A FIFO without a reader refuses a non-blocking writer (ENXIO): try again in 100 ms. */
    audio->fd = open(audio->path, O_WRONLY | O_NONBLOCK | O_CREAT | O_CLOEXEC, 0600);
    if (audio->fd < 0) {
        audio->retry_at_ms = now_ms + 100u;
    }
}

void line_audio_tick(line_audio_t *audio, uint32_t now_ms, const network_sim_t *sim)
{
    try_open(audio, now_ms);
    if (audio->fd < 0) {
        return;
    }
    int16_t samples[LINE_AUDIO_SAMPLES_PER_MS];
    const line_tone_t *tone = tone_for(audio, sim);
    bool on = tone != NULL && cadence_on(tone, now_ms - sim->since_ms);
    for (uint32_t n = 0; n < LINE_AUDIO_SAMPLES_PER_MS; n++) {
        int32_t sample = 0;
        for (int f = 0; f < 2; f++) {
            if (tone != NULL && tone->hz[f] != 0) {
                /* phase step = hz / rate of a full 2^32 turn */
                audio->phase[f] += (uint32_t)(((uint64_t)tone->hz[f] << 32) / LINE_AUDIO_RATE_HZ);
                if (on) {
                    sample += sine_table[audio->phase[f] >> (32u - SINE_TABLE_BITS)];
                }
            }
        }
        samples[n] = (int16_t)sample;
    }
    ssize_t written = write(audio->fd, samples, sizeof samples);
    if (written < 0 && errno == EPIPE) {
        close(audio->fd); /* the reader went away: wait for the next one */
        audio->fd = -1;
        audio->retry_at_ms = now_ms + 100u;
    }
    if (written < (ssize_t)sizeof samples) {
        audio->samples_dropped += LINE_AUDIO_SAMPLES_PER_MS - (uint32_t)(written > 0 ? written / 2 : 0);
    }
}
