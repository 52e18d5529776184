#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rig's self-test (tests/qemu/selftest/check), not an e2e scenario:
# passes.sh with its one assertion broken: the flow lands on 15001, the
# check expects 15006. The script must fail, and the rig must say so.

. "$MR_REPO/tests/e2e/lib.sh"
setup
mr_set "$pod"
family 4
assert_lands "$pod" $peer_a 80 sidecar 15006 "$peer_u:80" --uid $APP_UID
finish
