/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared bits of the e2e test helpers (mr-server, mr-connect), the stress
 * helpers and the unit tests: address formatting, parsing, the
 * original-destination query, joining a netns, bringing lo up.
 *
 * Addresses print as "a.b.c.d:port" (IPv4) or "[addr]:port" (IPv6).
 */
#ifndef MR_HELPERS_COMMON_H
#define MR_HELPERS_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* linux/netfilter_ipv4.h and linux/netfilter_ipv6/ip6_tables.h clash with
 * the libc headers; both values are 80. */
#ifndef SO_ORIGINAL_DST
#define SO_ORIGINAL_DST 80
#endif
#ifndef IP6T_SO_ORIGINAL_DST
#define IP6T_SO_ORIGINAL_DST 80
#endif

#define MR_ADDRSTRLEN (INET6_ADDRSTRLEN + 8)

static inline void mr_fmt_addr(const struct sockaddr_storage *ss, char *buf,
			       size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s->sin6_port));
	} else {
		snprintf(buf, len, "none");
	}
}

static inline unsigned int mr_port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)(const void *)ss)->sin6_port);
}

/* Parses a literal IPv4 or IPv6 address (brackets allowed) with a port. */
static inline int mr_parse_addr(const char *str, unsigned int port,
				struct sockaddr_storage *ss, socklen_t *sslen)
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(str);

	memset(ss, 0, sizeof(*ss));
	if (n >= 2 && str[0] == '[' && str[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, str + 1, n - 2);
		buf[n - 2] = 0;
		str = buf;
	}
	if (inet_pton(AF_INET, str, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		struct sockaddr_in *s = (void *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		*sslen = sizeof(*s);
		return 0;
	}
	if (inet_pton(AF_INET6, str, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *s = (void *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		*sslen = sizeof(*s);
		return 0;
	}
	return -1;
}

/* Parses "N" as an unsigned number in [min, max]; exits with 1 otherwise. */
static inline unsigned long mr_parse_num(const char *what, const char *str,
					 unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(str, &end, 10);
	if (errno || !*str || *end || v < min || v > max) {
		fprintf(stderr, "error: bad %s '%s'\n", what, str);
		exit(1);
	}
	return v;
}

/*
 * The original destination as conntrack saw it, "none" if it cannot tell
 * (no conntrack entry in this namespace, or not TCP).
 */
static inline void mr_fmt_orig(int fd, int family, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int r;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET)
		r = getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &ss, &sl);
	else
		r = getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &ss, &sl);
	if (r < 0) {
		snprintf(buf, len, "none");
		return;
	}
	mr_fmt_addr(&ss, buf, len);
}

/*
 * Joins the network namespace /run/netns/NAME, or the one of PATH when the
 * value has a '/': what `ip netns exec` does for us, minus two execs and a
 * mount namespace, which counts under TCG.
 */
static inline int mr_enter_netns(const char *name)
{
	char path[4096];
	int fd, r;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = setns(fd, CLONE_NEWNET);
	close(fd);
	return r;
}

/*
 * Becomes uid and gid (-1: as it is; a uid alone takes the same number as
 * its group), with no supplementary groups. Returns the call that failed,
 * errno set, or NULL.
 */
static inline const char *mr_become(long uid, long gid)
{
	if (uid >= 0 && gid < 0)
		gid = uid;
	if (gid >= 0) {
		if (setgroups(0, NULL) < 0)
			return "setgroups";
		if (setgid(gid) < 0)
			return "setgid";
	}
	if (uid >= 0 && setuid(uid) < 0)
		return "setuid";
	return NULL;
}

/* lo up in the current network namespace, which a new one starts without. */
static inline int mr_lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = -1;

	if (s >= 0 && !ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (s >= 0)
		close(s);
	return r;
}

#endif /* MR_HELPERS_COMMON_H */
