// SPDX-License-Identifier: GPL-2.0
/*
 * mr-fuzz: throws random and mutated generic netlink messages at meshredir
 * and checks each answer against its own model of what the kernel must do.
 *
 *   mr-fuzz --messages N [--seed S] [--netns NS]... [--workers K]
 *           [--zones yes|no] [--quiet]
 *   mr-fuzz --self-test
 *
 * This file is the driver: workers, the checks on each answer and on the
 * state after it, the report. generate.c builds the messages, model.c
 * says what the kernel must answer to them, self-test.c runs the model
 * alone on hand-made messages (TAP, no kernel needed).
 *
 * Checks: a message the model calls valid is accepted, an invalid one is
 * refused, one netlink drops (length lies) gets no answer at all, one
 * without NLM_F_REQUEST gets a plain ack; after an accepted SET, GET
 * returns a configuration whose scalars (ip-family-mode, each direction's
 * enabled and port) are the model's, and whose DNS and vnet nests are
 * exactly what the model says GET makes of the SET's (model-dns.c:
 * scalars, merged server and Docker CIDRs, vnet entries in order), and
 * whose outbound exclude-ports-for-uids entries are the SET's, in order,
 * with their protocols and merged ports (model-uid-ports.c), and
 * now and then that configuration
 * sent back as a SET is accepted and reads back identical; after a refused
 * message the configuration is the last accepted one, byte for byte (or
 * there is none).
 *
 * One worker per --netns NS (default: the current namespace) works alone
 * there with every check; --workers K > 1 adds K - 1 concurrent workers to
 * the first namespace, which there share it: they send no DEL, and check
 * verdicts and that GET succeeds after their accepted SETs (the
 * configuration itself is anyone's; a SET refused with EBUSY while another
 * worker's multi-part SET is pending is counted as "busy"; a pending SET
 * idle for 5 s may be discarded by another worker's, so that its next
 * part fails, which the verdict "unknown" of parts allows). Messages are
 * split over all workers.
 *
 * --zones says whether the kernel has CONFIG_NF_CONNTRACK_ZONES; without
 * it, a SET asking for the DNS zone split is "unknown" (either answer).
 *
 * The seed (default: from the clock) is printed first; worker i uses
 * seed + i. The last line is "mr-fuzz: seed=S messages=N ... failures=F";
 * exit status 0 if F is 0.
 */
#include "mr-fuzz.h"

#include <stdarg.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

/* ---- the workers ---- */

struct mr_stats {
	uint64_t sent, valid_ok, invalid_refused, unknown_ok, unknown_refused;
	uint64_t dropped, noop, gets, roundtrips, state_checks, failures, busy, big_gets;
	uint64_t by_cmd[6];
	/*
	 * SETs carrying MESHREDIR_A_DNS or _VNET: all, judged by the kernel as
	 * the model predicted (accepted; refused, and of those for something
	 * inside the nests), left unknown, and GETs that checked them.
	 */
	uint64_t dv_sets, dv_valid, dv_invalid, dv_invalid_inside, dv_unknown, dv_gets;
	/* GETs that checked ports for UIDs, and of those, entries with UDP. */
	uint64_t up_gets, up_udp_gets;
	int done;
};

struct mr_worker {
	int id;
	bool shared;		/* the namespace has other workers */
	uint64_t seed, count;
	struct mr_genl g;
	struct mr_stats *st;
	bool have_cfg, tainted;
	/*
	 * An accepted message of unknown verdict may have left a SET in
	 * parts pending on this socket; only DEL tells (0 where it discards
	 * one, uapi), and every DEL discards it.
	 */
	bool maybe_pending;
	unsigned char *cfg;	/* the configuration GET returned last */
	int cfg_len;
	unsigned char *msg, *tmp;
};

static int mr_quiet;

static void mr_hexdump(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 512; i++)
		fprintf(stderr, "%02x%s", p[i], (i % 32 == 31) ? "\n" : " ");
	if (len > 512)
		fprintf(stderr, "... (%zu bytes)", len);
	fputc('\n', stderr);
}

static void mr_fail(struct mr_worker *w, uint64_t i, const unsigned char *msg, size_t len,
		    const char *fmt, ...)
{
	va_list ap;

	w->st->failures++;
	fprintf(stderr, "FAIL worker %d (seed %llu) message %llu: ", w->id,
		(unsigned long long)w->seed, (unsigned long long)i);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " [errno %d%s%s]\n", w->g.err, w->g.ext_msg[0] ? ": " : "",
		w->g.ext_msg);
	if (msg)
		mr_hexdump(msg, len);
	if (w->st->failures >= 20) {
		fprintf(stderr, "worker %d: 20 failures, stopping\n", w->id);
		exit(1);
	}
}

static void mr_call(struct mr_worker *w, uint8_t cmd, const void *attrs, size_t len)
{
	int r = mr_genl_call(&w->g, cmd, attrs, len);

	if (r) {
		fprintf(stderr, "worker %d: netlink call failed (%d): %s\n", w->id, r,
			strerror(errno));
		exit(1);
	}
}

/*
 * GET; remembers the configuration. Returns the errno, 0 also for a
 * configuration too big for one message (uapi: EMSGSIZE, "dump it"), whose
 * content is then unknown (cfg_len -1).
 */
static int mr_refresh(struct mr_worker *w)
{
	mr_call(w, MESHREDIR_CMD_GET, NULL, 0);
	w->st->gets++;
	if (w->g.err == EMSGSIZE) {
		w->st->big_gets++;
		w->cfg_len = -1;
		return 0;
	}
	if (!w->g.err && w->g.reply_len >= 0)
		w->cfg_len = mr_genl_config_only(&w->g, w->cfg);
	return w->g.err;
}

/* The scalars, DNS, vnet and ports for UIDs of a GET reply against a valid SET's. */
static bool mr_scalars_agree(struct mr_worker *w, const struct mr_verdict *v, char *why,
			     size_t whylen)
{
	struct mr_tb tb, dir;
	struct mr_verdict dummy = { 0 };
	int d;

	mr_parse(L_TOP, w->cfg, w->cfg_len, &tb, &dummy);
	if (!tb.has[MESHREDIR_A_IP_FAMILY_MODE] ||
	    mr_get_uint(tb.a[MESHREDIR_A_IP_FAMILY_MODE].data, 1) != (uint32_t)v->ip_mode) {
		snprintf(why, whylen, "ip-family-mode: expected %d", v->ip_mode);
		return false;
	}
	if (!tb.has[MESHREDIR_A_DROP_INVALID_PACKETS] ||
	    mr_get_uint(tb.a[MESHREDIR_A_DROP_INVALID_PACKETS].data, 1) != (uint32_t)v->drop_invalid) {
		snprintf(why, whylen, "drop-invalid-packets: expected %d", v->drop_invalid);
		return false;
	}
	if (!tb.has[MESHREDIR_A_EVENT_RATE] || tb.a[MESHREDIR_A_EVENT_RATE].len != 4 ||
	    mr_get_uint(tb.a[MESHREDIR_A_EVENT_RATE].data, 4) != v->event_rate) {
		snprintf(why, whylen, "event-rate: expected %u", v->event_rate);
		return false;
	}
	for (d = 0; d < 2; d++) {
		int t = d ? MESHREDIR_A_OUTBOUND : MESHREDIR_A_INBOUND;

		if (!tb.has[t]) {
			snprintf(why, whylen, "GET has no %s", d ? "outbound" : "inbound");
			return false;
		}
		mr_parse(d ? L_DIR_OUT : L_DIR_IN, tb.a[t].data, tb.a[t].len, &dir, &dummy);
		if (!dir.has[MESHREDIR_DIR_A_ENABLED] || !dir.has[MESHREDIR_DIR_A_PORT] ||
		    mr_get_uint(dir.a[MESHREDIR_DIR_A_ENABLED].data, 1) != (uint32_t)v->enabled[d] ||
		    mr_get_uint(dir.a[MESHREDIR_DIR_A_PORT].data, 2) != (uint32_t)v->port[d]) {
			snprintf(why, whylen, "%s: expected enabled=%d port=%d",
				 d ? "outbound" : "inbound", v->enabled[d], v->port[d]);
			return false;
		}
	}
	return mr_dns_vnet_agree(&tb, v, why, whylen) && mr_up_agree(&tb, v, why, whylen);
}

/* A GET that agreed with a SET: what it checked beyond the scalars. */
static void mr_count_gets(struct mr_stats *st, const struct mr_verdict *v)
{
	int i;

	if (v->dns.dns_sent || v->dns.vnet_sent)
		st->dv_gets++;
	if (!v->up.n)
		return;
	st->up_gets++;
	for (i = 0; i < v->up.n; i++)
		if (v->up.e[i].protocols & MESHREDIR_PROTO_UDP) {
			st->up_udp_gets++;
			break;
		}
}

/* A random configuration, accepted, to start from. */
static void mr_initial_set(struct mr_worker *w)
{
	unsigned char buf[64];
	size_t off = 0, list_off, e_off;
	uint32_t uid = 5678;

	list_off = off;
	mr_genl_put(buf, &off, MESHREDIR_A_OWNER_UIDS | NLA_F_NESTED, NULL, 0);
	e_off = off;
	mr_genl_put(buf, &off, MESHREDIR_LIST_A_ENTRY | NLA_F_NESTED, NULL, 0);
	mr_genl_put(buf, &off, MESHREDIR_RANGE_A_FIRST, &uid, 4);
	((struct nlattr *)(buf + e_off))->nla_len = off - e_off;
	((struct nlattr *)(buf + list_off))->nla_len = off - list_off;
	mr_call(w, MESHREDIR_CMD_SET, buf, off);
	if (w->g.err) {
		fprintf(stderr, "worker %d: the initial SET failed: %s (%s)\n", w->id,
			strerror(w->g.err), w->g.ext_msg);
		exit(1);
	}
	w->have_cfg = mr_refresh(w) == 0;
}

/*
 * The state after an answer: unchanged after a refusal or a no-op, gone
 * after a DEL, the model's scalars after a SET, and that configuration
 * sent back as a SET reads back identical.
 */
static void mr_check_state(struct mr_worker *w, uint64_t i, uint8_t cmd,
			   enum mr_expect expect, const struct mr_verdict *v,
			   size_t sent_len)
{
	int rc;

	if (expect == E_NOOP || w->g.err) {
		if (w->shared || !mr_chance(4))
			return;
		w->st->state_checks++;
		if (w->have_cfg) {
			int old_len = w->cfg_len;

			if (old_len > 0)
				memcpy(w->tmp, w->cfg, old_len);
			if (mr_refresh(w))
				mr_fail(w, i, w->msg, sent_len,
					"refused or no-op, and then GET fails: the configuration is gone");
			else if (w->cfg_len != old_len ||
				 (old_len > 0 && memcmp(w->tmp, w->cfg, old_len)))
				mr_fail(w, i, w->msg, sent_len,
					"refused or no-op, and the configuration changed");
		} else if (mr_refresh(w) != ENOENT) {
			mr_fail(w, i, w->msg, sent_len,
				"refused or no-op in an unconfigured namespace, which now has a configuration");
		}
		return;
	}
	if (cmd == MESHREDIR_CMD_DEL) {
		w->have_cfg = false;
		if (mr_chance(4) && mr_refresh(w) != ENOENT)
			mr_fail(w, i, w->msg, sent_len, "GET after an accepted DEL: expected ENOENT");
		return;
	}
	if (cmd != MESHREDIR_CMD_SET && expect != E_UNKNOWN)
		return;
	/* An accepted SET (or unknown command): a configuration must be there. */
	rc = mr_refresh(w);
	if (expect == E_UNKNOWN) {
		if (rc && (rc != ENOENT || w->shared))
			mr_fail(w, i, w->msg, sent_len, "GET after an accepted unknown message");
		w->have_cfg = rc == 0;
		w->tainted = true;
		return;
	}
	if (cmd != MESHREDIR_CMD_SET)
		return;
	if (rc) {
		mr_fail(w, i, w->msg, sent_len, "GET after an accepted SET fails");
		return;
	}
	w->have_cfg = true;
	if (w->shared)
		return;
	if (w->cfg_len < 0)
		return;		/* too big to GET in one message: content unknown */
	if (w->tainted) {
		w->tainted = false;
	} else {
		char why[128];

		if (!mr_scalars_agree(w, v, why, sizeof(why)))
			mr_fail(w, i, w->msg, sent_len, "GET disagrees with the SET: %s", why);
		else
			mr_count_gets(w->st, v);
	}
	/* GET's answer sent back as a SET reads back identical. */
	if (mr_chance(8)) {
		int len = w->cfg_len;

		memcpy(w->tmp, w->cfg, len);
		mr_call(w, MESHREDIR_CMD_SET, w->tmp, len);
		w->st->roundtrips++;
		if (w->g.err) {
			mr_fail(w, i, w->tmp, len, "GET's configuration sent back as a SET is refused");
			return;
		}
		if (mr_refresh(w) || w->cfg_len != len || memcmp(w->tmp, w->cfg, len))
			mr_fail(w, i, w->tmp, len,
				"GET's configuration sent back as a SET reads back different");
	}
}

/* One message: built, judged by the model, sent; the answer and the state checked. */
static void mr_one(struct mr_worker *w, uint64_t i)
{
	struct nlmsghdr *nlh = (void *)w->msg;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	struct mr_verdict v = { 0 };
	enum mr_expect expect;
	bool dv, on_attrs = true;	/* a SET with DNS or vnet; judged on its attributes */
	size_t alen, sent_len;
	uint8_t cmd;
	int rc;
	uint32_t stray = 0;

	cmd = mr_gen_message(w->msg, w->g.family, ++w->g.seq, w->shared, &alen);
	sent_len = nlh->nlmsg_len;

	if (cmd == 0 || cmd > MESHREDIR_CMD_MAX) {
		expect = E_INVALID;
		v.why = "unknown command";
	} else {
		if (cmd == MESHREDIR_CMD_SET) {
			mr_model_set(w->msg + NLMSG_LENGTH(GENL_HDRLEN), alen, &v);
		} else {
			/* Other commands: the family policy over the top level only. */
			mr_policy_check(L_TOP, w->msg + NLMSG_LENGTH(GENL_HDRLEN), alen, &v);
		}
		expect = mr_verdict_expect(&v);
	}
	dv = cmd == MESHREDIR_CMD_SET && (v.dns.dns_sent || v.dns.vnet_sent);
	w->st->dv_sets += dv;
	/* Genetlink checks the header before it looks the command up. */
	if (mr_header_refusal(gh->reserved, nlh->nlmsg_flags)) {
		on_attrs = false;
		expect = E_INVALID;
		v.why = mr_header_refusal(gh->reserved, nlh->nlmsg_flags);
	}
	/* Header damage, which overrides all of the above. */
	switch (mr_gen_header_damage(w->msg, &sent_len)) {
	case D_LONGER:
	case D_SHORTER:
	case D_DATAGRAM:
		expect = E_DROPPED;
		break;
	case D_NO_GENL:
		on_attrs = false;
		expect = E_INVALID;
		v.why = "genetlink header cut short";
		break;
	case D_NOT_REQUEST:
		expect = E_NOOP;
		break;
	case D_NONE:
		break;
	}
	if (cmd >= 1 && cmd <= MESHREDIR_CMD_MAX)
		w->st->by_cmd[cmd]++;
	else
		w->st->by_cmd[5]++;
	w->st->sent++;

	if (mr_genl_send_raw(&w->g, w->msg, sent_len)) {
		/* An empty datagram is refused by sendmsg() itself. */
		if (sent_len == 0 && errno == ENODATA) {
			w->st->dropped++;
			return;
		}
		fprintf(stderr, "worker %d: send: %s\n", w->id, strerror(errno));
		exit(1);
	}
	if (expect == E_DROPPED) {
		uint32_t dropped = w->g.seq;

		w->st->dropped++;
		/* The next request's answer must come first, and alone. */
		rc = mr_genl_call(&w->g, MESHREDIR_CMD_GET, NULL, 0);
		w->st->gets++;
		if (rc == -2 && w->g.stray == dropped) {
			mr_fail(w, i, w->msg, sent_len, "netlink answered a message it must drop");
			exit(1);
		}
		if (rc) {
			mr_fail(w, i, w->msg, sent_len, "no answer to the GET after a dropped message (%d)", rc);
			exit(1);
		}
		if (w->g.err && w->g.err != EMSGSIZE &&
		    !(w->g.err == ENOENT && !w->have_cfg && !w->shared))
			mr_fail(w, i, w->msg, sent_len, "GET after a dropped message");
		return;
	}
	rc = mr_genl_wait(&w->g, w->g.seq, &stray);
	if (rc == -2) {
		mr_fail(w, i, w->msg, sent_len, "answer for sequence %u instead", stray);
		exit(1);
	}
	if (rc) {
		mr_fail(w, i, w->msg, sent_len, "no answer (%d)", rc);
		exit(1);
	}

	switch (expect) {
	case E_NOOP:
		w->st->noop++;
		if (w->g.err || w->g.reply_len >= 0)
			mr_fail(w, i, w->msg, sent_len, "not a request: expected a plain ack");
		break;
	case E_INVALID:
		if (!w->g.err)
			mr_fail(w, i, w->msg, sent_len, "accepted, but the model says invalid (%s)",
				v.why ? v.why : "?");
		else
			w->st->invalid_refused++;
		if (w->g.err && dv && on_attrs) {
			w->st->dv_invalid++;
			w->st->dv_invalid_inside += v.dns.inside_bad;
		}
		break;
	case E_VALID: {
		int want = 0;

		if (cmd != MESHREDIR_CMD_SET && !w->have_cfg && !w->shared)
			want = ENOENT;
		if (cmd == MESHREDIR_CMD_DEL && want == ENOENT && w->maybe_pending && !w->g.err)
			want = 0;
		/* A multi-part SET of another worker's is pending (uapi: EBUSY). */
		if (w->shared && cmd == MESHREDIR_CMD_SET && w->g.err == EBUSY)
			w->st->busy++;
		/* Too big for one GET message (uapi: dump it). */
		else if (cmd == MESHREDIR_CMD_GET && w->g.err == EMSGSIZE &&
			 (w->shared || (w->have_cfg && w->cfg_len < 0)))
			w->st->big_gets++;
		else if (w->g.err != want)
			mr_fail(w, i, w->msg, sent_len, "%s: expected errno %d (model: valid)",
				cmd == MESHREDIR_CMD_SET ? "SET" : "command", want);
		else
			w->st->valid_ok++;
		if (!w->g.err && dv)
			w->st->dv_valid++;
		break;
	}
	case E_UNKNOWN:
		w->st->dv_unknown += dv;
		if (w->g.err)
			w->st->unknown_refused++;
		else
			w->st->unknown_ok++;
		if (!w->g.err && cmd == MESHREDIR_CMD_SET)
			w->maybe_pending = true;
		break;
	default:
		break;
	}
	/* A DEL that ran (not refused by the policy) discarded any pending SET. */
	if (cmd == MESHREDIR_CMD_DEL && (!w->g.err || w->g.err == ENOENT))
		w->maybe_pending = false;

	mr_check_state(w, i, cmd, expect, &v, sent_len);
}

static int mr_worker_run(struct mr_worker *w, const char *ns)
{
	uint64_t i;

	if (ns && mr_enter_netns(ns)) {
		fprintf(stderr, "worker %d: netns %s: %s\n", w->id, ns, strerror(errno));
		return 1;
	}
	if (mr_genl_open(&w->g)) {
		fprintf(stderr, "worker %d: no %s family: %s (module loaded?)\n", w->id,
			MESHREDIR_GENL_NAME, strerror(errno));
		return 1;
	}
	w->msg = malloc(MR_MSG_CAP);
	w->tmp = malloc(MR_GENL_BUF);
	w->cfg = malloc(MR_GENL_BUF);
	if (!w->msg || !w->tmp || !w->cfg)
		return 1;
	mr_seed(w->seed);
	if (w->shared) {
		mr_initial_set(w);
	} else {
		/* Whatever a namespace held before, known from here on. */
		w->have_cfg = mr_refresh(w) == 0;
	}
	for (i = 0; i < w->count; i++) {
		mr_one(w, i);
		if (!mr_quiet && w->id == 0 && i && i % 20000 == 0)
			fprintf(stderr, "worker 0: %llu of %llu\n", (unsigned long long)i,
				(unsigned long long)w->count);
	}
	w->st->done = 1;
	return w->st->failures ? 1 : 0;
}

/* ---- the run: options, workers, the report ---- */

static void usage(void)
{
	fprintf(stderr, "usage: mr-fuzz --messages N [--seed S] [--netns NS]... [--workers K]\n"
		"               [--zones yes|no] [--quiet]\n"
		"       mr-fuzz --self-test\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *nss[16];
	int nns = 0, workers = 1, nw, i, status, bad = 0;
	uint64_t seed = 0, messages = 0;
	bool seeded = false;
	struct mr_stats *st, sum = { 0 };
	char *end;

	if (argc == 2 && !strcmp(argv[1], "--self-test"))
		return mr_self_test();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quiet")) {
			mr_quiet = 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--seed")) {
			seed = strtoull(argv[++i], &end, 0);
			if (*end)
				usage();
			seeded = true;
		} else if (i + 1 < argc && !strcmp(argv[i], "--messages")) {
			messages = strtoull(argv[++i], &end, 0);
			if (*end || !messages)
				usage();
		} else if (i + 1 < argc && !strcmp(argv[i], "--workers")) {
			workers = strtol(argv[++i], &end, 0);
			if (*end || workers < 1 || workers > 8)
				usage();
		} else if (i + 1 < argc && !strcmp(argv[i], "--zones")) {
			i++;
			if (!strcmp(argv[i], "yes"))
				mr_kernel_zones = MR_ZONES_YES;
			else if (!strcmp(argv[i], "no"))
				mr_kernel_zones = MR_ZONES_NO;
			else
				usage();
		} else if (i + 1 < argc && !strcmp(argv[i], "--netns")) {
			if (nns == 16)
				usage();
			nss[nns++] = argv[++i];
		} else {
			usage();
		}
	}
	if (!messages)
		usage();
	if (!seeded)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	printf("mr-fuzz: seed %llu\n", (unsigned long long)seed);
	fflush(stdout);
	if (!nns)
		nss[nns++] = NULL;
	nw = nns + workers - 1;
	st = mmap(NULL, nw * sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	if (st == MAP_FAILED)
		return 1;
	memset(st, 0, nw * sizeof(*st));
	for (i = 0; i < nw; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid) {
			struct mr_worker w = {
				.id = i,
				/* Extra workers join the first namespace. */
				.shared = workers > 1 && (i == 0 || i >= nns),
				.seed = seed + i,
				.count = messages / nw + (i < (int)(messages % nw)),
				.st = &st[i],
			};

			_exit(mr_worker_run(&w, nss[i < nns ? i : 0]));
		}
	}
	for (i = 0; i < nw; i++) {
		if (wait(&status) < 0)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	for (i = 0; i < nw; i++) {
		int c;

		sum.sent += st[i].sent;
		sum.valid_ok += st[i].valid_ok;
		sum.invalid_refused += st[i].invalid_refused;
		sum.unknown_ok += st[i].unknown_ok;
		sum.unknown_refused += st[i].unknown_refused;
		sum.dropped += st[i].dropped;
		sum.noop += st[i].noop;
		sum.gets += st[i].gets;
		sum.roundtrips += st[i].roundtrips;
		sum.state_checks += st[i].state_checks;
		sum.failures += st[i].failures;
		sum.busy += st[i].busy;
		sum.big_gets += st[i].big_gets;
		sum.dv_sets += st[i].dv_sets;
		sum.dv_valid += st[i].dv_valid;
		sum.dv_invalid += st[i].dv_invalid;
		sum.dv_invalid_inside += st[i].dv_invalid_inside;
		sum.dv_unknown += st[i].dv_unknown;
		sum.dv_gets += st[i].dv_gets;
		sum.up_gets += st[i].up_gets;
		sum.up_udp_gets += st[i].up_udp_gets;
		for (c = 0; c < 6; c++)
			sum.by_cmd[c] += st[i].by_cmd[c];
		if (!st[i].done && !st[i].failures)
			sum.failures++;	/* died without saying why */
	}
	printf("mr-fuzz: seed=%llu workers=%d messages=%llu set=%llu get=%llu del=%llu "
	       "reset=%llu badcmd=%llu valid_accepted=%llu invalid_refused=%llu "
	       "unknown_accepted=%llu unknown_refused=%llu dropped_unanswered=%llu "
	       "noop_acked=%llu busy=%llu get_emsgsize=%llu verify_gets=%llu roundtrips=%llu "
	       "state_checks=%llu dns_vnet_sets=%llu dns_vnet_valid_accepted=%llu "
	       "dns_vnet_invalid_refused=%llu dns_vnet_refused_inside=%llu dns_vnet_unknown=%llu "
	       "dns_vnet_gets=%llu uid_ports_gets=%llu uid_ports_udp_gets=%llu failures=%llu\n",
	       (unsigned long long)seed, nw, (unsigned long long)sum.sent,
	       (unsigned long long)sum.by_cmd[MESHREDIR_CMD_SET],
	       (unsigned long long)sum.by_cmd[MESHREDIR_CMD_GET],
	       (unsigned long long)sum.by_cmd[MESHREDIR_CMD_DEL],
	       (unsigned long long)sum.by_cmd[MESHREDIR_CMD_RESET_COUNTERS],
	       (unsigned long long)sum.by_cmd[5],
	       (unsigned long long)sum.valid_ok, (unsigned long long)sum.invalid_refused,
	       (unsigned long long)sum.unknown_ok, (unsigned long long)sum.unknown_refused,
	       (unsigned long long)sum.dropped, (unsigned long long)sum.noop,
	       (unsigned long long)sum.busy, (unsigned long long)sum.big_gets,
	       (unsigned long long)sum.gets, (unsigned long long)sum.roundtrips,
	       (unsigned long long)sum.state_checks, (unsigned long long)sum.dv_sets,
	       (unsigned long long)sum.dv_valid, (unsigned long long)sum.dv_invalid,
	       (unsigned long long)sum.dv_invalid_inside, (unsigned long long)sum.dv_unknown,
	       (unsigned long long)sum.dv_gets, (unsigned long long)sum.up_gets,
	       (unsigned long long)sum.up_udp_gets, (unsigned long long)sum.failures);
	return (bad || sum.failures) ? 1 : 0;
}
