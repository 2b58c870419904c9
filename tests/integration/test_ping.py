# SPDX-License-Identifier: MIT
"""ping through the default topology and through a slow link."""

import pytest

import hoptools

SERVER = "198.18.1.18"

# Tolerance band for round trips: hopsim must never deliver early, so the
# minimum may undercut the configured round trip only by timer and clock
# granularity (0.5 ms).  The average may exceed it by 15 ms, which
# covers scheduling on a loaded CI machine.
EARLY_MS = 0.5
LATE_MS = 15.0


def ping(netns, dest, count=3):
    result = netns.exec(["ping", "-n", "-c", str(count), "-i", "0.2", "-W", "2", dest], timeout=15)
    return result, hoptools.parse_ping(result.stdout)


@pytest.mark.tools("ping")
def test_ping_default_replies(netns, default_running):
    result, stats = ping(netns, SERVER)
    shown = result.describe()

    assert result.returncode == 0, shown
    assert stats.transmitted == 3, shown
    assert stats.loss_pct == 0.0, shown
    assert len(stats.replies) == 3, shown
    # 64 minus one per router on the way back (r5 ... r1).
    assert [r.ttl for r in stats.replies] == [59, 59, 59], shown
    assert all(r.addr == SERVER for r in stats.replies), shown


@pytest.mark.tools("ping")
def test_ping_default_rtt(netns, default_running):
    # Five links of 1 ms each way.
    configured = 2 * 5 * 1.0
    result, stats = ping(netns, SERVER)
    shown = result.describe()

    assert stats.rtt_min_ms is not None, shown
    assert stats.rtt_min_ms >= configured - EARLY_MS, shown
    assert stats.rtt_avg_ms <= configured + LATE_MS, shown


@pytest.mark.tools("ping")
def test_ping_slow_link_rtt(netns, hopsim_run, hopsim_binary):
    topology = hoptools.TEST_TOPOLOGIES / "slow-link.yaml"
    delays_ms = [1.0, 20.0]  # the two links of slow-link.yaml
    configured = 2 * sum(delays_ms)
    hops, path_run = hoptools.hopsim_path(hopsim_binary, topology, "server")
    assert hops and hops[-1].addr, path_run.describe()
    hopsim_run.start(topology)
    result, stats = ping(netns, hops[-1].addr)
    shown = result.describe()

    assert stats.loss_pct == 0.0, shown
    assert stats.rtt_min_ms >= configured - EARLY_MS, shown
    assert configured - EARLY_MS <= stats.rtt_avg_ms <= configured + LATE_MS, shown
