# SPDX-License-Identifier: MIT
"""Link impairments seen by ping: loss, its repetition under --seed,
jitter, duplication, corruption and a bandwidth limit."""

import math

import pytest

import hoptools

TOPOLOGIES = hoptools.REPO / "topologies"
SEED = "1"

# Round-trip band, as in test_ping.py.
EARLY_MS = 0.5
LATE_MS = 15.0


def ping(netns, dest, count, interval, *options, timeout=20):
    result = netns.exec(
        ["ping", "-n", "-c", str(count), "-i", interval, "-W", "1", *options, dest],
        timeout=timeout,
    )
    return result, hoptools.parse_ping(result.stdout)


def binomial_band_pct(p, n, sigmas=3.0):
    """Return (low, high) in percent: @p (a fraction) +- @sigmas standard
    deviations of the lost fraction in @n independent trials."""
    spread = sigmas * math.sqrt(p * (1 - p) / n)
    return 100 * (p - spread), 100 * (p + spread)


# lossy-link.yaml: r2 loses 20% of what it sends to r3, so 20% of the
# echo requests, and none of the replies.
LOSSY = TOPOLOGIES / "lossy-link.yaml"
LOSSY_SERVER = "198.18.1.10"
LOSS = 0.20
LOSS_COUNT = 200


def lossy_ping(netns, hopsim_run, seed):
    """Run hopsim on lossy-link.yaml with --seed @seed, ping through it,
    stop it, and return (Run, PingResult, lost icmp_seq numbers)."""
    proc = hopsim_run.start(LOSSY, "--seed", seed)
    result, stats = ping(netns, LOSSY_SERVER, LOSS_COUNT, "0.01")
    hopsim_run.stop(proc)
    return result, stats, hoptools.ping_lost_seqs(result.stdout)


@pytest.mark.tools("ping")
def test_lossy_link_loss_band(netns, hopsim_run):
    low, high = binomial_band_pct(LOSS, LOSS_COUNT)  # 11.5% to 28.5%
    result, stats, lost = lossy_ping(netns, hopsim_run, SEED)
    shown = result.describe()

    assert stats.transmitted == LOSS_COUNT, shown
    assert low <= stats.loss_pct <= high, f"loss outside [{low:.1f}, {high:.1f}]%\n" + shown
    assert len(lost) == LOSS_COUNT - stats.received, shown


@pytest.mark.tools("ping")
def test_lossy_link_seed_repeats(netns, hopsim_run):
    # The runs share the namespace, one after another.  Nothing in it
    # that one run leaves behind affects which packets the next loses.
    first, _, lost_first = lossy_ping(netns, hopsim_run, SEED)
    again, _, lost_again = lossy_ping(netns, hopsim_run, SEED)
    other, _, lost_other = lossy_ping(netns, hopsim_run, "2")
    shown = "\n".join(r.describe() for r in (first, again, other))

    assert lost_first, shown
    assert lost_again == lost_first, (
        f"--seed {SEED} twice lost {lost_first} and then {lost_again}\n" + shown
    )
    assert lost_other != lost_first, f"--seed {SEED} and --seed 2 both lost {lost_first}\n" + shown


@pytest.mark.tools("ping")
def test_jitter_rtt_spread(netns, hopsim_run):
    # jitter.yaml: r2 -- r3 delays 20 ms +- 10 ms, evenly, each way, and
    # the other links have no delay.  A uniform spread of +-J has standard
    # deviation J / sqrt(3), and the round trip adds two independent ones:
    # J * sqrt(2/3) = 8.2 ms.  ping's mdev is that standard deviation.
    # Pings 50 ms apart never catch up with each other, so jitter-reorder
    # off does not narrow the spread.
    delay_ms, jitter_ms = 20.0, 10.0
    expected_mdev = jitter_ms * math.sqrt(2.0 / 3.0)
    hopsim_run.start(TOPOLOGIES / "jitter.yaml", "--seed", SEED)
    result, stats = ping(netns, "198.18.1.10", 100, "0.05")
    shown = result.describe()
    low = 2 * delay_ms - 2 * jitter_ms - 1.0
    high = 2 * delay_ms + 2 * jitter_ms + LATE_MS

    assert stats.received == 100, shown
    assert 0.6 * expected_mdev <= stats.rtt_mdev_ms <= 1.4 * expected_mdev, (
        f"mdev {stats.rtt_mdev_ms} ms, expected about {expected_mdev:.1f} ms\n" + shown
    )
    assert stats.rtt_min_ms >= low, shown
    assert stats.rtt_max_ms <= high, shown


@pytest.mark.tools("ping")
def test_duplicate_link_dup_replies(netns, hopsim_run):
    hopsim_run.start(hoptools.TEST_TOPOLOGIES / "duplicate.yaml", "--seed", SEED)
    result, stats = ping(netns, "198.18.1.6", 20, "0.05")
    events = hoptools.parse_ping_lines(result.stdout)
    duplicates = [e for e in events if e.kind == "reply" and e.duplicate]
    shown = result.describe()

    assert stats.loss_pct == 0.0, shown
    assert duplicates, shown
    assert f"+{len(duplicates)} duplicates" in result.stdout, shown


@pytest.mark.tools("ping")
def test_corrupt_link_drops(netns, hopsim_run):
    # corrupt.yaml flips one bit in 30% of the packets on r2 -- server,
    # each way.  Every corrupted echo request is dropped at the server:
    # mostly "bad-checksum" when the bit is in the IP header (a flip in the
    # total length gives "bad-total-length"), "bad-icmp" when it is in the
    # ICMP message.  A corrupted reply is dropped by r2 only when the IP
    # header is hit (20 of 32 bytes).  Routers do not check ICMP checksums,
    # so the other corrupted replies reach ping.  iputils 20221126 never
    # checks the ICMP checksum of IPv4 echo replies (a regression fixed
    # upstream in 2024, "ping: fix IPv4 checksum check always succeeding
    # once again"), so it counts them as received.  Expected loss:
    # 1 - 0.7 * (1 - 0.3 * 20/32), about 43%.  A ping that drops bad
    # checksums would lose 1 - 0.7 * 0.7 = 51%.  The band is 3 standard
    # deviations around 30% and 51%.
    # With -s 4 ping keeps no send time in the data: a flipped bit there
    # made it wait for a round trip of 65536 s.
    count = 100
    proc = hopsim_run.start(hoptools.TEST_TOPOLOGIES / "corrupt.yaml", "--seed", SEED)
    result, stats = ping(netns, "198.18.1.6", count, "0.01", "-s", "4")
    hopsim_run.stop(proc)
    counters = hoptools.parse_drop_counters(proc.stderr)
    low, _ = binomial_band_pct(0.30, count)
    _, high = binomial_band_pct(0.51, count)
    shown = result.describe() + "\n" + proc.describe()

    assert stats.transmitted == count, shown
    assert low <= stats.loss_pct <= high, f"loss outside [{low:.1f}, {high:.1f}]%\n" + shown
    assert counters.get("bad-checksum", 0) > 0, shown
    assert counters.get("bad-icmp", 0) > 0, shown


@pytest.mark.tools("ping")
def test_rate_limited_link_rtt(netns, hopsim_run):
    # rate-1mbit.yaml: a 1228-byte packet (ping -s 1200) takes
    # 1228 * 8 / 1e6 s = 9.8 ms to cross the 1 Mbit/s link, each way, on
    # top of 1 ms delay on each of the two links.  A third transmission
    # time would add 9.8 ms, beyond the 5 ms allowed over the minimum.
    size = 1200
    transmission_ms = (size + 28) * 8 / 1e6 * 1e3
    configured = 2 * (1.0 + 1.0) + 2 * transmission_ms  # 23.6 ms
    hopsim_run.start(hoptools.TEST_TOPOLOGIES / "rate-1mbit.yaml")
    result, stats = ping(netns, "198.18.1.6", 5, "0.2", "-s", str(size))
    shown = result.describe() + f"\nexpected round trip {configured:.2f} ms"

    assert stats.received == 5, shown
    assert stats.rtt_min_ms >= configured - EARLY_MS, shown
    assert stats.rtt_min_ms <= configured + 5.0, shown
    assert stats.rtt_avg_ms <= configured + LATE_MS, shown
