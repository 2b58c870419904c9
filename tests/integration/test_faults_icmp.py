# SPDX-License-Identifier: MIT
"""Routers whose ICMP differs from RFC 1812 defaults: silent, rate-limited,
slow, and with vendor-style source addresses."""

import pytest

import hoptools

TOPOLOGIES = hoptools.REPO / "topologies"

# Round-trip band, as in test_ping.py: never early by more than timer
# granularity, at most 15 ms late on a loaded machine.
EARLY_MS = 0.5
LATE_MS = 15.0


def trace(netns, dest, *options, timeout=20):
    # A plain "-w 1" switches off the adaptive wait of traceroute 2.1, so
    # a "*" costs one second and no slow reply is cut short.
    result = netns.exec(["traceroute", "-n", "-w", "1", *options, dest], timeout=timeout)
    rows = hoptools.parse_traceroute(result.stdout)
    return result, rows, hoptools.traceroute_hops(rows)


def lines(hops):
    return [str(h) for h in hops]


@pytest.mark.tools("traceroute")
def test_silent_hop_traceroute(netns, hopsim_run, hopsim_binary):
    topology = TOPOLOGIES / "silent-hop.yaml"
    expected, _ = hoptools.hopsim_path(hopsim_binary, topology, "server")
    hopsim_run.start(topology)
    result, rows, hops = trace(netns, "198.18.1.18", "-q", "3")
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(expected)
    by_ttl = {row.ttl: row for row in rows}

    assert result.returncode == 0, shown
    assert lines(hops) == lines(expected), shown
    # r3 forwards but never sends time exceeded: "3  * * *".
    assert 3 in by_ttl, shown
    assert by_ttl[3].unanswered == 3, shown
    assert len(by_ttl[3].probes) == 3, shown
    for ttl in (4, 5, 6):
        assert ttl in by_ttl, shown
        assert by_ttl[ttl].unanswered == 0, f"hop {ttl} has probes without reply\n" + shown
    assert [h.addr for h in hops] == [
        "198.18.0.2",
        "198.18.1.2",
        None,
        "198.18.1.10",
        "198.18.1.14",
        "198.18.1.18",
    ], shown


@pytest.mark.tools("mtr")
def test_rate_limited_mtr_loss(netns, hopsim_run, hopsim_binary):
    topology = TOPOLOGIES / "rate-limited.yaml"
    expected, _ = hoptools.hopsim_path(hopsim_binary, topology, "server")
    hopsim_run.start(topology)
    # -G 1 cuts mtr's wait for late replies after the last probe from 5 s
    # to 1 s.  Every reply here arrives within milliseconds.
    result = netns.exec(
        ["mtr", "-n", "-r", "-c", "50", "-i", "0.1", "-G", "1", "198.18.1.10"], timeout=20
    )
    report = hoptools.parse_mtr_report(result.stdout)
    by_ttl = {h.ttl: h for h in report}
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(expected)

    assert result.returncode == 0, shown
    assert lines(hoptools.mtr_hops(report)) == lines(expected), shown
    for ttl in (2, 3, 4):
        assert ttl in by_ttl, shown
    # r2's bucket for 198.18.0.1 starts with 6 tokens and gains one per
    # second, and mtr's 50 probes at TTL 2 span about 5 s, so about 11 of
    # 50 get time exceeded: 78% loss.  The band allows for the random
    # cost of the global bucket and for a slow or fast mtr.
    assert 60.0 <= by_ttl[2].loss_pct <= 95.0, shown
    assert by_ttl[2].sent == 50, shown
    # r3 has no rate limit, and echo replies are never limited.
    assert by_ttl[3].loss_pct == 0.0, shown
    assert by_ttl[4].loss_pct == 0.0, shown
    assert by_ttl[4].sent == 50, shown


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize("probes", [1, 3])
def test_slow_icmp_hop_rtt(netns, hopsim_run, hopsim_binary, probes):
    # r2 delays its own ICMP by 50 ms but forwards at once, so hop 2 looks
    # slower than hop 3.  With 3 probes per hop, traceroute 2.1 sends hop 3's
    # probes while r2's replies still wait, and their round trips must
    # not include r2's delay.
    topology = TOPOLOGIES / "slow-icmp.yaml"
    expected, _ = hoptools.hopsim_path(hopsim_binary, topology, "server")
    hopsim_run.start(topology)
    result, rows, hops = trace(netns, "198.18.1.10", "-q", str(probes))
    by_ttl = {row.ttl: row for row in rows}
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(expected)
    hop2_ms = 2 * 1.0 + 50.0  # r1 -- r2 each way, and r2's ICMP delay
    hop3_ms = 2 * 2.0

    assert result.returncode == 0, shown
    assert lines(hops) == lines(expected), shown
    for ttl in (2, 3, 4):
        assert ttl in by_ttl, shown
    slow = [p.rtt_ms for p in by_ttl[2].probes]
    after = [p.rtt_ms for ttl in (3, 4) for p in by_ttl[ttl].probes]
    assert None not in slow + after, shown
    assert min(slow) >= hop2_ms - EARLY_MS, shown
    assert max(slow) <= hop2_ms + LATE_MS, shown
    assert max(p.rtt_ms for p in by_ttl[3].probes) < min(slow), shown
    assert min(p.rtt_ms for p in by_ttl[3].probes) >= hop3_ms - EARLY_MS, shown
    # r2's 50 ms must not leak into the hops after it.
    assert max(after) < 50.0, shown


# ring.yaml sends errors from the egress interface (RFC 1812), so hop 3
# is r3's side toward r4, where its replies leave.  vendor-source.yaml is
# the same ring with r3 on `source: ingress`, so hop 3 is r3's side
# toward r2, where the probe came in, and r2 on `source: loopback`.
SOURCE_CASES = {
    "egress": ("ring.yaml", ["198.18.0.2", "198.18.1.2", "198.18.1.5", "198.18.1.18"]),
    "ingress-loopback": (
        "vendor-source.yaml",
        ["198.18.0.2", "198.18.255.2", "198.18.1.10", "198.18.1.18"],
    ),
}


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize("case", list(SOURCE_CASES))
def test_icmp_source_address(netns, hopsim_run, hopsim_binary, case):
    name, addrs = SOURCE_CASES[case]
    topology = TOPOLOGIES / name
    expected, _ = hoptools.hopsim_path(hopsim_binary, topology, "server")
    hopsim_run.start(topology)
    result, _, hops = trace(netns, "198.18.1.18", "-q", "1")
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(expected)

    assert result.returncode == 0, shown
    assert lines(hops) == lines(expected), shown
    assert [h.addr for h in hops] == addrs, shown


@pytest.mark.tools("ping")
def test_loopback_answers_ping(netns, hopsim_run):
    hopsim_run.start(TOPOLOGIES / "vendor-source.yaml")
    result = netns.exec(["ping", "-n", "-c", "1", "-W", "1", "198.18.255.2"], timeout=5)
    stats = hoptools.parse_ping(result.stdout)
    shown = result.describe()

    assert result.returncode == 0, shown
    assert [r.addr for r in stats.replies] == ["198.18.255.2"], shown
