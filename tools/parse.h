/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Value parsers, kumactl's syntax, shared by the flags (args.c) and Kuma's
 * files (kuma.c) so that a value means the same in both. Each takes the
 * name to blame (a flag, or a file's field path), appends to its list and,
 * on a bad value, writes `<name>: "<value>" ...` to err and returns -1.
 */
#ifndef MR_PARSE_H
#define MR_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"

/* What a range list holds: its bounds and its noun in messages. */
enum range_kind {
	RANGE_PORT,	/* 1-65535 */
	RANGE_UID,	/* 0-MR_ID_MAX */
	RANGE_GID,
};

int parse_port(const char *flag, const char *value, uint16_t *out, char *err, size_t errlen);
int parse_bool(const char *flag, const char *value, bool *out, char *err, size_t errlen);
/* "22,80,8000-8100": ports, UIDs or GIDs, comma-separated, "" for none. */
int parse_range_list(const char *flag, enum range_kind kind, const char *value,
		     struct range_list *out, char *err, size_t errlen);
/* Whether value is empty or white space only: no entry, where one is due. */
bool parse_blank(const char *value);
int parse_cidr_list(const char *flag, const char *value, struct cidr_list *out,
		    char *err, size_t errlen);
/*
 * Kuma's vnet "IFACE:CIDR", split at the first ':'; the CIDR's family is
 * the entry's, its host bits are masked; an entry for the same interface
 * and family replaces the one before.
 */
int parse_vnet(const char *flag, const char *value, struct vnet_list *out,
	       char *err, size_t errlen);
/* Kuma's [protocol:][ports:]uids; a UDP entry matters to DNS capture only. */
int parse_uid_ports(const char *flag, const char *value, struct uid_ports_list *out,
		    char *err, size_t errlen);
/* A UID or a user name of this system. */
int parse_user(const char *flag, const char *value, uint32_t *uid, char *err, size_t errlen);
/* ipv4 or dualstack, in any case; "" is dualstack, as in Kuma. */
int parse_ip_family_mode(const char *flag, const char *value, uint8_t *mode,
			 char *err, size_t errlen);
/* The events a second the kernel may send: 1 to MESHREDIR_MAX_EVENT_RATE. */
int parse_event_rate(const char *flag, const char *value, uint32_t *out,
		     char *err, size_t errlen);
/* Go's ParseUint and time.ParseDuration; the value is checked, not kept. */
int parse_uint(const char *flag, const char *value, unsigned long long max,
	       char *err, size_t errlen);
int parse_duration(const char *flag, const char *value, char *err, size_t errlen);
/* pflag's and envconfig's Go uint of that many bits: 0x, 0o, 0b, 0 and _ too. */
int parse_go_uint(const char *flag, const char *value, unsigned int bits,
		  char *err, size_t errlen);
/* Kuma's Duration as a flag or JSON takes it: 2s, nanoseconds, or "2s". */
int parse_kuma_duration(const char *flag, const char *value, char *err, size_t errlen);
/* --iptables-executables: NAME:PATH[,NAME:PATH...], NAME one of iptables's six. */
int parse_executables(const char *flag, const char *value, char *err, size_t errlen);
/* validate's --timeout: 5, 5s or 500ms, into milliseconds; 1 ms to an hour. */
int parse_timeout(const char *flag, const char *value, unsigned int *ms,
		  char *err, size_t errlen);

/*
 * resolv.conf's text: each "nameserver ADDR" line's address, in file order,
 * into out as a /32 or /128 (an IPv4-mapped IPv6 address as IPv4, as Kuma
 * reads it). name is the file's path, for "PATH:LINE: ..." messages.
 */
int parse_resolv_conf(const char *name, const char *text, struct cidr_list *out,
		      char *err, size_t errlen);

/* What Go's strconv.ParseBool, and so kumactl, accepts; no message. */
bool bool_literal(const char *s, bool *out);
/* Plain decimal up to max, as Go's ParseUint: no sign, no space, no hex. */
bool decimal(const char *s, uint64_t max, uint64_t *out);

#endif /* MR_PARSE_H */
