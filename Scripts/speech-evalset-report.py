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
    for column in ("split", "voice", "snr_db", "style", "channel", "noise"):
        table = defaultdict(lambda: [0, 0, 0, 0])  # files, S, M, either
        for name, (s, m) in verdicts.items():
            row = rows[name]
            group = "request" if row["class"] in ("distress", "person") else "no-trigger"
            for cls in (row["class"], group):
                cell = table[(row[column], cls)]
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


if __name__ == "__main__":
    main()
