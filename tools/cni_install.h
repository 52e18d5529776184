/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshredir-cni install and uninstall (cni_install.c).
 */
#ifndef MR_CNI_INSTALL_H
#define MR_CNI_INSTALL_H

#include <stddef.h>

/* meshredir-cni run by hand: install, uninstall, help, version. */
int cni_install_main(int argc, char **argv, const char *version);

#endif /* MR_CNI_INSTALL_H */
