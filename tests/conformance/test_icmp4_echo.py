# SPDX-License-Identifier: MIT
"""Echo and other ICMPv4 messages addressed to a router of the lab.

Every router and host replies to echo requests.  The reply carries the
request's identifier, sequence number, data and TOS, and its source is the
address the request was sent to.  Protocols and ports that nothing
serves get protocol or port unreachable from that address.  Other ICMP
types sent to a node (unknown types, source quench, information and
address mask requests) get no reply.
"""

import pytest
from scapy.all import ICMP, IP, UDP, Raw

PATTERN_1024 = bytes(range(256)) * 4


def test_echo_reply_bytes(lab):
    request = lab.echo(lab.R1, data=PATTERN_1024, icmp_id=0xBEEF, seq=0x1234)

    reply = lab.replay_one(request)

    icmp = reply.ip[ICMP]
    assert icmp.type == 0
    assert icmp.code == 0
    assert icmp.id == 0xBEEF
    assert icmp.seq == 0x1234
    assert bytes(icmp.payload) == PATTERN_1024
    assert lab.checksum(reply.icmp) == 0
    assert reply.data == lab.echo_reply(request, ip_id=reply.ip.id)


def test_echo_reply_odd_length(lab):
    """An odd-length message has its checksum computed over a zero pad byte."""
    request = lab.echo(lab.R1, data=bytes(range(33)))

    reply = lab.replay_one(request)

    assert lab.checksum(reply.icmp) == 0
    assert reply.data == lab.echo_reply(request, ip_id=reply.ip.id)


@pytest.mark.parametrize(
    "dst",
    ["198.18.0.2", "198.18.5.1", "198.18.1.1", "198.18.0.10"],
    ids=["r1-hop0", "r1-h2", "r1-g2", "r1-hop2"],
)
def test_echo_reply_source_is_pinged_address(lab, dst):
    request = lab.echo(dst)

    reply = lab.replay_one(request)

    assert reply.ip.src == dst
    assert reply.data == lab.echo_reply(request, ip_id=reply.ip.id)


@pytest.mark.parametrize(
    "dst, routers_back",
    [("198.18.1.2", 1), ("198.18.1.5", 1), ("198.18.1.6", 2), ("198.18.0.6", 2), ("198.18.5.2", 1)],
    ids=["g2-r1", "g2-r3", "r3-g2", "r3-hop1", "h2"],
)
def test_echo_reply_from_far_node(lab, dst, routers_back):
    """Nodes behind r1 reply too, and every router on the way back
    decrements the reply's TTL."""
    request = lab.echo(dst)

    reply = lab.replay_one(request)

    assert reply.ip.src == dst
    assert reply.data == lab.echo_reply(request, ip_id=reply.ip.id, ttl=64 - routers_back)


@pytest.mark.parametrize("tos", [0x10, 0xB8, 0x03])
def test_echo_reply_keeps_tos(lab, tos):
    request = lab.echo(lab.R1, tos=tos)

    reply = lab.replay_one(request)

    assert reply.ip.tos == tos


def test_echo_bad_checksum_ignored(lab):
    request = IP(src=lab.SENDER, dst=lab.R1) / ICMP(type=8, id=1, seq=1, chksum=0x1234) / Raw(
        b"hopsim"
    )

    assert lab.replay(request) == []


@pytest.mark.parametrize("ttl", [0, 1])
@pytest.mark.parametrize("dst", ["198.18.0.2", "198.18.5.1"], ids=["r1-hop0", "r1-h2"])
def test_echo_low_ttl_answered(lab, dst, ttl):
    """TTL is checked only when forwarding, not for packets to the router."""
    request = lab.echo(dst, ttl=ttl)

    reply = lab.replay_one(request)

    assert reply.data == lab.echo_reply(request, ip_id=reply.ip.id)


@pytest.mark.parametrize("dst", ["198.18.0.2", "198.18.5.1"], ids=["r1-hop0", "r1-h2"])
def test_unknown_protocol_unreachable(lab, dst):
    trigger = IP(src=lab.SENDER, dst=dst, proto=253) / Raw(b"\x00" * 16)

    reply = lab.replay_one(trigger)

    assert reply.ip[ICMP].type == 3
    assert reply.ip[ICMP].code == 2
    assert reply.ip.src == dst
    assert reply.data == lab.icmp_error(trigger, 3, 2, src=dst, ip_id=reply.ip.id)


@pytest.mark.parametrize(
    "dst", ["198.18.0.2", "198.18.5.1", "198.18.1.1"], ids=["r1-hop0", "r1-h2", "r1-g2"]
)
def test_udp_closed_port_unreachable(lab, dst):
    """The error about a datagram for the router comes from the address
    the datagram was sent to."""
    trigger = IP(src=lab.SENDER, dst=dst) / UDP(sport=40000, dport=7) / Raw(b"echo")

    reply = lab.replay_one(trigger)

    assert reply.ip[ICMP].type == 3
    assert reply.ip[ICMP].code == 3
    assert reply.ip.src == dst
    assert reply.data == lab.icmp_error(trigger, 3, 3, src=dst, ip_id=reply.ip.id)


@pytest.mark.parametrize(
    "icmp_type",
    [99, 4, 15, 17, 0],
    ids=["unknown-99", "source-quench", "information-request", "address-mask-request",
         "echo-reply"],
)
def test_icmp_type_not_answered(lab, icmp_type):
    message = IP(src=lab.SENDER, dst=lab.R1) / ICMP(type=icmp_type, code=0) / Raw(b"\x00" * 8)

    assert lab.replay(message) == []


@pytest.mark.parametrize(
    "dst",
    ["255.255.255.255", "198.18.5.255", "198.18.0.3", "224.0.0.1"],
    ids=["limited-broadcast", "r1-h2-subnet-broadcast", "hop0-subnet-broadcast", "all-hosts"],
)
def test_echo_to_broadcast_ignored(lab, dst):
    """Echo requests to broadcast and multicast addresses go unanswered, as
    with Linux's default icmp_echo_ignore_broadcasts=1."""
    assert lab.replay(lab.echo(dst)) == []


def test_udp_bad_checksum_to_router_silent(lab):
    """A datagram with a bad UDP checksum is dropped before the port lookup,
    so no port unreachable comes back."""
    trigger = IP(src=lab.SENDER, dst=lab.R1) / UDP(sport=40000, dport=7, chksum=0x1234) / Raw(
        b"echo"
    )

    assert lab.replay(trigger) == []


def test_udp_zero_checksum_to_router(lab):
    """A zero UDP checksum means the sender computed none: the datagram is
    accepted and gets port unreachable."""
    trigger = IP(src=lab.SENDER, dst=lab.R1) / UDP(sport=40000, dport=7, chksum=0) / Raw(b"echo")

    reply = lab.replay_one(trigger)

    assert reply.data == lab.icmp_error(trigger, 3, 3, src=lab.R1, ip_id=reply.ip.id)
