#!/usr/bin/env python3
# Tuning aid for matcher.verify (keywords.yaml): sends evaluation-set files, whole, to warmline-recognizer over its
# frame protocol with WARMLINE_VERIFY_TRACE set, and writes one TSV line per file (file, class, voice, text, answer,
# then the trace: free transcript, verdict, score, reading accepted, readings scored). Resumable; STEP/OFF take every
# STEP-th file from OFF. Then Scripts/verify-tune.py --analyse OUT simulates margins (KM: keyword_margin).
# usage: verify-tune.py WORKER MODEL_DIR KEYWORDS CORPUS OUT [SPLIT [SNRS]]  |  verify-tune.py --analyse OUT [MARGINS [CALLS]] [-v]
import sys
if len(sys.argv) > 1 and sys.argv[1] == "--analyse":
    sys.argv = sys.argv[1:]
    import sys, collections
    rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
    margins = [float(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "0,0.2,0.3,0.4,0.5,0.6,0.8,1.0,1.5").split(",")]
    calls = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    import os
    KM = float(os.environ.get("KM", "9"))
    def verdict(r, m):
        kind = r[6] if len(r) > 6 else "nothing"
        if kind in ("distress", "person"): return kind, "free"
        if len(r) < 8 or r[7] == "-": return kind, ""
        free = float(r[7]); best = None
        if kind == "mention": m = min(m, KM)
        for t in r[9:9 + calls]:
            intent, rest = t.split(":", 1); text, score = rest.rsplit("=", 1)
            score, _, coverage = score.partition("@"); score = float(score)
            if score >= free - m * float(coverage or 1) and (best is None or score > best[1]): best = (intent, score, text)
        return (best[0], best[2]) if best else (kind, "")
    for m in margins:
        tot = collections.Counter(); hit = collections.Counter(); voice = collections.defaultdict(lambda: [0, 0]); fa = []
        for r in rows:
            cls = r[1]; k, why = verdict(r, m)
            tot[cls] += 1
            ok = (cls == "distress" and k == "distress") or (cls == "person" and k in ("distress", "person"))
            if cls in ("distress", "person"):
                hit[cls] += ok; voice[r[2]][0] += 1; voice[r[2]][1] += ok
            elif k in ("distress", "person"):
                hit[cls] += 1; fa.append((r[0], r[3], r[5], why))
        print(f"margin {m}: distress {hit['distress']}/{tot['distress']}  person {hit['person']}/{tot['person']}  neutral trig {hit['neutral']}/{tot['neutral']}  mention trig {hit['mention']}/{tot['mention']}  "
              + " ".join(f"{v}:{a[1]}/{a[0]}" for v, a in sorted(voice.items())))
        if "-v" in sys.argv:
            for f in fa: print("   FA", f)
    sys.exit(0)
import os, struct, subprocess, sys, wave, tempfile
worker, model, keywords, corpus, out = sys.argv[1:6]
split = sys.argv[6] if len(sys.argv) > 6 else "tune"
snrs = (sys.argv[7] if len(sys.argv) > 7 else "20").split(",")
trace = tempfile.mktemp(prefix="verify-trace-")
env = dict(os.environ, WARMLINE_VERIFY_TRACE=trace, SWIFT_BACKTRACE="enable=no")
p = subprocess.Popen([worker, "--model", model, "--keywords", keywords], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
def read_frame():
    n = struct.unpack("<I", p.stdout.read(4))[0]
    return p.stdout.read(n)
a = read_frame(); print("ready", a[5:9], file=sys.stderr)
rows = [l.rstrip("\n").split("\t") for l in open(corpus + "/manifest.tsv")]
head, rows = rows[0], rows[1:]
ix = {k: i for i, k in enumerate(head)}
rows = [r for r in rows if r[ix["split"]] == split and r[ix["snr_db"]] in snrs]
step = int(os.environ.get("STEP", "1")); off = int(os.environ.get("OFF", "0"))
done = set(l.split("\t")[0] for l in open(out)) if os.path.exists(out) else set()
rows = [r for i, r in enumerate(rows) if i % step == off and r[0] not in done]
with open(out, "a") as f:
    for k, r in enumerate(rows):
        w = wave.open(corpus + "/wav/" + r[0]); data = w.readframes(w.getnframes()); assert w.getframerate() == 8000
        payload = struct.pack("<I", k + 1) + data
        p.stdin.write(struct.pack("<I", len(payload)) + payload); p.stdin.flush()
        ans = read_frame()
        text = ans[9:].decode()
        lines = open(trace).read().splitlines()
        f.write("\t".join([r[0], r[ix["class"]], r[ix["voice"]], r[ix["text"]], text, lines[-1] if lines else ""]) + "\n"); f.flush()
        print(k, r[0], repr(text), file=sys.stderr)
p.stdin.close(); p.wait()
