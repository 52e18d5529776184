/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's side of the icount plugin (icount.c): two marker
 * instructions and the reading of the count the plugin leaves in a file.
 *
 * A marker is a 7-byte NOP, nopl disp32(%rax), whose displacement spells
 * "MRIS" (start) or "MRIE" (stop). It does nothing on any x86 CPU; the
 * plugin recognises its bytes when it translates them. The count between a
 * start and a stop marker is every instruction the vCPU executed from the
 * start marker (included) to the stop marker (excluded): user and kernel,
 * interrupts and softirqs, whatever ran on that vCPU meanwhile.
 *
 * The plugin's out= file holds "SEQ COUNT KERNEL\n": "0 0 0" until the
 * first stop marker, then SEQ counts the stop markers, COUNT is the last
 * one's and KERNEL the part of it in the kernel.
 * The guest reads it through 9p.
 */
#ifndef MR_ICOUNT_MARKER_H
#define MR_ICOUNT_MARKER_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#define MR_MARK_START_BYTES 0x0f, 0x1f, 0x80, 'M', 'R', 'I', 'S'
#define MR_MARK_STOP_BYTES 0x0f, 0x1f, 0x80, 'M', 'R', 'I', 'E'

static inline void mr_mark_start(void)
{
	asm volatile(".byte 0x0f, 0x1f, 0x80, 'M', 'R', 'I', 'S'" ::: "memory");
}

static inline void mr_mark_stop(void)
{
	asm volatile(".byte 0x0f, 0x1f, 0x80, 'M', 'R', 'I', 'E'" ::: "memory");
}

/*
 * mr_icount_read(PATH, &seq, &count, &kernel): the plugin's last result.
 * Returns 0, or -1 with errno set (ENOENT: no plugin wrote there;
 * EBADMSG: not its format).
 */
static inline int mr_icount_read(const char *path, uint64_t *seq, uint64_t *count,
				 uint64_t *kernel)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	if (sscanf(buf, "%" SCNu64 " %" SCNu64 " %" SCNu64, seq, count, kernel) != 3) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

#endif
