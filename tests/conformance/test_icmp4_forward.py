# SPDX-License-Identifier: MIT
"""Forwarding through the lab: header validation, TTL, header checksum,
options, fragmentation, invalid and broadcast destinations, and hosts.

Packets to hop1 cross r1, g2 and r3 and leave the topology through hop1.
Packets to hop2 cross r1 alone.  A router checks, in this order: the
route (no route, unreachable, prohibit, blackhole), the TTL, the
neighbour, then the MTU.  So an unroutable TTL-1 packet gets destination
unreachable, and a DF packet too big for the next link and with TTL 1 gets
time exceeded.
"""

import struct

import pytest
from scapy.all import IP, UDP, IPOption, Raw


def header_variant(lab, name, ttl):
    """A 48-byte UDP datagram to hop2 with one defect in its IP header."""
    good = bytearray(bytes(lab.udp(lab.HOP2, size=48, ttl=ttl)))

    if name == "shorter-than-20":
        return bytes(good[:19])
    if name == "bad-checksum":
        good[10] ^= 0x5A
        return bytes(good)
    if name == "version-5":
        good[0] = 0x55
    elif name == "ihl-4":
        good[0] = 0x44
    elif name == "ihl-beyond-frame":
        good[0] = 0x4F  # a 60-byte header in a 48-byte frame
    elif name == "total-length-below-header":
        good[2:4] = struct.pack("!H", 19)
    elif name == "total-length-beyond-frame":
        good[2:4] = struct.pack("!H", 200)
    else:
        raise ValueError(name)
    return lab.fix_header_checksum(good[:20]) + bytes(good[20:])


HEADER_VARIANTS = [
    "shorter-than-20",
    "bad-checksum",
    "version-5",
    "ihl-4",
    "ihl-beyond-frame",
    "total-length-below-header",
    "total-length-beyond-frame",
]


@pytest.mark.parametrize("ttl", [1, 64])
@pytest.mark.parametrize("name", HEADER_VARIANTS)
def test_bad_header_dropped(lab, name, ttl):
    """A header that fails validation is dropped silently: with TTL 1 no
    time exceeded comes back, with TTL 64 nothing leaves through hop2."""
    assert lab.replay(header_variant(lab, name, ttl)) == []


def test_forward_strips_link_padding(lab):
    """Bytes past the IP total length are link padding, not forwarded."""
    sent = lab.udp(lab.HOP2, size=48)

    out = lab.replay_one(bytes(sent) + b"\0" * 12)

    assert out.data == lab.forwarded(sent, 1)


@pytest.mark.parametrize(
    "dst, routers", [("198.18.0.9", 1), ("198.18.0.5", 3)], ids=["hop2", "hop1"]
)
def test_forward_decrements_ttl_per_router(lab, dst, routers):
    sent = lab.udp(dst, size=100, ttl=64)

    out = lab.replay_one(sent)

    assert out.ip.ttl == 64 - routers
    assert lab.checksum(out.data[:20]) == 0
    assert out.data == lab.forwarded(sent, routers)


def test_forward_never_sends_ttl_zero(lab):
    sent = lab.udp(lab.HOP2, ttl=1)

    out = lab.replay(sent)

    assert not [c for c in out if c.ip.dst == lab.HOP2]
    assert len(out) == 1
    assert out[0].icmp[0] == 11


@pytest.mark.parametrize("ttl", [1, 0])
def test_ttl_expired_at_first_router(lab, ttl):
    trigger = lab.udp(lab.HOP2, ttl=ttl)

    reply = lab.replay_one(trigger)

    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1, ip_id=reply.ip.id)


@pytest.mark.parametrize(
    "ttl, router, src",
    [(2, "g2", "198.18.1.2"), (3, "r3", "198.18.1.6")],
    ids=["ttl2-at-g2", "ttl3-at-r3"],
)
def test_ttl_expires_further_on(lab, ttl, router, src):
    """A packet that will expire later is still forwarded.  The router where
    it expires quotes it as it arrived there, and the routers on the way
    back decrement the error's TTL."""
    trigger = lab.udp(lab.HOP1, ttl=ttl)
    routers_before = ttl - 1

    reply = lab.replay_one(trigger)

    assert reply.ip.src == src
    assert IP(reply.icmp[8:]).ttl == 1
    assert reply.data == lab.icmp_error(
        lab.forwarded(trigger, routers_before),
        11,
        0,
        src=src,
        ip_id=reply.ip.id,
        ttl=64 - routers_before,
    )


def test_ttl_one_left_delivered(lab):
    """TTL 4 leaves the three routers to hop1 with TTL 1."""
    sent = lab.udp(lab.HOP1, ttl=4)

    out = lab.replay_one(sent)

    assert out.data == lab.forwarded(sent, 3)


# Order of checks.


@pytest.mark.parametrize(
    "dst, code",
    [("198.19.9.9", 0), ("198.18.201.1", 1), ("198.18.202.1", 13)],
    ids=["no-route", "unreachable-route", "prohibit-route"],
)
def test_route_checked_before_ttl(lab, dst, code):
    trigger = lab.udp(dst, ttl=1)

    reply = lab.replay_one(trigger)

    assert reply.data == lab.icmp_error(trigger, 3, code, src=lab.R1, ip_id=reply.ip.id)


def test_blackhole_ttl1_silent(lab):
    assert lab.replay(lab.udp(lab.BLACKHOLE, ttl=1)) == []


def test_ttl_checked_before_mtu(lab):
    trigger = lab.udp(lab.H2, size=1428, ttl=1, flags="DF")

    reply = lab.replay_one(trigger)

    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1, ip_id=reply.ip.id)


def test_ttl_checked_before_neighbour(lab):
    """TTL 1 to an unowned neighbour gets time exceeded at once, not host
    unreachable after the ARP timeout."""
    trigger = lab.udp(lab.UNOWNED, ttl=1)

    reply = lab.replay_one(trigger)

    assert reply.time_us == lab.START_US
    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1, ip_id=reply.ip.id)


# Header checksum and reserved bits.


def ip_id_for_checksum(lab, dst, ttl, expected):
    """Find the IP ID that gives a 28-byte UDP datagram to @dst the header
    checksum @expected."""
    header = bytearray(bytes(lab.udp(dst, ttl=ttl, id=0))[:20])
    header[10:12] = b"\0\0"
    words = sum(struct.unpack("!10H", header))
    for ip_id in range(0x10000):
        total = words + ip_id
        while total >> 16:
            total = (total & 0xFFFF) + (total >> 16)
        if ~total & 0xFFFF == expected:
            return ip_id
    raise AssertionError(f"no IP ID gives header checksum {expected:#06x}")


def test_forward_checksum_never_ffff(lab):
    """Decrementing TTL 64 under checksum 0xfeff must give 0x0000 (the
    result of a full recompute), not 0xffff."""
    ip_id = ip_id_for_checksum(lab, lab.HOP2, 64, 0xFEFF)
    sent = lab.udp(lab.HOP2, ttl=64, id=ip_id)
    assert bytes(sent)[10:12] == b"\xfe\xff"

    out = lab.replay_one(sent)

    assert out.data[10:12] == b"\x00\x00"
    assert out.data == lab.forwarded(sent, 1)


def test_forward_keeps_reserved_flag(lab):
    sent = lab.udp(lab.HOP2, flags="evil")

    out = lab.replay_one(sent)

    assert out.ip.flags.evil
    assert out.data == lab.forwarded(sent, 1)


def test_fragments_keep_reserved_flag(lab):
    sent = lab.udp(lab.HOP1, size=1428, flags="evil")

    out = lab.replay(sent)

    assert len(out) == 2
    assert all(c.ip.flags.evil for c in out)


@pytest.mark.parametrize("tos", [0x01, 0xFF])
def test_forward_keeps_tos(lab, tos):
    sent = lab.udp(lab.HOP2, tos=tos)

    out = lab.replay_one(sent)

    assert out.data == lab.forwarded(sent, 1)


# Options.

UNKNOWN_OPTION = IPOption(b"\x9e\x04\x00\x00")


def test_unknown_option_ttl1_time_exceeded(lab):
    trigger = IP(src=lab.SENDER, dst=lab.HOP2, ttl=1, options=[UNKNOWN_OPTION]) / UDP(
        sport=40000, dport=33434
    ) / Raw(b"opt")

    reply = lab.replay_one(trigger)

    assert reply.icmp[0] == 11
    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1, ip_id=reply.ip.id)


def test_unknown_option_forwarded(lab):
    sent = IP(src=lab.SENDER, dst=lab.HOP2, ttl=64, options=[UNKNOWN_OPTION]) / UDP(
        sport=40000, dport=33434
    ) / Raw(b"opt")

    out = lab.replay_one(sent)

    assert out.data == lab.forwarded(sent, 1)


# Fragmentation on the 1280-byte g2 -- r3 link.


def expected_fragment(sent, ttl, offset, length, more):
    """The bytes of the fragment of @sent carrying @length payload bytes
    from byte @offset."""
    sent = IP(bytes(sent))
    payload = bytes(sent.payload)[offset : offset + length]
    fragment = IP(
        src=sent.src,
        dst=sent.dst,
        tos=sent.tos,
        id=sent.id,
        ttl=ttl,
        proto=sent.proto,
        flags=(sent.flags & ~1) | (1 if more else 0),
        frag=offset // 8,
    ) / Raw(payload)
    return bytes(fragment)


def test_forward_fragments_to_mtu(lab):
    sent = lab.udp(lab.HOP1, size=1428, id=0x4242)

    out = sorted(lab.replay(sent), key=lambda c: c.ip.frag)

    assert len(out) == 2
    first, second = out
    assert first.ip.len == 1276
    assert second.ip.len == 172
    assert first.ip.id == 0x4242
    assert second.ip.id == 0x4242
    assert first.ip.frag == 0
    assert second.ip.frag == 157
    assert first.ip.flags.MF
    assert not second.ip.flags.MF
    ttl = 64 - lab.ROUTERS_TO_HOP1
    assert first.data == expected_fragment(sent, ttl, 0, 1256, more=True)
    assert second.data == expected_fragment(sent, ttl, 1256, 152, more=False)


def test_forward_exact_mtu_not_fragmented(lab):
    sent = lab.udp(lab.HOP1, size=1280, flags="DF")

    out = lab.replay_one(sent)

    assert out.data == lab.forwarded(sent, lab.ROUTERS_TO_HOP1)


def test_forward_one_byte_over_mtu(lab):
    sent = lab.udp(lab.HOP1, size=1281)

    out = sorted(lab.replay(sent), key=lambda c: c.ip.frag)

    assert [c.ip.len for c in out] == [1276, 25]
    ttl = 64 - lab.ROUTERS_TO_HOP1
    assert out[0].data == expected_fragment(sent, ttl, 0, 1256, more=True)
    assert out[1].data == expected_fragment(sent, ttl, 1256, 5, more=False)


# Invalid and broadcast destinations.


@pytest.mark.parametrize("ttl", [1, 64])
@pytest.mark.parametrize("dst", ["127.0.0.1", "0.1.2.3", "240.0.0.1"])
def test_invalid_destination_dropped(lab, dst, ttl):
    assert lab.replay(lab.udp(dst, ttl=ttl)) == []


@pytest.mark.parametrize(
    "dst, ttl",
    [
        ("198.18.5.255", 64),
        ("198.18.5.0", 64),
        ("198.18.1.7", 64),
        ("198.18.1.7", 2),
        ("198.18.0.7", 64),
    ],
    ids=[
        "r1-subnet-broadcast",
        "r1-subnet-network",
        "g2-subnet-broadcast",
        "g2-subnet-broadcast-ttl2",
        "hop1-subnet-broadcast",
    ],
)
def test_directed_broadcast_not_forwarded(lab, dst, ttl):
    """A directed broadcast is not forwarded and gets no error, also where
    it reaches the router of that subnet with TTL 1."""
    assert lab.replay(lab.udp(dst, ttl=ttl)) == []


# Hosts.


@pytest.mark.parametrize("ttl", [2, 64])
def test_host_drops_packet_not_for_it(lab, ttl):
    """r1 routes 198.18.150.0/24 to h2, which neither forwards it nor sends
    an error about it, also when it arrives with TTL 1."""
    assert lab.replay(lab.udp(lab.NOT_FOR_H2, ttl=ttl)) == []


def test_host_drops_martian_source(lab):
    assert lab.replay(lab.udp(lab.H2, src="127.0.0.1", dport=7)) == []


def test_host_port_unreachable_at_ttl_one(lab):
    """A datagram that reaches h2 with TTL 1 is delivered, so h2 sends port
    unreachable and quotes TTL 1."""
    trigger = lab.udp(lab.H2, ttl=2, dport=7)

    reply = lab.replay_one(trigger)

    assert reply.ip.src == lab.H2
    assert IP(reply.icmp[8:]).ttl == 1
    assert reply.data == lab.icmp_error(
        lab.forwarded(trigger, 1), 3, 3, src=lab.H2, ip_id=reply.ip.id, ttl=63
    )


def test_host_echo_at_ttl_one(lab):
    request = lab.echo(lab.H2, ttl=2)

    reply = lab.replay_one(request)

    assert reply.data == lab.echo_reply(request, ip_id=reply.ip.id, ttl=63)


def test_host_unknown_protocol(lab):
    trigger = IP(src=lab.SENDER, dst=lab.H2, proto=253) / Raw(b"\x00" * 16)

    reply = lab.replay_one(trigger)

    assert reply.data == lab.icmp_error(
        lab.forwarded(trigger, 1), 3, 2, src=lab.H2, ip_id=reply.ip.id, ttl=63
    )
