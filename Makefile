# Warmline — the two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the build, the tests and the demo need (installed only when missing).
DEB_PKGS := pkg-config libasound2-dev libasound2-plugins alsa-utils libsqlite3-dev \
	libspandsp-dev espeak-ng sox libsox-fmt-all pocketsphinx libpocketsphinx-dev \
	pocketsphinx-en-us pocketsphinx-testdata flite gcc-arm-none-eabi libnewlib-arm-none-eabi \
	qemu-system-arm pulseaudio python3

.PHONY: all deps build test test-swift test-firmware demo bench clean

all: build

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

test: deps test-firmware test-swift

test-swift:
	$(SWIFT) build --build-tests
	# A bound on the whole run: a hung test fails CI in minutes instead of holding it.
	timeout 1500 $(SWIFT) test --skip-build

test-firmware:
	@if [ -f Firmware/Makefile ]; then $(MAKE) -C Firmware test; fi

demo: deps
	@if [ -x Scripts/demo.sh ]; then Scripts/demo.sh; else \
	  $(SWIFT) build --product warmline && $(SWIFT) run warmline demo; fi

# Benchmarks: release build, each prints Warmline beside its peer measured in the same run.
# `unit` runs the release `warmline` on firmware emulators through PulseAudio (the real-time path).
BENCHES ?= dtmf vad store board audio speech unit
bench: deps
	@python3 -c 'import webrtcvad' 2>/dev/null || python3 -m pip install -q webrtcvad-wheels
	@# Bench only: General MIDI talk-off music for `warmline-bench dtmf` (Scripts/dtmf-talkoff.py).
	@for p in fluidsynth timgm6mb-soundfont; do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends fluidsynth timgm6mb-soundfont >/dev/null; break; }; done
	$(MAKE) -s -C Firmware emulator
	$(SWIFT) build -c release --product warmline
	$(SWIFT) build -c release --product warmline-bench
	@for b in $(BENCHES); do echo "== warmline-bench $$b"; .build/release/warmline-bench $$b || exit 1; done

clean:
	rm -rf .build Firmware/build
	@if [ -f Firmware/Makefile ]; then $(MAKE) -C Firmware clean; fi
