// SPDX-License-Identifier: MIT
/* Seeded random streams: xoshiro256** (Blackman and Vigna, 2018). */
#include <math.h>

#include "hopsim/random.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *rng, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03u);
	int i;

	for (i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&x);
}

uint64_t rng_next(struct rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t rng_below(struct rng *rng, uint64_t n)
{
	uint64_t limit, x;

	if (n == 0)
		return 0;
	/* Reject the top remainder so every value is equally likely. */
	limit = UINT64_MAX - UINT64_MAX % n;
	do {
		x = rng_next(rng);
	} while (x >= limit);
	return x % n;
}

bool rng_chance(struct rng *rng, uint32_t ppm)
{
	if (ppm == 0)
		return false;
	return rng_below(rng, 1000000) < ppm;
}

double rng_normal(struct rng *rng)
{
	/* Box-Muller; u1 is in (0, 1] so the logarithm is finite. */
	double u1 = ((double)(rng_next(rng) >> 11) + 1.0) / 9007199254740992.0;
	double u2 = (double)(rng_next(rng) >> 11) / 9007199254740992.0;

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}
