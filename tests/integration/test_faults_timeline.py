# SPDX-License-Identifier: MIT
"""Timeline events while tools run: a link that goes down and comes back,
and a ring that fails over to its backup path."""

import itertools
import time

import pytest

import hoptools

LINK_FLAP = hoptools.TEST_TOPOLOGIES / "link-flap-short.yaml"
FAILOVER = hoptools.TEST_TOPOLOGIES / "failover-short.yaml"

# Seconds after hopsim's "running" line at which the timelines of
# link-flap-short.yaml and failover-short.yaml change a link.
FLAP_DOWN_S = 2.0
FLAP_UP_S = 5.0
FAILOVER_S = 2.0

# How far an event may seem to move: the ping interval (0.2 s), hopsim's
# timer and the time the test takes to read the "running" line.
EVENT_TOLERANCE_S = 0.5


@pytest.mark.tools("ping")
def test_link_flap_net_unreachable(netns, hopsim_run):
    proc = hopsim_run.start(LINK_FLAP)
    # 35 pings 0.2 s apart span 7 s: the outage from 2 s to 5 s and 2 s
    # after it.
    result = netns.exec(
        ["ping", "-n", "-D", "-c", "35", "-i", "0.2", "-W", "1", "198.18.1.10"], timeout=15
    )
    events = hoptools.parse_ping_lines(result.stdout)
    kinds = [kind for kind, _ in itertools.groupby(e.kind for e in events)]
    errors = [e for e in events if e.kind == "error"]
    first_error = next((e for e in events if e.kind == "error"), None)
    first_back = next(
        (e for e in events if e.kind == "reply" and first_error and e.seq > first_error.seq),
        None,
    )
    shown = result.describe() + f"\nhopsim running at {proc.running_at:.6f}"

    assert kinds == ["reply", "error", "reply"], shown
    # r1 has no route to the server while r2 -- r3 is down.
    assert {e.addr for e in errors} == {"198.18.0.2"}, shown
    assert {e.message for e in errors} == {"Destination Net Unreachable"}, shown
    assert first_error is not None and first_error.time_s is not None, shown
    down_at = first_error.time_s - proc.running_at
    assert abs(down_at - FLAP_DOWN_S) <= EVENT_TOLERANCE_S, (
        f"first net unreachable at {down_at:.2f} s, link down at {FLAP_DOWN_S} s\n" + shown
    )
    assert first_back is not None and first_back.time_s is not None, shown
    up_at = first_back.time_s - proc.running_at
    assert abs(up_at - FLAP_UP_S) <= EVENT_TOLERANCE_S, (
        f"first reply after the outage at {up_at:.2f} s, link up at {FLAP_UP_S} s\n" + shown
    )


def trace(netns, dest):
    result = netns.exec(["traceroute", "-n", "-q", "1", "-w", "1", dest], timeout=10)
    return result, hoptools.traceroute_hops(hoptools.parse_traceroute(result.stdout))


def lines(hops):
    return [str(h) for h in hops]


@pytest.mark.tools("traceroute")
def test_failover_path_changes(netns, hopsim_run, hopsim_binary, tmp_path):
    # `hopsim path` shows the start only.  The path after the event comes
    # from the same file with r1 -- r2 down from the start and no timeline.
    text = FAILOVER.read_text()
    after_topology = tmp_path / "failover-after.yaml"
    down = text.replace("- r1 -- r2: { delay: 1ms }", "- r1 -- r2: { delay: 1ms, state: down }")
    assert down != text, "failover-short.yaml no longer has the r1 -- r2 line this test edits"
    after_topology.write_text(down.split("\ntimeline:")[0] + "\n")
    expected_before, _ = hoptools.hopsim_path(hopsim_binary, FAILOVER, "server")
    expected_after, _ = hoptools.hopsim_path(hopsim_binary, after_topology, "server")

    proc = hopsim_run.start(FAILOVER)
    before, hops_before = trace(netns, "198.18.1.18")
    before_done = time.time() - proc.running_at
    time.sleep(max(0.0, proc.running_at + FAILOVER_S + EVENT_TOLERANCE_S - time.time()))
    after, hops_after = trace(netns, "198.18.1.18")
    shown = (
        before.describe()
        + after.describe()
        + "\nhopsim path at start:\n"
        + hoptools.format_hops(expected_before)
        + "\nhopsim path with r1 -- r2 down:\n"
        + hoptools.format_hops(expected_after)
    )

    assert before_done < FAILOVER_S, f"first traceroute ended at {before_done:.2f} s\n" + shown
    assert lines(hops_before) == lines(expected_before), shown
    assert [h.addr for h in hops_before] == [
        "198.18.0.2",
        "198.18.1.2",
        "198.18.1.6",
        "198.18.1.18",
    ], shown
    assert lines(hops_after) == lines(expected_after), shown
    assert [h.addr for h in hops_after] == [
        "198.18.0.2",
        "198.18.1.13",
        "198.18.1.9",
        "198.18.1.18",
    ], shown
