/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What decide.c and sets.c may use. They are built into the module and,
 * unchanged, into tests/unit, so that userspace tests and fuzzers run the
 * exact code the kernel runs; this header is the whole shim between the two.
 */
#ifndef MR_PURE_H
#define MR_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/sort.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

static inline void mr_sort(void *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	sort(base, n, size, cmp, NULL);
}
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

/* As the kernel defines them (u64 is unsigned long long, as __u64). */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

struct rcu_head {
	void *next;
	void (*func)(struct rcu_head *head);
};

static inline void mr_sort(void *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	qsort(base, n, size, cmp);
}
#endif

#endif /* MR_PURE_H */
