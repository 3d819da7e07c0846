#!/usr/bin/env python3
"""Renders an hour of neutral read speech for the false hand-off bar of `warmline-bench speech` (issue 14: at most
one false distress or person hand-off per hour of neutral speech; tooling only, never shipped).

The evaluation set (Scripts/speech-evalset.py) holds five minutes of neutral and mention speech per split, too little
to tell 1 per hour from 10. This set is sentences nobody wrote for Warmline: the quotations, jokes and proverbs of
Debian's `fortunes` package (`apt-get install fortunes`), split into sentences of 4 to 24 words, in a seeded order,
each said once by one voice of the chosen split (held-out voices by default: never tuned on) through the same
telephone channel as the evaluation set: band-pass 300-3400 Hz, the split's speaking styles and levels, pink noise
at 20 dB SNR (the issue's condition), and a G.711 or GSM round trip. Some of these sentences are requests by their
own words ("some of our best friends are trying to kill us"): their phrase column says "read-text", and the bench
leaves out of the false count each of them its phrase matcher takes as a request when it reads the written text,
and says which.

Output: OUT/wav/*.wav and OUT/manifest.tsv in the evaluation set's columns (class neutral, snr_db 20), so
`warmline-bench speech --corpus OUT` runs it. Deterministic for the same packages.

Usage: Scripts/speech-neutral-set.py [OUT_DIR] [--minutes 60] [--split heldout|tune] [--jobs N]
       (default OUT_DIR bench-out/speech-neutral-hour; not committed)
Needs what speech-evalset.py needs, and the fortunes package.
"""
import argparse
import importlib.util
import multiprocessing
import os
import random
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("evalset", os.path.join(HERE, "speech-evalset.py"))
evalset = importlib.util.module_from_spec(spec)
sys.modules["evalset"] = evalset  # the pool's workers find its functions by this name
spec.loader.exec_module(evalset)

FORTUNES = "/usr/share/games/fortunes"
# everyday English (not the computing, Star Trek, verse or ASCII-art files)
FILES = ["fortunes", "wisdom", "people", "humorists", "literature", "love", "pets", "platitudes", "work", "food",
         "education", "sports", "kids", "men-women", "miscellaneous", "medicine", "law", "politics", "news"]
WORDS_PER_SECOND = 3.0  # these voices read ~180 words a minute (measured): the plan's estimate of each sentence's length


def sentences():
    """Every usable sentence of FILES, deduplicated, in file order."""
    seen, found = set(), []
    for name in FILES:
        path = os.path.join(FORTUNES, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for entry in text.split("\n%\n"):
            lines = [l.strip() for l in entry.splitlines()]
            # attributions ("-- Mark Twain") and stage directions are not said
            body = " ".join(l for l in lines if l and not l.startswith("--") and not l.startswith("["))
            # a full stop ends a sentence unless it ends a title ("Mr. Smith")
            for sentence in re.split(r"(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<=[.!?])\s+", body):
                sentence = sentence.strip().strip('"')
                if not re.fullmatch(r"[A-Z][A-Za-z ,;:'\-.!?]*[.!?]", sentence) or re.search(r"(^|\s)'|'(\s|[.!?,;:]|$)", sentence):
                    continue  # digits, quotations, brackets, odd symbols: a voice reads them each its own way
                words = sentence.split()
                if not 4 <= len(words) <= 24 or sentence.isupper():
                    continue
                key = sentence.lower()
                if key not in seen:
                    seen.add(key)
                    found.append(sentence)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="bench-out/speech-neutral-hour")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--split", choices=["heldout", "tune"], default="heldout")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    if not os.path.isdir(FORTUNES):
        sys.exit("speech-neutral-set: needs Debian's fortunes package (apt-get install fortunes)")
    voices = evalset.probe_voices(sorted(v for v, s in evalset.SPLIT.items() if s == args.split))
    if not voices:
        sys.exit("speech-neutral-set: no voice of the split works here")
    pool = sentences()
    pool.sort(key=lambda s: evalset.seed_of(args.seed, s))
    budget = args.minutes * 60
    tasks, total = [], 0.0
    for index, text in enumerate(pool):
        if total >= budget:
            break
        voice = voices[index % len(voices)]
        cond = evalset.condition(voice, f"fortune{index}", index, 0, args.seed)
        cond.update(snr=20, noise="pink")
        name = f"{voice}-neutral-f{index + 1:04d}.wav"
        tasks.append((voice, None, text, [(name, "neutral", "read-text", cond)]))
        total += len(text.split()) / WORDS_PER_SECOND + evalset.LEAD + evalset.TAIL
    os.makedirs(os.path.join(args.out, "wav"), exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="neutral-set-")
    babble = os.path.join(scratch, "babble")  # unused: pink noise only; the worker set-up wants the directory
    os.makedirs(babble)
    print(f"speech-neutral-set: {len(tasks)} sentences (of {len(pool)}), ~{total / 60:.0f} min, voices {' '.join(voices)}",
          file=sys.stderr)
    rows, errors = [], []
    with multiprocessing.Pool(args.jobs, initializer=evalset.init_worker, initargs=(args.out, babble)) as workers:
        for done, (result, error) in enumerate(workers.imap(evalset.do_task, tasks), 1):
            rows.extend(result)
            if error:
                errors.append(error)
            if done % 100 == 0:
                print(f"  {done}/{len(tasks)}", file=sys.stderr)
    rows.sort()
    evalset.write_manifest(os.path.join(args.out, "manifest.tsv"), rows)
    seconds = sum(r[-1] for r in rows)
    print(f"speech-neutral-set: {len(rows)} files, {seconds / 60:.1f} min in {args.out}", file=sys.stderr)
    for error in errors:
        print("  failed:", error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    random.seed(0)
    sys.exit(main())
