/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What mr-fuzz's parts share: the PRNG and the message builder
 * (generate.c), the model of the kernel's verdicts (model.c), the driver
 * that sends, checks and reports (mr-fuzz.c), and the model's self-test
 * (self-test.c). The model draws no random numbers, so a seed replays
 * the same messages whatever the kernel answers.
 */
#ifndef MR_FUZZ_H
#define MR_FUZZ_H

#include "mr-genl.h"

#include <stdbool.h>

/* ---- PRNG (xorshift64*, seedable, the same on every machine) ---- */

void mr_seed(uint64_t seed);
uint64_t mr_rand(void);
uint32_t mr_below(uint32_t n);
bool mr_chance(uint32_t one_in);

/* ---- the model (model.c) ---- */

/* The nesting levels of uapi/linux/meshredir.h, each with its policy. */
enum mr_level {
	L_TOP, L_DIR_IN, L_DIR_OUT, L_PORT_LIST, L_PORT_RANGE, L_ID_LIST,
	L_ID_RANGE, L_CIDR_LIST, L_CIDR, L_UP_LIST, L_UP_ENTRY, L_DNS,
	L_VNET_LIST, L_VNET_ENTRY, L_NONE,
};

/*
 * MESHREDIR_DNS_A_ZONE_SPLIT: the family bits its policy allows
 * (NLA_POLICY_MASK: a value with any other is refused) and its default,
 * all of them.
 */
#define MR_ZONE_SPLIT_ALL (MESHREDIR_ZONE_SPLIT_IPV4 | MESHREDIR_ZONE_SPLIT_IPV6)

/*
 * Whether the kernel has CONFIG_NF_CONNTRACK_ZONES, without which a SET
 * asking for the DNS zone split is refused (mr-fuzz --zones yes|no).
 */
enum mr_zones { MR_ZONES_UNKNOWN, MR_ZONES_YES, MR_ZONES_NO };
extern enum mr_zones mr_kernel_zones;

/* What the kernel must answer; E_DROPPED and E_NOOP come from the header. */
enum mr_expect { E_VALID, E_INVALID, E_UNKNOWN, E_DROPPED, E_NOOP };

/* A CIDR as a valid SET leaves it: the host bits cleared. */
struct mr_cidr {
	bool v6;
	uint8_t prefix;
	uint8_t addr[16];	/* network order; 4 bytes for IPv4 */
};

/* What a valid SET's MESHREDIR_A_DNS and MESHREDIR_A_VNET leave (model-dns.c). */
struct mr_dns_state {
	bool dns_sent, vnet_sent;	/* the SET carries them */
	bool inside_bad;		/* refused for something inside them */
	bool zones_needed;		/* DNS capture with the zone split */
	int enabled, port, capture_all, zone_split;
	int nservers, ndocker, nvnet;
	struct mr_cidr servers[MESHREDIR_MAX_DNS_SERVERS];
	struct mr_cidr docker[MESHREDIR_MAX_DNS_DOCKER];
	struct {
		char ifname[16];	/* as nla_strscpy() leaves it */
		struct mr_cidr cidr;
	} vnet[MESHREDIR_MAX_VNETS];
};

/*
 * What a valid SET's exclude-outbound-ports-for-uids leaves, as GET gives it
 * back (model-uid-ports.c): every entry in the SET's order, none merged
 * with another, its protocols as sent (default MESHREDIR_PROTO_TCP), its
 * ports sorted and merged (no PORTS: all of them; an empty PORTS: none).
 */
struct mr_up_state {
	int n, nports;
	struct {
		uint32_t first, last;
		uint8_t protocols;
		int off, count;		/* its ports in ports[] */
	} e[MESHREDIR_MAX_UID_PORTS];
	uint16_t ports[MESHREDIR_MAX_UID_PORTS_RANGES][2];
};

struct mr_verdict {
	bool pol_bad;	/* lib/nlattr.c refuses it, whatever else is in there */
	bool sem_bad;	/* the module refuses it */
	bool unknown;	/* attributes the model does not know: either answer */
	const char *why;
	/* The scalars a valid SET leaves, for the GET after it. */
	int ip_mode, enabled[2], port[2], drop_invalid;
	uint32_t event_rate;
	struct mr_dns_state dns;
	struct mr_up_state up;
};

struct mr_nla {
	const unsigned char *data;
	int len;
	uint16_t raw_type;
};

/* nla_parse_nested()'s table: the last attribute of each type. */
#define MR_TB_MAX 32
struct mr_tb {
	struct mr_nla a[MR_TB_MAX];
	bool has[MR_TB_MAX];
	int count;		/* attributes seen, every type */
};

uint32_t mr_get_uint(const unsigned char *p, int len);
typedef void (*mr_nla_fn)(const struct mr_nla *a, int type, void *ctx);
bool mr_walk(const unsigned char *p, int rem, mr_nla_fn fn, void *ctx);
void mr_policy_check(enum mr_level l, const unsigned char *p, int len,
		     struct mr_verdict *v);
void mr_parse(enum mr_level l, const unsigned char *p, int len,
	      struct mr_tb *tb, struct mr_verdict *v);
void mr_model_set(const unsigned char *p, int len, struct mr_verdict *v);
void mr_bad(struct mr_verdict *v, bool policy, const char *why);
bool mr_sem_cidr(const struct mr_nla *entry, struct mr_cidr *out, struct mr_verdict *v);
int mr_sem_cidr_list(const struct mr_nla *list, uint32_t max, struct mr_cidr *out,
		     int cap, struct mr_verdict *v);

/* model-dns.c: the DNS and vnet nests, and GET's account of them. */
bool mr_ifname_policy_ok(const unsigned char *p, int len);
void mr_model_dns_vnet(const struct mr_tb *top, struct mr_verdict *v);
bool mr_dns_vnet_agree(const struct mr_tb *get, const struct mr_verdict *v, char *why,
		       size_t whylen);
/* model-uid-ports.c: exclude-outbound-ports-for-uids entries, and GET's account of them. */
void mr_up_record(const struct mr_tb *entry, struct mr_verdict *v);
bool mr_up_agree(const struct mr_tb *get, const struct mr_verdict *v, char *why,
		 size_t whylen);
enum mr_expect mr_verdict_expect(const struct mr_verdict *v);
const char *mr_header_refusal(uint16_t reserved, uint16_t flags);

/* ---- the generator (generate.c) ---- */

#define MR_MSG_CAP (1 << 20)

/* How the netlink header lies, if it does (mr_gen_header_damage()). */
enum mr_damage {
	D_NONE,
	D_LONGER,	/* nlmsg_len past what is sent: dropped unanswered */
	D_SHORTER,	/* nlmsg_len under a netlink header: dropped too */
	D_NO_GENL,	/* no room for the genetlink header: refused */
	D_NOT_REQUEST,	/* no NLM_F_REQUEST: a plain ack */
	D_DATAGRAM,	/* a datagram shorter than a netlink header: dropped */
};

uint8_t mr_gen_message(unsigned char *msg, uint16_t family, uint32_t seq,
		       bool no_del, size_t *alen);
enum mr_damage mr_gen_header_damage(unsigned char *msg, size_t *sent_len);

/* ---- the self-test (self-test.c) ---- */

int mr_self_test(void);

#endif /* MR_FUZZ_H */
