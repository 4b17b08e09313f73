# SPDX-License-Identifier: GPL-2.0
#
# A thin wrapper around Kbuild (which holds the object list and flags), plus
# the project's check, demo and install targets.

# $(shell) does not see variables given on the command line: pass KVER.
KERNELRELEASE ?= $(shell KVER=$(KVER) scripts/kver)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
KSRC ?= /usr/src/linux-source-6.1
CHECKPATCH ?= $(KSRC)/scripts/checkpatch.pl
PWD := $(shell pwd)

# The module's sources, for DKMS: every .c and .h of the top directory (the
# object list is Kbuild's), not the .mod.c a build leaves.
SOURCES := $(filter-out %.mod.c,$(wildcard *.c)) $(wildcard *.h)
COMPAT_SOURCES := compat/compat.h compat/probes/probe.h \
	$(wildcard compat/probes/*.c)

all: module tool

module:
	$(MAKE) -C $(KDIR) M=$(PWD) W=1 modules

# Every build product of every target: the module, the other kernels'
# builds, the helper modules of bench and vm-run-selftest, the userspace
# helpers. make check ends with it and then finds no ignored file left.
HELPER_MODULES := scripts/bench-helpers/nop_hook \
	scripts/bench-helpers/hookbench scripts/vm/warn_test

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean
	for d in $(HELPER_MODULES); do \
		$(MAKE) -C $(KDIR) M=$(PWD)/$$d clean || exit 1; \
	done
	rm -rf .build
	$(MAKE) -C selftests clean
	rm -f tools/icmp-guard scripts/bench-helpers/udp_flood .sparse.log \
		scripts/bench-helpers/hookbench/last-run.txt \
		.checkpatch-camelcase.*

install: module install-tool
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	depmod -a $(KERNELRELEASE)

# The control tool, icmp-guard(8): userspace C, warning-free with these
# flags (tool-lint adds -Werror for make check).
PREFIX ?= /usr/local
TOOL_CFLAGS ?= -O2 -g -Wall -Wextra -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -D_FORTIFY_SOURCE=2

tool: tools/icmp-guard

tools/icmp-guard: tools/icmp-guard.c
	$(CC) $(TOOL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

tool-lint:
	rm -f tools/icmp-guard
	$(MAKE) tools/icmp-guard TOOL_CFLAGS="$(TOOL_CFLAGS) -Werror"

install-tool: tool
	install -D -m 0755 tools/icmp-guard $(DESTDIR)$(PREFIX)/sbin/icmp-guard
	install -D -m 0644 tools/icmp-guard.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/icmp-guard.8

# The version lives in main.c (MODULE_VERSION), dkms.conf
# (PACKAGE_VERSION) and debian/changelog, each where its tool reads it:
# version-check fails unless they agree (debian/rules and check-packages
# run it).
VERSION := $(shell sed -n 's/^MODULE_VERSION("\(.*\)");$$/\1/p' main.c)

version-check:
	@d=$$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf); \
	c=$$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog); \
	if [ -z "$(VERSION)" ] || [ "$(VERSION)" != "$$d" ] || \
	   [ "$(VERSION)" != "$$c" ]; then \
		echo "version-check: main.c says '$(VERSION)', dkms.conf" \
			"'$$d', debian/changelog '$$c': they must agree" >&2; \
		exit 1; \
	fi

# The module's sources as DKMS wants them, in
# $(DESTDIR)/usr/src/icmp-guard-VERSION: what icmp-guard-dkms ships.
DKMS_SRC = $(DESTDIR)/usr/src/icmp-guard-$(VERSION)

install-dkms-src: version-check
	install -d $(DKMS_SRC)/compat/probes
	install -m 0644 dkms.conf Kbuild $(SOURCES) $(DKMS_SRC)/
	install -m 0644 compat/compat.h $(DKMS_SRC)/compat/
	install -m 0755 compat/gen-compat $(DKMS_SRC)/compat/
	install -m 0644 compat/probes/probe.h compat/probes/*.c \
		$(DKMS_SRC)/compat/probes/

# The Debian packages, icmp-guard-dkms and icmp-guard-tools, in .build/deb/,
# built from a copy of the tracked files (with their uncommitted changes):
# dpkg-buildpackage writes beside the tree it builds, and cleans it.
DEB_DIR := .build/deb

deb: version-check
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src
	git ls-files -z | tar --null -T - -cf - | tar -C $(DEB_DIR)/src -xf -
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b

deps:
	scripts/install-deps

CHECKPATCH_FLAGS := --strict --no-tree --terse --show-types --max-line-length=80

# checkpatch --strict on every source file: no errors, warnings or checks.
# compat.h may test LINUX_VERSION_CODE, for its one #error below the
# minimum (which checkpatch also reads as a constant on the left).
# The header alone may use an X-macro (a counter table expanded into the
# enum, names and reasons, as include/net/dropreason.h does), which
# checkpatch cannot tell from a badly parenthesised expression.
# The helper modules of bench and vm-run-selftest are kernel code like the
# module's own.
# The selftests' C helpers are userspace and use <stdint.h> types.
# So is the tool, with <inttypes.h>'s PRIu64 and GCC's own attribute
# syntax; its messages stay on one line each, to be found with grep.
TOOL_CP_IGNORE := PREFER_KERNEL_TYPES,CAMELCASE,LONG_LINE_STRING,$\
	PREFER_DEFINED_ATTRIBUTE_MACRO
style:
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		-f $(filter-out icmp_guard.h,$(SOURCES))
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		-f $(filter-out %.mod.c,$(foreach d,$(HELPER_MODULES),$(wildcard $(d)/*.c)))
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) --ignore PREFER_KERNEL_TYPES \
		-f selftests/*.c
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) --ignore $(TOOL_CP_IGNORE) \
		-f tools/icmp-guard.c
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		--ignore COMPLEX_MACRO,MACRO_ARG_REUSE -f icmp_guard.h
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) -f $(filter-out %compat.h,$(COMPAT_SOURCES))
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f compat/compat.h

# sparse over the module (C=2 checks every file, built or not).
sparse:
	$(MAKE) -C $(KDIR) M=$(PWD) W=1 C=2 CHECK=sparse \
		modules 2>&1 | tee .sparse.log
	@! grep -E 'warning|error' .sparse.log

check:
	scripts/check

# The reliability lane: the suite on a debug kernel (KASAN, UBSAN, lockdep,
# kmemleak), built once from linux-source-6.1 and cached in ~/.cache.
check-debug:
	scripts/check-debug

demo:
	scripts/demo

bench:
	scripts/bench

.PHONY: all module clean install deps style sparse check check-debug demo \
	bench tool tool-lint install-tool version-check install-dkms-src deb
