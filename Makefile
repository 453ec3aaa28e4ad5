# SPDX-License-Identifier: GPL-2.0-or-later
#
# A thin wrapper around Meson.
#
#   make            release build in build/ (executables under build/)
#   make check      sanitizer build in build/check, then every test
#   make demo       build, then boot a guest through tapir (see scripts/demo.sh)
#   make bench      benchmarks (bench/), figures printed as tables
#   make install    install; DESTDIR and PREFIX are passed through
#
# check, demo and bench install missing Debian packages first
# (scripts/deps.sh).  WERROR=1 turns warnings into errors (CI sets it).

BUILD   ?= build
PREFIX  ?= /usr/local
LIBEXECDIR ?= libexec
DESTDIR ?=
WERROR  ?= 0
MESON_OPTS ?=

ifeq ($(WERROR),1)
MESON_OPTS += -Dwerror=true
endif

.PHONY: all check demo bench install clean deps-build

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps-build:
	@scripts/deps.sh --check build 2>/dev/null || scripts/deps.sh build

$(BUILD)/build.ninja: | deps-build
	meson setup $(BUILD) --prefix=$(PREFIX) --libexecdir=$(LIBEXECDIR) $(MESON_OPTS)

check:
	@scripts/deps.sh --check check 2>/dev/null || scripts/deps.sh check
	WERROR=$(WERROR) tests/run.sh

demo:
	@scripts/deps.sh --check demo 2>/dev/null || scripts/deps.sh demo
	$(MAKE) all
	scripts/demo.sh

bench:
	@scripts/deps.sh --check bench 2>/dev/null || scripts/deps.sh bench
	$(MAKE) all
	bench/run.sh

# The helper gets cap_net_admin+ep after installing, when we are root;
# the script says what it did (meson would hide an install hook's output).
install: all
	meson configure $(BUILD) -Dprefix=$(PREFIX) -Dlibexecdir=$(LIBEXECDIR)
	DESTDIR=$(DESTDIR) meson install -C $(BUILD)
	DESTDIR=$(DESTDIR) scripts/install-setcap.sh $(PREFIX)/$(LIBEXECDIR)/tapir-bridge-helper

clean:
	rm -rf $(BUILD)
