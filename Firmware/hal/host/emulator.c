/* Host emulator: the real firmware core served on a pty, plugged into a simulated phone network.
 * First stdout line: the pty slave path. Control commands on stdin (or --control FIFO), see Firmware/README.md. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/board.h"
#include "line_audio.h"
#include "network_sim.h"
#include "pty.h"

typedef struct {
    int master;
    bool quiet;
    uint32_t now_ms;
    uint32_t bytes_lost;
    network_sim_t sim;
    board_t board;
    board_hal_t hal;
    int protocol_override;
    uint32_t watchdog_override; /* 0: the firmware's WATCHDOG_TIMEOUT_MS */
    bool audio_on;
    line_audio_t audio;
    uint32_t hellos_logged;
} emulator_t;

static void log_line(const emulator_t *emu, const char *what, const char *detail)
{
    if (!emu->quiet) {
        fprintf(stderr, "[%7u ms] %s %s\n", (unsigned)emu->now_ms, what, detail);
    }
}

static void hal_write(void *ctx, const uint8_t *bytes, size_t len)
{
    emulator_t *emu = ctx;
    ssize_t n = write(emu->master, bytes, len);
    /* Nobody reading: the pty buffer is full and the bytes are lost, as on a real unplugged UART. */
    if (n < (ssize_t)len) {
        emu->bytes_lost += (uint32_t)(len - (n > 0 ? (size_t)n : 0));
    }
}

static void hal_hook(void *ctx, bool off_hook)
{
    emulator_t *emu = ctx;
    log_line(emu, "hook relay", off_hook ? "off-hook" : "on-hook");
    sim_hook(&emu->sim, emu->now_ms, off_hook);
}

static void hal_bypass(void *ctx, bool energised)
{
    emulator_t *emu = ctx;
    log_line(emu, "bypass relay", energised ? "energised (line to Warmline)" : "released (line to agent)");
    sim_bypass(&emu->sim, emu->now_ms, energised);
}

static void hal_dtmf(void *ctx, char digit)
{
    emulator_t *emu = ctx;
    if (digit != '\0') {
        char d[2] = {digit, '\0'};
        log_line(emu, "dtmf", d);
        sim_dtmf(&emu->sim, emu->now_ms, digit);
    }
}

static void boot(emulator_t *emu)
{
    board_init(&emu->board, &emu->hal, emu->now_ms);
    emu->hellos_logged = 0;
    if (emu->protocol_override >= 0) {
        emu->board.protocol_version = (uint8_t)emu->protocol_override;
    }
    if (emu->watchdog_override != 0) {
        emu->board.watchdog_ms = emu->watchdog_override;
    }
}

/* Splits a control line into words; "double quoted" words may hold spaces. */
static int split_words(char *line, char **words, int max)
{
    int n = 0;
    char *p = line;
    while (*p != '\0' && n < max) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        if (*p == '"') {
            words[n++] = ++p;
            while (*p != '\0' && *p != '"') {
                p++;
            }
        } else {
            words[n++] = p;
            while (*p != '\0' && *p != ' ' && *p != '\t') {
                p++;
            }
        }
        if (*p != '\0') {
            *p++ = '\0';
        }
    }
    return n;
}

static void reply(const char *fmt, const char *arg)
{
    printf(fmt, arg);
    fflush(stdout);
}

/* Returns false on "quit". */
static bool control(emulator_t *emu, char *line)
{
    char *w[8];
    int n = split_words(line, w, 8);
    if (n == 0) {
        return true;
    }
    if (strcmp(w[0], "ring") == 0 && n >= 2) {
        const char *name = n >= 3 ? w[2] : "";
        bool uk = n >= 4 && strcmp(w[3], "uk") == 0;
        const char *time = n >= 5 ? w[4] : "01010000";
        sim_ring(&emu->sim, emu->now_ms, w[1], name, time, uk);
    } else if (strcmp(w[0], "hangup") == 0) {
        sim_caller_hangup(&emu->sim, emu->now_ms, n >= 2 && strcmp(w[1], "reversal") == 0);
    } else if (strcmp(w[0], "agent") == 0 && n >= 2) {
        if (strcmp(w[1], "answer") == 0) {
            emu->sim.agent = AGENT_ANSWER;
        } else if (strcmp(w[1], "busy") == 0) {
            emu->sim.agent = AGENT_BUSY;
        } else if (strcmp(w[1], "noanswer") == 0) {
            emu->sim.agent = AGENT_NO_ANSWER;
        } else {
            reply("error: agent wants answer|busy|noanswer, got '%s'\n", w[1]);
            return true;
        }
    } else if (strcmp(w[0], "reset") == 0) {
        boot(emu);
    } else if (strcmp(w[0], "garbage") == 0 && n >= 2) {
        int count = atoi(w[1]);
        uint8_t junk[256];
        uint32_t x = emu->now_ms | 1u;
        for (int i = 0; i < count && i < (int)sizeof junk; i++) {
            x = x * 1103515245u + 12345u;
            junk[i] = (uint8_t)((x >> 16) | 1u); /* never 0x00: garbage inside one block */
        }
        hal_write(emu, junk, (size_t)(count < (int)sizeof junk ? count : (int)sizeof junk));
    } else if (strcmp(w[0], "status") == 0) {
        printf("status net=%s bypass=%d hook=%d session=%d line=%d rx_ok=%u rx_bad_crc=%u rx_malformed=%u "
               "events_dropped=%u retransmits=%u\n",
               sim_state_name(emu->sim.state), emu->board.bypass, emu->board.line.hook, emu->board.session,
               (int)emu->board.line.state, (unsigned)emu->board.decoder.frames_ok,
               (unsigned)emu->board.decoder.frames_bad_crc, (unsigned)emu->board.decoder.frames_malformed,
               (unsigned)emu->board.link.events_dropped, (unsigned)emu->board.link.retransmits);
        fflush(stdout);
        return true;
    } else if (strcmp(w[0], "quit") == 0) {
        return false;
    } else {
        reply("error: unknown control command '%s' (ring, hangup, agent, reset, garbage, status, quit)\n", w[0]);
        return true;
    }
    reply("ok %s\n", w[0]);
    return true;
}

static void usage(void)
{
    fprintf(stderr, "usage: warmline-emulator [--quiet] [--link PATH] [--control FIFO] [--protocol N] "
                    "[--audio FILE|FIFO [--tones us|uk|eu|tr|ua]] [--watchdog-ms MS]\n");
}

int main(int argc, char **argv)
{
    static emulator_t emu;
    /* A parent may spawn us with signals blocked (Swift/dispatch threads do): SIGTERM must still stop us. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_IGN); /* an audio reader that goes away is an EPIPE, not our end */
    const char *link_path = NULL;
    const char *audio_path = NULL;
    const char *tones = "eu";
    const char *control_path = NULL;
    emu.protocol_override = -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quiet") == 0) {
            emu.quiet = true;
        } else if (strcmp(argv[i], "--link") == 0 && i + 1 < argc) {
            link_path = argv[++i];
        } else if (strcmp(argv[i], "--control") == 0 && i + 1 < argc) {
            control_path = argv[++i];
        } else if (strcmp(argv[i], "--protocol") == 0 && i + 1 < argc) {
            emu.protocol_override = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--audio") == 0 && i + 1 < argc) {
            audio_path = argv[++i];
        } else if (strcmp(argv[i], "--tones") == 0 && i + 1 < argc) {
            tones = argv[++i];
        } else if (strcmp(argv[i], "--watchdog-ms") == 0 && i + 1 < argc) {
            /* a test harness on a loaded machine: its call flows must not hinge on the host never stalling 1.5 s */
            char *end = NULL;
            unsigned long ms = strtoul(argv[++i], &end, 10);
            if (end == NULL || *end != '\0' || ms < 100 || ms > 600000) {
                fprintf(stderr, "warmline-emulator: --watchdog-ms takes 100..600000, not '%s'\n", argv[i]);
                return 2;
            }
            emu.watchdog_override = (uint32_t)ms;
        } else {
            usage();
            return 2;
        }
    }
    char slave_path[128];
    int slave_fd;
    emu.master = pty_open_master(slave_path, sizeof slave_path, &slave_fd);
    if (emu.master < 0) {
        fprintf(stderr, "warmline-emulator: cannot open a pty: %s\n", strerror(errno));
        return 1;
    }
    if (link_path != NULL) {
        unlink(link_path);
        if (symlink(slave_path, link_path) != 0) {
            fprintf(stderr, "warmline-emulator: cannot create link %s: %s\n", link_path, strerror(errno));
            return 1;
        }
    }
    int control_fd = STDIN_FILENO;
    if (control_path != NULL) {
        /* O_RDWR keeps the FIFO open when a writer goes away, so no spurious EOF. */
        control_fd = open(control_path, O_RDWR | O_NONBLOCK);
        if (control_fd < 0) {
            fprintf(stderr, "warmline-emulator: cannot open control FIFO %s: %s\n", control_path, strerror(errno));
            return 1;
        }
    }
    if (audio_path != NULL) {
        const line_tone_plan_t *plan = line_audio_plan(tones);
        if (plan == NULL) {
            fprintf(stderr, "warmline-emulator: unknown tone plan '%s' (us, uk, eu, tr, ua)\n", tones);
            return 2;
        }
        line_audio_init(&emu.audio, audio_path, plan);
        emu.audio_on = true;
    }
    printf("%s\n", slave_path);
    fflush(stdout);

    uint32_t start_ms = monotonic_ms();
    emu.hal = (board_hal_t){&emu, hal_write, hal_hook, hal_bypass, hal_dtmf};
    sim_init(&emu.sim);
    boot(&emu);
    char line[512];
    size_t line_len = 0;
    bool running = true;
    while (running) {
        struct pollfd fds[2] = {{emu.master, POLLIN, 0}, {control_fd, POLLIN, 0}};
        poll(fds, 2, 1);
        uint32_t now_ms = monotonic_ms() - start_ms;
        /* Bytes first: on the board the UART interrupt takes each byte as it arrives. When this process wakes late
           (a loaded host stalled it), what the host sent meanwhile is read before the missed milliseconds are ticked,
           so the emulator's own stall never reads as a silent host (a watchdog bypass the host did not cause). A host
           that really went silent sent nothing, and the ticks below still fire the watchdog on time. */
        if (fds[0].revents & POLLIN) {
            uint8_t buf[512];
            ssize_t n;
            while ((n = read(emu.master, buf, sizeof buf)) > 0) {
                for (ssize_t i = 0; i < n; i++) {
                    board_rx_byte(&emu.board, buf[i], emu.now_ms);
                }
                if ((size_t)n < sizeof buf) {
                    break;
                }
            }
            /* Each HELLO in the log: a test can tell that a second program (the doctor) never said HELLO on the port. */
            if (emu.board.hellos != emu.hellos_logged) {
                log_line(&emu, "host", "HELLO");
                emu.hellos_logged = emu.board.hellos;
            }
        }
        /* Tick every millisecond that passed, so the core sees exact time even after a late wake-up. */
        while (emu.now_ms != now_ms) {
            emu.now_ms++;
            line_inputs_t in;
            sim_tick(&emu.sim, emu.now_ms, &in, &emu.board);
            board_tick(&emu.board, emu.now_ms, &in);
            if (emu.audio_on) {
                line_audio_tick(&emu.audio, emu.now_ms, &emu.sim);
            }
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            char buf[256];
            ssize_t n = read(control_fd, buf, sizeof buf);
            if (n == 0 && control_path == NULL) {
                running = false; /* the test or script that drove us is gone */
            }
            for (ssize_t i = 0; i < n; i++) {
                if (buf[i] == '\n' || line_len + 1 >= sizeof line) {
                    line[line_len] = '\0';
                    line_len = 0;
                    running = running && control(&emu, line);
                } else if (buf[i] != '\r') {
                    line[line_len++] = buf[i];
                }
            }
        }
    }
    if (link_path != NULL) {
        unlink(link_path);
    }
    close(slave_fd);
    close(emu.master);
    return 0;
}
