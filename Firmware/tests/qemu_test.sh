#!/bin/sh
# Boots the LM3S6965 image under QEMU with UART0 on a pty, then runs the C link client's smoke test against it.
# usage: tests/qemu_test.sh build/lm3s/warmline-fw.elf build/host/link-client
set -u
ELF=$1
CLIENT=$2
QEMU=${QEMU:-qemu-system-arm}
LOG=$(mktemp)
timeout 20 "$QEMU" -M lm3s6965evb -nographic -monitor none -serial pty -kernel "$ELF" >"$LOG" 2>&1 &
QPID=$!
trap 'kill $QPID 2>/dev/null; wait $QPID 2>/dev/null; rm -f "$LOG"' EXIT
PTY=""
for _ in $(seq 50); do
    PTY=$(sed -n 's/.*char device redirected to \(\/dev\/pts\/[0-9]*\).*/\1/p' "$LOG" | head -1)
    [ -n "$PTY" ] && break
    sleep 0.1
done
if [ -z "$PTY" ]; then
    echo "qemu-test: QEMU did not report its serial pty:"; cat "$LOG"; exit 1
fi
echo "qemu-test: LM3S6965 firmware on $PTY"
"$CLIENT" "$PTY" smoke
RC=$?
[ $RC -eq 0 ] && echo "qemu-test: passed" || echo "qemu-test: FAILED"
exit $RC
