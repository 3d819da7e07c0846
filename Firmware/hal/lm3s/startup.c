/* Cortex-M3 start-up: vector table, .data/.bss set-up, then main. */
#include <stdint.h>

#include "uart.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern int main(void);
void reset_handler(void);
void default_handler(void);
void systick_handler(void);

void default_handler(void)
{
    for (;;) {
    }
}

void reset_handler(void)
{
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0;
    }
    main();
    for (;;) {
    }
}

typedef void (*vector_t)(void);

/* 16 core exceptions + the LM3S6965's first peripheral IRQs (UART0 is IRQ 5). */
__attribute__((section(".isr_vector"), used)) const vector_t vector_table[16 + 8] = {
    (vector_t)(uintptr_t)&_estack,
    reset_handler,
    default_handler, /* NMI */
    default_handler, /* HardFault */
    default_handler, /* MemManage */
    default_handler, /* BusFault */
    default_handler, /* UsageFault */
    0,
    0,
    0,
    0,
    default_handler, /* SVCall */
    default_handler, /* DebugMon */
    0,
    default_handler, /* PendSV */
    systick_handler,
    default_handler, /* GPIOA */
    default_handler, /* GPIOB */
    default_handler, /* GPIOC */
    default_handler, /* GPIOD */
    default_handler, /* GPIOE */
    uart0_irq_handler,
    default_handler, /* UART1 */
    default_handler, /* SSI0 */
};
