# SPDX-License-Identifier: MIT
"""Fixtures for the IPv4 and IPv6 conformance tests.

Each test writes crafted packets to a capture file, carries them through
topologies/lab.yaml (IPv6: topologies/lab6.yaml) with `hopsim replay`,
and reads back what leaves the topology through any TUN device.  Replay
needs neither root nor a network.
"""

import os
import socket
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from scapy.all import ICMP, IP, UDP, Ether, Raw
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6
from scapy.utils import PcapWriter, RawPcapReader, checksum

REPO = Path(__file__).resolve().parents[2]
# The binary under test: the HOPSIM environment variable, or the one that
# `make hopsim` builds at the repository root.
HOPSIM = Path(os.environ.get("HOPSIM", REPO / "hopsim"))
LAB_TOPOLOGY = Path(__file__).resolve().parent / "topologies" / "lab.yaml"

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101

# Input time of the first packet of every replay, in microseconds.
START_US = 1_000_000_000

# Largest ICMPv4 error a router sends: 576 bytes, less the 20-byte IP and
# 8-byte ICMP headers, leaves 548 bytes for the quoted datagram.
ICMP_ERROR_MAX = 576

# Seconds one replay may take; a replay of a few packets takes milliseconds.
REPLAY_TIMEOUT = 10


@dataclass(frozen=True)
class Captured:
    """One packet that left the topology, with its pcap time stamp."""

    time_us: int
    data: bytes

    def __repr__(self):
        return f"<{self.time_us} us: {IP(self.data).summary()}: {self.data.hex()}>"

    @property
    def ip(self):
        return IP(self.data)

    @property
    def icmp(self):
        """The ICMP message: every byte after the IP header."""
        return self.data[(self.data[0] & 0x0F) * 4 :]


class Lab:
    """The addresses of topologies/lab.yaml and a replay of packets through it.

    `hopsim check topologies/lab.yaml` prints the same address plan.
    """

    SENDER = "198.18.0.1"  # kernel end of hop0, the sender of every probe
    R1 = "198.18.0.2"  # r1 on hop0
    R1_HOP2 = "198.18.0.10"  # r1 on hop2
    R1_H2 = "198.18.5.1"  # r1 on the r1 -- h2 /24 (MTU 1280)
    R1_G2 = "198.18.1.1"  # r1 on the r1 -- g2 link
    H2 = "198.18.5.2"
    G2 = "198.18.1.2"  # g2 on the r1 -- g2 link
    G2_R3 = "198.18.1.5"  # g2 on the g2 -- r3 link (MTU 1280)
    R3 = "198.18.1.6"  # r3 on the g2 -- r3 link
    R3_HOP1 = "198.18.0.6"  # r3 on hop1
    HOP1 = "198.18.0.5"  # kernel end of hop1, behind r1, g2 and r3
    HOP2 = "198.18.0.9"  # kernel end of hop2 (MTU 400), on r1

    H2_SUBNET_BROADCAST = "198.18.5.255"
    UNOWNED = "198.18.5.77"  # on r1's connected /24, but no interface has it
    NO_ROUTE = "198.19.9.9"  # no route on r1, which has no default
    UNREACHABLE = "198.18.201.1"  # r1: unreachable 198.18.201.0/24
    PROHIBIT = "198.18.202.1"  # r1: prohibit 198.18.202.0/24
    BLACKHOLE = "198.18.203.1"  # r1: blackhole 198.18.203.0/24
    NOT_FOR_H2 = "198.18.150.1"  # r1 routes 198.18.150.0/24 to h2

    TOPOLOGY = LAB_TOPOLOGY
    START_US = START_US
    ARP_TIMEOUT_US = 200_000  # r1's arp-timeout
    MTU_R1_H2 = 1280
    MTU_G2_R3 = 1280
    MTU_HOP2 = 400
    ROUTERS_TO_HOP1 = 3  # r1, g2 and r3 each forward once
    LINKTYPE_ETHERNET = LINKTYPE_ETHERNET

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.runs = 0

    def replay(self, *packets, tun=None, times_us=None, linktype=LINKTYPE_RAW):
        """Carry @packets (scapy packets or bytes) through the lab.

        They enter from TUN device @tun (hop0 unless given) at @times_us,
        by default all at START_US.  Returns every packet that leaves the
        topology, in pcap order.
        """
        self.runs += 1
        in_path = self.workdir / f"in{self.runs}.pcap"
        out_path = self.workdir / f"out{self.runs}.pcap"
        if times_us is None:
            times_us = [START_US] * len(packets)
        assert len(times_us) == len(packets)

        writer = PcapWriter(str(in_path), linktype=linktype, sync=True)
        writer.write_header(None)
        for packet, time_us in zip(packets, times_us):
            writer.write_packet(
                bytes(packet), sec=time_us // 1_000_000, usec=time_us % 1_000_000
            )
        writer.close()

        argv = [str(HOPSIM), "replay", str(self.TOPOLOGY), str(in_path), str(out_path), "-v"]
        if tun:
            argv += ["--from", tun]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=REPLAY_TIMEOUT)
        # pytest shows this trace of every hop when the test fails.
        print(" ".join(argv))
        print(result.stdout, end="")
        print(result.stderr, end="")
        if result.returncode != 0:
            pytest.fail(f"hopsim replay exited with {result.returncode}:\n{result.stderr}")

        reader = RawPcapReader(str(out_path))
        assert reader.linktype == LINKTYPE_RAW
        captured = [
            Captured(meta.sec * 1_000_000 + meta.usec, bytes(data)) for data, meta in reader
        ]
        reader.close()
        return captured

    def replay_one(self, packet, **kwargs):
        """Replay @packet and return the single packet that comes back.

        Fails the test when nothing or more than one packet comes back.
        """
        captured = self.replay(packet, **kwargs)
        assert len(captured) == 1, f"expected one packet back, got {len(captured)}"
        return captured[0]

    @staticmethod
    def forwarded(packet, hops):
        """The bytes of @packet after @hops routers decremented its TTL,
        with its header checksum recomputed."""
        ip = IP(bytes(packet))
        ip.ttl -= hops
        del ip.chksum
        return bytes(ip)

    @staticmethod
    def checksum(data):
        """The Internet checksum of @data: 0 when @data contains a valid
        checksum field."""
        return checksum(bytes(data))

    @staticmethod
    def fix_header_checksum(header):
        """@header, the bytes of an IPv4 header, with a valid checksum."""
        header = bytearray(header)
        header[10:12] = b"\0\0"
        header[10:12] = struct.pack("!H", checksum(bytes(header)))
        return bytes(header)

    # Builders of probes.  Each returns a scapy packet from the sender.

    def udp(self, dst, size=28, dport=33434, src=None, **ip_fields):
        """A UDP datagram to @dst whose IP total length is @size bytes."""
        payload = bytes(range(256)) * (size // 256 + 1)
        return IP(src=src or self.SENDER, dst=dst, **ip_fields) / UDP(
            sport=40000, dport=dport
        ) / Raw(payload[: size - 28])

    def echo(self, dst, data=b"hopsim", icmp_id=0xBEEF, seq=0x1234, src=None, **ip_fields):
        return IP(src=src or self.SENDER, dst=dst, **ip_fields) / ICMP(
            type=8, id=icmp_id, seq=seq
        ) / Raw(data)

    def ethernet(self, packet, dst_mac):
        """@packet in an Ethernet frame to @dst_mac."""
        return Ether(src="02:00:00:00:00:fe", dst=dst_mac, type=0x0800) / packet

    # Builders of expected replies.

    def icmp_error(self, trigger, icmp_type, code, src, ip_id, dst=None, ttl=64,
                   room=ICMP_ERROR_MAX, **icmp_fields):
        """The bytes of the ICMP error that a router with address @src sends
        about @trigger (bytes as the router received them).

        It quotes as much of @trigger as fits in @room bytes, carries
        precedence 6 with the trigger's TOS bits and ECN cleared, DF clear
        and TTL @ttl.
        """
        trigger = bytes(trigger)
        quote = trigger[: room - 28]
        packet = IP(
            src=src,
            dst=dst or IP(trigger).src,
            tos=0xC0 | (trigger[1] & 0x1E),
            id=ip_id,
            flags=0,
            ttl=ttl,
            proto=1,
        ) / ICMP(type=icmp_type, code=code, **icmp_fields) / Raw(quote)
        return bytes(packet)

    def echo_reply(self, request, ip_id, src=None, ttl=64):
        """The bytes of the echo reply to @request (a scapy packet)."""
        request = IP(bytes(request))
        icmp = request[ICMP]
        packet = IP(
            src=src or request.dst,
            dst=request.src,
            tos=request.tos,
            id=ip_id,
            flags=0,
            ttl=ttl,
            proto=1,
        ) / ICMP(type=0, code=0, id=icmp.id, seq=icmp.seq) / Raw(bytes(icmp.payload))
        return bytes(packet)


@pytest.fixture(scope="session")
def hopsim_binary():
    if not HOPSIM.is_file():
        pytest.fail(
            f"{HOPSIM} not found: build it with `make hopsim` or set HOPSIM", pytrace=False
        )
    return HOPSIM


@pytest.fixture
def lab(tmp_path, hopsim_binary):
    """The lab topology, replayed from files under the test's tmp_path."""
    return Lab(tmp_path)


# ---------------------------------------------------------------------------
# IPv6: topologies/lab6.yaml

LAB6_TOPOLOGY = Path(__file__).resolve().parent / "topologies" / "lab6.yaml"

# Largest ICMPv6 error (RFC 4443 2.4(c)): the IPv6 minimum MTU, 1280
# bytes, less the 40-byte IPv6 and 8-byte ICMPv6 headers, leaves 1232
# bytes for the quoted packet.
ICMP6_ERROR_MAX = 1280
ICMP6_QUOTE_MAX = ICMP6_ERROR_MAX - 48

NH_ICMPV6 = 58


def icmp6_checksum(src, dst, message):
    """Return the Internet checksum of the ICMPv6 @message (bytes) with the
    pseudo-header of RFC 8200 8.1 for @src and @dst: 0 when @message
    contains a valid checksum field."""
    pseudo = (
        socket.inet_pton(socket.AF_INET6, src)
        + socket.inet_pton(socket.AF_INET6, dst)
        + struct.pack("!I3xB", len(message), NH_ICMPV6)
    )
    return checksum(pseudo + bytes(message))


def ipv6_header(src, dst, payload_len, next_header, hop_limit, traffic_class=0):
    """The 40 bytes of an IPv6 header with flow label 0."""
    return (
        struct.pack("!IHBB", 6 << 28 | traffic_class << 20, payload_len, next_header, hop_limit)
        + socket.inet_pton(socket.AF_INET6, src)
        + socket.inet_pton(socket.AF_INET6, dst)
    )


def icmp6_message(src, dst, icmp_type, code, body):
    """The bytes of an ICMPv6 message from @src to @dst, checksum set."""
    message = bytearray(struct.pack("!BBH", icmp_type, code, 0) + bytes(body))
    message[2:4] = struct.pack("!H", icmp6_checksum(src, dst, message))
    return bytes(message)


class Captured6(Captured):
    """One IPv6 packet that left the topology."""

    def __repr__(self):
        return f"<{self.time_us} us: {IPv6(self.data).summary()}: {self.data.hex()}>"

    @property
    def ip6(self):
        return IPv6(self.data)

    @property
    def icmp(self):
        """The ICMPv6 message: every byte after the 40-byte header.  hopsim
        sends its own packets without extension headers."""
        return self.data[40:]

    @property
    def src(self):
        return socket.inet_ntop(socket.AF_INET6, self.data[8:24])

    @property
    def dst(self):
        return socket.inet_ntop(socket.AF_INET6, self.data[24:40])


class Lab6(Lab):
    """The addresses of topologies/lab6.yaml and a replay of packets through it.

    `hopsim check topologies/lab6.yaml` prints the same address plan.
    """

    TOPOLOGY = LAB6_TOPOLOGY

    SENDER = "2001:db8::1"  # kernel end of hop0, the sender of every probe
    R1 = "2001:db8::2"  # r1 on hop0
    R1_H2 = "2001:db8:1::1"  # r1 on the r1 -- h2 link (MTU 1280)
    R1_G2 = "2001:db8:1:1::1"  # r1 on the r1 -- g2 link
    R1_LINK_LOCAL = "fe80::1:2"  # r1's link-local address on hop0
    H2 = "2001:db8:1::2"
    G2 = "2001:db8:1:1::2"  # g2 on the r1 -- g2 link
    G2_R3 = "2001:db8:1:2::1"  # g2 on the g2 -- r3 link (MTU 1280)
    R3 = "2001:db8:1:2::2"  # r3 on the g2 -- r3 link
    R3_HOP1 = "2001:db8:0:1::2"  # r3 on hop1
    HOP1 = "2001:db8:0:1::1"  # kernel end of hop1, behind r1, g2 and r3

    UNOWNED = "2001:db8:1::77"  # on r1's connected /64, but no interface has it
    NO_ROUTE = "2001:db8:99::1"  # no route on r1, which has no default
    UNREACHABLE = "2001:db8:201::1"  # r1: unreachable 2001:db8:201::/48
    PROHIBIT = "2001:db8:202::1"  # r1: prohibit 2001:db8:202::/48
    BLACKHOLE = "2001:db8:203::1"  # r1: blackhole 2001:db8:203::/48
    MULTICAST = "ff0e::1"  # all nodes, global scope

    ARP_TIMEOUT_US = 200_000  # r1's arp-timeout, also its neighbour discovery timeout
    MTU_R1_H2 = 1280
    MTU_G2_R3 = 1280
    DELAY_R1_H2_US = 1000
    DELAY_R1_G2_US = 2000
    DELAY_G2_R3_US = 3000

    def replay(self, *packets, **kwargs):
        """Lab.replay, with each packet that comes back as a Captured6."""
        return [Captured6(c.time_us, c.data) for c in super().replay(*packets, **kwargs)]

    @staticmethod
    def forwarded(packet, hops):
        """The bytes of @packet after @hops routers decremented its hop limit."""
        data = bytearray(bytes(packet))
        data[7] -= hops
        return bytes(data)

    @staticmethod
    def checksum6(captured):
        """The ICMPv6 checksum of @captured (a Captured6) over its
        pseudo-header: 0 when it verifies."""
        return icmp6_checksum(captured.src, captured.dst, captured.icmp)

    # Builders of probes.  Each returns a scapy packet from the sender.
    # @ext is a list of scapy extension headers between the IPv6 header
    # and the upper layer.

    def _ip6(self, dst, src, hlim, tc, ext):
        packet = IPv6(src=src or self.SENDER, dst=dst, hlim=hlim, tc=tc)
        for header in ext or []:
            packet = packet / header
        return packet

    def udp(self, dst, size=56, dport=33434, src=None, hlim=64, tc=0, ext=None):
        """A UDP datagram to @dst whose IPv6 packet is @size bytes long."""
        packet = self._ip6(dst, src, hlim, tc, ext) / UDP(sport=40000, dport=dport)
        room = size - len(packet)
        assert room >= 0, f"{size} bytes leave no room for the headers"
        payload = bytes(range(256)) * (room // 256 + 1)
        return packet / Raw(payload[:room])

    def echo(self, dst, data=b"hopsim", icmp_id=0xBEEF, seq=0x1234, src=None, hlim=64, tc=0,
             ext=None):
        return self._ip6(dst, src, hlim, tc, ext) / ICMPv6EchoRequest(
            id=icmp_id, seq=seq, data=data
        )

    def raw(self, dst, next_header, payload, src=None, hlim=64):
        """An IPv6 packet whose Next Header is @next_header, followed by the
        bytes @payload as they are."""
        return IPv6(src=src or self.SENDER, dst=dst, hlim=hlim, nh=next_header) / Raw(payload)

    # Builders of expected replies, written from RFC 4443 and RFC 8200
    # rather than with scapy's ICMPv6 classes, so the checksum and the
    # layout are computed independently of both scapy and hopsim.

    def icmp6_error(self, trigger, icmp_type, code, src, rest=0, hlim=64):
        """The bytes of the ICMPv6 error that a node with address @src sends
        about @trigger (bytes as the node received them).

        It quotes as much of @trigger as fits in 1280 bytes, with traffic
        class and flow label 0, hop limit @hlim and @rest in bytes 4-7
        (MTU, pointer or zero).
        """
        trigger = bytes(trigger)
        dst = socket.inet_ntop(socket.AF_INET6, trigger[8:24])
        body = struct.pack("!I", rest) + trigger[:ICMP6_QUOTE_MAX]
        message = icmp6_message(src, dst, icmp_type, code, body)
        return ipv6_header(src, dst, len(message), NH_ICMPV6, hlim) + message

    def echo_reply(self, request, src=None, hlim=64):
        """The bytes of the echo reply to @request (a scapy packet): the
        request's identifier, sequence number, data and traffic class,
        without its extension headers."""
        request = IPv6(bytes(request))
        echo = request[ICMPv6EchoRequest]
        src = src or request.dst
        body = struct.pack("!HH", echo.id, echo.seq) + bytes(echo.data)
        message = icmp6_message(src, request.src, 129, 0, body)
        return ipv6_header(src, request.src, len(message), NH_ICMPV6, hlim, request.tc) + message


@pytest.fixture
def lab6(tmp_path, hopsim_binary):
    """The IPv6 lab topology, replayed from files under the test's tmp_path."""
    return Lab6(tmp_path)
