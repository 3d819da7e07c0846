#!/usr/bin/env python3
"""Run a command under the seccomp filter systemd installs for MemoryDenyWriteExecute=yes (x86_64).

usage: memory-deny-write-execute.py COMMAND [ARG...]

The same rules as systemd's seccomp_memory_deny_write_execute(): mmap with PROT_WRITE|PROT_EXEC, mprotect and
pkey_mprotect with PROT_EXEC, and shmat with SHM_EXEC fail with EPERM; NoNewPrivileges is set first (as the unit
does, and as seccomp requires without CAP_SYS_ADMIN). The tests run the recogniser worker (ONNX Runtime) under it to
decide whether the installed unit may carry MemoryDenyWriteExecute=yes without a running systemd.
"""
import ctypes
import os
import platform
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
AUDIT_ARCH_X86_64 = 0xC000003E
RET_ALLOW = 0x7FFF0000
RET_EPERM = 0x00050000 | 1
LD_ABS_W, JEQ_K, AND_K, RET_K = 0x20, 0x15, 0x54, 0x06
NR_MMAP, NR_MPROTECT, NR_SHMAT, NR_PKEY_MPROTECT = 9, 10, 30, 329
PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000
ARG2 = 16 + 2 * 8  # seccomp_data.args[2], low word (little-endian)


def program():
    return [
        (LD_ABS_W, 0, 0, 4),                       # 0 arch
        (JEQ_K, 1, 0, AUDIT_ARCH_X86_64),          # 1
        (RET_K, 0, 0, RET_ALLOW),                  # 2 (SystemCallArchitectures=native is another key)
        (LD_ABS_W, 0, 0, 0),                       # 3 syscall number
        (JEQ_K, 4, 0, NR_MMAP),                    # 4 -> 9
        (JEQ_K, 7, 0, NR_MPROTECT),                # 5 -> 13
        (JEQ_K, 6, 0, NR_PKEY_MPROTECT),           # 6 -> 13
        (JEQ_K, 9, 0, NR_SHMAT),                   # 7 -> 17
        (RET_K, 0, 0, RET_ALLOW),                  # 8
        (LD_ABS_W, 0, 0, ARG2),                    # 9 mmap prot
        (AND_K, 0, 0, PROT_WRITE | PROT_EXEC),     # 10
        (JEQ_K, 8, 0, PROT_WRITE | PROT_EXEC),     # 11 -> 20
        (RET_K, 0, 0, RET_ALLOW),                  # 12
        (LD_ABS_W, 0, 0, ARG2),                    # 13 mprotect prot
        (AND_K, 0, 0, PROT_EXEC),                  # 14
        (JEQ_K, 4, 0, PROT_EXEC),                  # 15 -> 20
        (RET_K, 0, 0, RET_ALLOW),                  # 16
        (LD_ABS_W, 0, 0, ARG2),                    # 17 shmat flags
        (AND_K, 0, 0, SHM_EXEC),                   # 18
        (JEQ_K, 0, 1, SHM_EXEC),                   # 19 -> 20 / 21
        (RET_K, 0, 0, RET_EPERM),                  # 20
        (RET_K, 0, 0, RET_ALLOW),                  # 21
    ]


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 64
    if platform.machine() != "x86_64":
        sys.stderr.write("memory-deny-write-execute.py: the filter is written for x86_64 only\n")
        return 69
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    code = b"".join(struct.pack("=HBBI", *instruction) for instruction in program())
    filters = ctypes.create_string_buffer(code, len(code))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program()), ctypes.addressof(filters))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        sys.stderr.write("memory-deny-write-execute.py: PR_SET_NO_NEW_PRIVS: %s\n" % os.strerror(ctypes.get_errno()))
        return 71
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        sys.stderr.write("memory-deny-write-execute.py: PR_SET_SECCOMP: %s\n" % os.strerror(ctypes.get_errno()))
        return 71
    os.execvp(sys.argv[1], sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
