#!/usr/bin/env python3
"""Breaks `warmline speech evaluate DIR --verbose` down by the manifest's extra columns.

Usage: warmline speech evaluate DIR --verbose > run.txt
       Scripts/speech-evalset-report.py DIR/manifest.tsv run.txt [run2.txt ...]   (DIR from Scripts/speech-evalset.py)
Per voice, SNR, style and channel: request recall (distress, person) and false triggers (mention,
neutral) for PocketSphinx alone (S), the recogniser with the phrase matcher (M) and either.
"""
import sys
from collections import defaultdict


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rows = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            fields = dict(zip(header, line.rstrip("\n").split("\t")))
            rows[fields["file"]] = fields
    verdicts = {}
    for run in sys.argv[2:]:
        with open(run, encoding="utf-8") as f:
            for line in f:
                parts = line.split("\t")
                if len(parts) >= 4 and parts[2] in rows and len(parts[1]) == 2:
                    verdicts[parts[2]] = (parts[1][0] == "S", parts[1][1] == "M")
    missing = len(rows) - len(verdicts)
    print(f"{len(verdicts)} files judged" + (f" ({missing} in the manifest not in the runs)" if missing else ""))
    for column in ("all", "split", "voice", "snr_db", "style", "channel", "noise"):
        table = defaultdict(lambda: [0, 0, 0, 0])  # files, S, M, either
        for name, (s, m) in verdicts.items():
            row = rows[name]
            group = "request" if row["class"] in ("distress", "person") else "no-trigger"
            for cls in (row["class"], group):
                cell = table[(row.get(column, "all"), cls)]
                cell[0] += 1
                cell[1] += s
                cell[2] += m
                cell[3] += s or m
        print(f"\nby {column}: files  PocketSphinx  recogniser+matcher  either   (mention, neutral: false triggers)")
        for key in sorted({k for k, _ in table}, key=lambda k: (len(k), k)):
            for cls in ("distress", "person", "request", "mention", "neutral", "no-trigger"):
                if (key, cls) not in table:
                    continue
                n, s, m, e = table[(key, cls)]
                print(f"  {key:22} {cls:10} {n:5d}  " + "  ".join(f"{x:4d} ({100 * x / n:5.1f} %)" for x in (s, m, e)))

    # one line per voice: request recall of the recogniser+matcher per SNR, and false triggers on the rest
    snrs = ["-", "20", "10", "5"]
    print("\nrecogniser+matcher by voice and SNR: requests heard (distress, person) | mention, neutral triggered")
    print(f"  {'voice':16} {'split':8} " + " ".join(f"{'clean' if c == '-' else c + ' dB':>14}" for c in snrs)
          + f" {'all':>14} {'false':>9}")
    voices = sorted({rows[n]["voice"] for n in verdicts}, key=lambda v: (rows_split(rows, v), v))
    for voice in voices:
        mine = [(rows[n], m) for n, (_, m) in verdicts.items() if rows[n]["voice"] == voice]
        cells = []
        for snr in snrs + [None]:
            asked = [m for r, m in mine if r["class"] in ("distress", "person") and (snr is None or r["snr_db"] == snr)]
            cells.append(f"{sum(asked):3d}/{len(asked):3d} {100 * sum(asked) / len(asked):3.0f}%" if asked else " " * 14)
        quiet = [m for r, m in mine if r["class"] not in ("distress", "person")]
        print(f"  {voice:16} {rows_split(rows, voice):8} " + " ".join(f"{c:>14}" for c in cells)
              + f" {sum(quiet):3d}/{len(quiet):3d}")


def rows_split(rows, voice):
    return next(r["split"] for r in rows.values() if r["voice"] == voice)


if __name__ == "__main__":
    main()
