#!/usr/bin/env python3
"""Renders the DTMF talk-off material for `warmline-bench dtmf` (tooling only, never shipped).

Speech (espeak-ng and flite voices, human speech from pocketsphinx-testdata pitch-shifted up to
+700 cents) and General MIDI music (MIDI files written here from code, rendered by fluidsynth with
the TimGM6mb soundfont), all as 8 kHz telephone-band (300-3400 Hz) signed 16-bit mono raw files,
plus manifest.tsv: row, held_out (1 = never used for tuning), file, seconds. Deterministic: the same
tools give the same files. Levels are applied by the bench.

Usage: Scripts/dtmf-talkoff.py [OUT_DIR] [--jobs=N]   (default .build/dtmf-talkoff; not committed)
Needs: espeak-ng, flite, sox, fluidsynth, timgm6mb-soundfont, pocketsphinx-testdata.
"""
import concurrent.futures
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

VERSION = "3"  # bump when the material changes; the bench re-renders on a mismatch
SOUNDFONT = "/usr/share/sounds/sf2/TimGM6mb.sf2"
HUMAN_DIR = "/usr/share/pocketsphinx/test/data"
BAND = ["sinc", "300-3400"]

ENGLISH = [
    "Hello, I am calling about my account. My number is five five five, one two three four.",
    "Can I speak to a person please? I have no balance left and I need to call my family.",
    "Please help me, there has been an accident on the motorway and somebody is hurt.",
    "The quarterly review shows that call volumes rose by twenty one percent this year.",
    "Operator! Operator! I keep pressing zero and nothing happens. Is anybody there? Hello? Hello?",
    "Noooo, wait, I said nine, nine, nine, not one one nine. Please listen to me.",
    "Ahhh, yes, eeee, mmmm, I think so, hmmm, maybe tomorrow morning at eleven.",
    "My daughter's birthday is on the seventeenth of November, and I wanted to send flowers.",
    "Could you repeat the last part? The line is really bad and I can barely hear you.",
    "I would like to top up twenty euros on my phone, but the card keeps getting declined.",
    "Good evening. This is Margaret from apartment four B; the heating has stopped again.",
    "Oh dear, oh dear, I don't know what to do, everything is going wrong today.",
    "Whee! We won! We really won the match! Can you believe it? Three to nothing!",
    "The train to Manchester Piccadilly departs from platform seven at half past eight.",
    "I'm sorry, I didn't catch that. Was it the blue form or the yellow form?",
    "Please hold the line while I look up your details. It will only take a moment.",
    "Yes. No. Maybe. I really, really need to talk to someone right now, please.",
    "Seven eight nine four five six one two three star zero hash.",
    "We are singing la la la, do re mi fa so la ti do, and then we start again.",
    "Is this the helpline? My husband fell down the stairs and he cannot get up.",
    "Thank you so much, you have been very helpful, have a lovely weekend.",
    "The weather is nice today, sunny and warm, with a light breeze from the west.",
    "Hiii, it's me again! Did you get my message from this morning? Call me back!",
    "I moved to a new address last week and my post still goes to the old house.",
    "Wooo hooo! Eeeeek! Ooooh, aaaah, that's amazing, really amazing!",
    "Can you tell me the opening hours of the pharmacy on Queen Street, please?",
    "My phone bill looks wrong this month; it says I called Australia sixty times.",
    "She sells sea shells by the sea shore, and the shells she sells are sea shells.",
    "One, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve.",
    "I'm calling from the office on the third floor; the printer is on fire. No, really.",
]

OTHER = {
    "de": ["Guten Tag, ich habe eine Frage zu meiner Rechnung. Meine Kundennummer ist sieben drei null acht.",
           "Hallo? Hallo? Können Sie mich hören? Ich brauche dringend Hilfe, bitte."],
    "fr-fr": ["Bonjour, je voudrais parler à un conseiller. Mon numéro est le zéro six, quarante deux.",
              "Allô? Oui, c'est moi. Non, non, je n'ai pas reçu la facture du mois dernier."],
    "es": ["Hola, necesito ayuda con mi línea. No tengo saldo y mi hijo está enfermo.",
           "Buenas tardes, quería preguntar por el horario de la farmacia, por favor."],
    "it": ["Buongiorno, vorrei sapere quando arriva il tecnico. Il mio codice è quattro cinque sei.",
           "Pronto? Mi sente? Sono la signora Rossi, chiamo per la bolletta del gas."],
    "tr": ["Merhaba, faturam hakkında bilgi almak istiyorum. Numaram beş yüz otuz iki.",
           "Alo? Beni duyuyor musunuz? Lütfen bana yardım edin, çok acil."],
    "uk": ["Добрий день, мені потрібна допомога. У мене закінчилися гроші на рахунку.",
           "Алло? Ви мене чуєте? Я дзвоню щодо рахунку за минулий місяць."],
    "ru": ["Здравствуйте, я хотела бы узнать баланс моего счёта, пожалуйста.",
           "Алло, алло! Вы меня слышите? Соедините меня с оператором."],
    "sv": ["Hej, jag ringer om min faktura. Mitt kundnummer är sju åtta nio.",
           "Hallå? Hör du mig? Jag behöver prata med någon på en gång."],
    "cmn": ["你好，我想查询我的账户余额。我的号码是五五五一二三四。",
            "喂？喂？你能听到我吗？请帮帮我，我需要和人工客服通话。"],
    "hi": ["नमस्ते, मुझे अपने खाते के बारे में जानकारी चाहिए। मेरा नंबर पांच पांच पांच है।",
           "हैलो? क्या आप मुझे सुन सकते हैं? कृपया मेरी मदद कीजिए।"],
    "el": ["Καλημέρα, θα ήθελα να μιλήσω με έναν υπάλληλο για τον λογαριασμό μου.",
           "Εμπρός; Με ακούτε; Χρειάζομαι βοήθεια, παρακαλώ."],
    "pt": ["Bom dia, queria saber o saldo da minha conta. O meu número é nove um dois.",
           "Está? Está lá? Preciso de falar com uma pessoa, por favor."],
    "nl": ["Goedemiddag, ik bel over mijn rekening. Mijn klantnummer is vier vijf zes.",
           "Hallo? Hoort u mij? Ik heb dringend hulp nodig, alstublieft."],
    "pl": ["Dzień dobry, dzwonię w sprawie rachunku. Mój numer klienta to siedem osiem.",
           "Halo? Słyszy mnie pan? Potrzebuję pomocy, proszę szybko."],
}

# (row, held out, [(voice, espeak pitch 0-99, words per minute)])
ESPEAK_ROWS = [
    ("speech: espeak-ng English female variants", 0, [
        ("en-us+f1", 60, 160), ("en-us+f2", 70, 170), ("en-us+f3", 50, 165), ("en-us+f3", 85, 150),
        ("en-us+f5", 75, 175), ("en+f1", 55, 160), ("en+f2", 50, 165), ("en+f2", 90, 155), ("en+f3", 70, 170),
        ("en+f5", 80, 160), ("en-gb-x-rp+f3", 65, 150), ("en-us+Annie", 60, 165), ("en+Alicia", 70, 160),
        ("en-us+Andrea", 55, 170), ("en+belinda", 75, 155), ("en-us+aunty", 65, 160), ("en+grandma", 50, 140),
        ("en-us+shelby", 80, 165), ("en+steph", 70, 175), ("en-us-nyc+f4", 99, 160),
    ]),
    ("speech: espeak-ng English male variants", 0, [
        ("en-us+m1", 50, 165), ("en-us+m2", 40, 160), ("en-us+m3", 60, 170), ("en-us+m3", 90, 160),
        ("en-us+m4", 45, 150), ("en-us+m6", 55, 165), ("en-us+m7", 70, 170), ("en+m1", 35, 160),
        ("en+m3", 50, 165), ("en+m3", 99, 150), ("en-gb-scotland+m2", 60, 160), ("en-us+klatt", 50, 165),
        ("en+Alex", 55, 170), ("en-us+Andy", 65, 160), ("en+david", 45, 155), ("en-029+m3", 70, 165),
        ("en-us+edward", 50, 160), ("en+john", 60, 170),
    ]),
    ("held out: espeak-ng en+f4, en-us+m5, +linda, +anika, +Mike, +croak", 1, [
        ("en+f4", 60, 165), ("en+f4", 95, 150), ("en-us+f4", 75, 160), ("en-us+m5", 55, 165),
        ("en-us+m5", 85, 160), ("en+linda", 70, 165), ("en-us+anika", 65, 160), ("en+Mike", 60, 170),
        ("en-us+croak", 50, 160),
    ]),
]
OTHER_ROWS = [
    ("speech: espeak-ng other languages (de fr es it tr uk ru sv cmn hi el)", 0, [
        ("de", "+f3", 70), ("de", "+m3", 50), ("fr-fr", "+f2", 75), ("fr-fr", "+m1", 45), ("es", "+f4", 80),
        ("es", "+m2", 55), ("it", "+f2", 65), ("it", "+m7", 60), ("tr", "+f3", 85), ("tr", "+m1", 50),
        ("uk", "+f2", 70), ("uk", "+m4", 45), ("ru", "+f5", 75), ("ru", "+m3", 55), ("sv", "+f1", 65),
        ("cmn", "+f3", 80), ("cmn", "+m2", 50), ("hi", "+f2", 70), ("hi", "+m4", 50), ("el", "+f5", 75),
    ]),
    ("held out: espeak-ng pt, nl, pl voices", 1, [
        ("pt", "+f3", 75), ("pt", "+m3", 50), ("nl", "+f2", 80), ("nl", "+m1", 55), ("pl", "+f1", 70),
        ("pl", "+m6", 50),
    ]),
]
# (voice, espeak pitch, sox pitch shift in cents)
SHIFTED = [
    ("en-us+f3", 50, 300), ("en-us+f3", 50, 500), ("en-us+f3", 50, 700), ("en+f2", 50, 400),
    ("en+f2", 50, 700), ("en-us+f1", 60, 600), ("en-us+m3", 50, 700), ("en+m3", 50, 500),
    ("en-us+m1", 40, 700), ("en+f5", 70, 300),
]
FLITE_ROWS = [
    ("speech: flite kal, awb (mean F0 90-220 Hz)", 0, [("kal", 95), ("kal", 160), ("kal", 220), ("awb", 100), ("awb", 170)]),
    ("held out: flite slt, rms", 1, [("slt", 170), ("slt", 240), ("rms", 110), ("rms", 190)]),
]
HUMAN_ROWS = [
    ("speech: human (pocketsphinx testdata), 0 to +700 cents", 0,
     ["librivox/sense_and_sensibility_01_austen_64kb-0870.wav", "librivox/sense_and_sensibility_01_austen_64kb-0880.wav",
      "librivox/sense_and_sensibility_01_austen_64kb-0890.wav", "librivox/sense_and_sensibility_01_austen_64kb-0920.wav",
      "librivox/sense_and_sensibility_01_austen_64kb-0930.wav", "goforward.raw", "numbers.raw", "something.raw"]),
    ("held out: human cards + tidigits, 0 to +700 cents", 1,
     ["cards/001.wav", "cards/002.wav", "cards/003.wav", "cards/004.wav", "cards/005.wav", "tidigits/dhd.2934z.raw"]),
]
CENTS = [0, 100, 200, 300, 400, 500, 600, 700]

# (row, held out, [(GM program, style)], minutes per program)
MUSIC_ROWS = [
    ("music: piano (acoustic, bright, electric): chords, scales, arpeggios", 0, [(0, "keys"), (1, "keys"), (4, "keys")], 5),
    ("music: choir (aahs, oohs, synth voice): pads and chorales", 0, [(52, "pad"), (53, "pad"), (54, "pad")], 5),
    ("music: strings (ensemble, slow strings, violin, cello)", 0, [(48, "pad"), (49, "pad"), (40, "melody"), (42, "melody")], 4),
    ("music: winds, brass, guitar, accordion, marimba", 0, [(73, "melody"), (71, "melody"), (56, "melody"), (24, "keys"), (21, "pad"), (12, "keys")], 2.5),
    ("music: synth (square lead, saw lead, new-age pad)", 0, [(80, "melody"), (81, "melody"), (88, "pad")], 3),
    ("held out: organ (church, drawbar)", 1, [(19, "pad"), (16, "keys")], 5),
]

MAJOR = [0, 2, 4, 5, 7, 9, 11]
MINOR = [0, 2, 3, 5, 7, 8, 10]
PROGRESSIONS = [[0, 3, 4, 0], [0, 5, 3, 4], [0, 4, 5, 3], [1, 4, 0, 0], [0, 3, 1, 4], [5, 3, 0, 4], [0, 2, 3, 4]]


def run(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)


def to_band(src, dst, effects=()):
    """Converts any audio file to 8 kHz telephone-band raw, peak-normalised to -1 dBFS."""
    run(["sox", src, "-t", "raw", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed", dst, *effects, *BAND, "gain", "-n", "-1"])


def human_input(path):
    full = os.path.join(HUMAN_DIR, path)
    return ["-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed", full] if path.endswith(".raw") else [full]


# ---- MIDI ----

def vlq(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    return bytes(reversed(out))


def write_midi(path, program, notes, tempo_bpm, channel=0, pedal=()):
    """notes: (start beat, length beats, midi note, velocity); pedal: (down beat, up beat)."""
    ppq = 480
    events = []
    for start, length, note, vel in notes:
        on = int(start * ppq)
        events.append((on, 1, bytes([0x90 | channel, note, vel])))
        events.append((max(on + 1, int((start + length) * ppq)), 0, bytes([0x80 | channel, note, 0])))
    for down, up in pedal:
        events.append((int(down * ppq), 0, bytes([0xB0 | channel, 64, 127])))
        events.append((int(up * ppq), 0, bytes([0xB0 | channel, 64, 0])))
    events.sort(key=lambda e: (e[0], e[1]))
    track = bytearray()
    track += vlq(0) + b"\xff\x51\x03" + struct.pack(">I", int(60_000_000 / tempo_bpm))[1:]
    track += vlq(0) + bytes([0xC0 | channel, program])
    now = 0
    for tick, _, data in events:
        track += vlq(tick - now) + data
        now = tick
    track += vlq(ppq * 2) + b"\xff\x2f\x00"
    with open(path, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, ppq))
        f.write(b"MTrk" + struct.pack(">I", len(track)) + track)


def chord_notes(rng, key, mode, degree, low, high, size):
    scale = MAJOR if mode == "major" else MINOR
    root = key + scale[degree % 7]
    pcs = {root % 12, (key + scale[(degree + 2) % 7]) % 12, (key + scale[(degree + 4) % 7]) % 12}
    if rng.random() < 0.4:
        pcs.add((key + scale[(degree + 6) % 7]) % 12)
    candidates = [n for n in range(low, high + 1) if n % 12 in pcs]
    bass = [n for n in range(low - 12, low + 6) if n % 12 == root % 12]
    picked = sorted(rng.sample(candidates, min(size, len(candidates))))
    return sorted(set(bass[:1] + picked))


def compose(rng, style, target_beats):
    """Returns (notes, pedal) for about `target_beats` beats in `style` (keys, pad, melody)."""
    notes, pedal = [], []
    beat = 0.0
    while beat < target_beats:
        key = rng.randrange(12)
        mode = rng.choice(["major", "minor"])
        scale = MAJOR if mode == "major" else MINOR
        section = rng.choice({"keys": ["chords", "scale", "arpeggio", "melody"], "pad": ["pad", "chorale", "melody"],
                              "melody": ["melody", "scale", "arpeggio"]}[style])
        low = rng.choice([48, 55, 60, 64, 67])
        high = low + rng.choice([12, 19, 24, 28])
        prog = rng.choice(PROGRESSIONS) * rng.choice([1, 2])
        vel = rng.randrange(50, 115)
        if section in ("chords", "pad", "chorale"):
            length = {"chords": rng.choice([1, 2]), "pad": rng.choice([4, 6, 8]), "chorale": 2}[section]
            for degree in prog:
                ch = chord_notes(rng, key, mode, degree, low, high, rng.choice([3, 4, 5]))
                for n in ch:
                    notes.append((beat, length * 0.95, n, max(1, min(127, vel + rng.randrange(-10, 11)))))
                beat += length
        elif section == "scale":
            step = rng.choice([0.25, 0.5, 1])
            direction = rng.choice([1, -1])
            start = low + key % 12
            degrees = list(range(0, 7 * rng.choice([1, 2, 3]) + 1))
            if direction < 0:
                degrees.reverse()
            voices = rng.choice([[0], [0], [0, 2], [0, 7], [0, 5]])  # alone, in thirds, octaves, sixths
            for d in degrees + list(reversed(degrees))[1:]:
                for v in voices:
                    dd = d + v
                    n = start + 12 * (dd // 7) + scale[dd % 7]
                    if 24 <= n <= 100:
                        notes.append((beat, step * 0.9, n, vel))
                beat += step
        elif section == "arpeggio":
            step = rng.choice([0.25, 0.5])
            for degree in prog:
                ch = chord_notes(rng, key, mode, degree, low, high, 4)
                pattern = ch + list(reversed(ch))[1:-1]
                pedal.append((beat, beat + 4 * 0.97))
                t = 0.0
                while t < 4:
                    notes.append((beat + t, step * 1.5, pattern[int(t / step) % len(pattern)], vel))
                    t += step
                beat += 4
        else:  # melody over sustained chords (or alone for single-line instruments)
            step_choices = [0.5, 1, 1, 1.5, 2]
            current = rng.randrange(7, 15)
            for degree in prog:
                if style != "melody":
                    for n in chord_notes(rng, key, mode, degree, low - 12, low + 7, 3):
                        notes.append((beat, 3.9, n, max(1, vel - 20)))
                t = 0.0
                while t < 4:
                    current = max(0, min(20, current + rng.choice([-2, -1, -1, 0, 1, 1, 2, 3, -3])))
                    n = low + key % 12 + 12 * (current // 7) + scale[current % 7]
                    length = min(rng.choice(step_choices), 4 - t)
                    notes.append((beat + t, length * 0.95, n, vel))
                    t += length
                beat += 4
        beat += rng.choice([0, 0.5, 1, 2])
    return notes, pedal


def render_music(out, name, program, style, minutes, seed):
    rng = random.Random(seed)
    tempo = rng.choice([66, 80, 92, 104, 120, 132])
    beats = minutes * tempo
    notes, pedal = compose(rng, style, beats)
    with tempfile.TemporaryDirectory() as tmp:
        mid = os.path.join(tmp, "m.mid")
        wav = os.path.join(tmp, "m.wav")
        write_midi(mid, program, notes, tempo, pedal=pedal)
        run(["fluidsynth", "-ni", "-q", "-g", "0.5", "-r", "44100", "-F", wav, SOUNDFONT, mid])
        to_band(wav, os.path.join(out, name))


def render_espeak(out, name, voice, pitch, wpm, texts, cents=0):
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "s.wav")
        text = " ".join(texts)
        run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(wpm), "-w", wav, text])
        to_band(wav, os.path.join(out, name), ["pitch", str(cents)] if cents else [])


def render_flite(out, name, voice, f0, texts):
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "s.wav")
        run(["flite", "-voice", voice, "--setf", f"int_f0_target_mean={f0}", "-t", " ".join(texts), "-o", wav])
        to_band(wav, os.path.join(out, name))


def render_human(out, name, path, cents):
    to_band_cmd = ["sox", *human_input(path), "-t", "raw", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed",
                   os.path.join(out, name)]
    if cents:
        to_band_cmd += ["pitch", str(cents)]
    run(to_band_cmd + BAND + ["gain", "-n", "-1"])


def jobs_list():
    """(row, held out, file name, callable args) for every clip, in manifest order."""
    jobs = []
    for row, held, voices in ESPEAK_ROWS:
        for i, (voice, pitch, wpm) in enumerate(voices):
            rng = random.Random(f"{voice}-{pitch}")
            texts = rng.sample(ENGLISH, 10)
            jobs.append((row, held, f"espeak-{voice}-p{pitch}.raw", (render_espeak, voice, pitch, wpm, texts)))
    for row, held, voices in OTHER_ROWS:
        for lang, variant, pitch in voices:
            jobs.append((row, held, f"espeak-{lang}{variant}-p{pitch}.raw",
                         (render_espeak, lang + variant, pitch, 150, OTHER[lang] * 3)))
    row = "speech: espeak-ng pitch-shifted +300 to +700 cents (sox)"
    for voice, pitch, cents in SHIFTED:
        rng = random.Random(f"shift-{voice}-{cents}")
        jobs.append((row, 0, f"espeak-{voice}-p{pitch}-c{cents}.raw",
                     (render_espeak, voice, pitch, 165, rng.sample(ENGLISH, 10), cents)))
    for row, held, voices in FLITE_ROWS:
        for voice, f0 in voices:
            rng = random.Random(f"flite-{voice}-{f0}")
            jobs.append((row, held, f"flite-{voice}-f{f0}.raw", (render_flite, voice, f0, rng.sample(ENGLISH, 10))))
    for row, held, files in HUMAN_ROWS:
        for path in files:
            for cents in CENTS:
                base = os.path.splitext(path.replace("/", "-"))[0]
                jobs.append((row, held, f"human-{base}-c{cents}.raw", (render_human, path, cents)))
    for row, held, programs, minutes in MUSIC_ROWS:
        for program, style in programs:
            jobs.append((row, held, f"gm-{program:03d}-{style}.raw", (render_music, program, style, minutes, 1000 + program)))
    return jobs


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--jobs")]
    workers = 2
    for a in sys.argv[1:]:
        if a.startswith("--jobs="):
            workers = int(a.split("=", 1)[1])
    out = args[0] if args else ".build/dtmf-talkoff"
    for tool in ["espeak-ng", "flite", "sox", "fluidsynth"]:
        if shutil.which(tool) is None:
            sys.exit(f"dtmf-talkoff: '{tool}' not found: install it (make bench installs fluidsynth timgm6mb-soundfont)")
    if not os.path.exists(SOUNDFONT):
        sys.exit(f"dtmf-talkoff: {SOUNDFONT} missing: apt-get install timgm6mb-soundfont")
    os.makedirs(out, exist_ok=True)
    manifest = os.path.join(out, "manifest.tsv")
    if os.path.exists(manifest):
        with open(manifest) as f:
            if f.readline().strip() != f"# dtmf-talkoff {VERSION}":
                for name in os.listdir(out):  # material from another version of this script
                    if name.endswith(".raw"):
                        os.remove(os.path.join(out, name))
    jobs = jobs_list()

    def work(job):
        _, _, name, (fn, *params) = job
        if not os.path.exists(os.path.join(out, name)):
            tmpname = name + ".part"
            fn(out, tmpname, *params)
            os.replace(os.path.join(out, tmpname), os.path.join(out, name))
        return os.path.getsize(os.path.join(out, name)) / 16000

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        seconds = list(pool.map(work, jobs))
    lines = [f"# dtmf-talkoff {VERSION}"]
    lines += [f"{row}\t{held}\t{name}\t{s:.2f}" for (row, held, name, _), s in zip(jobs, seconds)]
    with open(os.path.join(out, "manifest.tsv.part"), "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(os.path.join(out, "manifest.tsv.part"), os.path.join(out, "manifest.tsv"))
    total = sum(seconds)
    print(f"dtmf-talkoff: {len(jobs)} clips, {total / 60:.1f} min in {out}")


if __name__ == "__main__":
    main()
