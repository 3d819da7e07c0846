#!/bin/sh
# Renders the labelled speech evaluation set (clean 8 kHz telephone-band WAVs + manifest.tsv).
# Deterministic: the same engines and voices give the same files. The bench adds G.711 and line noise.
# Usage: Scripts/speech-corpus.sh [OUT_DIR]   (default bench-out/speech-corpus; gitignored)
set -eu
out=${1:-bench-out/speech-corpus}
mkdir -p "$out/wav"
manifest="$out/manifest.tsv"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# class|expected phrase (the keyword a hit must name; "-" for none)|text
# Classes: distress, person, menu; neutral = no keyword, near-misses included (a hit is false);
# mention = a keyword said calmly in a neutral sentence (a hit on the keyword is expected and fine).
cat > "$tmp/sentences" <<'TXT'
distress|help|help
distress|help me|help me
distress|help me|help me please
distress|help me|please help me
distress|help|I need help
distress|help|somebody help
distress|please help|please help
distress|ambulance|call an ambulance
distress|ambulance|I need an ambulance
distress|ambulance|send an ambulance now
distress|emergency|this is an emergency
distress|emergency|it is an emergency
distress|police|call the police
distress|police|get the police
distress|hurt|I am hurt
distress|hurt|he is hurt badly
distress|danger|I am in danger
distress|danger|we are in danger
person|person|person
person|person|I want to talk to a person
person|operator|operator
person|operator|can I speak to an operator
person|agent|agent
person|agent|an agent please
person|human|a real human please
person|someone|let me talk to someone
menu|balance|balance
menu|balance|what is my balance
menu|day pass|day pass
menu|day pass|I need a day pass
menu|yes|yes
menu|no|no
neutral|-|thank you that was very helpful
neutral|-|I am calling about my insurance policy
neutral|-|hello I would like to check something
neutral|-|the weather is nice today
neutral|-|my phone bill looks wrong this month
neutral|-|I moved to a new address last week
neutral|-|can you tell me the opening hours
neutral|-|the hotel is near the train station
neutral|-|I am calling from the office
neutral|-|the helicopter flew over the house
neutral|-|my sister works at the hospital
neutral|-|I would like to top up twenty euros
neutral|-|could you repeat the last part
neutral|-|the delivery came on Tuesday morning
neutral|-|I forgot my password again
neutral|-|we had dinner at a nice restaurant
neutral|-|the children are at school until four
neutral|-|my old number still works fine
neutral|-|it was a very useful conversation
neutral|-|the shop is open late on Fridays
neutral|-|I have been waiting for a long time
neutral|-|please send me the invoice by mail
neutral|-|the merger of the two companies was announced
neutral|-|our neighbour has a lovely garden
neutral|-|that road is closed for repairs until next month, so take the other way around the lake
neutral|-|I called yesterday about the same problem and nobody got back to me, so I am trying again today
mention|police|the police station is closed on Sunday
mention|help|the help desk opens at nine
TXT

# engine|voice id|voice arguments (espeak-ng: voice+variant, pitch 0-99, rate wpm, amplitude 0-200)
cat > "$tmp/voices" <<'TXT'
espeak|esp-us-m|en-us -p 45 -s 160 -a 100
espeak|esp-us-f|en-us+f3 -p 60 -s 150 -a 100
espeak|esp-gb-m-slow|en-gb-x-rp+m3 -p 35 -s 130 -a 100
espeak|esp-gb-f-fast|en-gb+f4 -p 70 -s 185 -a 100
espeak|esp-us-m-shout|en-us+m7 -p 75 -s 175 -a 200
flite|flite-slt|slt
flite|flite-kal|kal16
flite|flite-awb|awb
flite|flite-rms|rms
TXT

: > "$manifest"
printf 'file\tclass\tphrase\tvoice\ttext\n' > "$manifest"
n=0
while IFS='|' read -r engine voice args; do
  i=0
  while IFS='|' read -r class phrase text; do
    i=$((i + 1))
    name=$(printf '%s-%02d-%s.wav' "$voice" "$i" "$class")
    raw="$tmp/raw.wav"
    case $engine in
      espeak) # shellcheck disable=SC2086
              espeak-ng -v $args -w "$raw" "$text" ;;
      flite)  flite -voice "$args" -t "$text" -o "$raw" ;;
    esac
    # telephone channel: 8 kHz, 300-3400 Hz band, 0.3 s of silence either side (VAD and KWS need the edges)
    sox -q -D "$raw" -r 8000 -c 1 -b 16 -e signed-integer "$out/wav/$name" \
      sinc 300-3400 pad 0.3 0.3
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$class" "$phrase" "$voice" "$text" >> "$manifest"
    n=$((n + 1))
  done < "$tmp/sentences"
done < "$tmp/voices"
# Real human speech, all neutral (no keyword): Debian pocketsphinx-testdata's LibriVox, card-game and
# command recordings (16 kHz) through the same telephone band. Skipped when the package is missing.
testdata=/usr/share/pocketsphinx/test/data
if [ -d "$testdata/librivox" ]; then
  for wav in "$testdata"/librivox/*.wav "$testdata"/cards/*.wav; do
    name="human-$(basename "$(dirname "$wav")")-$(basename "$wav")"
    sox -q -D "$wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/wav/$name" sinc 300-3400 pad 0.3 0.3
    printf '%s\tneutral\t-\thuman-testdata\t%s\n' "$name" "(pocketsphinx-testdata recording)" >> "$manifest"
    n=$((n + 1))
  done
  for raw in goforward numbers something; do
    name="human-$raw.wav"
    sox -q -D -t raw -r 16000 -b 16 -e signed-integer -c 1 "$testdata/$raw.raw" -r 8000 -b 16 "$out/wav/$name" \
      sinc 300-3400 pad 0.3 0.3
    printf '%s\tneutral\t-\thuman-testdata\t%s\n' "$name" "(pocketsphinx-testdata recording)" >> "$manifest"
    n=$((n + 1))
  done
fi
echo "speech-corpus: $n utterances in $out (manifest.tsv)"
