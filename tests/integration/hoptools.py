# SPDX-License-Identifier: MIT
"""Parse the output of ping, traceroute, tracepath, mtr and `hopsim path`,
and run hopsim and those tools inside a network namespace.

The integration tests and scripts/demo share this module, so both read the
tools' output the same way.  Every parser takes the tool's stdout as text
and ignores lines it does not recognise (headers, blank lines).
"""

import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Optional

REPO = Path(__file__).resolve().parents[2]
HOPSIM = REPO / "hopsim"
DEFAULT_TOPOLOGY = REPO / "topologies" / "default.yaml"
TEST_TOPOLOGIES = Path(__file__).resolve().parent / "topologies"

# The Debian package that provides each external command the tests run.
TOOL_PACKAGES = {
    "ip": "iproute2",
    "ping": "iputils-ping",
    "tracepath": "iputils-tracepath",
    "traceroute": "traceroute",
    "mtr": "mtr-tiny",
}

_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_IPV4_RE = re.compile(rf"^{_IPV4}$")


# ---------------------------------------------------------------------------
# Hops in the form `hopsim path` prints


class Hop(NamedTuple):
    """One TTL of a trace: the replying address (None for no reply) and the
    unreachable mark ("!H", "!N", "!X"...) or None."""

    ttl: int
    addr: Optional[str]
    mark: Optional[str] = None

    def __str__(self):
        if self.addr is None:
            return f"{self.ttl} *"
        if self.mark:
            return f"{self.ttl} {self.addr} {self.mark}"
        return f"{self.ttl} {self.addr}"


_PATH_RE = re.compile(rf"^(\d+) (\*|{_IPV4})(?: (!\S+))?$")


def parse_path(text):
    """Parse `hopsim path` output ("<ttl> <addr> [!H|!N|!X]" or "<ttl> *")
    into a list of Hop, skipping the last line, "pmtu N".  Raise
    ValueError on any other line, because the tests compare every tool
    against this output."""
    hops = []
    for line in text.splitlines():
        if not line.strip() or re.fullmatch(r"pmtu \d+", line.strip()):
            continue
        m = _PATH_RE.match(line.strip())
        if not m:
            raise ValueError(f"unexpected line in hopsim path output: {line!r}")
        addr = None if m.group(2) == "*" else m.group(2)
        hops.append(Hop(int(m.group(1)), addr, m.group(3)))
    return hops


def parse_path_pmtu(text):
    """Return N from the "pmtu N" line of `hopsim path` output, or None."""
    m = re.search(r"^pmtu (\d+)$", text, re.MULTILINE)
    return int(m.group(1)) if m else None


def format_hops(hops):
    """Return @hops as the lines `hopsim path` would print, for messages."""
    return "\n".join(str(h) for h in hops)


# ---------------------------------------------------------------------------
# traceroute (Debian package traceroute, "Modern traceroute for Linux" 2.1)


@dataclass
class Probe:
    """One probe of a traceroute row: the replying address, the round trip,
    and the annotation traceroute printed after the time, if any."""

    addr: Optional[str]
    rtt_ms: Optional[float]
    mark: Optional[str] = None


@dataclass
class TracerouteRow:
    ttl: int
    probes: list = field(default_factory=list)

    @property
    def addrs(self):
        """Distinct replying addresses, in the order traceroute printed them."""
        seen = []
        for p in self.probes:
            if p.addr is not None and p.addr not in seen:
                seen.append(p.addr)
        return seen

    @property
    def unanswered(self):
        return sum(1 for p in self.probes if p.addr is None)


_ROW_RE = re.compile(r"^\s*(\d+)\s+(.*)$")


def parse_traceroute(text):
    """Parse traceroute rows such as
    " 2  198.18.1.2  1.234 ms !H  198.18.1.6  2.345 ms *"
    into TracerouteRow objects, one probe per "*" or per time."""
    rows = []
    for line in text.splitlines():
        m = _ROW_RE.match(line)
        if not m:
            continue
        row = TracerouteRow(int(m.group(1)))
        tokens = m.group(2).split()
        addr = None
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok == "*":
                row.probes.append(Probe(None, None))
            elif _IPV4_RE.match(tok):
                addr = tok
            elif tok.startswith("(") and tok.endswith(")"):
                # Without -n: "name (addr)".  The address in brackets wins.
                inner = tok[1:-1]
                if _IPV4_RE.match(inner):
                    addr = inner
            elif i + 1 < len(tokens) and tokens[i + 1] == "ms":
                try:
                    rtt = float(tok)
                except ValueError:
                    addr = tok
                else:
                    row.probes.append(Probe(addr, rtt))
                    i += 1
            elif tok.startswith("!") and row.probes:
                row.probes[-1].mark = tok
            elif tok.startswith("<") and tok.endswith(">"):
                pass  # TCP flags that "-O info" prints, e.g. <syn,ack>
            else:
                addr = tok  # a host name, when run without -n
            i += 1
        rows.append(row)
    return rows


def traceroute_hops(rows):
    """Reduce traceroute rows to one Hop per TTL.

    A row without any reply becomes "<ttl> *".  Otherwise the probes
    without reply are left out.  Several distinct addresses or marks are
    joined with "," (a probe without mark as "-"), so that a comparison
    with `hopsim path` shows them.
    """
    hops = []
    for row in rows:
        addrs = row.addrs
        if not addrs:
            hops.append(Hop(row.ttl, None))
            continue
        marks = []
        for p in row.probes:
            if p.addr is not None and p.mark not in marks:
                marks.append(p.mark)
        mark = ",".join(m or "-" for m in marks) if marks != [None] else None
        hops.append(Hop(row.ttl, ",".join(addrs), mark))
    return hops


# ---------------------------------------------------------------------------
# tracepath (iputils 20221126)


@dataclass
class TracepathResult:
    hops: list  # Hop per TTL, marks always None
    reached: bool
    pmtu: Optional[int]  # from the "Resume:" line
    hop_count: Optional[int]  # "hops N" of the "Resume:" line
    back: Optional[int]  # "back N": hops the replies took on the way back


_TRACEPATH_RE = re.compile(r"^\s*(\d+)(\??):\s+(.*)$")
_RESUME_RE = re.compile(r"Resume:\s+pmtu\s+(\d+)(?:\s+hops\s+(\d+))?(?:\s+back\s+(\d+))?")


def parse_tracepath(text):
    """Parse tracepath -n output.  Lines look like
    " 1?: [LOCALHOST]   pmtu 1500", " 3:  198.18.1.6   2.1ms",
    " 4:  no reply", " 6:  198.18.1.18  10.2ms reached" and
    "     Resume: pmtu 1500 hops 6 back 6".  tracepath may print a TTL more
    than once (iputils 20221126 prints TTL 1 twice), so the addresses of
    one TTL are joined with "," when they differ."""
    by_ttl = {}
    reached = False
    pmtu = hop_count = back = None

    for line in text.splitlines():
        resume = _RESUME_RE.search(line)
        if resume:
            pmtu = int(resume.group(1))
            hop_count = int(resume.group(2)) if resume.group(2) else None
            back = int(resume.group(3)) if resume.group(3) else None
            continue
        m = _TRACEPATH_RE.match(line)
        if not m or m.group(2) == "?":
            continue
        ttl = int(m.group(1))
        fields = m.group(3).split()
        addrs = by_ttl.setdefault(ttl, [])
        if "reached" in fields:
            reached = True
        if not fields or fields[0] in ("no", "[LOCALHOST]", "send"):
            continue  # "no reply", "send failed"
        if fields[0] not in addrs:
            addrs.append(fields[0])

    hops = [
        Hop(ttl, ",".join(addrs) if addrs else None)
        for ttl, addrs in sorted(by_ttl.items())
    ]
    return TracepathResult(hops, reached, pmtu, hop_count, back)


_TRACEPATH_PMTU_RE = re.compile(rf"^\s*(\d+):\s+({_IPV4})\s.*\bpmtu (\d+)")


def tracepath_pmtu_changes(text):
    """Return (ttl, address, pmtu) for each tracepath line that reports a
    new path MTU, such as " 3:  198.18.1.2   2.159ms pmtu 1400"."""
    changes = []
    for line in text.splitlines():
        m = _TRACEPATH_PMTU_RE.match(line)
        if m:
            changes.append((int(m.group(1)), m.group(2), int(m.group(3))))
    return changes


# ---------------------------------------------------------------------------
# mtr --report (mtr-tiny 0.95)


@dataclass
class MtrHop:
    ttl: int
    addr: Optional[str]  # None for "???"
    loss_pct: float
    sent: int
    last_ms: float
    avg_ms: float
    best_ms: float
    worst_ms: float
    stdev_ms: float
    others: list = field(default_factory=list)  # more addresses at this TTL


_MTR_RE = re.compile(
    r"^\s*(\d+)\.\|--\s+(\S+)\s+([\d.]+)%?\s+(\d+)"
    r"\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$"
)
_MTR_OTHER_RE = re.compile(r"^\s+\|\s+`\|?--\s+(\S+)")


def parse_mtr_report(text):
    """Parse `mtr -n -r` lines such as
    "  2.|-- 198.18.1.2   0.0%   3   2.1   2.1   2.0   2.2   0.1"
    into MtrHop objects.  Lines "    |  `|-- ADDR" add ADDR to the hop above."""
    hops = []
    for line in text.splitlines():
        m = _MTR_RE.match(line)
        if m:
            addr = None if m.group(2) == "???" else m.group(2)
            numbers = [float(x) for x in m.group(5, 6, 7, 8, 9)]
            hops.append(
                MtrHop(int(m.group(1)), addr, float(m.group(3)), int(m.group(4)), *numbers)
            )
            continue
        other = _MTR_OTHER_RE.match(line)
        if other and hops:
            hops[-1].others.append(other.group(1))
    return hops


def mtr_hops(mtr):
    """Reduce MtrHop objects to Hop objects, joining several addresses of
    one TTL with ","."""
    hops = []
    for h in mtr:
        addrs = ([h.addr] if h.addr else []) + h.others
        hops.append(Hop(h.ttl, ",".join(addrs) if addrs else None))
    return hops


# ---------------------------------------------------------------------------
# ping (iputils 20221126)


class PingReply(NamedTuple):
    addr: str
    seq: int
    ttl: int
    rtt_ms: float


@dataclass
class PingResult:
    replies: list
    transmitted: Optional[int]
    received: Optional[int]
    loss_pct: Optional[float]
    rtt_min_ms: Optional[float]
    rtt_avg_ms: Optional[float]
    rtt_max_ms: Optional[float]
    rtt_mdev_ms: Optional[float]
    errors: list  # "From ADDR icmp_seq=N Destination ..." lines


_PING_REPLY_RE = re.compile(
    rf"^\d+ bytes from ({_IPV4}): icmp_seq=(\d+) ttl=(\d+) time=([\d.]+) ms"
)
_PING_ERROR_RE = re.compile(rf"^From {_IPV4}(?: icmp_seq=\d+)? .*")
_PING_STATS_RE = re.compile(
    r"(\d+) packets transmitted, (\d+) received(?:, .*?)?, ([\d.]+)% packet loss"
)
_PING_RTT_RE = re.compile(r"rtt min/avg/max/mdev = ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms")


def parse_ping(text):
    """Parse iputils ping output: the reply lines, the "From ..." error
    lines, and the statistics at the end."""
    result = PingResult([], None, None, None, None, None, None, None, [])
    for line in text.splitlines():
        m = _PING_REPLY_RE.match(line)
        if m:
            result.replies.append(
                PingReply(m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4)))
            )
            continue
        if _PING_ERROR_RE.match(line):
            result.errors.append(line)
            continue
        m = _PING_STATS_RE.search(line)
        if m:
            result.transmitted = int(m.group(1))
            result.received = int(m.group(2))
            result.loss_pct = float(m.group(3))
            continue
        m = _PING_RTT_RE.search(line)
        if m:
            (
                result.rtt_min_ms,
                result.rtt_avg_ms,
                result.rtt_max_ms,
                result.rtt_mdev_ms,
            ) = (float(x) for x in m.groups())
    return result


class PingLine(NamedTuple):
    """One reply or error line of ping, in the order ping printed it."""

    time_s: Optional[float]  # the -D timestamp (Unix time), or None
    kind: str  # "reply" or "error"
    addr: str
    seq: Optional[int]
    size: Optional[int]  # ICMP bytes of a reply ("3008 bytes from ...")
    duplicate: bool  # a reply that ping marked "(DUP!)"
    message: str  # an error's text after icmp_seq, e.g. "Destination Net Unreachable"


_PING_LINE_RE = re.compile(
    rf"^(?:\[([\d.]+)\] )?(?:(\d+) bytes from ({_IPV4}): icmp_seq=(\d+) .*?( \(DUP!\))?"
    rf"|From ({_IPV4})(?: icmp_seq=(\d+))? (.*))$"
)


def parse_ping_lines(text):
    """Parse every reply and error line of iputils ping, with or without
    the "[UNIX-TIME] " prefix of ping -D, into PingLine objects."""
    lines = []
    for line in text.splitlines():
        m = _PING_LINE_RE.match(line.rstrip())
        if not m:
            continue
        time_s = float(m.group(1)) if m.group(1) else None
        if m.group(3):
            lines.append(
                PingLine(
                    time_s,
                    "reply",
                    m.group(3),
                    int(m.group(4)),
                    int(m.group(2)),
                    m.group(5) is not None,
                    "",
                )
            )
        else:
            seq = int(m.group(7)) if m.group(7) else None
            lines.append(PingLine(time_s, "error", m.group(6), seq, None, False, m.group(8)))
    return lines


def ping_lost_seqs(text):
    """Return the sorted icmp_seq numbers from 1 to "N packets transmitted"
    that got no echo reply."""
    stats = parse_ping(text)
    answered = {line.seq for line in parse_ping_lines(text) if line.kind == "reply"}
    return [seq for seq in range(1, (stats.transmitted or 0) + 1) if seq not in answered]


# ---------------------------------------------------------------------------
# `hopsim -v` trace lines


class TraceLine(NamedTuple):
    time_s: float
    node: str
    iface: str
    src: str
    dst: str
    transport: str  # "icmp echo-request id 7 seq 1", "udp 4000 > 33434"...
    ttl: int
    length: int
    decision: str  # "forwarded to r2", "delivered, sent icmp 0/0"...


_TRACE_RE = re.compile(
    rf"^\s*(\d+\.\d+) (\S+) (\S+): ({_IPV4}) > ({_IPV4}) (.*) ttl (\d+) len (\d+): (.*)$"
)


def parse_trace(text):
    """Parse the per-packet lines that `hopsim run -v` prints on stdout."""
    lines = []
    for line in text.splitlines():
        m = _TRACE_RE.match(line)
        if m:
            lines.append(
                TraceLine(
                    float(m.group(1)),
                    m.group(2),
                    m.group(3),
                    m.group(4),
                    m.group(5),
                    m.group(6),
                    int(m.group(7)),
                    int(m.group(8)),
                    m.group(9),
                )
            )
    return lines


_DROP_COUNTER_RE = re.compile(r"^hopsim:\s+dropped (\d+): (\S+)$")


def parse_drop_counters(text):
    """Return {REASON: N} from the "hopsim:   dropped N: REASON" lines
    that `hopsim run` prints on stderr when it stops.  hopsim prints only
    reasons with a non-zero count."""
    counters = {}
    for line in text.splitlines():
        m = _DROP_COUNTER_RE.match(line.rstrip())
        if m:
            counters[m.group(2)] = int(m.group(1))
    return counters


# ---------------------------------------------------------------------------
# Running commands


def missing_tools(names):
    """Return one message per command in @names that is not installed,
    naming the Debian package that provides it."""
    messages = []
    for name in names:
        if shutil.which(name) is None:
            package = TOOL_PACKAGES.get(name, name)
            messages.append(f"{name} not found: install the Debian package {package}")
    return messages


@dataclass
class Run:
    """A finished command: its argv, exit status (None if it timed out),
    and output."""

    argv: list
    returncode: Optional[int]
    stdout: str
    stderr: str
    seconds: float

    def describe(self):
        """Return the command and its output, for assertion messages."""
        status = "timed out" if self.returncode is None else f"exit {self.returncode}"
        text = f"$ {' '.join(self.argv)}  ({status}, {self.seconds:.1f} s)\n"
        text += self.stdout
        if self.stderr:
            text += "--- stderr ---\n" + self.stderr
        return text


def run(argv, timeout=30.0):
    """Run @argv to completion or until @timeout seconds, whichever is first."""
    argv = [str(a) for a in argv]
    start = time.monotonic()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        return Run(argv, None, out, err, time.monotonic() - start)
    return Run(argv, proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)


def hopsim_path(hopsim, topology, dest, *options):
    """Run `hopsim path` and return (hops, Run).  Raise ValueError if it
    fails or prints anything unexpected."""
    result = run([hopsim, "path", topology, dest, *options], timeout=10)
    if result.returncode != 0:
        raise ValueError(f"hopsim path failed:\n{result.describe()}")
    return parse_path(result.stdout), result


_netns_counter = itertools.count(1)


def unique_netns_name(tag):
    """Return a network namespace name no other run uses: hs-<tag><pid>-<n>."""
    return f"hs-{tag}{os.getpid()}-{next(_netns_counter)}"


def netns_list():
    """Return the names that `ip netns list` prints."""
    result = run(["ip", "netns", "list"], timeout=10)
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip()]


class Netns:
    """A named network namespace.  Its methods run every command inside it."""

    def __init__(self, name):
        self.name = name

    def create(self):
        result = run(["ip", "netns", "add", self.name], timeout=10)
        if result.returncode != 0:
            raise RuntimeError(f"ip netns add {self.name} failed:\n{result.describe()}")

    def delete(self):
        """Delete the namespace if it exists.  Return the Run, or None."""
        if not self.exists():
            return None
        return run(["ip", "netns", "del", self.name], timeout=10)

    def exists(self):
        return self.name in netns_list()

    def exec(self, argv, timeout=30.0):
        """Run @argv inside the namespace with `ip netns exec`."""
        return run(["ip", "netns", "exec", self.name, *argv], timeout=timeout)

    def ip(self, *args):
        """Run `ip -n NAME ARGS...` and return the Run."""
        return run(["ip", "-n", self.name, *args], timeout=10)

    def ip_json(self, *args):
        result = self.ip("-j", *args)
        if result.returncode != 0:
            raise RuntimeError(result.describe())
        return json.loads(result.stdout or "[]")

    def links(self):
        """Return {name: `ip -j link` entry} for every network device."""
        return {link["ifname"]: link for link in self.ip_json("link", "show")}

    def routes(self):
        """Return every IPv4 and IPv6 route of every table, one string each
        in roughly the form `ip route` prints."""
        routes = set()
        for family in ("-4", "-6"):
            for r in self.ip_json(family, "route", "show", "table", "all"):
                words = [
                    r.get("type", "unicast"),
                    r.get("dst", "?"),
                    f"dev {r['dev']}" if "dev" in r else "",
                    f"table {r.get('table', 'main')}",
                ]
                routes.add(" ".join(w for w in words if w))
        return routes

    def addresses(self):
        """Return {"dev addr/plen", ...} for every address in the namespace."""
        found = set()
        for link in self.ip_json("addr", "show"):
            for a in link.get("addr_info", []):
                found.add(f"{link['ifname']} {a['local']}/{a['prefixlen']}")
        return found

    def snapshot(self):
        """Return the devices, routes and addresses, for before/after checks."""
        return {
            "links": set(self.links()),
            "routes": self.routes(),
            "addresses": self.addresses(),
        }


class Hopsim:
    """A `hopsim run` process.  Threads drain its stdout and stderr, so a
    -v trace never blocks it on a full pipe."""

    def __init__(self, argv):
        self.argv = [str(a) for a in argv]
        self.returncode = None
        self._stdout = []
        self._stderr = []
        self._lock = threading.Lock()
        self._running = threading.Event()
        # Wall-clock time (time.time()) at which the "running" line was
        # read, or None before it.  hopsim's timeline counts from about then.
        self.running_at = None
        # A session of its own keeps a Ctrl-C in the terminal from reaching
        # hopsim directly, so the caller alone decides when it stops.
        self.proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.pid = self.proc.pid
        self._threads = [
            threading.Thread(target=self._drain, args=(self.proc.stdout, self._stdout, False)),
            threading.Thread(target=self._drain, args=(self.proc.stderr, self._stderr, True)),
        ]
        for t in self._threads:
            t.daemon = True
            t.start()

    def _drain(self, pipe, lines, is_stderr):
        for line in pipe:
            with self._lock:
                lines.append(line)
            if is_stderr and line.startswith("hopsim: running"):
                self.running_at = time.time()
                self._running.set()
        pipe.close()

    @property
    def stdout(self):
        with self._lock:
            return "".join(self._stdout)

    @property
    def stderr(self):
        with self._lock:
            return "".join(self._stderr)

    def describe(self):
        """Return the command line, exit status and output, for messages."""
        status = "running" if self.returncode is None else f"exit {self.returncode}"
        text = f"$ {' '.join(self.argv)}  (pid {self.pid}, {status})\n"
        text += "--- stderr ---\n" + self.stderr
        out = self.stdout
        if out:
            lines = out.splitlines(keepends=True)
            if len(lines) > 60:
                lines = lines[:30] + ["...\n"] + lines[-30:]
            text += "--- stdout ---\n" + "".join(lines)
        return text

    def wait_running(self, timeout=5.0):
        """Wait until hopsim logs its "running" line.  Return True, or False
        if it exited or @timeout seconds passed first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._running.wait(0.05):
                return True
            if self.proc.poll() is not None:
                self.wait(1.0)
                return self._running.is_set()
        return self._running.is_set()

    def wait(self, timeout):
        """Wait for hopsim to exit and its output to be read.  Return the
        exit status, or None if it is still running after @timeout."""
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        for t in self._threads:
            t.join(1.0)
        return self.returncode

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Send @sig to this hopsim process only, and wait up to @timeout
        seconds.  Return its exit status, or None if it was still running
        then and had to be killed with SIGKILL."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        status = self.wait(timeout)
        if status is None:
            self.proc.kill()
            self.wait(5.0)
        return status


# ---------------------------------------------------------------------------
# IPv6: `hopsim path` to an IPv6 destination, ping -6 and tracepath -6.
# traceroute -6 -n and mtr -6 -n rows parse with parse_traceroute and
# parse_mtr_report, which take any address token.

# An IPv6 address as `-n` prints it (RFC 5952 form), or with an embedded
# IPv4 address.  Loose on purpose: it only has to pick addresses out of
# lines whose layout the regular expressions below fix.
_IPV6 = r"[0-9A-Fa-f]*:[0-9A-Fa-f:.]*"

_PATH6_RE = re.compile(rf"^(\d+) (\*|{_IPV6})(?: (!\S+))?$")


def parse_path6(text):
    """Parse `hopsim path` output for an IPv6 destination ("<ttl> <addr>
    [!N|!X|!H|!<6>]" or "<ttl> *") into a list of Hop, skipping the
    "pmtu N" line.  Raise ValueError on any other line."""
    hops = []
    for line in text.splitlines():
        if not line.strip() or re.fullmatch(r"pmtu \d+", line.strip()):
            continue
        m = _PATH6_RE.match(line.strip())
        if not m:
            raise ValueError(f"unexpected line in hopsim path output: {line!r}")
        addr = None if m.group(2) == "*" else m.group(2)
        hops.append(Hop(int(m.group(1)), addr, m.group(3)))
    return hops


def hopsim_path6(hopsim, topology, dest, *options):
    """Run `hopsim path TOPOLOGY DEST OPTIONS` and return (hops, Run).
    DEST is an IPv6 address or a node's name, which gets -6 so that hopsim
    resolves it to the node's IPv6 address.  Raise ValueError if the
    command fails or prints anything unexpected."""
    family = [] if ":" in str(dest) else ["-6"]
    result = run([hopsim, "path", topology, dest, *family, *options], timeout=10)
    if result.returncode != 0:
        raise ValueError(f"hopsim path failed:\n{result.describe()}")
    return parse_path6(result.stdout), result


_PING6_REPLY_RE = re.compile(
    rf"^\d+ bytes from ({_IPV6}): icmp_seq=(\d+) ttl=(\d+) time=([\d.]+) ms"
)
_PING6_LINE_RE = re.compile(
    rf"^(?:\[([\d.]+)\] )?(?:(\d+) bytes from ({_IPV6}): icmp_seq=(\d+) .*?( \(DUP!\))?"
    rf"|From ({_IPV6})(?: icmp_seq=(\d+))? (.*))$"
)


def parse_ping6(text):
    """Parse `ping -6 -n` output (iputils 20221126) into a PingResult.  The
    "ttl=" of a reply is its hop limit."""
    result = PingResult([], None, None, None, None, None, None, None, [])
    for line in text.splitlines():
        m = _PING6_REPLY_RE.match(line)
        if m:
            result.replies.append(
                PingReply(m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4)))
            )
            continue
        if line.startswith("From ") and _PING6_LINE_RE.match(line.rstrip()):
            result.errors.append(line)
            continue
        m = _PING_STATS_RE.search(line)
        if m:
            result.transmitted = int(m.group(1))
            result.received = int(m.group(2))
            result.loss_pct = float(m.group(3))
            continue
        m = _PING_RTT_RE.search(line)
        if m:
            (
                result.rtt_min_ms,
                result.rtt_avg_ms,
                result.rtt_max_ms,
                result.rtt_mdev_ms,
            ) = (float(x) for x in m.groups())
    return result


def parse_ping6_lines(text):
    """Parse every reply and error line of `ping -6 -n`, such as
    "From 2001:db8:1::2 icmp_seq=1 Packet too big: mtu=1280", into
    PingLine objects."""
    lines = []
    for line in text.splitlines():
        m = _PING6_LINE_RE.match(line.rstrip())
        if not m:
            continue
        time_s = float(m.group(1)) if m.group(1) else None
        if m.group(3):
            lines.append(
                PingLine(
                    time_s,
                    "reply",
                    m.group(3),
                    int(m.group(4)),
                    int(m.group(2)),
                    m.group(5) is not None,
                    "",
                )
            )
        else:
            seq = int(m.group(7)) if m.group(7) else None
            lines.append(PingLine(time_s, "error", m.group(6), seq, None, False, m.group(8)))
    return lines


def ping6_lost_seqs(text):
    """Return the sorted icmp_seq numbers from 1 to "N packets transmitted"
    that got no echo reply in `ping -6 -n` output."""
    stats = parse_ping6(text)
    answered = {line.seq for line in parse_ping6_lines(text) if line.kind == "reply"}
    return [seq for seq in range(1, (stats.transmitted or 0) + 1) if seq not in answered]


_TRACEPATH6_PMTU_RE = re.compile(rf"^\s*(\d+):\s+({_IPV6})\s.*\bpmtu (\d+)")


def tracepath6_pmtu_changes(text):
    """Return (ttl, address, pmtu) for each `tracepath -6 -n` line that
    reports a new path MTU, such as " 3:  2001:db8:1::2   2.055ms pmtu 1280"."""
    changes = []
    for line in text.splitlines():
        m = _TRACEPATH6_PMTU_RE.match(line)
        if m:
            changes.append((int(m.group(1)), m.group(2), int(m.group(3))))
    return changes
