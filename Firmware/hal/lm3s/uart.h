/* UART0 driver: interrupt-driven receive into a ring buffer, polled transmit. */
#ifndef WL_UART_H
#define WL_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void uart_init(uint32_t baud);
void uart_write(const uint8_t *bytes, size_t len);
/* Takes one received byte; false when none is waiting. */
bool uart_read(uint8_t *byte);
void uart0_irq_handler(void);

#endif
