# SPDX-License-Identifier: MIT
"""hopsim leaves existing routes and devices alone, and removes what it
set up however it stops."""

import re
import signal

import pytest

import hoptools

# The /30 subnets that topologies/default.yaml gives its five links.
DEFAULT_LINK_SUBNETS = [f"198.18.1.{4 * i}/30" for i in range(5)]


def run_to_exit(hopsim_binary, netns_name, timeout=5.0):
    """Run `hopsim run --netns NAME` on the default topology, which should
    exit by itself.  Stop it with SIGTERM if it still runs after @timeout
    seconds, and return (exit status or None, Hopsim)."""
    proc = hoptools.Hopsim([hopsim_binary, "run", "--netns", netns_name])
    status = proc.wait(timeout)
    if status is None:
        proc.stop()
    return status, proc


def add_device(netns, name):
    """Add a dummy device @name, or a bridge where the kernel has no dummy
    driver.  Either carries no traffic out of the namespace."""
    result = netns.ip("link", "add", name, "type", "dummy")
    if result.returncode != 0 and "Unknown device type" in result.stderr:
        result = netns.ip("link", "add", name, "type", "bridge")
    assert result.returncode == 0, result.describe()


def test_run_existing_route_rejected(netns, hopsim_binary):
    add_device(netns, "d0")
    for args in (
        ["link", "set", "d0", "up"],
        ["route", "add", "198.18.1.0/24", "dev", "d0"],
    ):
        result = netns.ip(*args)
        assert result.returncode == 0, result.describe()
    before = netns.snapshot()

    status, proc = run_to_exit(hopsim_binary, netns.name)
    after = netns.snapshot()
    shown = proc.describe()

    assert status == 3, shown
    assert any(subnet in proc.stderr for subnet in DEFAULT_LINK_SUBNETS), shown
    assert "198.18.1.0/24 dev d0" in proc.stderr, shown
    assert "hop0" not in after["links"], shown
    assert after["routes"] == before["routes"], shown
    assert after["addresses"] == before["addresses"], shown


@pytest.mark.parametrize("kind", ["dummy", "persistent-tun"])
def test_run_existing_device_untouched(netns, hopsim_binary, kind):
    # A persistent TUN device is the dangerous case: opening /dev/net/tun
    # with its name would attach to it.
    if kind == "dummy":
        add_device(netns, "hop0")
    else:
        result = netns.ip("tuntap", "add", "dev", "hop0", "mode", "tun")
        assert result.returncode == 0, result.describe()
    before = netns.snapshot()
    device_before = netns.links()["hop0"]

    status, proc = run_to_exit(hopsim_binary, netns.name)
    after = netns.snapshot()
    device_after = netns.links().get("hop0")
    shown = proc.describe()

    assert status == 3, shown
    assert re.search(r"\bhop0\b", proc.stderr), shown
    assert device_after == device_before, shown
    assert after == before, shown


def test_run_creates_and_removes_netns(hopsim_binary, fresh_netns_name):
    assert fresh_netns_name not in hoptools.netns_list()
    proc = hoptools.Hopsim([hopsim_binary, "run", "--netns", fresh_netns_name])
    running = proc.wait_running(5.0)
    listed = hoptools.netns_list()
    links = hoptools.Netns(fresh_netns_name).links() if fresh_netns_name in listed else {}
    status = proc.stop(signal.SIGTERM)
    shown = proc.describe()

    assert running, shown
    assert fresh_netns_name in listed, shown
    assert "hop0" in links, shown
    assert status == 0, shown
    assert fresh_netns_name not in hoptools.netns_list(), shown


def test_run_sigint_cleans_up(netns, hopsim_run):
    proc = hopsim_run.start(hoptools.DEFAULT_TOPOLOGY)
    assert "hop0" in netns.links(), proc.describe()
    # Checks the exit status and that the device, routes and addresses
    # are gone, as the fixture does after SIGTERM.
    hopsim_run.stop(proc, signal.SIGINT)

    assert "stopping on Interrupt" in proc.stderr, proc.describe()
