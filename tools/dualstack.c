// SPDX-License-Identifier: GPL-2.0
/*
 * Kuma's dualstack preparation. kumactl adds ::6/128 to lo, the source the
 * proxy binds to pass an inbound IPv6 connection on to the application
 * (passthrough), and installs IPv6 rules only if the namespace has an IPv6
 * address outside loopback and that add worked; otherwise IPv4 only. A
 * Kuma user switching to install or apply must find the namespace as
 * kumactl left it, so these do the same, in the namespace already entered.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include "dualstack.h"

static const struct in6_addr lo6 = { .s6_addr = { [15] = 6 } };

int has_ipv6_outside_lo(bool *has, char *err, size_t errlen)
{
	struct ifaddrs *ifa, *i;

	*has = false;
	if (getifaddrs(&ifa)) {
		snprintf(err, errlen, "cannot list the addresses of the namespace: %s",
			 strerror(errno));
		return -1;
	}
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET6 &&
		    !(i->ifa_flags & IFF_LOOPBACK))
			*has = true;
	}
	freeifaddrs(ifa);
	return 0;
}

/* RTM_NEWADDR or RTM_DELADDR of ::6/128 on lo, acked; the kernel's errno. */
static int lo6_request(uint16_t type, uint16_t flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *sock;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifm;
	unsigned int lo, seq = time(NULL);
	int ret = 0, n;

	lo = if_nametoindex("lo");
	if (!lo)
		return errno;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifa_family = AF_INET6;
	ifm->ifa_prefixlen = 128;
	ifm->ifa_index = lo;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(lo6), &lo6);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(lo6), &lo6);

	sock = mnl_socket_open(NETLINK_ROUTE);
	if (!sock)
		return errno;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0) {
		ret = errno;
		goto out;
	}
	n = mnl_socket_recvfrom(sock, buf, sizeof(buf));
	if (n < 0)
		ret = errno;
	else if (mnl_cb_run(buf, n, seq, mnl_socket_get_portid(sock), NULL, NULL) < 0)
		ret = errno;
out:
	mnl_socket_close(sock);
	return ret;
}

int lo6_add(bool *added, char *err, size_t errlen)
{
	int e = lo6_request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);

	*added = !e;
	if (e == EEXIST)
		return 0;
	/* The kernel's EACCES here means IPv6 is off on lo, not a permission. */
	if (e)
		snprintf(err, errlen, "cannot add ::6/128 to lo: %s",
			 e == EACCES ? "IPv6 is disabled on lo" : strerror(e));
	return e;
}

int lo6_del(char *err, size_t errlen)
{
	int e = lo6_request(RTM_DELADDR, 0);

	if (e) {
		snprintf(err, errlen, "cannot remove ::6/128 from lo again: %s", strerror(e));
		return -1;
	}
	return 0;
}
