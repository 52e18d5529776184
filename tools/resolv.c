// SPDX-License-Identifier: GPL-2.0
/*
 * The name servers DNS capture is limited to: resolv.conf, read when the
 * tool configures, as kumactl reads it. The meshredir tool and the CNI
 * plugin both call this once every other source of the configuration is in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "file.h"
#include "parse.h"
#include "resolv.h"
#include "util.h"

int dns_load_servers(struct tool_config *cfg, const char *name, const char *path,
		     char *err, size_t errlen)
{
	struct dns_config *d = &cfg->dns;
	size_t i, v4 = 0, len;
	char e[MR_ERR_LEN];
	char *text;
	int ret;

	if (d->capture_all)
		d->enabled = true;
	cidr_list_clear(&d->servers);
	if (!d->enabled || d->capture_all)
		return 0;
	text = read_file(path, &len, e, sizeof(e));
	if (!text)
		return fail(err, errlen, "%s: %s", name, e);
	ret = parse_resolv_conf(path, text, &d->servers, e, sizeof(e));
	free(text);
	if (ret)
		return fail(err, errlen, "%s: %s", name, e);
	if (d->servers.n > MESHREDIR_MAX_DNS_SERVERS)
		return fail(err, errlen, "%s: %s lists %zu nameservers, more than the limit of %d",
			    name, path, d->servers.n, MESHREDIR_MAX_DNS_SERVERS);
	for (i = 0; i < d->servers.n; i++)
		v4 += d->servers.v[i].family == AF_INET;
	/* As kumactl warns: that family gets no DNS rule at all. */
	if (!v4)
		fprintf(stderr, "meshredir: %s lists no IPv4 nameserver: IPv4 DNS is not captured\n",
			path);
	if (v4 == d->servers.n && cfg->ip_family_mode != MESHREDIR_IP_FAMILY_IPV4)
		fprintf(stderr, "meshredir: %s lists no IPv6 nameserver: IPv6 DNS is not captured\n",
			path);
	return 0;
}
