/* SPDX-License-Identifier: MIT */
/*
 * Seeded random streams (xoshiro256**, seeded through splitmix64), so
 * every random choice of a run repeats with the same seed.  Each link
 * direction draws from a stream of its own, so traffic on one link never
 * shifts the choices made on another.
 */
#ifndef HOPSIM_RANDOM_H
#define HOPSIM_RANDOM_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Seeds @rng for stream number @stream of the run seeded with @seed. */
void rng_seed(struct rng *rng, uint64_t seed, uint64_t stream);

/* Returns the next 64 random bits. */
uint64_t rng_next(struct rng *rng);

/* Returns a uniform integer in [0, @n), or 0 when @n is 0. */
uint64_t rng_below(struct rng *rng, uint64_t n);

/* Returns true with probability @ppm parts per million. */
bool rng_chance(struct rng *rng, uint32_t ppm);

/* Returns a sample of the standard normal distribution. */
double rng_normal(struct rng *rng);

#endif
