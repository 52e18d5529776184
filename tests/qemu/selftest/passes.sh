#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rig's self-test (tests/qemu/selftest/check), not an e2e scenario:
# outbound.sh's first check, as it is. fails.sh is this with one expected
# value changed, so the two differ only in that assertion.

. "$MR_REPO/tests/e2e/lib.sh"
setup
mr_set "$pod"
family 4
assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80" --uid $APP_UID
finish
