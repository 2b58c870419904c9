/* SPDX-License-Identifier: MIT */
/* Internet checksum (RFC 1071) and its incremental update (RFC 1624). */
#ifndef HOPSIM_CHECKSUM_H
#define HOPSIM_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Adds the bytes of @data, read as big-endian 16-bit words, to the 32-bit
 * running sum @sum.  An odd trailing byte is padded with zero.  Fold the
 * result with csum_fold().
 */
uint32_t csum_partial(const void *data, size_t len, uint32_t sum);

/* Folds a running sum to 16 bits and returns its one's complement. */
uint16_t csum_fold(uint32_t sum);

/* Returns the checksum of @data, ready to store in big-endian order. */
uint16_t csum_compute(const void *data, size_t len);

/*
 * Returns checksum @hc updated for one 16-bit field changing from @old to
 * @new, by RFC 1624 equation 3: HC' = ~(~HC + ~m + m').  The result never
 * becomes 0xffff for a header whose true checksum is 0x0000.
 */
uint16_t csum_update16(uint16_t hc, uint16_t old, uint16_t new_word);

/*
 * Returns the running sum of the IPv4 pseudo-header for a transport
 * checksum (RFC 768, RFC 793).  Addresses are in host order.
 */
uint32_t csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

#endif
