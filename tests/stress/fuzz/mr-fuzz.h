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
	L_ID_RANGE, L_CIDR_LIST, L_CIDR, L_UP_LIST, L_UP_ENTRY, L_NONE,
};

/* What the kernel must answer; E_DROPPED and E_NOOP come from the header. */
enum mr_expect { E_VALID, E_INVALID, E_UNKNOWN, E_DROPPED, E_NOOP };

struct mr_verdict {
	bool pol_bad;	/* lib/nlattr.c refuses it, whatever else is in there */
	bool sem_bad;	/* the module refuses it */
	bool unknown;	/* attributes the model does not know: either answer */
	const char *why;
	/* The scalars a valid SET leaves, for the GET after it. */
	int ip_mode, enabled[2], port[2], drop_invalid;
	uint32_t event_rate;
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
void mr_policy_check(enum mr_level l, const unsigned char *p, int len,
		     struct mr_verdict *v);
void mr_parse(enum mr_level l, const unsigned char *p, int len,
	      struct mr_tb *tb, struct mr_verdict *v);
void mr_model_set(const unsigned char *p, int len, struct mr_verdict *v);
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
