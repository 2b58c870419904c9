# SPDX-License-Identifier: MIT
"""A 1400-byte link mid-path: path MTU discovery, frag needed, a path-MTU
black hole, and fragmentation and reassembly of large pings."""

import pytest

import hoptools

TOPOLOGIES = hoptools.REPO / "topologies"
MTU_1400 = TOPOLOGIES / "mtu-1400.yaml"
BLACKHOLE = TOPOLOGIES / "pmtu-blackhole.yaml"
SERVER = "198.18.1.10"  # the server in mtu-1400.yaml and pmtu-blackhole.yaml
R2 = "198.18.1.2"  # r2 toward r1: the router in front of the 1400-byte link


def ping(netns, dest, *options, count=1, timeout=10):
    result = netns.exec(
        ["ping", "-n", "-c", str(count), "-i", "0.2", "-W", "1", *options, dest],
        timeout=timeout,
    )
    return result, hoptools.parse_ping(result.stdout), hoptools.parse_ping_lines(result.stdout)


@pytest.mark.tools("tracepath")
def test_tracepath_finds_pmtu(netns, hopsim_run, hopsim_binary):
    _, path_run = hoptools.hopsim_path(hopsim_binary, MTU_1400, "server")
    hopsim_run.start(MTU_1400)
    result = netns.exec(["tracepath", "-n", SERVER], timeout=20)
    trace = hoptools.parse_tracepath(result.stdout)
    changes = hoptools.tracepath_pmtu_changes(result.stdout)
    shown = result.describe() + "\nhopsim path:\n" + path_run.stdout

    assert result.returncode == 0, shown
    # The TTL 3 probe of 1500 bytes is too big for r2 -- r3, so r2 sends
    # frag needed for it, and tracepath prints r2 at TTL 3.
    assert (3, R2, 1400) in changes, shown
    assert trace.reached, shown
    assert trace.pmtu == 1400, shown
    assert trace.pmtu == hoptools.parse_path_pmtu(path_run.stdout), shown
    assert trace.hop_count == 4, shown


@pytest.mark.tools("ping")
def test_ping_df_frag_needed(netns, hopsim_run):
    # This must be the namespace's first large packet to SERVER: once the
    # kernel has learned the path MTU it rejects the ping itself with
    # "local error: message too long, mtu=1400".
    hopsim_run.start(MTU_1400)
    result, stats, events = ping(netns, SERVER, "-M", "do", "-s", "1472")
    shown = result.describe()
    errors = [e for e in events if e.kind == "error"]

    assert stats.received == 0, shown
    assert len(errors) == 1, shown
    assert errors[0].addr == R2, shown
    assert errors[0].seq == 1, shown
    assert errors[0].message == "Frag needed and DF set (mtu = 1400)", shown


@pytest.mark.tools("ping")
def test_ping_df_fits_mtu(netns, hopsim_run):
    hopsim_run.start(MTU_1400)
    result, stats, _ = ping(netns, SERVER, "-M", "do", "-s", "1372", count=2)
    shown = result.describe()

    assert result.returncode == 0, shown
    assert stats.received == 2, shown


# (ICMP payload size, whether the echo request fits the 1400-byte link)
BLACKHOLE_SIZES = [(1300, True), (1372, True), (1373, False), (1472, False)]


@pytest.mark.tools("ping")
@pytest.mark.parametrize("size,fits", BLACKHOLE_SIZES, ids=[str(s) for s, _ in BLACKHOLE_SIZES])
def test_pmtu_blackhole_ping(netns, hopsim_run, size, fits):
    # r2 has frag-needed off, so it drops a packet too big for r2 -- r3
    # with DF set and sends no ICMP error.
    hopsim_run.start(BLACKHOLE)
    result, stats, events = ping(netns, SERVER, "-M", "do", "-s", str(size), count=3)
    shown = result.describe()

    assert stats.transmitted == 3, shown
    if fits:
        assert result.returncode == 0, shown
        assert stats.received == 3, shown
    else:
        assert stats.received == 0, shown
        assert stats.loss_pct == 100.0, shown
        assert [e for e in events if e.kind == "error"] == [], shown
        assert "Frag needed" not in result.stdout + result.stderr, shown


# A 3000-byte ping is a 3028-byte datagram: the kernel sends it in three
# fragments, the server reassembles it, and its 3028-byte reply comes
# back in fragments too.  On mtu-1400.yaml r3 fragments the reply's
# 1500-byte fragments again to cross r2 -- r3.
REASSEMBLY_TOPOLOGIES = {"default": "default.yaml", "mtu-1400": "mtu-1400.yaml"}


@pytest.mark.tools("ping")
@pytest.mark.parametrize("name", list(REASSEMBLY_TOPOLOGIES))
def test_ping_fragmented_reassembled(netns, hopsim_run, hopsim_binary, name):
    topology = TOPOLOGIES / REASSEMBLY_TOPOLOGIES[name]
    hops, path_run = hoptools.hopsim_path(hopsim_binary, topology, "server")
    assert hops and hops[-1].addr, path_run.describe()
    hopsim_run.start(topology)
    result, stats, events = ping(netns, hops[-1].addr, "-s", "3000", count=2)
    shown = result.describe()
    replies = [e for e in events if e.kind == "reply"]

    assert result.returncode == 0, shown
    assert stats.received == 2, shown
    assert [r.seq for r in replies] == [1, 2], shown
    # 3000 bytes of data and the 8-byte ICMP header.
    assert [r.size for r in replies] == [3008, 3008], shown
    assert not any(r.duplicate for r in replies), shown
