# SPDX-License-Identifier: GPL-2.0
#
# make            the module against KDIR, the tool and the test helpers
# make check      every test: builds at W=1, unit, KUnit, e2e on 6.1, 6.12, debug
# make demo       boots the 6.12 guest and shows the redirect live

KDIR ?= /lib/modules/$(shell uname -r)/build

all: module tools helpers

# In place, as DKMS builds it. tests/qemu/run builds per kernel in build/kmod/.
module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tools:
	$(MAKE) -C tools

helpers:
	$(MAKE) -C tests/helpers

unit:
	$(MAKE) --no-print-directory -C tests/unit check

# uapi/meshredir.yaml against the kernel's YNL schema and uapi/linux/meshredir.h
ynl-check:
	tests/ynl/check

# Both install what is missing first (tests/deps), so a fresh Debian runs them.
check:
	tests/deps
	tests/check

demo:
	tests/deps
	$(MAKE) tools helpers
	tests/qemu/run --kernel 6.12 --show-output tests/demo.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C tools clean
	$(MAKE) -C tests/helpers clean
	$(MAKE) -C tests/unit clean
	rm -rf build

.PHONY: all module tools helpers unit ynl-check check demo clean
