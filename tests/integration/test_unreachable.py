# SPDX-License-Identifier: MIT
"""traceroute to destinations that end in !N, !H, !X or silence."""

from dataclasses import dataclass
from typing import Optional

import pytest

import hoptools

TOPOLOGY = hoptools.TEST_TOPOLOGIES / "unreachable.yaml"
MAX_TTL = 5

R1 = "198.18.0.2"  # r1 on the hop0 link
R2 = "198.18.1.2"  # r2 on the r1 -- r2 link, toward the sender


@dataclass
class Case:
    dest: str
    wait: str  # traceroute -w: long enough for the neighbour timeout
    last_addr: Optional[str]  # the address of the last row, None for "*"
    last_mark: Optional[str]
    # Band for the last row's round trip in ms, for neighbour timeouts:
    # at least the timeout, and at most 500 ms more on a loaded machine.
    rtt_band_ms: Optional[tuple] = None


CASES = {
    "no-route": Case("198.18.99.1", "2", R1, "!N"),
    "unreachable-route": Case("198.18.201.1", "2", R2, "!H"),
    "prohibit-route": Case("198.18.202.1", "2", R2, "!X"),
    "neighbour-timeout-500ms": Case("198.18.50.77", "5", R2, "!H", (500.0, 1000.0)),
    "neighbour-timeout-3s": Case("198.18.60.77", "5", R1, "!H", (3000.0, 3500.0)),
    "blackhole-route": Case("198.18.200.1", "1", None, None),
}


@pytest.fixture
def unreachable_running(netns, hopsim_run):
    proc = hopsim_run.start(TOPOLOGY)
    # No router has a route for 198.18.99.0/24, so hopsim does not route it
    # into hop0 either; this route sends it to r1, which answers !N.
    result = netns.ip("route", "add", "198.18.99.0/24", "dev", "hop0")
    assert result.returncode == 0, result.describe()
    return proc


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize("name", list(CASES))
def test_traceroute_unreachable_mark(netns, unreachable_running, hopsim_binary, name):
    case = CASES[name]
    expected, _ = hoptools.hopsim_path(
        hopsim_binary, TOPOLOGY, case.dest, "--max-ttl", str(MAX_TTL)
    )
    result = netns.exec(
        ["traceroute", "-n", "-q", "1", "-w", case.wait, "-m", str(MAX_TTL), case.dest],
        timeout=30,
    )
    rows = hoptools.parse_traceroute(result.stdout)
    hops = hoptools.traceroute_hops(rows)
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(expected)

    assert result.returncode == 0, shown
    assert [str(h) for h in hops] == [str(h) for h in expected], shown
    assert hops, shown
    assert hops[-1].addr == case.last_addr, shown
    assert hops[-1].mark == case.last_mark, shown
    if case.rtt_band_ms:
        low, high = case.rtt_band_ms
        rtt = rows[-1].probes[0].rtt_ms
        assert rtt is not None and low <= rtt <= high, (
            f"round trip {rtt} ms outside [{low}, {high}] ms\n" + shown
        )


@pytest.mark.tools("traceroute")
def test_traceroute_blackhole_silent(netns, unreachable_running):
    # Every row after r1 is "*", up to the maximum TTL.
    result = netns.exec(
        ["traceroute", "-n", "-q", "1", "-w", "1", "-m", str(MAX_TTL), "198.18.200.1"],
        timeout=30,
    )
    hops = hoptools.traceroute_hops(hoptools.parse_traceroute(result.stdout))

    assert [str(h) for h in hops] == [f"1 {R1}"] + [
        f"{ttl} *" for ttl in range(2, MAX_TTL + 1)
    ], result.describe()
