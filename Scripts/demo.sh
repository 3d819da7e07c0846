#!/bin/sh
# `make demo`: build Warmline and the firmware emulator, then run scripted callers on two emulated lines.
set -eu
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
echo "== building the firmware emulator and warmline"
make -s -C Firmware emulator
$SWIFT build -q --product warmline
BIN="$($SWIFT build --product warmline --show-bin-path)/warmline"
mkdir -p .cache/demo
exec "$BIN" demo --work-dir .cache/demo --emulator Firmware/build/host/warmline-emulator --prompts Prompts "$@"
