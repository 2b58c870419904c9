# SPDX-License-Identifier: MIT
"""The per-packet trace of `hopsim run -v`, and the silence of -q."""

import time

import pytest

import hoptools

SERVER = "198.18.1.18"
ROUTERS = ["r1", "r2", "r3", "r4", "r5"]


@pytest.mark.tools("ping")
def test_verbose_traces_each_hop(netns, hopsim_run):
    proc = hopsim_run.start(hoptools.DEFAULT_TOPOLOGY, "-v")
    ping = netns.exec(["ping", "-n", "-c", "1", "-W", "2", SERVER], timeout=10)
    hopsim_run.stop(proc)
    trace = hoptools.parse_trace(proc.stdout)
    shown = ping.describe() + "\n" + proc.describe()
    requests = [t for t in trace if t.transport.startswith("icmp echo-request")]
    replies = [t for t in trace if t.transport.startswith("icmp echo-reply")]
    request_at = {t.node: t for t in requests}
    reply_at = {t.node: t for t in replies}
    written = [t for t in replies if t.decision == "written to the TUN device"]

    assert ping.returncode == 0, shown
    for hop, (node, next_node) in enumerate(zip(ROUTERS, ROUTERS[1:] + ["server"])):
        assert node in request_at, shown
        assert request_at[node].decision == f"forwarded to {next_node}", shown
        # The TTL as the packet arrives, before the router decrements it.
        assert request_at[node].ttl == 64 - hop, shown
    assert "server" in request_at, shown
    assert request_at["server"].decision.startswith("delivered"), shown
    back = ["server"] + ROUTERS[::-1]
    for node, next_node in zip(back, back[1:] + ["hop0"]):
        assert node in reply_at, shown
        assert reply_at[node].decision == f"forwarded to {next_node}", shown
    assert len(written) == 1, shown
    assert written[0].ttl == 59, shown
    # Five links of 1 ms each way: the reply leaves at least 10 ms after
    # the request reached r1.
    assert written[0].time_s - request_at["r1"].time_s >= 0.0099, shown


def test_quiet_prints_nothing(netns, hopsim_binary):
    proc = hoptools.Hopsim(
        [hopsim_binary, "run", hoptools.DEFAULT_TOPOLOGY, "--netns", netns.name, "-q"]
    )
    # With -q there is no "running" line, so wait for the device instead.
    deadline = time.monotonic() + 5.0
    while "hop0" not in netns.links() and time.monotonic() < deadline:
        time.sleep(0.05)
    up = "hop0" in netns.links()
    status = proc.stop()
    shown = proc.describe()

    assert up, shown
    assert status == 0, shown
    assert proc.stderr == "", shown
    assert proc.stdout == "", shown
    assert "hop0" not in netns.links(), shown
