# SPDX-License-Identifier: MIT
"""traceroute with UDP, ICMP and TCP probes through the default topology."""

import pytest

import hoptools

SERVER = "198.18.1.18"

# What topologies/default.yaml promises, written out so that a bug in
# `hopsim path` cannot hide the same bug in forwarding.
DEFAULT_HOPS = [
    "198.18.0.2",
    "198.18.1.2",
    "198.18.1.6",
    "198.18.1.10",
    "198.18.1.14",
    "198.18.1.18",
]

# Probe options per method.  Three probes per hop check that hopsim replies
# to every probe.  A plain "-w 2", without factors, switches off the
# adaptive wait of traceroute 2.1, which could expire a slower probe early.
METHODS = {
    "udp": ["-q", "3"],
    "icmp": ["-I", "-q", "3"],
    "tcp": ["-T", "-p", "80", "-q", "3"],
}


def trace(netns, *options, dest=SERVER, timeout=30):
    result = netns.exec(["traceroute", "-n", "-w", "2", *options, dest], timeout=timeout)
    rows = hoptools.parse_traceroute(result.stdout)
    return result, rows, hoptools.traceroute_hops(rows)


def lines(hops):
    return [str(h) for h in hops]


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize("method", list(METHODS))
def test_traceroute_matches_path(netns, default_running, default_path, method):
    result, rows, hops = trace(netns, *METHODS[method])
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(default_path)

    assert result.returncode == 0, shown
    assert lines(hops) == lines(default_path), shown
    assert [h.addr for h in hops] == DEFAULT_HOPS, shown
    assert [r.ttl for r in rows if r.unanswered] == [], "probes without reply:\n" + shown
    assert all(len(r.probes) == 3 for r in rows), shown


@pytest.mark.tools("traceroute")
@pytest.mark.parametrize("port", [22, 23], ids=["open-22", "closed-23"])
def test_traceroute_tcp_port(netns, default_running, default_path, port):
    # A SYN-ACK from an open port and a RST from a closed one both end
    # the trace at the server.
    result, _, hops = trace(netns, "-T", "-p", str(port), "-q", "1")
    shown = result.describe() + "\nhopsim path:\n" + hoptools.format_hops(default_path)

    assert result.returncode == 0, shown
    assert lines(hops) == lines(default_path), shown
    assert hops and hops[-1].addr == SERVER, shown


# Runs inside the namespace: connects to ADDR PORT and prints "open",
# "refused" or "timeout".  SO_LINGER 0 makes close send a RST, so no
# socket lingers in FIN-WAIT after the test.
CONNECT = """
import socket, struct, sys
s = socket.socket()
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
def test_tcp_connect_port_state(netns, default_running, port, state):
    result = netns.exec(["/usr/bin/python3", "-c", CONNECT, SERVER, str(port)], timeout=10)

    assert result.returncode == 0, result.describe()
    assert result.stdout.strip() == state, result.describe()
