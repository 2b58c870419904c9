// SPDX-License-Identifier: MIT
/* Internet checksum (RFC 1071) and its incremental update (RFC 1624). */
#include "hopsim/checksum.h"

uint32_t csum_partial(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	while (len >= 2) {
		acc += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)p[0] << 8;

	/* Fold the 64-bit accumulator so later additions cannot overflow. */
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t csum_compute(const void *data, size_t len)
{
	return csum_fold(csum_partial(data, len, 0));
}

uint16_t csum_update16(uint16_t hc, uint16_t old, uint16_t new_word)
{
	uint32_t sum;

	/* RFC 1624 eqn 3; eqn 2 (RFC 1141) could yield 0xffff. */
	sum = (uint16_t)~hc;
	sum += (uint16_t)~old;
	sum += new_word;
	return csum_fold(sum);
}

uint32_t csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	uint32_t sum = 0;

	sum += src >> 16;
	sum += src & 0xffff;
	sum += dst >> 16;
	sum += dst & 0xffff;
	sum += proto;
	sum += len;
	return sum;
}
