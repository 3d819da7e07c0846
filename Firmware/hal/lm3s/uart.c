#include "uart.h"

#include "lm3s6965.h"

#define RX_RING 256u

static volatile uint8_t rx_ring[RX_RING];
static volatile uint32_t rx_head;
static volatile uint32_t rx_tail;
static volatile uint32_t rx_overruns;

void uart_init(uint32_t baud)
{
    SYSCTL_RCGC1 |= SYSCTL_RCGC1_UART0;
    SYSCTL_RCGC2 |= SYSCTL_RCGC2_GPIOA;
    UART0_CTL = 0;
    /* Baud divisor = clock / (16 * baud), fraction in 1/64ths. */
    uint32_t div64 = (SYSTEM_CLOCK_HZ * 4u) / baud;
    UART0_IBRD = div64 / 64u;
    UART0_FBRD = div64 % 64u;
    UART0_LCRH = UART_LCRH_WLEN8 | UART_LCRH_FEN;
    UART0_IM = UART_INT_RX | UART_INT_RT;
    UART0_CTL = UART_CTL_UARTEN | UART_CTL_TXE | UART_CTL_RXE;
    NVIC_ISER0 = 1u << UART0_IRQ;
}

void uart0_irq_handler(void)
{
    UART0_ICR = UART_INT_RX | UART_INT_RT;
    while ((UART0_FR & UART_FR_RXFE) == 0) {
        uint8_t b = (uint8_t)UART0_DR;
        uint32_t next = (rx_head + 1u) % RX_RING;
        if (next == rx_tail) {
            rx_overruns++;
        } else {
            rx_ring[rx_head] = b;
            rx_head = next;
        }
    }
}

bool uart_read(uint8_t *byte)
{
    if (rx_tail == rx_head) {
        return false;
    }
    *byte = rx_ring[rx_tail];
    rx_tail = (rx_tail + 1u) % RX_RING;
    return true;
}

void uart_write(const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while (UART0_FR & UART_FR_TXFF) {
        }
        UART0_DR = bytes[i];
    }
}
