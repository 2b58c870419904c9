# SPDX-License-Identifier: MIT
"""The output parsers of hoptools, on sample outputs of each tool."""

import pytest

import hoptools
from hoptools import Hop

TRACEROUTE_UDP = """\
traceroute to 198.18.1.18 (198.18.1.18), 30 hops max, 60 byte packets
 1  198.18.0.2  0.105 ms  0.081 ms  0.077 ms
 2  198.18.1.2  2.215 ms *  2.190 ms
 3  * * *
 4  198.18.1.10  6.301 ms 198.18.9.9  6.280 ms  6.275 ms
10  198.18.1.14  3001.420 ms !H  3001.380 ms !H  3001.377 ms !H
"""

TRACEROUTE_MARKS = """\
traceroute to 198.18.202.1 (198.18.202.1), 5 hops max, 60 byte packets
 1  198.18.0.2  0.110 ms
 2  198.18.1.2  2.301 ms !X
"""

TRACEROUTE_NAMES = """\
traceroute to server (198.18.1.18), 30 hops max, 60 byte packets
 1  r1.example (198.18.0.2)  0.105 ms
 2  198.18.1.2 (198.18.1.2)  1.2 ms <syn,ack>
"""


def test_traceroute_parse_probes():
    rows = hoptools.parse_traceroute(TRACEROUTE_UDP)

    assert [r.ttl for r in rows] == [1, 2, 3, 4, 10]
    assert [p.rtt_ms for p in rows[0].probes] == [0.105, 0.081, 0.077]
    assert rows[1].unanswered == 1
    assert rows[2].unanswered == 3
    assert rows[3].addrs == ["198.18.1.10", "198.18.9.9"]
    assert [p.mark for p in rows[4].probes] == ["!H", "!H", "!H"]
    assert rows[4].probes[0].rtt_ms == 3001.42


def test_traceroute_hops_reduce():
    hops = hoptools.traceroute_hops(hoptools.parse_traceroute(TRACEROUTE_UDP))

    assert [str(h) for h in hops] == [
        "1 198.18.0.2",
        "2 198.18.1.2",
        "3 *",
        "4 198.18.1.10,198.18.9.9",
        "10 198.18.1.14 !H",
    ]


def test_traceroute_hops_marks():
    hops = hoptools.traceroute_hops(hoptools.parse_traceroute(TRACEROUTE_MARKS))

    assert hops == [Hop(1, "198.18.0.2"), Hop(2, "198.18.1.2", "!X")]


def test_traceroute_mixed_marks_visible():
    rows = hoptools.parse_traceroute(" 2  198.18.1.2  1.0 ms !H  1.1 ms\n")

    assert str(hoptools.traceroute_hops(rows)[0]) == "2 198.18.1.2 !H,-"


def test_traceroute_names_use_address():
    hops = hoptools.traceroute_hops(hoptools.parse_traceroute(TRACEROUTE_NAMES))

    assert hops == [Hop(1, "198.18.0.2"), Hop(2, "198.18.1.2")]


def test_path_parse_lines():
    hops = hoptools.parse_path("1 198.18.0.2\n2 198.18.1.2 !H\n3 *\n")

    assert hops == [Hop(1, "198.18.0.2"), Hop(2, "198.18.1.2", "!H"), Hop(3, None)]
    assert hoptools.format_hops(hops) == "1 198.18.0.2\n2 198.18.1.2 !H\n3 *"


def test_path_parse_rejects_garbage():
    with pytest.raises(ValueError):
        hoptools.parse_path("1 198.18.0.2\nhopsim: something else\n")


TRACEPATH = """\
 1?: [LOCALHOST]                      pmtu 1500
 1:  198.18.0.2                                            0.120ms
 1:  198.18.0.2                                            0.081ms
 2:  198.18.1.2                                            2.210ms
 3:  no reply
 4:  198.18.1.10                                           6.330ms asymm  5
 5:  198.18.1.14                                           8.401ms
 6:  198.18.1.18                                          10.377ms reached
     Resume: pmtu 1500 hops 6 back 6
"""


def test_tracepath_parse_hops():
    trace = hoptools.parse_tracepath(TRACEPATH)

    assert [str(h) for h in trace.hops] == [
        "1 198.18.0.2",
        "2 198.18.1.2",
        "3 *",
        "4 198.18.1.10",
        "5 198.18.1.14",
        "6 198.18.1.18",
    ]
    assert trace.reached
    assert trace.pmtu == 1500
    assert trace.hop_count == 6
    assert trace.back == 6


def test_tracepath_not_reached():
    trace = hoptools.parse_tracepath(
        " 1?: [LOCALHOST]   pmtu 1500\n 1:  198.18.0.2   0.1ms\n"
        " 2:  no reply\n     Too many hops: pmtu 1500\n     Resume: pmtu 1500\n"
    )

    assert not trace.reached
    assert trace.pmtu == 1500
    assert trace.hop_count is None
    assert [str(h) for h in trace.hops] == ["1 198.18.0.2", "2 *"]


MTR = """\
Start: 2024-12-04T16:40:12+0000
HOST: box                         Loss%   Snt   Last   Avg  Best  Wrst StDev
  1.|-- 198.18.0.2                 0.0%     3    0.2   0.2   0.1   0.2   0.0
  2.|-- 198.18.1.2                 0.0%     3    2.2   2.2   2.1   2.3   0.1
  3.|-- ???                       100.0     3    0.0   0.0   0.0   0.0   0.0
  4.|-- 198.18.1.10               33.3%     3    6.3   6.3   6.3   6.4   0.0
    |  `|-- 198.18.9.9
  5.|-- 198.18.1.18                0.0%     3   10.4  10.4  10.3  10.5   0.1
"""


def test_mtr_parse_report():
    report = hoptools.parse_mtr_report(MTR)

    assert [h.ttl for h in report] == [1, 2, 3, 4, 5]
    assert report[2].addr is None
    assert report[2].loss_pct == 100.0
    assert report[3].loss_pct == 33.3
    assert report[3].others == ["198.18.9.9"]
    assert report[4].sent == 3
    assert report[4].avg_ms == 10.4


def test_mtr_hops_reduce():
    hops = hoptools.mtr_hops(hoptools.parse_mtr_report(MTR))

    assert [str(h) for h in hops] == [
        "1 198.18.0.2",
        "2 198.18.1.2",
        "3 *",
        "4 198.18.1.10,198.18.9.9",
        "5 198.18.1.18",
    ]


PING = """\
PING 198.18.1.18 (198.18.1.18) 56(84) bytes of data.
64 bytes from 198.18.1.18: icmp_seq=1 ttl=59 time=10.4 ms
64 bytes from 198.18.1.18: icmp_seq=2 ttl=59 time=10.2 ms
From 198.18.0.2 icmp_seq=3 Destination Net Unreachable

--- 198.18.1.18 ping statistics ---
3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss, time 402ms
rtt min/avg/max/mdev = 10.212/10.306/10.400/0.094 ms
"""


def test_ping_parse_replies():
    result = hoptools.parse_ping(PING)

    assert [(r.seq, r.ttl, r.rtt_ms) for r in result.replies] == [(1, 59, 10.4), (2, 59, 10.2)]
    assert result.errors == ["From 198.18.0.2 icmp_seq=3 Destination Net Unreachable"]
    assert result.transmitted == 3
    assert result.received == 2
    assert result.loss_pct == 33.3333
    assert (result.rtt_min_ms, result.rtt_avg_ms, result.rtt_max_ms) == (10.212, 10.306, 10.4)


def test_ping_parse_total_loss():
    result = hoptools.parse_ping(
        "PING 198.18.1.18 (198.18.1.18) 56(84) bytes of data.\n\n"
        "--- 198.18.1.18 ping statistics ---\n"
        "3 packets transmitted, 0 received, 100% packet loss, time 2047ms\n"
    )

    assert result.replies == []
    assert result.loss_pct == 100.0
    assert result.rtt_avg_ms is None


def test_trace_parse_line():
    lines = hoptools.parse_trace(
        "  0.001234 r1 eth0: 198.18.0.1 > 198.18.1.18 icmp echo-request id 7 seq 1"
        " ttl 64 len 84: forwarded to r2\n"
        "hopsim: running\n"
    )

    assert len(lines) == 1
    assert lines[0].node == "r1"
    assert lines[0].transport == "icmp echo-request id 7 seq 1"
    assert lines[0].ttl == 64
    assert lines[0].decision == "forwarded to r2"
