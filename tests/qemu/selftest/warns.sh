#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rig's self-test (tests/qemu/selftest/check), not an e2e scenario: a
# script that succeeds, but makes the kernel WARN (mr_rig_warn.ko WARNs in
# its init and refuses to load). The rig must count it as failed all the
# same. On the debug kernel panic_on_warn makes the WARN a panic.
set -e
ko=$(dirname "$MR_MODULE")/rig/mr_rig_warn.ko
[ -e "$ko" ] || { echo "no $ko (tests/qemu/run builds it from tests/qemu/selftest/Kbuild)"; exit 1; }
if insmod "$ko"; then
	echo "mr_rig_warn.ko loaded: it should have refused"
	exit 1
fi
echo "insmod mr_rig_warn.ko refused, as it should; the script itself succeeds"
