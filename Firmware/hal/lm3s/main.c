/* LM3S6965 port: UART0 is the host link, SysTick the millisecond tick, GPIO port D the relays and line sensors. */
#include <stdbool.h>
#include <stdint.h>

#include "../../core/board.h"
#include "lm3s6965.h"
#include "uart.h"

#define LINK_BAUD 115200u

/* Port D pins. Outputs drive relay coils (energised = 1); inputs come from opto-isolated line sensors. */
#define PIN_HOOK_RELAY (1u << 0)
#define PIN_BYPASS_RELAY (1u << 1)
#define PIN_RING_DETECT (1u << 2)
#define PIN_LOOP_CURRENT (1u << 3)
#define PIN_POLARITY (1u << 4)

/* A 10 ms SysTick: QEMU re-arms SysTick from its callback, so each period drifts by the host's timer latency;
 * fewer, longer periods keep the watchdog within 1 %. 10 ms still samples 20 Hz ringing within RING_HOLD_MS. */
#define TICK_MS 10u

static volatile uint32_t tick_ms;
static board_t board;

void systick_handler(void);
void systick_handler(void)
{
    tick_ms += TICK_MS;
}

static void hal_write(void *ctx, const uint8_t *bytes, size_t len)
{
    (void)ctx;
    uart_write(bytes, len);
}

static void hal_hook(void *ctx, bool off_hook)
{
    (void)ctx;
    GPIOD_DATA(PIN_HOOK_RELAY) = off_hook ? PIN_HOOK_RELAY : 0u;
}

static void hal_bypass(void *ctx, bool energised)
{
    (void)ctx;
    GPIOD_DATA(PIN_BYPASS_RELAY) = energised ? PIN_BYPASS_RELAY : 0u;
}

static void hal_dtmf(void *ctx, char digit)
{
    /* The codec generates DTMF on this board; the MCU only sequences it. */
    (void)ctx;
    (void)digit;
}

static void gpio_init(void)
{
    SYSCTL_RCGC2 |= SYSCTL_RCGC2_GPIOD;
    /* Relays low first: de-energised bypass relay = line to the human agent line. */
    GPIOD_DATA(PIN_HOOK_RELAY | PIN_BYPASS_RELAY) = 0u;
    GPIOD_DIR = PIN_HOOK_RELAY | PIN_BYPASS_RELAY;
    GPIOD_DEN = PIN_HOOK_RELAY | PIN_BYPASS_RELAY | PIN_RING_DETECT | PIN_LOOP_CURRENT | PIN_POLARITY;
}

int main(void)
{
    gpio_init();
    uart_init(LINK_BAUD);
    SYST_RVR = SYSTEM_CLOCK_HZ / 1000u * TICK_MS - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */

    board_hal_t hal = {0, hal_write, hal_hook, hal_bypass, hal_dtmf};
    board_init(&board, &hal, tick_ms);
    uint32_t ticked_ms = tick_ms;
    for (;;) {
        uint8_t byte;
        while (uart_read(&byte)) {
            board_rx_byte(&board, byte, ticked_ms);
        }
        while (ticked_ms != tick_ms) {
            ticked_ms++;
            uint32_t pins = GPIOD_DATA(PIN_RING_DETECT | PIN_LOOP_CURRENT | PIN_POLARITY);
            line_inputs_t in = {(pins & PIN_RING_DETECT) != 0, (pins & PIN_LOOP_CURRENT) != 0,
                                (pins & PIN_POLARITY) != 0};
            board_tick(&board, ticked_ms, &in);
        }
        __asm__ volatile("wfi");
    }
}
