// SPDX-License-Identifier: GPL-2.0
/*
 * icount: a QEMU TCG plugin that counts the guest's instructions between
 * two marker instructions the guest executes (marker.h).
 *
 *   -plugin icount.so,inline=on,out=FILE[,profile=FILE]
 *
 * Every instruction adds 1 to a counter, the kernel's or user space's (by
 * its address: x86-64 kernels live in the upper half): inline (inline=on:
 * a host add compiled into the translation, cheap) or through a callback
 * (inline=off, slow, for comparison). A marker is recognised by its bytes when its
 * block is translated, and gets a callback that runs before it: start
 * takes the counters, stop writes "SEQ COUNT KERNEL\n" to FILE, COUNT
 * being the instructions from the start marker to the stop marker and
 * KERNEL those of them the kernel ran, before FILE is read by anyone: the
 * guest goes on only after the callback returned.
 *
 * With profile=FILE, every translated block also gets a counter of its
 * own, of the instructions executed in it (inline, per instruction, so a
 * block left half-way counts only what ran); a stop marker writes to FILE
 * "ADDRESS COUNT\n" per block that ran since the start marker, ADDRESS
 * its first instruction's, in hex. Where the instructions went, by the
 * guest's symbols (bench/profile.py).
 *
 * One counter for all vCPUs: exact with one vCPU (or thread=single), which
 * is how the benchmark runs it.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qemu-plugin.h>

#include "marker.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static const unsigned char mark_start[] = { MR_MARK_START_BYTES };
static const unsigned char mark_stop[] = { MR_MARK_STOP_BYTES };

static uint64_t insns[2];	/* instructions executed: user, kernel */
static uint64_t started[2];	/* insns at the last start marker */
static uint64_t seq;		/* stop markers seen */
static int out_fd = -1;

/* profile=: one per translation (a block translated again gets another). */
struct block {
	uint64_t vaddr;
	uint64_t insns;
	struct block *next;
};
static struct block *blocks;
static const char *profile;

static void profile_write(void)
{
	struct block *b;
	FILE *f;

	f = fopen(profile, "w");
	if (!f) {
		qemu_plugin_outs("icount: cannot write the profile= file\n");
		return;
	}
	for (b = blocks; b; b = b->next)
		if (b->insns)
			fprintf(f, "%" PRIx64 " %" PRIu64 "\n", b->vaddr, b->insns);
	fclose(f);
}

static void count_one(unsigned int vcpu, void *udata)
{
	(*(uint64_t *)udata)++;
}

static void on_start(unsigned int vcpu, void *udata)
{
	struct block *b;

	started[0] = insns[0];
	started[1] = insns[1];
	for (b = blocks; b; b = b->next)
		b->insns = 0;
}

static void on_stop(unsigned int vcpu, void *udata)
{
	uint64_t user = insns[0] - started[0], kernel = insns[1] - started[1];
	char line[80];
	int n;

	seq++;
	n = snprintf(line, sizeof(line), "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		     seq, user + kernel, kernel);
	/* One line, rewritten in place: the guest reads the newest result. */
	/* The profile first: the guest reads it once the count is there. */
	if (profile)
		profile_write();
	if (ftruncate(out_fd, 0) || pwrite(out_fd, line, n, 0) != n)
		qemu_plugin_outs("icount: cannot write the out= file\n");
}

static bool is_mark(struct qemu_plugin_insn *insn, const unsigned char *mark)
{
	return qemu_plugin_insn_size(insn) == sizeof(mark_start) &&
	       !memcmp(qemu_plugin_insn_data(insn), mark, sizeof(mark_start));
}

static bool use_inline = true;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);
	struct block *b = NULL;

	if (profile) {
		b = calloc(1, sizeof(*b));
		if (b) {
			b->vaddr = qemu_plugin_tb_vaddr(tb);
			b->next = blocks;
			blocks = b;
		}
	}
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t *ctr = &insns[qemu_plugin_insn_vaddr(insn) >> 63];

		/* Registered first, so it runs before the marker is counted. */
		if (is_mark(insn, mark_start))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_start,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		else if (is_mark(insn, mark_stop))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_stop,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		if (use_inline)
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
								   ctr, 1);
		else
			qemu_plugin_register_vcpu_insn_exec_cb(insn, count_one,
							       QEMU_PLUGIN_CB_NO_REGS, ctr);
		if (b)
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
								   &b->insns, 1);
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *out = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "inline=", 7)) {
			if (!qemu_plugin_bool_parse("inline", argv[i] + 7, &use_inline)) {
				fprintf(stderr, "icount: inline=%s: not on or off\n", argv[i] + 7);
				return -1;
			}
		} else if (!strncmp(argv[i], "out=", 4) && argv[i][4]) {
			out = argv[i] + 4;
		} else if (!strncmp(argv[i], "profile=", 8) && argv[i][8]) {
			profile = argv[i] + 8;
		} else {
			fprintf(stderr, "icount: unknown argument \"%s\" (inline=on|off, out=FILE, profile=FILE)\n",
				argv[i]);
			return -1;
		}
	}
	if (!out) {
		fprintf(stderr, "icount: out=FILE missing\n");
		return -1;
	}
	out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out_fd < 0) {
		perror(out);
		return -1;
	}
	/* Sequence 0: no stop marker yet. */
	if (write(out_fd, "0 0 0\n", 6) != 6) {
		perror(out);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	return 0;
}
