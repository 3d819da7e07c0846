#!/usr/bin/env python3
"""WebRTC VAD peer for `warmline-bench vad`.

Reads signed 16-bit little-endian mono raw files and prints, per file, one line of frame
decisions ('1' speech, '0' not). Needs `pip install webrtcvad-wheels`.
"""
import argparse
import sys

try:
    import webrtcvad
except ImportError:
    sys.exit("webrtc_vad.py: module webrtcvad missing: run `pip install webrtcvad-wheels`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", type=int, default=2, help="aggressiveness 0-3 (default 2)")
    parser.add_argument("--frame-ms", type=int, default=20, choices=(10, 20, 30))
    parser.add_argument("--rate", type=int, default=8000)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    frame_bytes = args.rate * args.frame_ms // 1000 * 2
    for path in args.files:
        vad = webrtcvad.Vad(args.mode)
        with open(path, "rb") as f:
            data = f.read()
        decisions = [
            "1" if vad.is_speech(data[i:i + frame_bytes], args.rate) else "0"
            for i in range(0, len(data) - frame_bytes + 1, frame_bytes)
        ]
        print("".join(decisions))


if __name__ == "__main__":
    main()
