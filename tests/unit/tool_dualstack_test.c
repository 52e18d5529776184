// SPDX-License-Identifier: GPL-2.0
/*
 * tools/dualstack.c in a network namespace of its own (unshare; root, as
 * make check runs): IPv6 outside lo, and ::6/128 added, found there,
 * added again (already there, not ours), removed, and a second removal
 * refused with a message. lo with IPv6 disabled is tests/e2e/dualstack.sh's:
 * it needs a write to /proc/sys, which a container may mount read-only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sched.h>
#include "check.h"
#include "../e2e/helpers/common.h"
#include "../../tools/dualstack.h"

static const struct in6_addr lo6 = { .s6_addr = { [15] = 6 } };

/* How many times ::6 is on lo. */
static int lo6_count(void)
{
	struct ifaddrs *ifa, *i;
	int n = 0;

	if (getifaddrs(&ifa))
		return -1;
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in6 *a = (const void *)i->ifa_addr;

		if (a && a->sin6_family == AF_INET6 && !strcmp(i->ifa_name, "lo") &&
		    !memcmp(&a->sin6_addr, &lo6, sizeof(lo6)))
			n++;
	}
	freeifaddrs(ifa);
	return n;
}

static void test_fresh_namespace(void)
{
	char err[256] = "";
	bool has = true;

	CHECK_INT(has_ipv6_outside_lo(&has, err, sizeof(err)), 0);
	CHECK(!has);
	/* ::1 comes with lo up, and lo does not count. */
	CHECK_INT(mr_lo_up(), 0);
	CHECK_INT(has_ipv6_outside_lo(&has, err, sizeof(err)), 0);
	CHECK(!has);
}

static void test_lo6(void)
{
	char err[256] = "";
	bool added = false, has = true;

	CHECK_INT(lo6_count(), 0);
	CHECK_INT(lo6_add(&added, err, sizeof(err)), 0);
	CHECK(added);
	CHECK_INT(lo6_count(), 1);
	/* ::6 is on lo: it still does not count as IPv6 outside lo. */
	CHECK_INT(has_ipv6_outside_lo(&has, err, sizeof(err)), 0);
	CHECK(!has);
	CHECK_INT(lo6_add(&added, err, sizeof(err)), 0);
	CHECK(!added);
	CHECK_INT(lo6_count(), 1);
	CHECK_INT(lo6_del(err, sizeof(err)), 0);
	CHECK_INT(lo6_count(), 0);
	CHECK(lo6_del(err, sizeof(err)) != 0);
	CHECK_STR(err, "cannot remove ::6/128 from lo again: Cannot assign requested address");
}

int main(void)
{
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "tool_dualstack_test: unshare(CLONE_NEWNET): %s (run as root)\n",
			strerror(errno));
		return 1;
	}
	RUN(test_fresh_namespace);
	RUN(test_lo6);
	return check_report();
}
