# SPDX-License-Identifier: MIT
"""The format and content of ICMPv4 errors, and when none may be sent.

An error goes to the source of the offending datagram with protocol 1.
Its checksum covers the whole ICMP message and unused bytes are zero.  It
quotes the datagram as received (TTL not yet decremented), as much as fits
in 576 bytes or the reply path's MTU if that is smaller.  It leaves with a
fresh TTL of 64, DF clear, precedence 6 plus the trigger's TOS bits
(ECN cleared, as Linux sends), from the address of the interface through
which the error leaves toward the sender.

No error is sent about an ICMP error or a packet that failed header
validation.  Nor is one sent about a packet to a broadcast or multicast
address, or one that arrived in a link-layer broadcast or multicast frame.
Non-initial fragments and packets whose source is not a single host get
no error either.
"""

import pytest
from scapy.all import ICMP, IP, UDP, Raw

BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"
MULTICAST_MAC = "01:00:5e:01:01:01"
R1_MAC = "02:00:00:00:00:01"

# One trigger per kind of error, each with the (type, code) it gets from r1.
TRIGGERS = {
    "ttl-expired": (lambda lab: lab.udp(lab.HOP2, ttl=1), 11, 0),
    "no-route": (lambda lab: lab.udp(lab.NO_ROUTE), 3, 0),
    "unreachable-route": (lambda lab: lab.udp(lab.UNREACHABLE), 3, 1),
    "unowned-neighbour": (lambda lab: lab.udp(lab.UNOWNED), 3, 1),
    "protocol": (lambda lab: IP(src=lab.SENDER, dst=lab.R1, proto=253) / Raw(b"x" * 8), 3, 2),
    "port": (lambda lab: lab.udp(lab.R1, dport=7), 3, 3),
    "fragmentation-needed": (lambda lab: lab.udp(lab.H2, size=1428, flags="DF"), 3, 4),
    "prohibit-route": (lambda lab: lab.udp(lab.PROHIBIT), 3, 13),
}


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_type_and_code(lab, name):
    build, icmp_type, code = TRIGGERS[name]

    reply = lab.replay_one(build(lab))

    assert reply.icmp[0] == icmp_type
    assert reply.icmp[1] == code


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_checksum_verifies(lab, name):
    build, _, _ = TRIGGERS[name]

    reply = lab.replay_one(build(lab))

    assert lab.checksum(reply.icmp) == 0
    assert lab.checksum(reply.data[:20]) == 0


def test_error_checksum_odd_length(lab):
    """A 61-byte trigger is quoted whole, so the ICMP message has 69 bytes
    and its checksum pads the last byte with zero."""
    trigger = lab.udp(lab.HOP2, size=61, ttl=1)

    reply = lab.replay_one(trigger)

    assert len(reply.icmp) == 69
    assert lab.checksum(reply.icmp) == 0


@pytest.mark.parametrize("name", [n for n in TRIGGERS if n != "fragmentation-needed"])
def test_error_unused_bytes_zero(lab, name):
    build, _, _ = TRIGGERS[name]

    reply = lab.replay_one(build(lab))

    assert reply.icmp[4:8] == b"\0\0\0\0"


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_goes_to_offending_source(lab, name):
    build, _, _ = TRIGGERS[name]

    reply = lab.replay_one(build(lab))

    assert reply.ip.dst == lab.SENDER
    assert reply.ip.proto == 1


# No error about an ICMP error.

ICMP_ERRORS = {
    "dest-unreachable": ICMP(type=3, code=3),
    "source-quench": ICMP(type=4, code=0),
    "redirect": ICMP(type=5, code=1, gw="198.18.0.2"),
    "time-exceeded": ICMP(type=11, code=0),
    "parameter-problem": ICMP(type=12, code=0, ptr=20),
}

ICMP_QUERIES = {
    "echo-request": ICMP(type=8, id=7, seq=1),
    "echo-reply": ICMP(type=0, id=7, seq=1),
    "timestamp-request": ICMP(type=13, id=7, seq=1),
    "information-request": ICMP(type=15, id=7, seq=1),
    "address-mask-request": ICMP(type=17, id=7, seq=1),
}


@pytest.mark.parametrize("name", list(ICMP_ERRORS))
def test_no_error_about_icmp_error(lab, name):
    quoted = IP(src=lab.HOP2, dst=lab.SENDER, ttl=60) / UDP(sport=33434, dport=40000)
    trigger = IP(src=lab.SENDER, dst=lab.HOP2, ttl=1) / ICMP_ERRORS[name] / Raw(bytes(quoted))

    assert lab.replay(trigger) == []


@pytest.mark.parametrize("name", list(ICMP_QUERIES))
def test_error_about_icmp_query(lab, name):
    trigger = IP(src=lab.SENDER, dst=lab.HOP2, ttl=1) / ICMP_QUERIES[name] / Raw(b"q" * 12)

    reply = lab.replay_one(trigger)

    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1, ip_id=reply.ip.id)


def test_no_error_bad_header_checksum(lab):
    trigger = bytearray(bytes(lab.udp(lab.HOP2, ttl=1)))
    trigger[10] ^= 0x5A

    assert lab.replay(bytes(trigger)) == []


@pytest.mark.parametrize(
    "dst, ttl",
    [
        ("255.255.255.255", 1),
        ("255.255.255.255", 64),
        ("239.1.1.1", 1),
        ("224.0.0.5", 1),
        ("198.18.5.255", 1),
        ("198.18.5.255", 64),
    ],
    ids=[
        "limited-broadcast-ttl1",
        "limited-broadcast-ttl64",
        "multicast-239-ttl1",
        "multicast-224-ttl1",
        "directed-broadcast-ttl1",
        "directed-broadcast-ttl64",
    ],
)
def test_no_error_to_broadcast_or_multicast(lab, dst, ttl):
    trigger = lab.udp(dst, ttl=ttl, dport=7)

    assert lab.replay(trigger) == []


@pytest.mark.parametrize("mac", [BROADCAST_MAC, MULTICAST_MAC], ids=["broadcast", "multicast"])
@pytest.mark.parametrize("ttl", [1, 64])
def test_no_error_link_broadcast_frame(lab, mac, ttl):
    """A unicast datagram in a link-layer broadcast or multicast frame gets
    no error and is not forwarded."""
    frame = lab.ethernet(lab.udp(lab.HOP2, ttl=ttl), mac)

    assert lab.replay(frame, linktype=lab.LINKTYPE_ETHERNET) == []


def test_error_link_unicast_frame(lab):
    trigger = lab.udp(lab.HOP2, ttl=1)

    reply = lab.replay_one(lab.ethernet(trigger, R1_MAC), linktype=lab.LINKTYPE_ETHERNET)

    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1, ip_id=reply.ip.id)


def test_no_error_later_fragment(lab):
    trigger = lab.udp(lab.HOP2, size=60, ttl=1, frag=1, flags="MF")

    assert lab.replay(trigger) == []


def test_no_error_last_fragment(lab):
    trigger = lab.udp(lab.HOP2, size=60, ttl=1, frag=185)

    assert lab.replay(trigger) == []


def test_error_first_fragment(lab):
    trigger = lab.udp(lab.HOP2, size=60, ttl=1, flags="MF")

    reply = lab.replay_one(trigger)

    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1, ip_id=reply.ip.id)


@pytest.mark.parametrize(
    "src",
    ["0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.5", "239.1.1.1", "255.255.255.255", "240.0.0.1"],
)
def test_no_error_martian_source(lab, src):
    trigger = lab.udp(lab.HOP2, src=src, ttl=1)

    assert lab.replay(trigger) == []


@pytest.mark.parametrize(
    "src", ["0.0.0.0", "127.0.0.1", "224.0.0.5", "255.255.255.255", "240.0.0.1"]
)
def test_martian_source_not_forwarded(lab, src):
    trigger = lab.udp(lab.HOP2, src=src, ttl=64)

    assert lab.replay(trigger) == []


# Content of an error.


def test_error_quote_fills_576(lab):
    trigger = lab.udp(lab.HOP2, size=1428, ttl=1)

    reply = lab.replay_one(trigger)

    assert reply.ip.len == 576
    assert len(reply.data) == 576
    assert reply.icmp[8:] == bytes(trigger)[:548]
    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1, ip_id=reply.ip.id)


def test_error_quotes_small_packet_whole(lab):
    trigger = lab.udp(lab.HOP2, size=60, ttl=1)

    reply = lab.replay_one(trigger)

    assert reply.ip.len == 20 + 8 + 60
    assert reply.icmp[8:] == bytes(trigger)
    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1, ip_id=reply.ip.id)


def test_error_quotes_received_ttl(lab):
    trigger = lab.udp(lab.HOP2, ttl=1)

    reply = lab.replay_one(trigger)

    assert IP(reply.icmp[8:]).ttl == 1


def test_frag_needed_quotes_received_ttl(lab):
    trigger = lab.udp(lab.H2, size=1428, ttl=64, flags="DF")

    reply = lab.replay_one(trigger)

    assert reply.icmp[8:] == bytes(trigger)[:548]
    assert IP(reply.icmp[8:]).ttl == 64


@pytest.mark.parametrize("trigger_ttl", [1, 0])
def test_error_ttl_is_fresh(lab, trigger_ttl):
    trigger = lab.udp(lab.HOP2, ttl=trigger_ttl)

    reply = lab.replay_one(trigger)

    assert reply.ip.ttl == 64


def test_error_source_is_interface_toward_sender(lab):
    trigger = lab.udp(lab.HOP2, ttl=1)

    reply = lab.replay_one(trigger)

    assert reply.ip.src == lab.R1


def test_error_source_on_asymmetric_path(lab):
    """A probe from hop0 with hop1's source address reaches r1 on hop0, but
    r1's route back to that source leaves toward g2: the error comes from
    r1's g2-side address and leaves the topology through hop1."""
    trigger = lab.udp(lab.HOP2, src=lab.HOP1, ttl=1)

    reply = lab.replay_one(trigger)

    assert reply.ip.src == lab.R1_G2
    assert reply.ip.dst == lab.HOP1
    assert reply.data == lab.icmp_error(
        trigger, 11, 0, src=lab.R1_G2, ip_id=reply.ip.id, ttl=64 - 2
    )


def test_error_source_from_second_tun(lab):
    trigger = IP(src=lab.HOP2, dst=lab.SENDER, ttl=1) / UDP(sport=40000, dport=33434)

    reply = lab.replay_one(trigger, tun="hop2")

    assert reply.ip.src == lab.R1_HOP2
    assert reply.data == lab.icmp_error(trigger, 11, 0, src=lab.R1_HOP2, ip_id=reply.ip.id)


@pytest.mark.parametrize(
    "tos, expected",
    [(0x00, 0xC0), (0x28, 0xC8), (0x2B, 0xCA), (0x10, 0xD0), (0xE0, 0xC0), (0xFF, 0xDE)],
)
def test_error_tos(lab, tos, expected):
    trigger = lab.udp(lab.HOP2, ttl=1, tos=tos)

    reply = lab.replay_one(trigger)

    assert reply.ip.tos == expected


def test_error_df_clear(lab):
    trigger = lab.udp(lab.HOP2, size=1428, ttl=1, flags="DF")

    reply = lab.replay_one(trigger)

    assert reply.data[6:8] == b"\0\0"


def test_error_capped_by_reply_path_mtu(lab):
    """hop2's link has MTU 400, so errors sent toward it are cut to 400
    bytes instead of 576."""
    trigger = IP(src=lab.HOP2, dst=lab.SENDER, ttl=1) / UDP(sport=40000, dport=33434) / Raw(
        bytes(range(256)) * 6
    )

    reply = lab.replay_one(trigger, tun="hop2")

    assert reply.ip.len == lab.MTU_HOP2
    assert reply.icmp[8:] == bytes(trigger)[: lab.MTU_HOP2 - 28]
    assert reply.data == lab.icmp_error(
        trigger, 11, 0, src=lab.R1_HOP2, ip_id=reply.ip.id, room=lab.MTU_HOP2
    )
