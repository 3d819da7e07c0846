/* The few LM3S6965 / Cortex-M3 registers this port touches. */
#ifndef WL_LM3S6965_H
#define WL_LM3S6965_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(addr))

/* System control: clock gating. */
#define SYSCTL_RCGC1 REG32(0x400FE104u)
#define SYSCTL_RCGC2 REG32(0x400FE108u)
#define SYSCTL_RCGC1_UART0 (1u << 0)
#define SYSCTL_RCGC2_GPIOA (1u << 0)
#define SYSCTL_RCGC2_GPIOD (1u << 3)

/* UART0 (PL011-compatible). */
#define UART0_BASE 0x4000C000u
#define UART0_DR REG32(UART0_BASE + 0x000u)
#define UART0_FR REG32(UART0_BASE + 0x018u)
#define UART0_IBRD REG32(UART0_BASE + 0x024u)
#define UART0_FBRD REG32(UART0_BASE + 0x028u)
#define UART0_LCRH REG32(UART0_BASE + 0x02Cu)
#define UART0_CTL REG32(UART0_BASE + 0x030u)
#define UART0_IM REG32(UART0_BASE + 0x038u)
#define UART0_ICR REG32(UART0_BASE + 0x044u)
#define UART_FR_RXFE (1u << 4)
#define UART_FR_TXFF (1u << 5)
#define UART_LCRH_WLEN8 (3u << 5)
#define UART_LCRH_FEN (1u << 4)
#define UART_CTL_UARTEN (1u << 0)
#define UART_CTL_TXE (1u << 8)
#define UART_CTL_RXE (1u << 9)
#define UART_INT_RX (1u << 4)
#define UART_INT_RT (1u << 6)
#define UART0_IRQ 5u

/* GPIO port D: relays (outputs) and line sensors (inputs). */
#define GPIOD_BASE 0x40007000u
#define GPIOD_DATA(mask) REG32(GPIOD_BASE + ((uint32_t)(mask) << 2))
#define GPIOD_DIR REG32(GPIOD_BASE + 0x400u)
#define GPIOD_DEN REG32(GPIOD_BASE + 0x51Cu)

/* SysTick and NVIC. */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define NVIC_ISER0 REG32(0xE000E100u)

/* Reset clock (RCC default: 200 MHz PLL / 16 via SYSDIV = 12.5 MHz, which QEMU models). */
#define SYSTEM_CLOCK_HZ 12500000u

#endif
