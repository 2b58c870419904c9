# SPDX-License-Identifier: MIT
"""Fixtures for the IPv4 conformance tests.

Each test writes crafted packets to a capture file, carries them through
topologies/lab.yaml with `hopsim replay`, and reads back what leaves the
topology through any TUN device.  Replay needs neither root nor a network.
"""

import os
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from scapy.all import ICMP, IP, UDP, Ether, Raw
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

        argv = [str(HOPSIM), "replay", str(LAB_TOPOLOGY), str(in_path), str(out_path), "-v"]
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
