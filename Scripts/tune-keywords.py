#!/usr/bin/env python3
"""Per-phrase keyphrase thresholds from a loose bench run, checked on voices the tuning never saw.

Usage: warmline-bench speech --no-peer --verbose --snr 20 --keywords LOOSE.yaml > run.txt
       Scripts/tune-keywords.py run.txt [--class distress] [--max-false 0]
LOOSE.yaml is the keywords file with every phrase of the class at a loose threshold (1e-45) and
`confirm: []`, so the bench prints every candidate with its score. A phrase's threshold is then a
score cut: greedily lower the cut that buys the most recall per false hit on neutral speech, while
false hits stay within --max-false; each cut then moves halfway down to the best false hit below it
(the widest margin). Two folds split the voices; each fold's cuts are scored on the
other fold's voices (held-out recall and false hits), then the cuts from all voices are printed as
keyphrase thresholds (PocketSphinx reports a detection's score as log-1.0001 units / 1024 - 1500).
"""
import argparse
import math
import re
from collections import Counter

LINE = re.compile(r"  warmline (?:HIT |MISS) (\w+) (\S+) '(.*)' -> (.*)$")
HIT = re.compile(r"([a-z ]+?)\((-?\d+),")
PEAK = re.compile(r"([a-z ]+?)\[(-?\d+)\]")


def load(path):
    utterances = []
    for line in open(path, encoding="utf-8"):
        match = LINE.match(line)
        if not match:
            continue
        label, name, _, rest = match.groups()
        # a detection's best score (" | peaks: help[-1100] ..."): a stricter threshold still fires where it is reached
        peaks = rest.split(" | peaks: ")[1] if " | peaks: " in rest else ""
        found = PEAK.findall(peaks) or HIT.findall(rest.split(" | ")[0])
        hits = [(phrase.strip(), int(score)) for phrase, score in found]
        voice = re.sub(r"-\d\d-.*", "", name) if not name.startswith("human-") else "human"
        utterances.append((label, voice, hits))
    return utterances


def score(cuts, utterances, wanted):
    recalled = total = false = 0
    for label, _, hits in utterances:
        passed = [p for p, s in hits if p in cuts and s >= cuts[p]]
        if label == wanted:
            total += 1
            recalled += bool(passed)
        elif label == "neutral":
            false += len(passed)
    return recalled, total, false


def tune(utterances, phrases, wanted, max_false):
    cuts = {p: 10**9 for p in phrases}
    best = score(cuts, utterances, wanted)
    candidates = {p: sorted({s for _, _, h in utterances for q, s in h if q == p}, reverse=True) for p in phrases}
    while True:
        options = []
        for phrase in phrases:
            for cut in candidates[phrase]:
                if cut >= cuts[phrase]:
                    continue
                trial = dict(cuts, **{phrase: cut})
                result = score(trial, utterances, wanted)
                if result[2] > max_false:
                    break
                gain, cost = result[0] - best[0], result[2] - best[2]
                if gain > 0:
                    options.append((gain / (cost + 0.5), phrase, cut, result))
        if not options:
            return cuts, best
        _, phrase, cut, best = max(options)
        cuts[phrase] = cut


def class_phrases(path, wanted):
    phrases, section = [], None
    for line in open(path, encoding="utf-8"):
        head = re.match(r"^  (\w+):\s*$", line)
        if head:
            section = head.group(1)
        entry = re.match(r"^    ([a-z' ]+):", line)
        if entry and section == wanted:
            phrases.append(entry.group(1))
    return phrases


def threshold(cut):
    # a detection fires when its score clears the threshold: log(threshold)/log(1.0001)/1024 = score + 1500
    return math.exp((cut + 1500) * 1024 * math.log(1.0001))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--class", dest="wanted", default="distress")
    parser.add_argument("--max-false", type=int, default=0)
    parser.add_argument("--keywords", default="Prompts/en/keywords.yaml", help="the class's phrases come from here")
    args = parser.parse_args()
    utterances = [u for path in args.runs for u in load(path)]
    wanted_phrases = class_phrases(args.keywords, args.wanted)
    voices = sorted({v for _, v, _ in utterances if v != "human"})
    folds = [set(voices[0::2]), set(voices[1::2])]
    print(f"{len(utterances)} utterances, voices {' '.join(voices)} + human neutral; class {args.wanted}, "
          f"false hits on neutral <= {args.max_false}")
    for index, fold in enumerate(folds):
        train = [u for u in utterances if u[1] in fold or u[1] == "human"]
        test = [u for u in utterances if u[1] not in fold]
        cuts, result = tune(train, wanted_phrases, args.wanted, args.max_false)
        held = score(cuts, test, args.wanted)
        print(f"fold {index + 1}: tuned on {' '.join(sorted(fold))}: recall {result[0]}/{result[1]}, false {result[2]}; "
              f"held-out voices: recall {held[0]}/{held[1]} ({100 * held[0] / max(held[1], 1):.1f}%), false {held[2]}")
    cuts, result = tune(utterances, wanted_phrases, args.wanted, args.max_false)
    per_voice = Counter()
    totals = Counter()
    for label, voice, hits in utterances:
        if label == args.wanted:
            totals[voice] += 1
            per_voice[voice] += any(p in cuts and s >= cuts[p] for p, s in hits)
    print(f"all voices: recall {result[0]}/{result[1]} ({100 * result[0] / max(result[1], 1):.1f}%), false {result[2]}; "
          + ", ".join(f"{v} {per_voice[v]}/{totals[v]}" for v in sorted(totals)))
    for phrase in wanted_phrases:
        cut = cuts[phrase]
        if cut >= 10**9:
            # no cut buys recall without a false hit: just above the best false candidate, so only a clearer one fires
            worst = max([s for label, _, h in utterances if label == "neutral" for p, s in h if p == phrase], default=-1500)
            # a stricter threshold fires later in the word, at a higher score than the loose run saw: keep a margin
            print(f"    {phrase}: {threshold(worst + 50):.1e}   # 50 above every false hit (best false score {worst})")
        else:
            # the widest margin: halfway between the last true hit kept and the best false one below it
            below = [s for label, _, h in utterances if label == "neutral" for p, s in h if p == phrase and s < cut]
            margin_cut = (cut + max(below)) // 2 if below else cut
            print(f"    {phrase}: {threshold(margin_cut):.1e}   # score cut {margin_cut} (last true hit {cut})")


if __name__ == "__main__":
    main()
