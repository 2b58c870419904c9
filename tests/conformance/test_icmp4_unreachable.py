# SPDX-License-Identifier: MIT
"""Destination unreachable codes, fragmentation needed, and the time stamps
of replies.

r1 sends code 0 (net) when it has no route and code 1 (host) for an
`unreachable` route.  For an address on its connected /24 that no
interface has, it sends code 1 after its 200 ms ARP timeout.  A `prohibit`
route gets code 13 (communication administratively prohibited), and a
`blackhole` route drops silently.  A DF datagram too big for the next link gets code 4
with the next-hop MTU in bytes 6-7.
"""

import pytest
from scapy.all import ICMP, IP, Raw


@pytest.mark.parametrize(
    "dst, code",
    [("198.19.9.9", 0), ("198.18.201.1", 1), ("198.18.202.1", 13)],
    ids=["no-route", "unreachable-route", "prohibit-route"],
)
def test_route_unreachable_code(lab, dst, code):
    trigger = lab.udp(dst)

    reply = lab.replay_one(trigger)

    assert reply.icmp[0] == 3
    assert reply.icmp[1] == code
    assert reply.ip.src == lab.R1
    assert reply.time_us == lab.START_US
    assert reply.data == lab.icmp_error(trigger, 3, code, src=lab.R1, ip_id=reply.ip.id)


def test_blackhole_route_silent(lab):
    assert lab.replay(lab.udp(lab.BLACKHOLE)) == []


def test_unowned_neighbour_host_unreachable(lab):
    trigger = lab.udp(lab.UNOWNED)

    reply = lab.replay_one(trigger)

    assert reply.icmp[0] == 3
    assert reply.icmp[1] == 1
    assert reply.ip.src == lab.R1
    assert reply.data == lab.icmp_error(trigger, 3, 1, src=lab.R1, ip_id=reply.ip.id)


def test_unowned_neighbour_after_arp_timeout(lab):
    reply = lab.replay_one(lab.udp(lab.UNOWNED))

    assert reply.time_us - lab.START_US == lab.ARP_TIMEOUT_US


def test_unowned_neighbour_each_probe_waits(lab):
    """Two probes 50 ms apart get their errors an ARP timeout after each."""
    times = [lab.START_US, lab.START_US + 50_000]

    replies = lab.replay(lab.udp(lab.UNOWNED), lab.udp(lab.UNOWNED, dport=33435), times_us=times)

    assert [r.time_us for r in replies] == [t + lab.ARP_TIMEOUT_US for t in times]


def test_frag_needed_bytes(lab):
    trigger = lab.udp(lab.H2, size=1428, flags="DF")

    reply = lab.replay_one(trigger)

    assert reply.icmp[0] == 3
    assert reply.icmp[1] == 4
    assert reply.icmp[4:6] == b"\x00\x00"
    assert reply.icmp[6:8] == lab.MTU_R1_H2.to_bytes(2, "big")
    assert reply.ip.len == 576
    assert reply.icmp[8:] == bytes(trigger)[:548]
    assert reply.data == lab.icmp_error(
        trigger, 3, 4, src=lab.R1, ip_id=reply.ip.id, nexthopmtu=lab.MTU_R1_H2
    )


def test_frag_needed_at_second_router(lab):
    """g2's link to r3 has MTU 1280: g2 quotes the datagram as it arrived,
    with TTL 63, and r1 decrements the error's TTL on the way back."""
    trigger = lab.udp(lab.HOP1, size=1428, flags="DF")

    reply = lab.replay_one(trigger)

    assert reply.ip.src == lab.G2
    assert reply.icmp[6:8] == lab.MTU_G2_R3.to_bytes(2, "big")
    assert reply.data == lab.icmp_error(
        lab.forwarded(trigger, 1), 3, 4, src=lab.G2, ip_id=reply.ip.id, ttl=63,
        nexthopmtu=lab.MTU_G2_R3,
    )


def test_frag_needed_one_byte_over(lab):
    trigger = lab.udp(lab.H2, size=1281, flags="DF", dport=7)

    reply = lab.replay_one(trigger)

    assert reply.icmp[:2] == b"\x03\x04"


def test_df_exact_mtu_delivered(lab):
    """1280 bytes with DF fit h2's link, so h2 itself sends port unreachable."""
    trigger = lab.udp(lab.H2, size=1280, flags="DF", dport=7)

    reply = lab.replay_one(trigger)

    assert reply.ip.src == lab.H2
    assert reply.icmp[:2] == b"\x03\x03"


# Time stamps: input time plus the one-way delays of every link crossed.
# The one-way delay from the sender to each node, from lab.yaml: r1 -- h2
# 1 ms, r1 -- g2 2 ms, g2 -- r3 3 ms, and none on TUN links.

ONE_WAY_US = {
    "r1": 0,
    "h2": 1_000,
    "g2": 2_000,
    "r3": 5_000,
}


@pytest.mark.parametrize(
    "dst, node",
    [
        ("198.18.0.2", "r1"),
        ("198.18.1.1", "r1"),
        ("198.18.5.2", "h2"),
        ("198.18.1.2", "g2"),
        ("198.18.1.6", "r3"),
        ("198.18.0.6", "r3"),
    ],
    ids=["r1", "r1-g2", "h2", "g2", "r3", "r3-hop1"],
)
def test_echo_reply_time(lab, dst, node):
    sent_at = lab.START_US + 123_456

    reply = lab.replay_one(lab.echo(dst), times_us=[sent_at])

    assert reply.time_us == sent_at + 2 * ONE_WAY_US[node]


@pytest.mark.parametrize(
    "ttl, node", [(1, "r1"), (2, "g2"), (3, "r3")], ids=["r1", "g2", "r3"]
)
def test_time_exceeded_time(lab, ttl, node):
    reply = lab.replay_one(lab.udp(lab.HOP1, ttl=ttl))

    assert reply.time_us == lab.START_US + 2 * ONE_WAY_US[node]


def test_forwarded_time(lab):
    out = lab.replay_one(lab.udp(lab.HOP1))

    assert out.time_us == lab.START_US + ONE_WAY_US["r3"]


def test_reply_times_follow_each_input(lab):
    """Three echoes to h2 sent 10 ms apart come back 2 ms after each."""
    times = [lab.START_US, lab.START_US + 10_000, lab.START_US + 20_000]
    requests = [lab.echo(lab.H2, seq=seq) for seq in range(3)]

    replies = lab.replay(*requests, times_us=times)

    assert [r.time_us for r in replies] == [t + 2 * ONE_WAY_US["h2"] for t in times]
    assert [r.ip[ICMP].seq for r in replies] == [0, 1, 2]


def test_error_from_host_time(lab):
    reply = lab.replay_one(IP(src=lab.SENDER, dst=lab.H2, proto=253) / Raw(b"\x00" * 8))

    assert reply.time_us == lab.START_US + 2 * ONE_WAY_US["h2"]
