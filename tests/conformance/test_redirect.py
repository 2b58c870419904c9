# SPDX-License-Identifier: MIT
"""ICMP redirects (IPv4 type 5) and ICMPv6 Redirect (137) on the LAN of
topologies/lan.yaml, whose kernel routes via r1 although r1 forwards
198.18.100.0/24 and 2001:db8:100::/48 to g2 on the same LAN.

IPv4 (RFC 1812 5.2.7.2, RFC 792, Linux ip_forward and ip_rt_send_redirect):
a router sends redirect for host (5/1) when it forwards a packet back out
of the interface it came in on and the source is on that subnet.  Bytes
4-7 carry the better first hop.  The redirect is an ICMP error: TTL 64,
precedence 6 plus the trigger's TOS bits, DF clear, at most 576 bytes.  It
quotes the trigger with its TTL already decremented, because Linux
decrements before it sends the redirect, and the packet is still
forwarded.  The back-off is per host: Linux 6.18 sends, to packets every
100 ms, redirects at 0, 0.1, 0.3, 0.7, 1.4 and 2.7 s.

IPv6 (RFC 4861 4.5 and 8.2, Linux ip6_forward and ndisc_send_redirect):
the Redirect comes from the router's link-local address with hop limit
255.  Its Target is the next router's link-local address, or the
destination itself when that is on the link.  Its Redirected Header
option contains the trigger before its hop limit drops, cut to a multiple
of 8 bytes and to a 1280-byte message.  A TUN device has no link layer, so
there is no Target Link-Layer Address option.  Linux allows one redirect
per second about each destination and one per second to each host, each
with a burst of 6.

The kernel takes the redirects, so the next packet to the same
destination enters the topology at g2.  Each test that needs a fresh
redirect therefore sends to a new destination.
"""

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest
from scapy.all import ICMP, IP, UDP, IPOption_LSRR, Raw
from scapy.layers.inet6 import (
    ICMPv6DestUnreach,
    ICMPv6ND_Redirect,
    IPv6,
    IPv6ExtHdrFragment,
)

TOPOLOGIES = Path(__file__).resolve().parent / "topologies"
LAN_TOPOLOGY = TOPOLOGIES / "lan.yaml"
QUIET_TOPOLOGY = TOPOLOGIES / "lan-quiet.yaml"

PROTO_ICMP = 1
ICMP_REDIRECT = 5
REDIRECT_HOST = 1
ICMP6_REDIRECT = 137
ND_OPT_REDIRECTED_HEADER = 4
NH_ICMPV6 = 58
NH_UDP = 17

# The 40-byte IPv6 header, the 40 bytes of the Redirect before its options
# and the 8-byte option header leave 1192 bytes of a 1280-byte Redirect
# for the quoted packet.
REDIRECT6_MAX = 1280
REDIRECT6_QUOTE_MAX = REDIRECT6_MAX - 40 - 40 - 8

US_PER_S = 1_000_000


class Lan:
    """IPv4 addresses of topologies/lan.yaml, as `hopsim check` prints them."""

    H1 = "198.18.0.1"  # kernel end of hop0, the sender
    R1 = "198.18.0.2"  # the kernel's router
    G2 = "198.18.0.3"  # the better first hop toward 198.18.100.0/24
    WEB = "198.18.0.4"  # host on the LAN
    LAN_BROADCAST = "198.18.0.15"
    HOP1 = "198.18.0.17"  # kernel end of hop1, behind g2
    HOP1_BROADCAST = "198.18.0.19"
    HOP2 = "198.18.0.21"  # kernel end of hop2, on r1
    H3 = "198.18.1.2"  # host on r1's link to h3
    OFF_LAN = "198.18.77.1"  # inside no subnet of the topology
    NO_ROUTE = "198.19.9.9"  # r1 has no default route

    @staticmethod
    def behind_g2(n):
        """The @n-th address of 198.18.100.0/24, which r1 routes via g2."""
        return f"198.18.100.{n}"


class Lan6:
    """IPv6 addresses of topologies/lan.yaml."""

    H1 = "2001:db8::1"
    R1 = "2001:db8::2"
    WEB = "2001:db8::4"
    H1_LINK_LOCAL = "fe80::1:1"
    R1_LINK_LOCAL = "fe80::1:2"
    G2_LINK_LOCAL = "fe80::1:3"
    HOP1 = "2001:db8:0:1::1"
    HOP2 = "2001:db8:0:2::1"
    H3 = "2001:db8:1::2"
    OFF_LAN = "2001:db8:77::1"
    NO_ROUTE = "2001:db8:99::1"
    MULTICAST = "ff0e::1"

    @staticmethod
    def behind_g2(n):
        return f"2001:db8:100::{n:x}"

    @staticmethod
    def unowned(n):
        """An address on the LAN's /64 that no interface has."""
        return f"2001:db8::{0x100 + n:x}"


@pytest.fixture
def lan(lab):
    """The IPv4 lab fixture, replaying through topologies/lan.yaml."""
    lab.TOPOLOGY = LAN_TOPOLOGY
    return lab


@pytest.fixture
def lan6(lab6):
    """The IPv6 lab fixture, replaying through topologies/lan.yaml."""
    lab6.TOPOLOGY = LAN_TOPOLOGY
    return lab6


@pytest.fixture
def quiet(lab):
    """The IPv4 lab fixture, replaying through topologies/lan-quiet.yaml."""
    lab.TOPOLOGY = QUIET_TOPOLOGY
    return lab


@pytest.fixture
def quiet6(lab6):
    """The IPv6 lab fixture, replaying through topologies/lan-quiet.yaml."""
    lab6.TOPOLOGY = QUIET_TOPOLOGY
    return lab6


# The input time of the first packet of every replay, as in conftest.py.
START_US = 1_000_000_000


def times_us(*seconds):
    """Input times, @seconds after START_US."""
    return [START_US + round(s * US_PER_S) for s in seconds]


def redirects4(captured, sender=Lan.H1):
    """The IPv4 ICMP redirects among @captured, less those that @sender,
    the source of the probes, sent itself."""
    return [
        c
        for c in captured
        if c.data[0] >> 4 == 4
        and c.data[9] == PROTO_ICMP
        and c.icmp[0] == ICMP_REDIRECT
        and c.ip.src != sender
    ]


def redirects6(captured):
    """The ICMPv6 Redirects among @captured."""
    return [
        c
        for c in captured
        if c.data[0] >> 4 == 6 and c.data[6] == NH_ICMPV6 and c.icmp[0] == ICMP6_REDIRECT
    ]


def sent_to(captured, dst):
    """The packets among @captured whose IP destination is @dst."""
    return [c for c in captured if c.ip.dst == dst]


def sent_to6(captured, dst):
    return [c for c in captured if c.dst == dst]


def seconds_after_start(captured):
    return [(c.time_us - START_US) / US_PER_S for c in captured]


# ---------------------------------------------------------------------------
# IPv4: the redirect itself


@pytest.mark.parametrize("tos", [0x00, 0xB8, 0xFF])
def test_redirect4_fields(lan, tos):
    """A packet that r1 forwards to g2 on the LAN gets redirect for host
    from r1's LAN address, naming g2's address on the LAN."""
    trigger = lan.udp(Lan.behind_g2(1), size=100, tos=tos, flags="DF")

    out = lan.replay(trigger)

    assert len(redirects4(out)) == 1
    redirect = redirects4(out)[0]
    assert redirect.icmp[0] == ICMP_REDIRECT
    assert redirect.icmp[1] == REDIRECT_HOST
    assert redirect.icmp[4:8] == socket.inet_aton(Lan.G2), "gateway field"
    assert redirect.ip.src == Lan.R1
    assert redirect.ip.dst == Lan.H1
    assert redirect.ip.ttl == 64
    assert redirect.ip.tos == 0xC0 | (tos & 0x1E)
    assert not redirect.ip.flags.DF
    assert lan.checksum(redirect.data[:20]) == 0
    assert lan.checksum(redirect.icmp) == 0
    assert redirect.time_us == START_US


def test_redirect4_quotes_decremented_ttl(lan):
    """The quote is the trigger as r1 forwards it: TTL 63, with the header
    checksum updated, and the rest of the datagram unchanged."""
    trigger = lan.udp(Lan.behind_g2(1), size=100, ttl=64)

    redirect = redirects4(lan.replay(trigger))[0]

    quote = redirect.icmp[8:]
    assert quote[8] == 63, "TTL of the quoted header"
    assert lan.checksum(quote[:20]) == 0, "header checksum of the quote"
    assert quote == lan.forwarded(trigger, 1)


@pytest.mark.parametrize("size", [28, 100, 548, 1000, 1500])
def test_redirect4_bytes(lan, size):
    """The whole redirect, byte for byte.  A trigger longer than 548 bytes
    is cut so that the redirect is 576 bytes."""
    trigger = lan.udp(Lan.behind_g2(1), size=size, tos=0x10, flags="DF")

    redirect = redirects4(lan.replay(trigger))[0]

    assert len(redirect.data) == min(28 + size, 576)
    assert redirect.data == lan.icmp_error(
        lan.forwarded(trigger, 1),
        ICMP_REDIRECT,
        REDIRECT_HOST,
        src=Lan.R1,
        ip_id=redirect.ip.id,
        gw=Lan.G2,
    )


def test_redirect4_trigger_forwarded(lan):
    """The trigger still crosses r1 and g2 and leaves through hop1 with
    TTL 62, after the redirect."""
    trigger = lan.udp(Lan.behind_g2(1), size=100)

    out = lan.replay(trigger)

    assert len(out) == 2
    assert out[0].icmp[0] == ICMP_REDIRECT
    assert out[1].data == lan.forwarded(trigger, 2)


def test_redirect4_to_hop1_subnet(lan):
    """A computed route via g2 redirects as a static one does."""
    trigger = lan.udp(Lan.HOP1)

    out = lan.replay(trigger)

    assert len(out) == 2
    redirect = redirects4(out)[0]
    assert redirect.data == lan.icmp_error(
        lan.forwarded(trigger, 1),
        ICMP_REDIRECT,
        REDIRECT_HOST,
        src=Lan.R1,
        ip_id=redirect.ip.id,
        gw=Lan.G2,
    )
    assert sent_to(out, Lan.HOP1)[0].data == lan.forwarded(trigger, 2)


def test_redirect4_ttl_two(lan):
    """With TTL 2 the quote carries TTL 1, and g2 sends time exceeded from
    its LAN address."""
    trigger = lan.udp(Lan.behind_g2(1), ttl=2)

    out = lan.replay(trigger)

    assert len(out) == 2
    redirect = redirects4(out)[0]
    assert redirect.icmp[8 + 8] == 1
    exceeded = [c for c in out if c.icmp[0] == 11]
    assert len(exceeded) == 1
    assert exceeded[0].ip.src == Lan.G2


@pytest.mark.parametrize(
    "trigger",
    [
        lambda lan: lan.echo(Lan.behind_g2(1)),
        lambda lan: IP(src=Lan.H1, dst=Lan.behind_g2(1), id=7, flags="MF")
        / UDP(sport=40000, dport=33434)
        / Raw(b"f" * 32),
    ],
    ids=["echo-request", "first-fragment"],
)
def test_redirect4_other_triggers(lan, trigger):
    """An echo request is no ICMP error, and a first fragment carries the
    transport header, so both get redirects."""
    sent = trigger(lan)

    out = lan.replay(sent)

    assert len(redirects4(out)) == 1
    assert len(sent_to(out, Lan.behind_g2(1))) == 1


def test_redirect4_on_link_destination(lan):
    """g2 sends web's address back to r1, so a probe from hop1 with the
    kernel's source reaches r1 on the LAN bound for web: the gateway field
    is web itself, and web's echo reply comes back to the kernel."""
    request = lan.echo(Lan.WEB, src=Lan.H1)

    out = lan.replay(request, tun="hop1")

    assert len(out) == 2
    redirect = redirects4(out)[0]
    assert redirect.icmp[4:8] == socket.inet_aton(Lan.WEB)
    # g2 and then r1 decremented the TTL before r1 sent the redirect.
    assert redirect.data == lan.icmp_error(
        lan.forwarded(request, 2),
        ICMP_REDIRECT,
        REDIRECT_HOST,
        src=Lan.R1,
        ip_id=redirect.ip.id,
        gw=Lan.WEB,
    )
    reply = [c for c in out if c.ip.src == Lan.WEB]
    assert len(reply) == 1
    assert reply[0].icmp[0] == 0, "echo reply"


def test_redirect4_remote_directed_broadcast(lan):
    """198.18.0.19 is hop1's subnet broadcast, but to r1 it is an ordinary
    address routed via g2, so r1 redirects as Linux does, and g2, whose
    subnet it is, drops the packet."""
    out = lan.replay(lan.udp(Lan.HOP1_BROADCAST))

    assert len(out) == 1
    assert out[0].icmp[0] == ICMP_REDIRECT
    assert out[0].icmp[4:8] == socket.inet_aton(Lan.G2)


# ---------------------------------------------------------------------------
# IPv4: when no redirect is due


@dataclass
class NoRedirect:
    """A probe that gets no redirect, and how many packets leave."""

    build: Callable  # lan -> scapy packet
    leaving: int  # packets that leave any TUN device
    tun: Optional[str] = None  # where the probe enters; hop0 if None


def icmp4_error(lan, icmp_type, code=0):
    """An ICMP error from the kernel to a destination behind g2."""
    inner = IP(src=Lan.behind_g2(1), dst=Lan.H1) / UDP(sport=33434, dport=40000)
    return IP(src=Lan.H1, dst=Lan.behind_g2(1)) / ICMP(type=icmp_type, code=code) / inner


NO_REDIRECT4 = {
    # The source is not on the LAN.
    "from-hop2": NoRedirect(lambda lan: lan.udp(Lan.behind_g2(1), src=Lan.HOP2), 1, "hop2"),
    "source-in-hop2-subnet": NoRedirect(lambda lan: lan.udp(Lan.behind_g2(1), src=Lan.HOP2), 1),
    "source-off-lan": NoRedirect(lambda lan: lan.udp(Lan.behind_g2(1), src=Lan.OFF_LAN), 1),
    # The packet leaves by another interface.
    "toward-hop2": NoRedirect(lambda lan: lan.udp(Lan.HOP2), 1),
    "toward-h3": NoRedirect(lambda lan: lan.echo(Lan.H3), 1),
    # r1 drops the packet.
    "ttl-1": NoRedirect(lambda lan: lan.udp(Lan.behind_g2(1), ttl=1), 1),
    "no-route": NoRedirect(lambda lan: lan.udp(Lan.NO_ROUTE), 1),
    "df-too-big": NoRedirect(lambda lan: lan.udp(Lan.behind_g2(1), size=1600, flags="DF"), 1),
    "source-routed": NoRedirect(
        lambda lan: IP(
            src=Lan.H1, dst=Lan.behind_g2(1), options=[IPOption_LSRR(routers=[Lan.behind_g2(2)])]
        )
        / UDP(sport=40000, dport=33434),
        0,
    ),
    # No ICMP error may be sent about these.
    "later-fragment": NoRedirect(
        lambda lan: IP(src=Lan.H1, dst=Lan.behind_g2(1), id=7, frag=5, proto=NH_UDP)
        / Raw(b"f" * 32),
        1,
    ),
    "dest-unreachable": NoRedirect(lambda lan: icmp4_error(lan, 3, 3), 1),
    "source-quench": NoRedirect(lambda lan: icmp4_error(lan, 4), 1),
    "redirect": NoRedirect(lambda lan: icmp4_error(lan, 5, 1), 1),
    "time-exceeded": NoRedirect(lambda lan: icmp4_error(lan, 11), 1),
    "parameter-problem": NoRedirect(lambda lan: icmp4_error(lan, 12), 1),
    "lan-broadcast": NoRedirect(lambda lan: lan.udp(Lan.LAN_BROADCAST), 0),
    "limited-broadcast": NoRedirect(lambda lan: lan.udp("255.255.255.255"), 0),
    "multicast": NoRedirect(lambda lan: lan.udp("239.1.2.3"), 0),
    "link-local-multicast": NoRedirect(lambda lan: lan.udp("224.0.0.251"), 0),
}


@pytest.mark.parametrize("name", list(NO_REDIRECT4))
def test_no_redirect4(lan, name):
    case = NO_REDIRECT4[name]

    out = lan.replay(case.build(lan), tun=case.tun)

    assert redirects4(out) == []
    assert len(out) == case.leaving


def test_redirect4_big_not_df_fragmented(lan):
    """Without DF a packet larger than the LAN's MTU gets its redirect and
    is fragmented: the redirect quotes the first 548 bytes of the whole
    packet, and the fragments leave through hop1."""
    trigger = lan.udp(Lan.behind_g2(1), size=1600)

    out = lan.replay(trigger)

    redirect = redirects4(out)
    assert len(redirect) == 1
    assert redirect[0].icmp[8:] == lan.forwarded(trigger, 1)[:548]
    assert len(sent_to(out, Lan.behind_g2(1))) == 2


def test_no_redirect4_unknown_icmp_type(lan):
    """Linux's __icmp_send counts an ICMP type above 18 as an error and
    sends nothing about it, so no redirect either."""
    probe = IP(src=Lan.H1, dst=Lan.behind_g2(1)) / ICMP(type=40, code=0) / Raw(b"\0" * 8)

    out = lan.replay(probe)

    assert redirects4(out) == []
    assert len(out) == 1


# ---------------------------------------------------------------------------
# IPv4: back-off per host


def test_redirect4_backoff_times(lan):
    """40 redirect-worthy packets, one every 100 ms to a new destination
    each, get redirects at 0, 0.1, 0.3, 0.7, 1.4 and 2.7 s only (Linux
    6.18), and every packet is forwarded."""
    # NOTE: these are the Linux 6.18 times that include/hopsim/redirect.h
    # gives.  ip_rt_send_redirect in the Linux 5.x net/ipv4/route.c waits
    # ip_rt_redirect_load << n_redirects, which would give 0, 0.1, 0.2,
    # 0.4, 0.8, 1.5 and 2.8 s.  A capture from a 6.18 router settles it.
    probes = [lan.udp(Lan.behind_g2(n + 1)) for n in range(40)]

    out = lan.replay(*probes, times_us=times_us(*(n / 10 for n in range(40))))

    assert seconds_after_start(redirects4(out)) == [0.0, 0.1, 0.3, 0.7, 1.4, 2.7]
    assert len(out) - len(redirects4(out)) == 40


def test_redirect4_backoff_redirected_destinations(lan):
    """Each redirect names the destination of the packet that earned it."""
    probes = [lan.udp(Lan.behind_g2(n + 1)) for n in range(40)]

    out = lan.replay(*probes, times_us=times_us(*(n / 10 for n in range(40))))

    quoted = [IP(r.icmp[8:]).dst for r in redirects4(out)]
    assert quoted == [Lan.behind_g2(n) for n in (1, 2, 4, 8, 15, 28)]


def backoff_gap_s(sent):
    """A gap that just exceeds the wait after the @sent-th redirect: more
    than 20 ms << (sent + 1)."""
    return (20_000 << (sent + 1)) / US_PER_S + 0.01


def test_redirect4_silent_after_nine(lan):
    """After nine redirects the host gets none while it keeps sending at
    intervals under 20.48 s.  After 20.48 s without redirect-worthy
    packets the back-off starts again from the first step."""
    times = [0.0]
    for sent in range(1, 9):
        times.append(times[-1] + backoff_gap_s(sent))
    ninth = times[-1]
    times += [ninth + 15, ninth + 30, ninth + 51, ninth + 51.1]
    probes = [lan.udp(Lan.behind_g2(n + 1)) for n in range(len(times))]

    out = lan.replay(*probes, times_us=times_us(*times))

    expected = times[:9] + [ninth + 51, ninth + 51.1]
    assert seconds_after_start(redirects4(out)) == pytest.approx(expected, abs=1e-6)


def test_redirect4_backoff_counts_suppressed(lan):
    """An ICMP error forwarded back onto the LAN at 0 s is redirect-worthy
    to Linux, which counts a redirect that icmp_send then drops, so the
    next packet at 10 ms waits for the second step of the back-off."""
    probes = [icmp4_error(lan, 3, 3), lan.udp(Lan.behind_g2(2)), lan.udp(Lan.behind_g2(3))]

    out = lan.replay(*probes, times_us=times_us(0, 0.01, 0.2))

    assert seconds_after_start(redirects4(out)) == [0.2]


# ---------------------------------------------------------------------------
# IPv4: the kernel takes the redirect


def test_redirect4_next_packet_enters_at_g2(lan):
    """After the redirect the kernel sends the next packet to the same
    destination to g2: it arrives with TTL 63 and earns no redirect."""
    first = lan.udp(Lan.behind_g2(1), size=40)
    second = lan.udp(Lan.behind_g2(1), size=40, id=2)

    out = lan.replay(first, second, times_us=times_us(0, 0.01))

    assert len(redirects4(out)) == 1
    forwarded = sent_to(out, Lan.behind_g2(1))
    assert [c.data for c in forwarded] == [lan.forwarded(first, 2), lan.forwarded(second, 1)]


def test_redirect4_per_destination(lan):
    """A host redirect covers one destination: the next one behind g2
    enters at r1 and earns its own redirect."""
    probes = [lan.udp(Lan.behind_g2(1)), lan.udp(Lan.behind_g2(2))]

    out = lan.replay(*probes, times_us=times_us(0, 0.2))

    assert [IP(r.icmp[8:]).dst for r in redirects4(out)] == [Lan.behind_g2(1), Lan.behind_g2(2)]
    assert [c.ip.ttl for c in out if c.icmp[0] != ICMP_REDIRECT] == [62, 62]


def test_redirect4_kernel_route_expires(lan):
    """The kernel keeps a redirect for 300 s (ip_rt_gc_timeout): at 299 s
    the packet still enters at g2, at 301 s it enters at r1 again and
    earns a new redirect."""
    probes = [lan.udp(Lan.behind_g2(1)) for _ in range(3)]

    out = lan.replay(*probes, times_us=times_us(0, 299, 301))

    assert seconds_after_start(redirects4(out)) == [0, 301]
    assert [c.ip.ttl for c in sent_to(out, Lan.behind_g2(1))] == [62, 63, 62]


# ---------------------------------------------------------------------------
# Routers that send no redirect


@pytest.mark.parametrize(
    "tun, sender, expected",
    [("hop0", "198.18.0.1", 0), ("hop1", "198.18.0.9", 0), ("hop2", "198.18.0.17", 1)],
    ids=["redirects-off", "silent", "defaults"],
)
def test_redirect4_router_settings(quiet, tun, sender, expected):
    probe = quiet.udp(Lan.behind_g2(1), src=sender)

    out = quiet.replay(probe, tun=tun)

    assert len(redirects4(out)) == expected
    assert len(sent_to(out, Lan.behind_g2(1))) == 1


@pytest.mark.parametrize(
    "tun, sender, expected",
    [("hop0", "2001:db8::1", 0), ("hop1", "2001:db8:0:1::1", 0), ("hop2", "2001:db8:0:2::1", 1)],
    ids=["redirects-off", "silent", "defaults"],
)
def test_redirect6_router_settings(quiet6, tun, sender, expected):
    probe = quiet6.udp(Lan6.behind_g2(1), src=sender)

    out = quiet6.replay(probe, tun=tun)

    assert len(redirects6(out)) == expected
    assert len(sent_to6(out, Lan6.behind_g2(1))) == 1


# ---------------------------------------------------------------------------
# IPv6: the Redirect itself


def expected_redirect6(trigger, target, src=Lan6.R1_LINK_LOCAL):
    """The bytes of the Redirect that the router with link-local address
    @src sends about @trigger (bytes as it arrived) with Target @target.

    The Redirected Header option contains the longest multiple of 8 bytes
    of @trigger that keeps the message within 1280 bytes.
    """
    trigger = bytes(trigger)
    quote = trigger[: min(len(trigger), REDIRECT6_QUOTE_MAX) & ~7]
    option = bytes([ND_OPT_REDIRECTED_HEADER, (8 + len(quote)) // 8]) + bytes(6) + quote
    source = socket.inet_ntop(socket.AF_INET6, trigger[8:24])
    destination = socket.inet_ntop(socket.AF_INET6, trigger[24:40])
    packet = (
        IPv6(src=src, dst=source, hlim=255)
        / ICMPv6ND_Redirect(tgt=target, dst=destination)
        / Raw(option)
    )
    return bytes(packet)


@pytest.mark.parametrize("tc", [0x00, 0xB8])
def test_redirect6_fields(lan6, tc):
    trigger = lan6.udp(Lan6.behind_g2(1), size=100, tc=tc)
    trigger.fl = 0x12345

    out = lan6.replay(trigger)

    assert len(redirects6(out)) == 1
    redirect = redirects6(out)[0]
    message = redirect.icmp
    assert message[0] == ICMP6_REDIRECT
    assert message[1] == 0
    assert message[4:8] == bytes(4), "reserved"
    assert redirect.src == Lan6.R1_LINK_LOCAL
    assert redirect.dst == Lan6.H1
    assert redirect.data[6] == NH_ICMPV6, "no extension headers"
    assert redirect.data[7] == 255, "hop limit"
    assert redirect.ip6.tc == 0
    assert redirect.ip6.fl == 0
    assert message[8:24] == socket.inet_pton(socket.AF_INET6, Lan6.G2_LINK_LOCAL), "Target"
    assert message[24:40] == socket.inet_pton(socket.AF_INET6, Lan6.behind_g2(1)), "Destination"
    assert lan6.checksum6(redirect) == 0
    assert redirect.time_us == START_US


@pytest.mark.parametrize("size", [48, 61, 100, 1000])
def test_redirect6_redirected_header(lan6, size):
    """The only option is a Redirected Header: type 4, its length in units
    of 8 bytes, 6 zero bytes, then the trigger with its hop limit not yet
    decremented, cut down to a multiple of 8 bytes."""
    trigger = bytes(lan6.udp(Lan6.behind_g2(1), size=size))

    redirect = redirects6(lan6.replay(trigger))[0]

    option = redirect.icmp[40:]
    quoted = size & ~7
    assert len(option) == 8 + quoted, "one option fills the rest of the message"
    assert option[0] == ND_OPT_REDIRECTED_HEADER
    assert option[1] * 8 == len(option)
    assert option[2:8] == bytes(6)
    assert option[8:] == trigger[:quoted]
    assert option[8 + 7] == 64, "hop limit of the quoted header"


@pytest.mark.parametrize("size", [48, 61, 100, 1000])
def test_redirect6_bytes(lan6, size):
    trigger = lan6.udp(Lan6.behind_g2(1), size=size)

    redirect = redirects6(lan6.replay(trigger))[0]

    assert redirect.data == expected_redirect6(trigger, Lan6.G2_LINK_LOCAL)


def test_redirect6_1448_bytes(lan6):
    """A 1448-byte trigger gives a Redirect of exactly 1280 bytes whose
    option is 1200 bytes long and quotes the first 1192 bytes."""
    trigger = bytes(lan6.udp(Lan6.behind_g2(1), size=1448))

    redirect = redirects6(lan6.replay(trigger))[0]

    assert len(redirect.data) == REDIRECT6_MAX
    assert int.from_bytes(redirect.data[4:6], "big") == 1240, "payload length"
    option = redirect.icmp[40:]
    assert len(option) == 1200
    assert option[1] == 150
    assert option[8:] == trigger[:1192]
    assert lan6.checksum6(redirect) == 0
    assert redirect.data == expected_redirect6(trigger, Lan6.G2_LINK_LOCAL)


def test_redirect6_trigger_forwarded(lan6):
    """The trigger still crosses r1 and g2 and leaves through hop1 with
    hop limit 62, after the Redirect."""
    trigger = lan6.udp(Lan6.behind_g2(1), size=100)

    out = lan6.replay(trigger)

    assert len(out) == 2
    assert out[0].icmp[0] == ICMP6_REDIRECT
    assert out[1].data == lan6.forwarded(trigger, 2)


def test_redirect6_to_hop1_subnet(lan6):
    """A computed route via g2 redirects as a static one does."""
    trigger = lan6.udp(Lan6.HOP1)

    out = lan6.replay(trigger)

    assert len(out) == 2
    assert redirects6(out)[0].data == expected_redirect6(trigger, Lan6.G2_LINK_LOCAL)


def test_redirect6_on_link_destination(lan6):
    """g2 sends web's address back to r1, so a probe from hop1 with the
    kernel's source reaches r1 on the LAN bound for web.  The Target is
    then the Destination itself (RFC 4861 4.5), and web's echo reply comes
    back to the kernel."""
    request = lan6.echo(Lan6.WEB, src=Lan6.H1)

    out = lan6.replay(request, tun="hop1")

    assert len(out) == 2
    redirect = redirects6(out)[0]
    assert redirect.icmp[8:24] == redirect.icmp[24:40], "Target is the Destination"
    assert redirect.icmp[8:24] == socket.inet_pton(socket.AF_INET6, Lan6.WEB)
    # r1 quotes the probe as it arrived from g2, with hop limit 63.
    assert redirect.data == expected_redirect6(lan6.forwarded(request, 1), Lan6.WEB)
    reply = [c for c in out if c.src == Lan6.WEB]
    assert len(reply) == 1
    assert reply[0].icmp[0] == 129, "echo reply"


def test_redirect6_before_packet_too_big(lan6):
    """A packet too big for the LAN (crafted, since it came in on that
    LAN) gets the Redirect first, then packet too big, and is dropped."""
    trigger = lan6.udp(Lan6.behind_g2(1), size=1600)

    out = lan6.replay(trigger)

    assert len(out) == 2
    assert out[0].data == expected_redirect6(trigger, Lan6.G2_LINK_LOCAL)
    assert out[1].data == lan6.icmp6_error(trigger, 2, 0, Lan6.R1, rest=1500)


@pytest.mark.parametrize(
    "build",
    [
        lambda lan6: IPv6(src=Lan6.H1, dst=Lan6.behind_g2(1))
        / ICMPv6DestUnreach(code=4)
        / IPv6(src=Lan6.behind_g2(1), dst=Lan6.H1)
        / UDP(sport=33434, dport=40000),
        lambda lan6: IPv6(src=Lan6.H1, dst=Lan6.behind_g2(1))
        / IPv6ExtHdrFragment(offset=10, id=5, nh=NH_UDP)
        / Raw(b"f" * 16),
        lambda lan6: lan6.echo(Lan6.behind_g2(1)),
    ],
    ids=["icmp6-error", "later-fragment", "echo-request"],
)
def test_redirect6_other_triggers(lan6, build):
    """Linux's ip6_forward redirects whatever it forwards back onto the
    link: ICMPv6 errors and later fragments included."""
    trigger = build(lan6)

    out = lan6.replay(trigger)

    assert len(out) == 2
    assert redirects6(out)[0].data == expected_redirect6(trigger, Lan6.G2_LINK_LOCAL)


# ---------------------------------------------------------------------------
# IPv6: when no Redirect is due

NO_REDIRECT6 = {
    # The source is not a neighbour on the LAN.
    "from-hop2": NoRedirect(lambda lan6: lan6.udp(Lan6.behind_g2(1), src=Lan6.HOP2), 1, "hop2"),
    "source-in-hop2-subnet": NoRedirect(
        lambda lan6: lan6.udp(Lan6.behind_g2(1), src=Lan6.HOP2), 1
    ),
    "source-behind-g2": NoRedirect(lambda lan6: lan6.udp(Lan6.behind_g2(1), src=Lan6.HOP1), 1),
    "source-off-lan": NoRedirect(lambda lan6: lan6.udp(Lan6.behind_g2(1), src=Lan6.OFF_LAN), 1),
    # The packet leaves by another interface.
    "toward-hop2": NoRedirect(lambda lan6: lan6.udp(Lan6.HOP2), 1),
    "toward-h3": NoRedirect(lambda lan6: lan6.echo(Lan6.H3), 1),
    # r1 drops the packet.
    "hop-limit-1": NoRedirect(lambda lan6: lan6.udp(Lan6.behind_g2(1), hlim=1), 1),
    "no-route": NoRedirect(lambda lan6: lan6.udp(Lan6.NO_ROUTE), 1),
    "multicast": NoRedirect(lambda lan6: lan6.udp(Lan6.MULTICAST), 0),
}


@pytest.mark.parametrize("name", list(NO_REDIRECT6))
def test_no_redirect6(lan6, name):
    case = NO_REDIRECT6[name]

    out = lan6.replay(case.build(lan6), tun=case.tun)

    assert redirects6(out) == []
    assert len(out) == case.leaving


def test_redirect6_link_local_source(lan6):
    """The link-local source is a neighbour, and the packet does not leave
    the source's link at r1 (RFC 4291 2.5.6 forbids only forwarding to
    other links), so r1 redirects it to g2 and sends no 1/2 itself."""
    trigger = lan6.udp(Lan6.behind_g2(1), src=Lan6.H1_LINK_LOCAL)

    out = lan6.replay(trigger)

    assert [c for c in out if c.src == Lan6.R1_LINK_LOCAL and c.icmp[0] == 1] == []
    assert len(redirects6(out)) == 1
    assert redirects6(out)[0].data == expected_redirect6(trigger, Lan6.G2_LINK_LOCAL)


# ---------------------------------------------------------------------------
# IPv6: rate limits


def test_redirect6_rate_per_host(lan6):
    """20 packets in one second, to 20 destinations, get 6 Redirects: the
    burst of the host's bucket.  One more second refills one token."""
    times = [n / 20 for n in range(20)] + [1.3]
    probes = [lan6.udp(Lan6.behind_g2(n + 1)) for n in range(len(times))]

    out = lan6.replay(*probes, times_us=times_us(*times))

    assert seconds_after_start(redirects6(out)) == [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 1.3]
    assert len(out) - len(redirects6(out)) == len(times)


@pytest.mark.parametrize("others, expected", [(5, 1), (6, 0)])
def test_redirect6_rate_per_destination(lan6, others, expected):
    """Redirects about one destination to @others other hosts on the LAN
    (spoofed sources that no interface has, whose Redirects go nowhere)
    use the destination's bucket: after 6 the kernel gets none about it."""
    destination = Lan6.behind_g2(1)
    probes = [lan6.udp(destination, src=Lan6.unowned(n)) for n in range(others)]
    probes.append(lan6.udp(destination))

    out = lan6.replay(*probes, times_us=times_us(*(n / 1000 for n in range(len(probes)))))

    assert len(redirects6(out)) == expected
    assert len(sent_to6(out, destination)) == len(probes)


def test_redirect6_rate_per_destination_refills(lan6):
    """The destination's bucket gains one token per second."""
    destination = Lan6.behind_g2(1)
    probes = [lan6.udp(destination, src=Lan6.unowned(n)) for n in range(6)]
    probes += [lan6.udp(destination), lan6.udp(destination)]

    out = lan6.replay(*probes, times_us=times_us(0, 0, 0, 0, 0, 0, 0.5, 1.01))

    assert seconds_after_start(redirects6(out)) == [1.01]


def test_redirect6_destination_token_taken_first(lan6):
    """ip6_forward takes the destination's token before
    ndisc_send_redirect checks the host's bucket.  So 6 packets to a new
    destination while the host's bucket is empty use up that
    destination's tokens.  At 1.1 s the host has a token again but gets
    no Redirect about that destination, while a fresh one at 1.15 s gets
    a Redirect."""
    used_up = Lan6.behind_g2(7)
    fresh = Lan6.behind_g2(8)
    times = [n / 20 for n in range(6)] + [0.3 + n / 100 for n in range(6)] + [1.1, 1.15]
    destinations = [Lan6.behind_g2(n + 1) for n in range(6)] + [used_up] * 7 + [fresh]
    probes = [lan6.udp(destination) for destination in destinations]

    out = lan6.replay(*probes, times_us=times_us(*times))

    assert seconds_after_start(redirects6(out)) == [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 1.15]


def test_redirect6_non_neighbour_takes_destination_token(lan6):
    """Six packets to one destination from a source that r1 reaches via g2
    use up that destination's bucket, so the kernel's packet right after
    gets no Redirect."""
    destination = Lan6.behind_g2(1)
    probes = [lan6.udp(destination, src=Lan6.HOP1) for _ in range(6)]
    probes.append(lan6.udp(destination))

    out = lan6.replay(*probes, times_us=times_us(*(n / 1000 for n in range(7))))

    assert redirects6(out) == []


# ---------------------------------------------------------------------------
# IPv6: the kernel takes the Redirect


def test_redirect6_next_packet_enters_at_g2(lan6):
    first = lan6.udp(Lan6.behind_g2(1))
    second = lan6.udp(Lan6.behind_g2(1), dport=33435)

    out = lan6.replay(first, second, times_us=times_us(0, 0.01))

    assert len(redirects6(out)) == 1
    forwarded = sent_to6(out, Lan6.behind_g2(1))
    assert [c.data for c in forwarded] == [lan6.forwarded(first, 2), lan6.forwarded(second, 1)]


def test_redirect6_per_destination(lan6):
    probes = [lan6.udp(Lan6.behind_g2(1)), lan6.udp(Lan6.behind_g2(2))]

    out = lan6.replay(*probes, times_us=times_us(0, 0.01))

    targets = [r.icmp[24:40] for r in redirects6(out)]
    assert targets == [socket.inet_pton(socket.AF_INET6, Lan6.behind_g2(n)) for n in (1, 2)]
    assert [c.data[7] for c in out if c.icmp[0] != ICMP6_REDIRECT] == [62, 62]


def test_redirect6_echo_request_enters_at_g2(lan6):
    """The redirected route holds for every protocol: an echo request after
    a UDP trigger enters at g2 too."""
    udp = lan6.udp(Lan6.behind_g2(1))
    echo = lan6.echo(Lan6.behind_g2(1))

    out = lan6.replay(udp, echo, times_us=times_us(0, 0.01))

    assert len(redirects6(out)) == 1
    forwarded = sent_to6(out, Lan6.behind_g2(1))
    assert [c.data for c in forwarded] == [lan6.forwarded(udp, 2), lan6.forwarded(echo, 1)]
