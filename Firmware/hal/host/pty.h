/* POSIX serial plumbing for the host builds: the emulator's pty and the link client's serial port. */
#ifndef WL_PTY_H
#define WL_PTY_H

#include <stddef.h>
#include <stdint.h>

/* Opens a raw, non-blocking pty master; writes the slave path; keeps a slave fd open so the master never sees EOF. */
int pty_open_master(char *slave_path, size_t cap, int *slave_fd);

/* Opens a serial device or pty slave raw (8N1, no echo, no flow control), blocking with VMIN=0/VTIME=0. */
int serial_open_raw(const char *path);

/* Milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
uint32_t monotonic_ms(void);

#endif
