# SPDX-License-Identifier: MIT
"""The hoptools parsers that the fault tests add, on sample outputs."""

import hoptools

PING_TIMESTAMPS = """\
PING 198.18.1.10 (198.18.1.10) 56(84) bytes of data.
[1796403689.052352] 64 bytes from 198.18.1.10: icmp_seq=10 ttl=61 time=6.17 ms
[1796403689.246862] From 198.18.0.2 icmp_seq=11 Destination Net Unreachable
[1796403692.309987] 64 bytes from 198.18.1.10: icmp_seq=26 ttl=61 time=6.17 ms

--- 198.18.1.10 ping statistics ---
3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss, time 6868ms
"""

PING_DUPLICATES = """\
PING 198.18.1.6 (198.18.1.6) 3000(3028) bytes of data.
3008 bytes from 198.18.1.6: icmp_seq=1 ttl=62 time=4.17 ms
3008 bytes from 198.18.1.6: icmp_seq=1 ttl=62 time=4.19 ms (DUP!)
wrong data byte #40 should be 0x28 but was 0x20
From 198.18.1.2 icmp_seq=3 Frag needed and DF set (mtu = 1400)

--- 198.18.1.6 ping statistics ---
4 packets transmitted, 1 received, +1 duplicates, +1 errors, 75% packet loss, time 601ms
"""

TRACEPATH_PMTU = """\
 1?: [LOCALHOST]                      pmtu 1500
 1:  198.18.0.2                                            0.080ms
 2:  198.18.1.2                                            2.036ms
 3:  198.18.1.2                                            2.159ms pmtu 1400
 3:  198.18.1.6                                            4.126ms
 4:  198.18.1.10                                           7.182ms reached
     Resume: pmtu 1400 hops 4 back 4
"""

HOPSIM_STOP = """\
hopsim: stopping on Terminated
hopsim: 51 packets read, 34 written, 0 write errors, 0 dropped for a full queue
hopsim:   dropped 1: ipv6
hopsim:   dropped 4: bad-checksum
hopsim:   dropped 11: bad-icmp
"""


def test_ping_lines_timestamps():
    lines = hoptools.parse_ping_lines(PING_TIMESTAMPS)

    assert [(line.kind, line.seq) for line in lines] == [
        ("reply", 10),
        ("error", 11),
        ("reply", 26),
    ]
    assert [line.time_s for line in lines] == [
        1796403689.052352,
        1796403689.246862,
        1796403692.309987,
    ]
    assert lines[1].addr == "198.18.0.2"
    assert lines[1].message == "Destination Net Unreachable"
    assert lines[0].size == 64


def test_ping_lines_duplicates():
    lines = hoptools.parse_ping_lines(PING_DUPLICATES)

    assert [(line.kind, line.seq, line.duplicate) for line in lines] == [
        ("reply", 1, False),
        ("reply", 1, True),
        ("error", 3, False),
    ]
    assert [line.size for line in lines] == [3008, 3008, None]
    assert lines[0].time_s is None
    assert lines[2].message == "Frag needed and DF set (mtu = 1400)"


def test_ping_lost_seqs():
    # Seq 1 has a reply and a duplicate.  Seq 3 has only an error, which is
    # no reply.
    assert hoptools.ping_lost_seqs(PING_DUPLICATES) == [2, 3, 4]


def test_tracepath_pmtu_changes():
    assert hoptools.tracepath_pmtu_changes(TRACEPATH_PMTU) == [(3, "198.18.1.2", 1400)]


def test_path_pmtu_parse():
    assert hoptools.parse_path_pmtu("1 198.18.0.2\n2 198.18.1.2\npmtu 1400\n") == 1400
    assert hoptools.parse_path_pmtu("1 198.18.0.2\n") is None


def test_drop_counters_parse():
    assert hoptools.parse_drop_counters(HOPSIM_STOP) == {
        "ipv6": 1,
        "bad-checksum": 4,
        "bad-icmp": 11,
    }
