#!/usr/bin/env python3
"""Cuts the General MIDI music of the DTMF talk-off set into a "neutral" set for `warmline-bench speech`: hold music,
a radio or a ring-back tune on the caller's side must hand nobody off (tooling only, never shipped).

The music is Scripts/dtmf-talkoff.py's (MIDI written from code, rendered by fluidsynth with the TimGM6mb soundfont:
keys, pads, melodies; 84 minutes), already telephone band at 8 kHz. Each piece is cut into 30 s files at a seeded
level from -28 to -14 dBm0, in the evaluation set's columns (class neutral, snr_db 20), so
`warmline-bench speech --corpus OUT` counts its false hand-offs per hour (the path must say "neutral").

Usage: Scripts/speech-music-set.py [TALKOFF_DIR] [OUT_DIR]
       (defaults .build/dtmf-talkoff, made by `make bench` or Scripts/dtmf-talkoff.py, and bench-out/speech-music-neutral)
"""
import os
import random
import struct
import sys
import wave


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else ".build/dtmf-talkoff"
    out = sys.argv[2] if len(sys.argv) > 2 else "bench-out/speech-music-neutral"
    manifest = os.path.join(source, "manifest.tsv")
    if not os.path.exists(manifest):
        sys.exit(f"speech-music-set: {manifest} is missing: run Scripts/dtmf-talkoff.py {source} first")
    os.makedirs(os.path.join(out, "wav"), exist_ok=True)
    rng = random.Random(14)
    rows = ["file\tclass\tphrase\tvoice\ttext\tsplit\tchannel\tnoise\tsnr_db\tlevel_dbm0\tstyle\n"]
    seconds = 0.0
    with open(manifest) as listing:
        names = [line.rstrip("\n").split("\t")[2] for line in listing if not line.startswith("#")]
    for name in names:
        if not name.startswith("gm-"):
            continue
        with open(os.path.join(source, name), "rb") as raw:
            data = raw.read()
        samples = struct.unpack(f"<{len(data) // 2}h", data[: len(data) // 2 * 2])
        piece = 8000 * 30
        for index, start in enumerate(range(0, max(0, len(samples) - 8000 * 5), piece)):
            part = samples[start:start + piece]
            rms = (sum(s * s for s in part) / len(part)) ** 0.5 or 1.0
            level = rng.uniform(-28, -14)
            # 0 dBm0 is 3.14 dB under a full-scale sine's RMS (G.711)
            target = 32768 * 10 ** ((level - 3.14) / 20)
            scaled = [max(-32768, min(32767, round(s * target / rms))) for s in part]
            file = f"music-{name[:-4]}-{index:03d}.wav"
            with wave.open(os.path.join(out, "wav", file), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(8000)
                wav.writeframes(struct.pack(f"<{len(scaled)}h", *scaled))
            rows.append(f"{file}\tneutral\tread-text\t{name[:6]}\t-\theldout\tbp300-3400\tnone\t20\t{level:.1f}\tnormal\n")
            seconds += len(part) / 8000
    with open(os.path.join(out, "manifest.tsv"), "w") as listing:
        listing.writelines(rows)
    print(f"speech-music-set: {len(rows) - 1} files, {seconds / 60:.1f} min of music in {out}")


if __name__ == "__main__":
    main()
