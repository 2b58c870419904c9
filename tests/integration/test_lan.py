# SPDX-License-Identifier: MIT
"""A TUN device shared by two routers, as ping, traceroute and the kernel's
routes show it: redirects, and echo to the link's multicast groups.

topologies/redirect.yaml puts the kernel, r1 (its router) and g2 on the
TUN device's /29.  r1 reaches the branch host behind g2 through g2 on that
LAN, so it redirects the kernel there.
"""

import re

import pytest

import hoptools

TOPOLOGY = hoptools.REPO / "topologies" / "redirect.yaml"
R1 = "198.18.0.2"
G2 = "198.18.0.3"
CORE = "198.18.1.2"  # reached through r1 only
BRANCH = "198.18.1.6"  # behind g2
R1_6 = "2001:db8::2"
G2_6 = "2001:db8::3"
G2_LINK_LOCAL = "fe80::1:3"
BRANCH_6 = "2001:db8:1:1::2"

# iputils ping prints an ICMP redirect as
# "From 198.18.0.2: icmp_seq=1 Redirect Host(New nexthop: 198.18.0.3)".
_REDIRECT_RE = re.compile(
    r"^From ([\d.]+): icmp_seq=(\d+) Redirect Host\(New nexthop: ([\d.]+)\)$"
)


# "64 bytes from fe80::1:2%hop0: icmp_seq=1 ttl=64 time=0.8 ms (DUP!)"
_GROUP_REPLY_RE = re.compile(r"^\d+ bytes from ([0-9a-f:]+)(?:%\w+)?: icmp_seq=(\d+) ")


def redirects(text):
    """The (from, icmp_seq, new next hop) of each redirect ping printed."""
    found = []
    for line in text.splitlines():
        m = _REDIRECT_RE.match(line.strip())
        if m:
            found.append((m.group(1), int(m.group(2)), m.group(3)))
    return found


def ping(netns, dest, count, *options, interval="0.2"):
    return netns.exec(
        ["ping", "-n", "-c", str(count), "-i", interval, "-W", "2", *options, dest], timeout=15
    )


def route_get(netns, dest, family="-4"):
    routes = netns.ip_json(family, "route", "get", dest)
    assert len(routes) == 1, routes
    return routes[0]


def traceroute(netns, dest, *options):
    result = netns.exec(["traceroute", "-n", "-q", "1", *options, dest], timeout=30)
    assert result.returncode == 0, result.describe()
    hops = hoptools.traceroute_hops(hoptools.parse_traceroute(result.stdout))
    return [hop.addr for hop in hops], result


@pytest.mark.tools("ping")
def test_ping_redirected_once(netns, hopsim_run):
    hopsim_run.start(TOPOLOGY)
    result = ping(netns, BRANCH, 3)
    stats = hoptools.parse_ping(result.stdout)
    shown = result.describe()

    assert result.returncode == 0, shown
    # The kernel takes the redirect, so the next requests go to g2.
    assert redirects(result.stdout) == [(R1, 1, G2)], shown
    assert [r.seq for r in stats.replies] == [1, 2, 3], shown
    # branch's replies cross g2 only.
    assert [r.ttl for r in stats.replies] == [63, 63, 63], shown


@pytest.mark.tools("ping", "traceroute")
def test_kernel_follows_redirect(netns, hopsim_run):
    hopsim_run.start(TOPOLOGY)
    before, run = traceroute(netns, CORE)
    assert before == [R1, CORE], run.describe()
    result = ping(netns, BRANCH, 1)
    assert redirects(result.stdout) == [(R1, 1, G2)], result.describe()

    route = route_get(netns, BRANCH)
    assert route.get("gateway") == G2, route
    assert "redirected" in route.get("cache", []), route
    after, run = traceroute(netns, BRANCH)
    assert after == [G2, BRANCH], run.describe()
    # Destinations that only r1 reaches keep their route.
    assert route_get(netns, CORE).get("gateway") == R1


@pytest.mark.tools("ping", "traceroute")
def test_ipv6_redirect_followed(netns, hopsim_run):
    hopsim_run.start(TOPOLOGY)
    assert route_get(netns, BRANCH_6, "-6").get("gateway") == "fe80::1:2"
    result = ping(netns, BRANCH_6, 1, "-6")
    assert result.returncode == 0, result.describe()

    # The kernel took r1's Redirect: its target is g2's link-local address.
    route = route_get(netns, BRANCH_6, "-6")
    assert route.get("gateway") == G2_LINK_LOCAL, route
    after, run = traceroute(netns, BRANCH_6, "-6")
    assert after == [G2_6, BRANCH_6], run.describe()


@pytest.mark.tools("ping", "traceroute")
def test_kernel_refusing_redirects(netns, hopsim_run):
    # The TUN device takes its settings from "default" when hopsim
    # creates it.
    for setting in (
        "net.ipv4.conf.all.accept_redirects=0",
        "net.ipv4.conf.default.accept_redirects=0",
        "net.ipv6.conf.default.accept_redirects=0",
    ):
        result = netns.exec(["sysctl", "-q", "-w", setting])
        assert result.returncode == 0, result.describe()
    hopsim_run.start(TOPOLOGY)
    result = ping(netns, BRANCH, 4, interval="0.25")
    shown = result.describe()

    # r1 keeps redirecting, backing off: after the n-th redirect it waits
    # more than 20 ms << (n + 1), so with requests 0.25 s apart the second
    # and third (waits of 80 and 160 ms) get one and the fourth (0.25 s
    # after the third redirect, less than 320 ms) none.
    assert redirects(result.stdout) == [(R1, 1, G2), (R1, 2, G2), (R1, 3, G2)], shown
    assert route_get(netns, BRANCH).get("gateway") == R1
    hops, run = traceroute(netns, BRANCH)
    assert hops == [R1, G2, BRANCH], run.describe()
    hops6, run = traceroute(netns, BRANCH_6, "-6")
    assert hops6 == [R1_6, G2_6, BRANCH_6], run.describe()


@pytest.mark.tools("ping")
def test_echo_to_link_groups(netns, hopsim_run):
    hopsim_run.start(TOPOLOGY)
    cases = [
        # From the kernel's link-local address, to all nodes: both
        # routers reply from their link-local addresses.
        (["ff02::1%hop0"], {"fe80::1:2", "fe80::1:3"}),
        # From its global address, to all routers: from their global ones.
        (["-I", "2001:db8::1", "ff02::2%hop0"], {R1_6, G2_6}),
    ]
    for argv, expected in cases:
        result = netns.exec(["ping", "-6", "-n", "-c", "2", "-i", "0.5", "-W", "1", *argv])
        answered = set()
        for line in result.stdout.splitlines():
            m = _GROUP_REPLY_RE.match(line)
            if m and m.group(2) == "1":
                answered.add(m.group(1))
        # The kernel replies to its own request too.
        assert expected <= answered, result.describe()
        assert len(answered - expected) <= 1, result.describe()


@pytest.mark.tools("ping", "traceroute")
def test_link_local_unicast(netns, hopsim_run):
    hopsim_run.start(TOPOLOGY)
    for addr in ("fe80::1:2", "fe80::1:3"):
        dest = f"{addr}%hop0"
        result = netns.exec(["ping", "-6", "-n", "-c", "2", "-i", "0.3", "-W", "1", dest])
        replies = [m.group(1) for m in map(_GROUP_REPLY_RE.match, result.stdout.splitlines()) if m]
        assert result.returncode == 0, result.describe()
        assert replies == [addr, addr], result.describe()
        hops, run = traceroute(netns, dest, "-6")
        assert hops == [dest], run.describe()


@pytest.mark.tools("ping")
def test_group_echo_without_ipv6(netns, hopsim_run, tmp_path):
    # The kernel still has a link-local address on the device, but no node
    # of the topology has IPv6, so none may reply.
    topology = tmp_path / "no-ipv6.yaml"
    topology.write_text(TOPOLOGY.read_text() + "ipv6: false\n")
    hopsim_run.start(topology)
    result = netns.exec(["ping", "-6", "-n", "-w", "1", "-i", "0.3", "ff02::1%hop0"])
    answered = {m.group(1) for m in map(_GROUP_REPLY_RE.match, result.stdout.splitlines()) if m}
    # At most the kernel itself replies, from its own link-local address.
    assert "transmitted" in result.stdout, result.describe()
    assert not answered & {"fe80::1:2", "fe80::1:3", "::"}, result.describe()
    assert len(answered) <= 1, result.describe()


@pytest.mark.tools("traceroute")
def test_first_traceroute_before_redirect(netns, hopsim_run):
    hopsim_run.start(TOPOLOGY)
    # traceroute sends its probes at once, before r1's redirect arrives,
    # so all of them go through r1, and g2 sends time exceeded for the
    # TTL 2 probes.
    first, run = traceroute(netns, BRANCH, "-q", "3")
    assert first == [R1, G2, BRANCH], run.describe()
    second, run = traceroute(netns, BRANCH, "-q", "3")
    assert second == [G2, BRANCH], run.describe()


@pytest.mark.tools("traceroute")
def test_kernel_route_via_lan_member(netns, hopsim_run, tmp_path):
    # With routes: none the routes are added by hand, and hopsim looks up
    # which first hop the kernel uses.
    topology = tmp_path / "by-hand.yaml"
    topology.write_text(
        "tun:\n"
        "  hop0: { router: r1, address: 198.18.0.1/29, lan: [g2], routes: none }\n"
        "routers: [r1, g2]\n"
        "hosts: [srv]\n"
        "links:\n"
        "  - g2 -- srv\n"
    )
    hopsim_run.start(topology)
    for argv in (
        ["route", "add", "198.18.1.0/30", "via", G2],
        ["-6", "route", "add", "2001:db8:1::/64", "via", G2_LINK_LOCAL, "dev", "hop0"],
    ):
        result = netns.ip(*argv)
        assert result.returncode == 0, result.describe()
    hops, run = traceroute(netns, "198.18.1.2")
    assert hops == [G2, "198.18.1.2"], run.describe()
    hops6, run = traceroute(netns, "2001:db8:1::2", "-6")
    assert hops6 == [G2_6, "2001:db8:1::2"], run.describe()
