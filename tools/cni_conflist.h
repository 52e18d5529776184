/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The .conflist edits install and uninstall make (cni_conflist.c), pure so
 * that tests/unit checks them.
 */
#ifndef MR_CNI_CONFLIST_H
#define MR_CNI_CONFLIST_H

#include <stddef.h>

#define PLUGIN_TYPE "meshredir-cni"

/* The plugin's entry in a .conflist; tp_json (Kuma's fields) may be NULL. */
char *cni_plugin_entry(const char *tp_json);
/*
 * The conflist text with entry last in "plugins", or in the place of an
 * entry of ours with other text: 0 and *out (to free), 1 if it is there
 * as it is (no *out), -1 and err if the text is not a .conflist.
 */
int conflist_insert(const char *text, size_t len, const char *entry, char **out,
		    char *err, size_t errlen);
/*
 * A single-plugin .conf as kuma-cni's installer turns it into a list: the
 * plugin alone in "plugins", under its own "name" and "cniVersion". 0 and
 * *out, 1 if text is a list already, -1 and err if it is neither.
 */
int conf_to_conflist(const char *text, size_t len, char **out, char *err, size_t errlen);
/* The text without our entry: 0 and *out, 1 if there is none, -1 and err. */
int conflist_remove(const char *text, size_t len, char **out, char *err, size_t errlen);

#endif /* MR_CNI_CONFLIST_H */
