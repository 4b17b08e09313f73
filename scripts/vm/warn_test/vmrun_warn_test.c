// SPDX-License-Identifier: GPL-2.0
/*
 * Proves that scripts/vm-run catches a kernel WARN in the guest: loading
 * this module prints a real WARNING splat, and refuses to stay loaded.
 */

#include <linux/bug.h>
#include <linux/module.h>

static int __init vmrun_warn_test_init(void)
{
	WARN(1, "vmrun_warn_test: a deliberate warning\n");
	return -EAGAIN;
}

module_init(vmrun_warn_test_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vm-run self-test: WARN on load");
