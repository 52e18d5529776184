/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events' rate limit, a pure function of its state and the time so that
 * KUnit can drive it: GCRA, the token bucket kept as one number, the time
 * at which the bucket will be full again ("tat"). One word of state lets
 * the packet path update it with a compare-and-exchange: no lock.
 */
#ifndef MR_RATELIMIT_H
#define MR_RATELIMIT_H

#include "pure.h"

#define MR_RATE_NSEC 1000000000ULL

/*
 * Whether an event at now (ns) may be sent, at rate events a second (at
 * least 1) and in bursts of up to a second's worth; if so, *next is the
 * state to store. An idle bucket (tat in the past) is full.
 */
static inline bool mr_rate_admit(u64 tat, u64 now, u32 rate, u64 *next)
{
	u64 interval = MR_RATE_NSEC / rate;

	if (tat < now)
		tat = now;
	if (tat + interval - now > MR_RATE_NSEC)
		return false;
	*next = tat + interval;
	return true;
}

#endif /* MR_RATELIMIT_H */
