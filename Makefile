# SPDX-License-Identifier: GPL-2.0
#
# make            the module against KDIR, the tool and the test helpers
# make check      every test: builds at W=1, unit, KUnit, e2e on 6.1, 6.12, 7.2, debug
# make demo       boots the 6.12 guest and shows the redirect live
# make bench      the benchmark (bench/run): instructions counted, then timed;
#                 bench/results/<release>-exact.md and <release>.md, .svg, .raw
# make stress     fuzzer and stress scripts at full size on the debug kernel
#                 (hours under TCG); writes tests/RELIABILITY.md
# make dkms-install, dkms-remove   the module through DKMS from this checkout (root)
# make deb        the meshredir and meshredir-dkms packages, in build/deb/

KDIR ?= /lib/modules/$(shell uname -r)/build

# dkms.conf's PACKAGE_VERSION is the project's only version.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
ifeq ($(VERSION),)
$(error no PACKAGE_VERSION in dkms.conf)
endif

all: module tools helpers

# In place, as DKMS builds it. tests/qemu/run builds per kernel in build/kmod/.
module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tools:
	$(MAKE) -C tools

helpers:
	$(MAKE) -C tests/e2e/helpers

fuzz:
	$(MAKE) -C tests/stress/fuzz

stress-helpers:
	$(MAKE) -C tests/stress

unit:
	$(MAKE) --no-print-directory -C tests/unit check

# uapi/meshredir.yaml against the kernel's YNL schema and uapi/linux/meshredir.h
ynl-check:
	tests/release/ynl/check

# Both install what is missing first (tests/deps), so a fresh Debian runs them.
check:
	tests/deps
	tests/check

demo:
	tests/deps
	$(MAKE) tools helpers
	tests/qemu/run --kernel 6.12 --show-output tests/demo.sh

bench:
	tests/deps
	bench/run --kernel 6.12 --exact
	bench/run --kernel 6.12

# MR_STRESS_SCALE: percent of the full size (default 100), or per script:
# netlink=5,churn=2,reload=100,swap=100 (tests/stress/lib.sh).
stress:
	tests/deps
	tests/stress/run $(if $(MR_STRESS_SCALE),--scale $(MR_STRESS_SCALE))

# What DKMS builds the module from, in $(DESTDIR)$(DKMS_SRC): dkms.conf,
# Kbuild and the sources, no tests and no build products.
DKMS_SRC := /usr/src/meshredir-$(VERSION)
dkms-src:
	rm -rf '$(DESTDIR)$(DKMS_SRC)'
	for f in dkms.conf Kbuild $$(find module uapi -name '*.[ch]' | LC_ALL=C sort); do \
		install -D -m 644 "$$f" '$(DESTDIR)$(DKMS_SRC)'/"$$f" || exit 1; \
	done

# DKMS builds and installs the module for KVER (default: the running kernel)
# and again for every kernel installed later (AUTOINSTALL). Run again after a
# change: it replaces what an earlier run added.
KVER ?= $(shell uname -r)
dkms-install: dkms-remove
	$(MAKE) --no-print-directory dkms-src
	dkms add -m meshredir -v $(VERSION)
	dkms install -m meshredir -v $(VERSION) -k $(KVER)

# Takes meshredir/$(VERSION) out of every kernel and DKMS, and its sources
# out of /usr/src; those of the meshredir-dkms package are dpkg's to remove.
dkms-remove:
	@if dpkg-query -W -f '$${Status}' meshredir-dkms 2>/dev/null | grep -q 'ok installed'; then \
		echo "make $@: the meshredir-dkms package is installed; apt remove meshredir-dkms instead" >&2; \
		exit 1; \
	fi
	if [ -n "$$(dkms status -m meshredir -v $(VERSION))" ]; then \
		dkms remove -m meshredir -v $(VERSION) --all; \
	fi
	rm -rf '$(DKMS_SRC)'

# The files the packages are built from: in a git checkout those git tracks
# or would (not ignored); in a tree without .git (a release tarball, `git
# archive` output) every file there but the build products .gitignore names.
DEB_PATHS := Makefile Kbuild dkms.conf README.md module uapi tools debian
deb-files:
	@if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; then \
		git ls-files -z --cached --others --exclude-standard -- $(DEB_PATHS); \
	else \
		find $(DEB_PATHS) -path '*/.tmp_versions' -prune -o -type f \
			! -name '*.o' ! -name '*.ko' ! -name '*.mod' ! -name '*.mod.c' \
			! -name '*.cmd' ! -name '*.a' ! -name '*.d' ! -name Module.symvers \
			! -name modules.order ! -path tools/meshredir -print0; \
	fi | LC_ALL=C sort -z

# dpkg-buildpackage in a copy of the tree (deb-files), so that neither the
# tree nor its parent gets its output; the .debs, .buildinfo and .changes
# end up in build/deb/.
DEB_SRC := build/deb/src/meshredir-$(VERSION)
deb:
	rm -rf build/deb
	mkdir -p $(DEB_SRC)
	$(MAKE) --no-print-directory -s deb-files | \
		rsync -a --from0 --files-from=- --ignore-missing-args ./ $(DEB_SRC)/
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	mv build/deb/src/*.deb build/deb/src/*.buildinfo build/deb/src/*.changes build/deb/
	rm -rf build/deb/src
	@ls -1 build/deb/*.deb

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C tools clean
	$(MAKE) -C tests/e2e/helpers clean
	$(MAKE) -C tests/stress/fuzz clean
	$(MAKE) -C tests/stress clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C bench clean
	rm -rf build

.PHONY: all module tools helpers fuzz stress-helpers stress unit ynl-check check demo bench dkms-src dkms-install dkms-remove deb-files deb clean
