# SPDX-License-Identifier: MIT
"""Fixtures that give each test its own network namespace and a hopsim
process in it, and check afterwards that hopsim removed all it set up.

The tests need root because they create namespaces and TUN devices.  They
fail, rather than skip, when run without root or without a tool.
"""

import os
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hoptools  # noqa: E402

HOPSIM = hoptools.HOPSIM
DEFAULT_TOPOLOGY = hoptools.DEFAULT_TOPOLOGY

# Seconds hopsim may take to start forwarding, and to stop after a signal.
START_TIMEOUT = 5.0
STOP_TIMEOUT = 5.0


def pytest_configure(config):
    config.addinivalue_line("markers", "tools(*names): external commands the test runs")


@pytest.fixture(scope="session")
def root():
    """Fail every test that needs root when the suite runs without it."""
    if os.geteuid() != 0:
        pytest.fail(
            "integration tests need root: they create network namespaces and TUN devices",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def hopsim_binary():
    """The built hopsim at the repository root."""
    if not os.access(HOPSIM, os.X_OK):
        pytest.fail(f"{HOPSIM} not found: build it with `make hopsim`", pytrace=False)
    return HOPSIM


@pytest.fixture(autouse=True)
def _required_tools(request):
    """Fail a test marked @pytest.mark.tools(...) whose tools are missing."""
    for marker in request.node.iter_markers("tools"):
        missing = hoptools.missing_tools(marker.args)
        if missing:
            pytest.fail("; ".join(missing), pytrace=False)


@pytest.fixture
def netns(root):
    """A fresh network namespace, created with `ip netns add` and always
    deleted afterwards."""
    missing = hoptools.missing_tools(["ip"])
    if missing:
        pytest.fail(missing[0], pytrace=False)
    ns = hoptools.Netns(hoptools.unique_netns_name("t"))
    ns.create()
    try:
        yield ns
    finally:
        result = ns.delete()
        if result is not None and result.returncode != 0:
            pytest.fail(f"unable to delete namespace {ns.name}:\n{result.describe()}")


@pytest.fixture
def fresh_netns_name(root):
    """A namespace name that no namespace has yet.  If a namespace of that
    name exists after the test, the fixture deletes it."""
    ns = hoptools.Netns(hoptools.unique_netns_name("t"))
    yield ns.name
    ns.delete()


class HopsimStarter:
    """Starts `hopsim run` in a namespace and checks its teardown."""

    def __init__(self, binary, ns):
        self.binary = binary
        self.ns = ns
        # [Hopsim, snapshot before the start, snapshot once running]
        self.started = []

    def start(self, topology=None, *options):
        """Start hopsim on @topology (None: the built-in default) and wait
        for its "running" line.  Fail the test if that line is missing
        after 5 s."""
        argv = [self.binary, "run"]
        if topology is not None:
            argv.append(topology)
        argv += ["--netns", self.ns.name, *options]
        before = self.ns.snapshot()
        proc = hoptools.Hopsim(argv)
        entry = [proc, before, None]
        self.started.append(entry)
        if not proc.wait_running(START_TIMEOUT):
            self.started.remove(entry)
            proc.stop()
            pytest.fail(
                f"hopsim did not log 'running' within {START_TIMEOUT} s:\n{proc.describe()}",
                pytrace=False,
            )
        entry[2] = self.ns.snapshot()
        return proc

    def check_stopped(self, proc, before, during, sig=signal.SIGTERM):
        """Stop @proc with @sig and return the problems found: a bad exit
        status, or devices, routes or addresses it left behind."""
        problems = []
        status = proc.stop(sig, STOP_TIMEOUT)
        if status is None:
            problems.append(f"hopsim did not exit within {STOP_TIMEOUT} s of {sig.name}")
        elif status != 0:
            problems.append(f"hopsim exited with status {status} after {sig.name}")
        if not self.ns.exists():
            problems.append(f"namespace {self.ns.name} disappeared while hopsim ran")
            return problems
        after = self.ns.snapshot()
        tuns = during["links"] - before["links"]
        if not tuns:
            problems.append("hopsim created no network device while running")
        for name in sorted(tuns & after["links"]):
            problems.append(f"device {name} still exists after hopsim exited")
        for route in sorted(during["routes"] - before["routes"]):
            if route in after["routes"]:
                problems.append(f"route '{route}' still exists after hopsim exited")
        for key in ("links", "routes", "addresses"):
            added = after[key] - before[key]
            if added:
                problems.append(f"{key} added and not removed: {sorted(added)}")
        return problems

    def stop(self, proc, sig=signal.SIGTERM):
        """Stop @proc now with @sig and fail the test on a bad teardown."""
        for entry in self.started:
            if entry[0] is proc:
                self.started.remove(entry)
                problems = self.check_stopped(proc, entry[1], entry[2], sig)
                assert not problems, "\n".join(problems) + "\n" + proc.describe()
                return
        raise ValueError("hopsim process was not started by this fixture")


@pytest.fixture
def hopsim_run(netns, hopsim_binary):
    """Start hopsim in the test's namespace: hopsim_run.start(TOPOLOGY).

    On teardown, send SIGTERM to each hopsim still running and check that
    it exits with status 0 within 5 s and leaves no TUN device, route or
    address behind."""
    starter = HopsimStarter(hopsim_binary, netns)
    yield starter
    problems = []
    for proc, before, during in starter.started:
        found = starter.check_stopped(proc, before, during)
        if found:
            problems += found + [proc.describe()]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def default_running(hopsim_run):
    """hopsim running the default topology from topologies/default.yaml."""
    return hopsim_run.start(DEFAULT_TOPOLOGY)


@pytest.fixture(scope="session")
def default_path(hopsim_binary):
    """`hopsim path topologies/default.yaml 198.18.1.18`, as a list of Hop."""
    hops, _ = hoptools.hopsim_path(hopsim_binary, DEFAULT_TOPOLOGY, "198.18.1.18")
    return hops
