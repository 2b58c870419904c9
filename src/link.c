// SPDX-License-Identifier: MIT
/* Link impairments in the manner of Linux netem, one direction at a time. */
#include <errno.h>
#include <stdlib.h>

#include "hopsim/link.h"

int link_state_init(struct link_state *ls, uint64_t seed, uint64_t stream,
		    uint32_t queue_cap)
{
	rng_seed(&ls->rng, seed, stream);
	ls->ge_bad = false;
	ls->last_sent_us = 0;
	ls->last_due_us = 0;
	ls->busy_until_us = 0;
	ls->tx_head = ls->tx_count = 0;
	ls->tx_cap = queue_cap ? queue_cap : 1;
	ls->tx_end = calloc(ls->tx_cap, sizeof(*ls->tx_end));
	return ls->tx_end ? 0 : -ENOMEM;
}

void link_state_free(struct link_state *ls)
{
	free(ls->tx_end);
	ls->tx_end = NULL;
}

/* netem's loss_gemodel: the state moves first, and the loss chance is
 * that of the state the packet found the channel in. */
static bool lose(struct link_state *ls, const struct topo_impair *imp)
{
	bool was_bad = ls->ge_bad;

	if (imp->loss_model == TOPO_LOSS_RANDOM)
		return rng_chance(&ls->rng, imp->loss_ppm);

	if (was_bad && rng_chance(&ls->rng, imp->ge_r_ppm))
		ls->ge_bad = false;
	else if (!was_bad && rng_chance(&ls->rng, imp->ge_p_ppm))
		ls->ge_bad = true;
	return rng_chance(&ls->rng, was_bad ? imp->ge_loss_bad_ppm
					    : imp->ge_loss_good_ppm);
}

static uint64_t sample_delay(struct link_state *ls,
			     const struct topo_impair *imp)
{
	double d;

	if (imp->jitter_us == 0)
		return imp->delay_us;
	if (imp->jitter_dist == TOPO_JITTER_NORMAL) {
		d = imp->delay_us + imp->jitter_us * rng_normal(&ls->rng);
		return d > 0 ? (uint64_t)d : 0;
	}
	d = (double)imp->delay_us - imp->jitter_us +
	    (double)rng_below(&ls->rng, 2 * (uint64_t)imp->jitter_us + 1);
	return d > 0 ? (uint64_t)d : 0;
}

/* Queues a departure at the link's rate; returns false when the queue
 * of packets waiting for the line is full. */
static bool take_line(struct link_state *ls, const struct topo_impair *imp,
		      uint64_t now_us, size_t len, uint64_t *depart_us)
{
	uint32_t limit =
	    imp->queue_limit < ls->tx_cap ? imp->queue_limit : ls->tx_cap;
	uint64_t start;

	/* Packets that have left the line no longer wait. */
	while (ls->tx_count && ls->tx_end[ls->tx_head] <= now_us) {
		ls->tx_head = (ls->tx_head + 1) % ls->tx_cap;
		ls->tx_count--;
	}
	if (ls->tx_count >= limit)
		return false;

	start = ls->busy_until_us > now_us ? ls->busy_until_us : now_us;
	ls->busy_until_us = start + (uint64_t)len * 8 * 1000000 / imp->rate_bps;
	ls->tx_end[(ls->tx_head + ls->tx_count) % ls->tx_cap] =
	    ls->busy_until_us;
	ls->tx_count++;
	*depart_us = ls->busy_until_us;
	return true;
}

void link_transmit(struct link_state *ls, const struct topo_impair *imp,
		   uint64_t now_us, size_t len, struct link_result *out)
{
	uint64_t depart = now_us;
	bool reorder;

	out->verdict = LINK_PASS;
	out->corrupt = false;
	out->duplicate = false;
	out->arrival_us = now_us;

	if (imp->down) {
		out->verdict = LINK_DOWN;
		return;
	}
	if (lose(ls, imp)) {
		out->verdict = LINK_LOST;
		return;
	}
	if (imp->rate_bps && !take_line(ls, imp, now_us, len, &depart)) {
		out->verdict = LINK_QUEUE_FULL;
		return;
	}
	if (rng_chance(&ls->rng, imp->corrupt_ppm) && len) {
		out->corrupt = true;
		out->corrupt_bit =
		    (size_t)rng_below(&ls->rng, (uint64_t)len * 8);
	}
	out->duplicate = rng_chance(&ls->rng, imp->duplicate_ppm);

	/* A reordered packet skips the delay and overtakes the others. */
	reorder = rng_chance(&ls->rng, imp->reorder_ppm);
	if (reorder) {
		out->arrival_us = depart;
		return;
	}
	out->arrival_us = depart + sample_delay(ls, imp);
	if (!imp->allow_reorder && now_us >= ls->last_sent_us) {
		if (out->arrival_us < ls->last_due_us)
			out->arrival_us = ls->last_due_us;
		ls->last_sent_us = now_us;
		ls->last_due_us = out->arrival_us;
	}
}
