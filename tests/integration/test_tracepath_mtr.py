# SPDX-License-Identifier: MIT
"""tracepath and mtr through the default topology."""

import pytest

import hoptools

SERVER = "198.18.1.18"


def lines(hops):
    return [str(h) for h in hops]


@pytest.mark.tools("tracepath")
def test_tracepath_matches_path(netns, default_running, default_path):
    result = netns.exec(["tracepath", "-n", SERVER], timeout=30)
    trace = hoptools.parse_tracepath(result.stdout)
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(default_path)

    assert result.returncode == 0, shown
    assert lines(trace.hops) == lines(default_path), shown
    assert trace.reached, shown
    assert trace.pmtu == 1500, shown
    assert trace.hop_count == len(default_path), shown
    # tracepath derives "back" from the reply's TTL (65 - ttl), so it checks
    # that each router on the way back decrements the TTL once.
    assert trace.back == len(default_path), shown


@pytest.mark.tools("mtr")
def test_mtr_report_matches_path(netns, default_running, default_path):
    result = netns.exec(["mtr", "-n", "-r", "-c", "3", SERVER], timeout=30)
    report = hoptools.parse_mtr_report(result.stdout)
    hops = hoptools.mtr_hops(report)
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(default_path)

    assert result.returncode == 0, shown
    assert lines(hops) == lines(default_path), shown
    assert report[-1].sent == 3, shown
    assert report[-1].loss_pct == 0.0, shown
