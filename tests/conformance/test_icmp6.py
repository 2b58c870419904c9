# SPDX-License-Identifier: MIT
"""ICMPv6 errors and echo replies from the routers of topologies/lab6.yaml.

An error (RFC 4443) goes to the source of the offending packet with Next
Header 58 and no extension headers.  Its checksum covers the IPv6
pseudo-header and the whole message.  It quotes the packet as the node
received it (hop limit not yet decremented), as much as keeps the error
within 1280 bytes.  It leaves with hop limit 64, traffic class 0 and flow
label 0.  A router's error comes from the interface through which its
route back to the sender leaves, and an error about a packet addressed to
the node comes from that address.

No error is sent about an ICMPv6 error, nor about a packet whose source is
:: or multicast.  A packet to a multicast destination gets none either,
except packet too big and a parameter problem for an unknown option
whose action bits are 10 (RFC 8200 4.2).  Transit routers process only
the Hop-by-Hop header, so other extension headers and unknown Next Header
values cross them unchanged.

NOTE: routers never forward to a multicast destination, so packet too big
about one cannot be provoked and is not tested.
"""

from dataclasses import dataclass
from typing import Callable

import pytest
from scapy.all import UDP
from scapy.layers.inet6 import (
    HBHOptUnknown,
    ICMPv6EchoRequest,
    IPv6ExtHdrDestOpt,
    IPv6ExtHdrHopByHop,
)

PATTERN_1024 = bytes(range(256)) * 4
NH_UNKNOWN = 150
NH_HOP_BY_HOP = 0
NH_NO_NEXT = 59
NH_DEST_OPTS = 60


def hop_by_hop(option_type):
    """A Hop-by-Hop header of 8 bytes whose only option, at byte 2 of the
    header (byte 42 of the packet), is @option_type with 4 bytes of data."""
    return IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=option_type, optdata=b"\0" * 4)])


def hop_by_hop_after_dest_opts(lab6):
    """A packet to r1 with a Destination Options header (bytes 40-47)
    whose Next Header, at byte 40, names a Hop-by-Hop header."""
    headers = bytes(IPv6ExtHdrDestOpt(nh=NH_HOP_BY_HOP)) + bytes(IPv6ExtHdrHopByHop(nh=NH_NO_NEXT))
    return lab6.raw(lab6.R1, NH_DEST_OPTS, headers)


@dataclass
class Trigger:
    """A probe from hop0 and the error that one node of the lab sends."""

    build: Callable  # lab6 -> scapy packet
    icmp_type: int
    code: int
    src: str  # attribute of Lab6 that names the error's source address
    rest: int = 0  # bytes 4-7: MTU or pointer
    routers_before: int = 0  # routers that forwarded the probe to the node
    delay_us: int = 0  # time from the probe's input to the error's output


TRIGGERS = {
    "time-exceeded": Trigger(lambda lab: lab.udp(lab.HOP1, hlim=1), 3, 0, "R1"),
    "time-exceeded-g2": Trigger(
        lambda lab: lab.udp(lab.HOP1, hlim=2), 3, 0, "G2", routers_before=1, delay_us=4000
    ),
    "no-route": Trigger(lambda lab: lab.udp(lab.NO_ROUTE), 1, 0, "R1"),
    "prohibit-route": Trigger(lambda lab: lab.udp(lab.PROHIBIT), 1, 1, "R1"),
    "unowned-neighbour": Trigger(lambda lab: lab.udp(lab.UNOWNED), 1, 3, "R1", delay_us=200_000),
    "port": Trigger(lambda lab: lab.udp(lab.R1_G2), 1, 4, "R1_G2"),
    "unreachable-route": Trigger(lambda lab: lab.udp(lab.UNREACHABLE), 1, 6, "R1"),
    "packet-too-big": Trigger(lambda lab: lab.udp(lab.H2, size=1300), 2, 0, "R1", rest=1280),
    "packet-too-big-g2": Trigger(
        lambda lab: lab.udp(lab.HOP1, size=1281), 2, 0, "G2", rest=1280, routers_before=1,
        delay_us=4000,
    ),
    "unknown-next-header": Trigger(
        lambda lab: lab.raw(lab.R1, NH_UNKNOWN, b"\0" * 8), 4, 1, "R1", rest=6
    ),
    "hop-by-hop-not-first": Trigger(hop_by_hop_after_dest_opts, 4, 1, "R1", rest=40),
    "option-10-transit": Trigger(
        lambda lab: lab.udp(lab.HOP1, ext=[hop_by_hop(0x9E)]), 4, 2, "R1", rest=42
    ),
    "option-10-to-node": Trigger(
        lambda lab: lab.udp(lab.R1, ext=[hop_by_hop(0x9E)]), 4, 2, "R1", rest=42
    ),
    "option-11-transit": Trigger(
        lambda lab: lab.udp(lab.HOP1, ext=[hop_by_hop(0xDE)]), 4, 2, "R1", rest=42
    ),
    "option-11-to-node": Trigger(
        lambda lab: lab.udp(lab.R1, ext=[hop_by_hop(0xDE)]), 4, 2, "R1", rest=42
    ),
}


def replay_trigger(lab6, name):
    """Replay trigger @name and return (probe, Trigger, the one reply)."""
    trigger = TRIGGERS[name]
    probe = trigger.build(lab6)
    return probe, trigger, lab6.replay_one(probe)


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_type_and_code(lab6, name):
    _, trigger, reply = replay_trigger(lab6, name)

    assert reply.icmp[0] == trigger.icmp_type
    assert reply.icmp[1] == trigger.code


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_rest_field(lab6, name):
    # Bytes 4-7 carry the MTU of packet too big, the pointer of a
    # parameter problem, and zero otherwise.
    _, trigger, reply = replay_trigger(lab6, name)

    assert int.from_bytes(reply.icmp[4:8], "big") == trigger.rest


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_checksum_pseudo_header(lab6, name):
    _, _, reply = replay_trigger(lab6, name)

    assert lab6.checksum6(reply) == 0


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_addresses(lab6, name):
    probe, trigger, reply = replay_trigger(lab6, name)

    assert reply.dst == lab6.SENDER
    assert reply.src == getattr(lab6, trigger.src)
    assert reply.data[6] == 58, "Next Header of the error"
    assert int.from_bytes(reply.data[4:6], "big") == len(reply.data) - 40


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_hop_limit_and_class(lab6, name):
    # The probes carry traffic class 0xb8 and flow label 0x12345, which the
    # error does not copy.
    trigger = TRIGGERS[name]
    probe = trigger.build(lab6)
    probe.tc = 0xB8
    probe.fl = 0x12345

    reply = lab6.replay_one(probe)

    assert reply.data[7] == 64 - trigger.routers_before, "hop limit on arrival"
    assert reply.ip6.tc == 0
    assert reply.ip6.fl == 0


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_quotes_packet_as_received(lab6, name):
    probe, trigger, reply = replay_trigger(lab6, name)
    received = lab6.forwarded(probe, trigger.routers_before)

    assert reply.icmp[8:] == received[: len(reply.icmp) - 8]
    assert len(reply.icmp) - 8 == min(len(received), 1232)


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_time(lab6, name):
    _, trigger, reply = replay_trigger(lab6, name)

    assert reply.time_us == lab6.START_US + trigger.delay_us


@pytest.mark.parametrize("name", list(TRIGGERS))
def test_error_bytes(lab6, name):
    probe, trigger, reply = replay_trigger(lab6, name)
    expected = lab6.icmp6_error(
        lab6.forwarded(probe, trigger.routers_before),
        trigger.icmp_type,
        trigger.code,
        getattr(lab6, trigger.src),
        rest=trigger.rest,
        hlim=64 - trigger.routers_before,
    )

    assert reply.data == expected


# ---------------------------------------------------------------------------
# The 1280-byte limit


def test_quote_limit_1280(lab6):
    """A 1448-byte packet that expires at r1 gets a 1280-byte error whose
    last 1232 bytes are the first 1232 bytes of the packet."""
    probe = bytes(lab6.udp(lab6.HOP1, size=1448, hlim=1))

    reply = lab6.replay_one(probe)

    assert len(reply.data) == 1280
    assert int.from_bytes(reply.data[4:6], "big") == 1240, "payload length"
    assert reply.icmp[8:] == probe[:1232]
    assert lab6.checksum6(reply) == 0


def test_quote_whole_odd_length(lab6):
    """A 61-byte packet is quoted whole, so the ICMPv6 message has 69 bytes
    and its checksum pads the last byte with zero."""
    probe = bytes(lab6.udp(lab6.HOP1, size=61, hlim=1))

    reply = lab6.replay_one(probe)

    assert len(reply.icmp) == 69
    assert reply.icmp[8:] == probe
    assert lab6.checksum6(reply) == 0


def test_packet_too_big_1280_fits(lab6):
    """A 1280-byte packet fits the 1280-byte links and reaches hop1."""
    probe = lab6.udp(lab6.HOP1, size=1280)

    reply = lab6.replay_one(probe)

    assert reply.data == lab6.forwarded(probe, 3)


# ---------------------------------------------------------------------------
# Extension headers and options


def test_transit_unknown_next_header_forwarded(lab6):
    """Only the destination reads past the Hop-by-Hop header, so an
    unknown Next Header crosses the three routers to hop1."""
    probe = lab6.raw(lab6.HOP1, NH_UNKNOWN, b"\0" * 8)

    reply = lab6.replay_one(probe)

    assert reply.data == lab6.forwarded(probe, 3)


def test_transit_destination_options_forwarded(lab6):
    """A Destination Options header with an unknown option of action 11 is
    for the destination only: routers forward it."""
    options = IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0xDE, optdata=b"\0" * 4)])
    probe = lab6.udp(lab6.HOP1, ext=[options])

    reply = lab6.replay_one(probe)

    assert reply.data == lab6.forwarded(probe, 3)


def test_option_00_skipped_in_transit(lab6):
    probe = lab6.udp(lab6.HOP1, ext=[hop_by_hop(0x1E)])

    reply = lab6.replay_one(probe)

    assert reply.data == lab6.forwarded(probe, 3)


def test_option_00_echo_reply(lab6):
    """An echo request with an option of action 00 (skip) gets its reply,
    which carries no extension header."""
    request = lab6.echo(lab6.R1, ext=[hop_by_hop(0x1E)])

    reply = lab6.replay_one(request)

    assert reply.icmp[0] == 129
    assert reply.data == lab6.echo_reply(request)


@pytest.mark.parametrize("dst", ["HOP1", "R1"], ids=["transit", "to-node"])
def test_option_01_discarded_silently(lab6, dst):
    probe = lab6.udp(getattr(lab6, dst), ext=[hop_by_hop(0x5E)])

    assert lab6.replay(probe) == []


# ---------------------------------------------------------------------------
# When no error may be sent


@pytest.mark.parametrize("icmp_type", [1, 2, 3, 4, 127])
def test_no_error_about_icmp6_error(lab6, icmp_type):
    """An ICMPv6 error (types 0 to 127) that expires gets no time exceeded."""
    message = lab6.icmp6_error(bytes(lab6.udp(lab6.SENDER)), icmp_type, 0, lab6.SENDER)[40:]
    probe = lab6.raw(lab6.HOP1, 58, message, hlim=1)

    assert lab6.replay(probe) == []


@pytest.mark.parametrize("icmp_type", [1, 3])
def test_no_error_behind_hop_by_hop(lab6, icmp_type):
    """The error is still recognised behind a Hop-by-Hop header."""
    message = lab6.icmp6_error(bytes(lab6.udp(lab6.SENDER)), icmp_type, 0, lab6.SENDER)[40:]
    probe = lab6.raw(
        lab6.HOP1, NH_HOP_BY_HOP, bytes(IPv6ExtHdrHopByHop(nh=58)) + message, hlim=1
    )

    assert lab6.replay(probe) == []


@pytest.mark.parametrize("icmp_type", [128, 200], ids=["echo-request", "unknown-informational"])
def test_informational_message_gets_error(lab6, icmp_type):
    """Types from 128 up are informational: they do get time exceeded."""
    message = bytes([icmp_type, 0, 0, 0]) + b"\0" * 8
    probe = lab6.raw(lab6.HOP1, 58, message, hlim=1)

    reply = lab6.replay_one(probe)

    assert reply.icmp[0] == 3
    assert reply.icmp[1] == 0


@pytest.mark.parametrize("hlim", [1, 64], ids=["hop-limit-1", "hop-limit-64"])
def test_multicast_destination_no_error(lab6, hlim):
    probe = lab6.udp(lab6.MULTICAST, hlim=hlim)

    assert lab6.replay(probe) == []


def test_multicast_option_11_no_error(lab6):
    probe = lab6.udp(lab6.MULTICAST, ext=[hop_by_hop(0xDE)])

    assert lab6.replay(probe) == []


def test_multicast_option_10_parameter_problem(lab6):
    """Action bits 10 ask for a parameter problem even when the destination
    is multicast (RFC 8200 4.2)."""
    probe = lab6.udp(lab6.MULTICAST, ext=[hop_by_hop(0x9E)])

    reply = lab6.replay_one(probe)

    assert reply.data == lab6.icmp6_error(probe, 4, 2, lab6.R1, rest=42)


@pytest.mark.parametrize("src", ["::", "ff02::1", "ff0e::1"])
def test_source_not_unicast_no_error(lab6, src):
    probe = lab6.udp(lab6.HOP1, hlim=1, src=src)

    assert lab6.replay(probe) == []


@pytest.mark.parametrize("src", ["::", "ff02::1"])
def test_source_not_unicast_no_echo_reply(lab6, src):
    probe = lab6.echo(lab6.R1, src=src)

    assert lab6.replay(probe) == []


def test_blackhole_silent(lab6):
    assert lab6.replay(lab6.udp(lab6.BLACKHOLE)) == []


# ---------------------------------------------------------------------------
# Time exceeded from the interface toward the sender


@pytest.mark.parametrize(
    "tun, sender, dst, hlim, src",
    [
        ("hop0", "SENDER", "HOP1", 1, "R1"),
        ("hop0", "SENDER", "HOP1", 2, "G2"),
        ("hop0", "SENDER", "HOP1", 3, "R3"),
        ("hop1", "HOP1", "SENDER", 1, "R3_HOP1"),
        ("hop1", "HOP1", "SENDER", 2, "G2_R3"),
        ("hop1", "HOP1", "SENDER", 3, "R1_G2"),
    ],
    ids=["hop0-r1", "hop0-g2", "hop0-r3", "hop1-r3", "hop1-g2", "hop1-r1"],
)
def test_time_exceeded_source(lab6, tun, sender, dst, hlim, src):
    probe = lab6.udp(getattr(lab6, dst), hlim=hlim, src=getattr(lab6, sender))

    reply = lab6.replay_one(probe, tun=tun)

    assert reply.icmp[0] == 3
    assert reply.src == getattr(lab6, src)
    assert reply.dst == getattr(lab6, sender)
    assert lab6.checksum6(reply) == 0


def test_time_exceeded_time_r3(lab6):
    """r3 is 2 + 3 ms from hop0, so its error leaves 10 ms after the probe."""
    reply = lab6.replay_one(lab6.udp(lab6.HOP1, hlim=3))

    assert reply.src == lab6.R3
    assert reply.time_us == lab6.START_US + 2 * (lab6.DELAY_R1_G2_US + lab6.DELAY_G2_R3_US)
    assert reply.data[7] == 62, "hop limit after g2 and r1"


# ---------------------------------------------------------------------------
# Echo


def test_echo_reply_bytes(lab6):
    request = lab6.echo(lab6.R1, data=PATTERN_1024, icmp_id=0xBEEF, seq=0x1234)

    reply = lab6.replay_one(request)

    echo = reply.ip6.payload
    assert reply.icmp[0] == 129
    assert reply.icmp[1] == 0
    assert echo.id == 0xBEEF
    assert echo.seq == 0x1234
    assert bytes(echo.data) == PATTERN_1024
    assert lab6.checksum6(reply) == 0
    assert reply.data == lab6.echo_reply(request)


def test_echo_reply_odd_length(lab6):
    request = lab6.echo(lab6.R1, data=bytes(range(33)))

    reply = lab6.replay_one(request)

    assert lab6.checksum6(reply) == 0
    assert reply.data == lab6.echo_reply(request)


def test_echo_reply_keeps_traffic_class(lab6):
    request = lab6.echo(lab6.R1, tc=0xB8)

    reply = lab6.replay_one(request)

    assert reply.ip6.tc == 0xB8
    assert reply.ip6.fl == 0


# (attribute of the pinged address, routers the reply crosses after the
# node itself, round trip in microseconds)
ECHO_TARGETS = {
    "r1-hop0": ("R1", 0, 0),
    "r1-h2": ("R1_H2", 0, 0),
    "r1-g2": ("R1_G2", 0, 0),
    "r1-link-local": ("R1_LINK_LOCAL", 0, 0),
    "h2": ("H2", 1, 2000),
    "g2-r1": ("G2", 1, 4000),
    "g2-r3": ("G2_R3", 1, 4000),
    "r3-g2": ("R3", 2, 10000),
    "r3-hop1": ("R3_HOP1", 2, 10000),
}


@pytest.mark.parametrize("name", list(ECHO_TARGETS))
def test_echo_reply_source_is_pinged_address(lab6, name):
    attr, routers_back, _ = ECHO_TARGETS[name]
    request = lab6.echo(getattr(lab6, attr))

    reply = lab6.replay_one(request)

    assert reply.src == getattr(lab6, attr)
    assert reply.dst == lab6.SENDER
    assert reply.data == lab6.echo_reply(request, hlim=64 - routers_back)


@pytest.mark.parametrize("name", list(ECHO_TARGETS))
def test_echo_reply_time(lab6, name):
    attr, _, round_trip_us = ECHO_TARGETS[name]

    reply = lab6.replay_one(lab6.echo(getattr(lab6, attr)))

    assert reply.time_us == lab6.START_US + round_trip_us


@pytest.mark.parametrize("icmp_id, seq", [(0, 0), (1, 65535), (0xFFFF, 1), (0x1234, 0xABCD)])
def test_echo_reply_id_seq_kept(lab6, icmp_id, seq):
    request = lab6.echo(lab6.H2, icmp_id=icmp_id, seq=seq, data=b"id-seq")

    reply = lab6.replay_one(request)

    echo = reply.ip6.payload
    assert echo.id == icmp_id
    assert echo.seq == seq
    assert bytes(echo.data) == b"id-seq"
    assert lab6.checksum6(reply) == 0


def test_echo_bad_checksum_no_reply(lab6):
    request = lab6.echo(lab6.R1)
    request[ICMPv6EchoRequest].cksum = 0x1234

    assert lab6.replay(request) == []


def test_udp_to_node_port_unreachable_from_node(lab6):
    """UDP to h2 gets port unreachable from h2 itself, 1 ms away."""
    probe = lab6.udp(lab6.H2, dport=7)

    reply = lab6.replay_one(probe)

    assert reply.data == lab6.icmp6_error(lab6.forwarded(probe, 1), 1, 4, lab6.H2, hlim=63)
    assert reply.time_us == lab6.START_US + 2 * lab6.DELAY_R1_H2_US


def test_udp_checksum_zero_no_error(lab6):
    """IPv6 forbids a zero UDP checksum (RFC 8200 8.1): no port unreachable."""
    probe = lab6.udp(lab6.R1)
    probe[UDP].chksum = 0

    assert lab6.replay(probe) == []
