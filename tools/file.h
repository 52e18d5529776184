/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MR_FILE_H
#define MR_FILE_H

#include <stddef.h>

/*
 * The whole of PATH, or of stdin for "-", NUL-terminated, in a buffer to
 * free(); NULL with "cannot read PATH: why" in err.
 */
char *read_file(const char *path, size_t *len, char *err, size_t errlen);

#endif /* MR_FILE_H */
