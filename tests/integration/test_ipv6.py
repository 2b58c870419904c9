# SPDX-License-Identifier: MIT
"""The IPv4 tool tests over IPv6: traceroute -6, ping -6, tracepath -6 and
mtr -6 through dual-stack topologies, compared with `hopsim path`.

Every topology carries IPv6 by default: TUN device i is 2001:db8:0:i::/64
(kernel ::1, router ::2) and link k is 2001:db8:1:k::/64 (ends ::1 and
::2), as topologies/README.md describes.
"""

import math

import pytest

import hoptools

TOPOLOGIES = hoptools.REPO / "topologies"
SERVER = "2001:db8:1:4::2"  # the server in topologies/default.yaml

# What topologies/default.yaml promises over IPv6, written out so that a
# bug in `hopsim path` cannot hide the same bug in forwarding.
DEFAULT_HOPS = [
    "2001:db8::2",
    "2001:db8:1::2",
    "2001:db8:1:1::2",
    "2001:db8:1:2::2",
    "2001:db8:1:3::2",
    "2001:db8:1:4::2",
]

# Round-trip band, as in test_ping.py: never early by more than timer
# granularity, and at most 15 ms late on a loaded CI machine.
EARLY_MS = 0.5
LATE_MS = 15.0

# Probe options per traceroute method, as in test_traceroute.py.
METHODS = {
    "udp": ["-q", "3"],
    "icmp": ["-I", "-q", "3"],
    "tcp": ["-T", "-p", "80", "-q", "3"],
}


def lines(hops):
    return [str(h) for h in hops]


def traceroute6(netns, *options, dest=SERVER, wait="2", timeout=30):
    result = netns.exec(["traceroute", "-6", "-n", "-w", wait, *options, dest], timeout=timeout)
    rows = hoptools.parse_traceroute(result.stdout)
    return result, rows, hoptools.traceroute_hops(rows)


def ping6(netns, dest, *options, count=3, interval="0.2", timeout=15):
    result = netns.exec(
        ["ping", "-6", "-n", "-c", str(count), "-i", interval, "-W", "1", *options, dest],
        timeout=timeout,
    )
    return result, hoptools.parse_ping6(result.stdout), hoptools.parse_ping6_lines(result.stdout)


@pytest.fixture(scope="module")
def default_path6(hopsim_binary):
    """`hopsim path topologies/default.yaml 2001:db8:1:4::2`, as a list of Hop."""
    hops, _ = hoptools.hopsim_path6(hopsim_binary, hoptools.DEFAULT_TOPOLOGY, SERVER)
    return hops


# ---------------------------------------------------------------------------
# Parsers, on output recorded from the tools of Debian 12


PING6_OUTPUT = """\
PING 2001:db8:1:4::2(2001:db8:1:4::2) 56 data bytes
64 bytes from 2001:db8:1:4::2: icmp_seq=1 ttl=59 time=10.1 ms
64 bytes from 2001:db8:1:4::2: icmp_seq=3 ttl=59 time=10.2 ms

--- 2001:db8:1:4::2 ping statistics ---
3 packets transmitted, 2 received, 33.3333% packet loss, time 401ms
rtt min/avg/max/mdev = 10.069/10.160/10.235/0.068 ms
"""

PING6_TOO_BIG_OUTPUT = """\
PING 2001:db8:1:2::2(2001:db8:1:2::2) 1400 data bytes
From 2001:db8:1::2 icmp_seq=1 Packet too big: mtu=1280

--- 2001:db8:1:2::2 ping statistics ---
1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms
"""

TRACEPATH6_OUTPUT = """\
 1?: [LOCALHOST]                        0.026ms pmtu 1500
 1:  2001:db8::2                                           0.094ms
 1:  2001:db8::2                                           0.009ms
 2:  2001:db8:1::2                                         2.046ms
 3:  2001:db8:1::2                                         2.055ms pmtu 1280
 3:  2001:db8:1:1::2                                       4.046ms
 4:  2001:db8:1:2::2                                       6.046ms reached
     Resume: pmtu 1280 hops 4 back 4
"""


def test_parse_ping6_replies():
    stats = hoptools.parse_ping6(PING6_OUTPUT)

    assert [(r.addr, r.seq, r.ttl) for r in stats.replies] == [
        ("2001:db8:1:4::2", 1, 59),
        ("2001:db8:1:4::2", 3, 59),
    ]
    assert stats.transmitted == 3
    assert stats.received == 2
    assert stats.rtt_min_ms == 10.069
    assert hoptools.ping6_lost_seqs(PING6_OUTPUT) == [2]


def test_parse_ping6_error_line():
    events = hoptools.parse_ping6_lines(PING6_TOO_BIG_OUTPUT)
    stats = hoptools.parse_ping6(PING6_TOO_BIG_OUTPUT)

    assert [(e.kind, e.addr, e.seq, e.message) for e in events] == [
        ("error", "2001:db8:1::2", 1, "Packet too big: mtu=1280")
    ]
    assert stats.errors == ["From 2001:db8:1::2 icmp_seq=1 Packet too big: mtu=1280"]
    assert stats.received == 0


def test_parse_tracepath6():
    trace = hoptools.parse_tracepath(TRACEPATH6_OUTPUT)

    assert lines(trace.hops) == [
        "1 2001:db8::2",
        "2 2001:db8:1::2",
        "3 2001:db8:1::2,2001:db8:1:1::2",
        "4 2001:db8:1:2::2",
    ]
    assert trace.pmtu == 1280
    assert hoptools.tracepath6_pmtu_changes(TRACEPATH6_OUTPUT) == [(3, "2001:db8:1::2", 1280)]


def test_parse_path6_marks():
    text = "1 2001:db8::2\n2 2001:db8:1::2 !<6>\n3 *\npmtu 1500\n"

    assert lines(hoptools.parse_path6(text)) == ["1 2001:db8::2", "2 2001:db8:1::2 !<6>", "3 *"]


def test_parse_traceroute6_marks():
    text = (
        "traceroute to 2001:db8:201::1 (2001:db8:201::1), 5 hops max, 80 byte packets\n"
        " 1  2001:db8::2  0.094 ms\n"
        " 2  2001:db8:1::2  2.132 ms !<6>  2001:db8:1::2  2.100 ms !<6>  *\n"
    )
    hops = hoptools.traceroute_hops(hoptools.parse_traceroute(text))

    assert lines(hops) == ["1 2001:db8::2", "2 2001:db8:1::2 !<6>"]


# ---------------------------------------------------------------------------
# The default topology


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize("method", list(METHODS))
def test_traceroute6_matches_path(netns, default_running, default_path6, method):
    result, rows, hops = traceroute6(netns, *METHODS[method])
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(default_path6)

    assert result.returncode == 0, shown
    assert lines(hops) == lines(default_path6), shown
    assert [h.addr for h in hops] == DEFAULT_HOPS, shown
    assert [r.ttl for r in rows if r.unanswered] == [], "probes without reply:\n" + shown
    assert all(len(r.probes) == 3 for r in rows), shown


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize(
    "family, dest, mark",
    [
        # The server has no protocol 253: protocol unreachable (3/2).
        ("-4", "198.18.1.18", "!P"),
        # IPv6 has no protocol unreachable: the server sends parameter
        # problem 4/1 (unrecognized next header), which traceroute 2.1
        # prints as !<4-1>.
        ("-6", SERVER, "!<4-1>"),
    ],
)
def test_traceroute_raw_protocol_mark(netns, default_running, family, dest, mark):
    result = netns.exec(["traceroute", family, "-n", "-q", "1", "-P", "253", dest], timeout=30)
    rows = hoptools.parse_traceroute(result.stdout)
    shown = result.describe()

    assert result.returncode == 0, shown
    assert len(rows) == len(DEFAULT_HOPS), shown
    assert rows[-1].addrs == [dest], shown
    assert [p.mark for p in rows[-1].probes] == [mark], shown
    assert all(p.mark is None for r in rows[:-1] for p in r.probes), shown


@pytest.mark.tools("traceroute")
def test_traceroute6_rtt_band(netns, default_running):
    # Hop n is n - 1 links of 1 ms away, each way.
    result, rows, _ = traceroute6(netns, "-q", "3")
    shown = result.describe()

    assert len(rows) == len(DEFAULT_HOPS), shown
    for row in rows:
        configured = 2.0 * (row.ttl - 1)
        rtts = [p.rtt_ms for p in row.probes if p.rtt_ms is not None]
        assert rtts, shown
        assert min(rtts) >= configured - EARLY_MS, f"hop {row.ttl} early\n" + shown
        assert max(rtts) <= configured + LATE_MS, f"hop {row.ttl} late\n" + shown


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize("port", [22, 23], ids=["open-22", "closed-23"])
def test_traceroute6_tcp_port(netns, default_running, default_path6, port):
    # A SYN-ACK from an open port and a RST from a closed one both end
    # the trace at the server.
    result, _, hops = traceroute6(netns, "-T", "-p", str(port), "-q", "1")
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(default_path6)

    assert result.returncode == 0, shown
    assert lines(hops) == lines(default_path6), shown
    assert hops and hops[-1].addr == SERVER, shown


# Runs inside the namespace: connects to ADDR PORT over IPv6 and prints
# "open", "refused" or "timeout".  SO_LINGER 0 makes close send a RST.
CONNECT6 = """
import socket, struct, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.settimeout(3)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    print("open")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
s.close()
"""


@pytest.mark.parametrize("port,state", [(22, "open"), (80, "open"), (23, "refused")])
def test_tcp6_connect_port_state(netns, default_running, port, state):
    result = netns.exec(["/usr/bin/python3", "-c", CONNECT6, SERVER, str(port)], timeout=10)

    assert result.returncode == 0, result.describe()
    assert result.stdout.strip() == state, result.describe()


@pytest.mark.tools("ping")
def test_ping6_default_replies(netns, default_running):
    result, stats, _ = ping6(netns, SERVER)
    shown = result.describe()

    assert result.returncode == 0, shown
    assert stats.transmitted == 3, shown
    assert stats.loss_pct == 0.0, shown
    assert len(stats.replies) == 3, shown
    # Hop limit 64 minus one per router on the way back (r5 ... r1).
    assert [r.ttl for r in stats.replies] == [59, 59, 59], shown
    assert all(r.addr == SERVER for r in stats.replies), shown
    assert [r.seq for r in stats.replies] == [1, 2, 3], shown


@pytest.mark.tools("ping")
def test_ping6_default_rtt(netns, default_running):
    # Five links of 1 ms each way.
    configured = 2 * 5 * 1.0
    result, stats, _ = ping6(netns, SERVER)
    shown = result.describe()

    assert stats.rtt_min_ms is not None, shown
    assert stats.rtt_min_ms >= configured - EARLY_MS, shown
    assert stats.rtt_avg_ms <= configured + LATE_MS, shown


@pytest.mark.tools("ping")
def test_ping6_slow_link_rtt(netns, hopsim_run, hopsim_binary):
    topology = hoptools.TEST_TOPOLOGIES / "slow-link.yaml"
    configured = 2 * (1.0 + 20.0)  # the two links of slow-link.yaml
    hops, path_run = hoptools.hopsim_path6(hopsim_binary, topology, "server")
    assert hops and hops[-1].addr, path_run.describe()
    hopsim_run.start(topology)
    result, stats, _ = ping6(netns, hops[-1].addr)
    shown = result.describe()

    assert stats.loss_pct == 0.0, shown
    assert stats.rtt_min_ms >= configured - EARLY_MS, shown
    assert stats.rtt_avg_ms <= configured + LATE_MS, shown


@pytest.mark.tools("tracepath")
def test_tracepath6_matches_path(netns, default_running, default_path6):
    result = netns.exec(["tracepath", "-6", "-n", SERVER], timeout=30)
    trace = hoptools.parse_tracepath(result.stdout)
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(default_path6)

    assert result.returncode == 0, shown
    assert lines(trace.hops) == lines(default_path6), shown
    assert [h.addr for h in trace.hops] == DEFAULT_HOPS, shown
    assert trace.reached, shown
    assert trace.pmtu == 1500, shown
    assert trace.hop_count == len(default_path6), shown
    # tracepath derives "back" from the reply's hop limit, so it checks
    # that each router on the way back decrements it once.
    assert trace.back == len(default_path6), shown


@pytest.mark.tools("mtr")
def test_mtr6_report_matches_path(netns, default_running, default_path6):
    # mtr waits 1 s between rounds and 5 s after the last one, about 8 s in
    # all.  As root it accepts -i 0.2 and -G 1, which cut that to 1.5 s.
    result = netns.exec(
        ["mtr", "-6", "-n", "-r", "-c", "3", "-i", "0.2", "-G", "1", SERVER], timeout=30
    )
    report = hoptools.parse_mtr_report(result.stdout)
    hops = hoptools.mtr_hops(report)
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(default_path6)

    assert result.returncode == 0, shown
    assert lines(hops) == lines(default_path6), shown
    assert [h.addr for h in hops] == DEFAULT_HOPS, shown
    assert report[-1].sent == 3, shown
    assert report[-1].loss_pct == 0.0, shown


@pytest.mark.tools("ping")
def test_ping6_fragmented_reassembled(netns, default_running):
    # A 2000-byte ping is a 2048-byte packet: the kernel sends it in two
    # fragments, the server reassembles it, and its reply comes back in
    # fragments too.
    result, stats, events = ping6(netns, SERVER, "-s", "2000", count=2)
    shown = result.describe()
    replies = [e for e in events if e.kind == "reply"]

    assert result.returncode == 0, shown
    assert stats.received == 2, shown
    assert [r.seq for r in replies] == [1, 2], shown
    assert [r.size for r in replies] == [2008, 2008], shown


# ---------------------------------------------------------------------------
# Unreachable marks: tests/integration/topologies/unreachable6.yaml

UNREACHABLE6 = hoptools.TEST_TOPOLOGIES / "unreachable6.yaml"
UNREACHABLE6_MAX_TTL = 5
U_R1 = "2001:db8::2"  # r1 on hop0
U_R2 = "2001:db8:1::2"  # r2 on the r1 -- r2 link, toward the sender
U_ARP_TIMEOUT_MS = 300.0  # r2's arp-timeout

# (destination, traceroute -w, address of the last row, its mark)
UNREACHABLE6_CASES = {
    "no-route": ("2001:db8:99::1", "2", U_R1, "!N"),
    "unreachable-route": ("2001:db8:201::1", "2", U_R2, "!<6>"),
    "prohibit-route": ("2001:db8:202::1", "2", U_R2, "!X"),
    "neighbour-timeout": ("2001:db8:50::77", "3", U_R2, "!H"),
    "blackhole-route": ("2001:db8:200::1", "1", None, None),
}


@pytest.fixture
def unreachable6_running(netns, hopsim_run):
    proc = hopsim_run.start(UNREACHABLE6)
    # No router has a route for 2001:db8:99::/48, so hopsim does not route
    # it into hop0 either.  This route sends it to r1, which replies with !N.
    result = netns.ip("-6", "route", "add", "2001:db8:99::/48", "dev", "hop0")
    assert result.returncode == 0, result.describe()
    return proc


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize("name", list(UNREACHABLE6_CASES))
def test_traceroute6_unreachable_mark(netns, unreachable6_running, hopsim_binary, name):
    dest, wait, last_addr, last_mark = UNREACHABLE6_CASES[name]
    expected, _ = hoptools.hopsim_path6(
        hopsim_binary, UNREACHABLE6, dest, "--max-ttl", str(UNREACHABLE6_MAX_TTL)
    )
    result, rows, hops = traceroute6(
        netns, "-q", "1", "-m", str(UNREACHABLE6_MAX_TTL), dest=dest, wait=wait
    )
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(expected)

    assert result.returncode == 0, shown
    assert lines(hops) == lines(expected), shown
    assert hops, shown
    assert hops[-1].addr == last_addr, shown
    assert hops[-1].mark == last_mark, shown


@pytest.mark.tools("traceroute")
def test_traceroute6_neighbour_timeout_rtt(netns, unreachable6_running):
    # !H comes only after r2's neighbour discovery gives up: at least the
    # timeout, and at most 500 ms more on a loaded machine.
    result, rows, _ = traceroute6(netns, "-q", "1", "-m", "5", dest="2001:db8:50::77", wait="3")
    shown = result.describe()
    rtt = rows[-1].probes[0].rtt_ms if rows and rows[-1].probes else None

    assert rtt is not None, shown
    assert U_ARP_TIMEOUT_MS <= rtt <= U_ARP_TIMEOUT_MS + 500.0, (
        f"round trip {rtt} ms outside [{U_ARP_TIMEOUT_MS}, {U_ARP_TIMEOUT_MS + 500}] ms\n"
        + shown
    )


@pytest.mark.tools("traceroute")
def test_traceroute6_blackhole_silent(netns, unreachable6_running):
    # Every row after r1 is "*", up to the maximum TTL.
    result, _, hops = traceroute6(netns, "-q", "1", "-m", "5", dest="2001:db8:200::1", wait="1")

    assert lines(hops) == [f"1 {U_R1}"] + [f"{ttl} *" for ttl in range(2, 6)], result.describe()


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize("method", ["-I", "-T"], ids=["icmp", "tcp"])
def test_traceroute6_prohibit_other_methods(netns, unreachable6_running, method):
    # The mark depends on the route, not on the probe's protocol.
    result, _, hops = traceroute6(netns, method, "-q", "1", "-m", "5", dest="2001:db8:202::1")
    shown = result.describe()

    assert lines(hops) == [f"1 {U_R1}", f"2 {U_R2} !X"], shown


# ---------------------------------------------------------------------------
# A 1280-byte link mid-path: tests/integration/topologies/mtu-1280-6.yaml

MTU_1280 = hoptools.TEST_TOPOLOGIES / "mtu-1280-6.yaml"
MTU_SERVER = "2001:db8:1:2::2"
MTU_R2 = "2001:db8:1::2"  # r2 toward r1: the router in front of the 1280-byte link


@pytest.mark.tools("tracepath")
def test_tracepath6_finds_pmtu_1280(netns, hopsim_run, hopsim_binary):
    hops, path_run = hoptools.hopsim_path6(hopsim_binary, MTU_1280, "server")
    hopsim_run.start(MTU_1280)
    result = netns.exec(["tracepath", "-6", "-n", MTU_SERVER], timeout=20)
    trace = hoptools.parse_tracepath(result.stdout)
    changes = hoptools.tracepath6_pmtu_changes(result.stdout)
    shown = result.describe() + "\nhopsim path:\n" + path_run.stdout

    assert result.returncode == 0, shown
    # The hop limit 3 probe of 1500 bytes is too big for r2 -- r3, so r2
    # sends packet too big for it, and tracepath prints r2 at hop 3.
    assert (3, MTU_R2, 1280) in changes, shown
    assert trace.reached, shown
    assert trace.pmtu == 1280, shown
    assert trace.pmtu == hoptools.parse_path_pmtu(path_run.stdout), shown
    assert trace.hop_count == len(hops), shown


@pytest.mark.tools("ping")
def test_ping6_df_packet_too_big(netns, hopsim_run):
    # This must be the namespace's first large packet to the server: once
    # the kernel has learned the path MTU it rejects the ping itself with
    # "local error: message too long, mtu: 1280".
    hopsim_run.start(MTU_1280)
    result, stats, events = ping6(netns, MTU_SERVER, "-M", "do", "-s", "1400", count=1)
    shown = result.describe()
    errors = [e for e in events if e.kind == "error"]

    assert stats.received == 0, shown
    assert len(errors) == 1, shown
    assert errors[0].addr == MTU_R2, shown
    assert errors[0].seq == 1, shown
    assert errors[0].message == "Packet too big: mtu=1280", shown


@pytest.mark.tools("ping")
def test_ping6_df_fits_1280(netns, hopsim_run):
    # 1232 bytes of data, 8 of ICMPv6 and 40 of IPv6 header: 1280 bytes.
    hopsim_run.start(MTU_1280)
    result, stats, _ = ping6(netns, MTU_SERVER, "-M", "do", "-s", "1232", count=2)
    shown = result.describe()

    assert result.returncode == 0, shown
    assert stats.received == 2, shown
    assert [r.ttl for r in stats.replies] == [61, 61], shown


# ---------------------------------------------------------------------------
# Faults over IPv6


@pytest.mark.tools("traceroute")
def test_traceroute6_silent_hop(netns, hopsim_run, hopsim_binary):
    # silent-hop.yaml: r3 sends no ICMPv6 errors, so hop 3 shows "* * *".
    topology = TOPOLOGIES / "silent-hop.yaml"
    expected, _ = hoptools.hopsim_path6(hopsim_binary, topology, SERVER)
    hopsim_run.start(topology)
    result, rows, hops = traceroute6(netns, "-q", "3", wait="1")
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(expected)

    assert result.returncode == 0, shown
    assert lines(hops) == lines(expected), shown
    assert hops[2].addr is None, shown
    assert rows[2].unanswered == 3, shown
    assert [h.addr for h in hops if h.ttl != 3] == DEFAULT_HOPS[:2] + DEFAULT_HOPS[3:], shown


@pytest.mark.tools("ping")
def test_ping6_silent_hop_echo_reply(netns, hopsim_run):
    # A silent router still replies to echo requests.
    hopsim_run.start(TOPOLOGIES / "silent-hop.yaml")
    result, stats, _ = ping6(netns, DEFAULT_HOPS[2], count=2)
    shown = result.describe()

    assert stats.received == 2, shown
    assert all(r.addr == DEFAULT_HOPS[2] for r in stats.replies), shown


# lossy-link.yaml: r2 loses 20% of what it sends to r3, so 20% of the
# echo requests, and none of the replies.
LOSSY = TOPOLOGIES / "lossy-link.yaml"
LOSSY_SERVER = "2001:db8:1:2::2"
LOSS = 0.20
LOSS_COUNT = 100
SEED = "1"


def lossy_ping6(netns, hopsim_run, seed):
    """Run hopsim on lossy-link.yaml with --seed @seed, ping -6 through it,
    stop it, and return (Run, PingResult, lost icmp_seq numbers)."""
    proc = hopsim_run.start(LOSSY, "--seed", seed)
    result, stats, _ = ping6(netns, LOSSY_SERVER, count=LOSS_COUNT, interval="0.01", timeout=20)
    hopsim_run.stop(proc)
    return result, stats, hoptools.ping6_lost_seqs(result.stdout)


@pytest.mark.tools("ping")
def test_lossy_link6_seed_repeats(netns, hopsim_run):
    # 3 standard deviations around 20% of 100: 8% to 32%.
    spread = 3.0 * math.sqrt(LOSS * (1 - LOSS) / LOSS_COUNT)
    low, high = 100 * (LOSS - spread), 100 * (LOSS + spread)
    first, stats, lost_first = lossy_ping6(netns, hopsim_run, SEED)
    again, _, lost_again = lossy_ping6(netns, hopsim_run, SEED)
    shown = "\n".join(r.describe() for r in (first, again))

    assert stats.transmitted == LOSS_COUNT, shown
    assert low <= stats.loss_pct <= high, f"loss outside [{low:.1f}, {high:.1f}]%\n" + shown
    assert len(lost_first) == LOSS_COUNT - stats.received, shown
    assert lost_again == lost_first, (
        f"--seed {SEED} twice lost {lost_first} and then {lost_again}\n" + shown
    )
