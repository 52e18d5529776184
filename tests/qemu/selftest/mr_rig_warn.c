// SPDX-License-Identifier: GPL-2.0
/*
 * mr_rig_warn: a module whose only job is to WARN as it loads, so that
 * tests/qemu/selftest/check can prove a kernel WARN in a guest fails a run
 * whose script itself succeeded. Built only by tests/qemu/run, from the
 * Kbuild beside it; the product's Kbuild knows nothing of it.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init mr_rig_warn_init(void)
{
	WARN(1, "mr_rig_warn: deliberate WARN (tests/qemu/selftest)\n");
	/* Refuse to stay: nothing is left loaded, so the run ends as usual. */
	return -ECANCELED;
}
module_init(mr_rig_warn_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("meshredir test rig self-test: WARN on load");
