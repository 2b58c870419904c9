# SPDX-License-Identifier: MIT
"""`hopsim check`, `hopsim path` and usage errors: exit statuses and
messages.  Only the `run` cases touch the network, each with --netns."""

import re
from dataclasses import dataclass
from typing import Optional

import pytest

import hoptools

SERVER = "198.18.1.18"
DEFAULT_PATH_TEXT = """\
1 198.18.0.2
2 198.18.1.2
3 198.18.1.6
4 198.18.1.10
5 198.18.1.14
6 198.18.1.18
pmtu 1500
"""

TOPOLOGY_FILES = sorted(
    list((hoptools.REPO / "topologies").glob("*.yaml"))
    + list(hoptools.TEST_TOPOLOGIES.glob("*.yaml"))
)


def hopsim(binary, *args):
    return hoptools.run([binary, *args], timeout=10)


@pytest.mark.parametrize(
    "path", TOPOLOGY_FILES, ids=[p.relative_to(hoptools.REPO).as_posix() for p in TOPOLOGY_FILES]
)
def test_check_topology_valid(hopsim_binary, path):
    result = hopsim(hopsim_binary, "check", path)

    assert result.returncode == 0, result.describe()
    assert result.stdout.startswith(f"{path}: valid: "), result.describe()


def test_check_default_topology_present():
    assert hoptools.DEFAULT_TOPOLOGY in TOPOLOGY_FILES


@dataclass
class BadTopology:
    text: str
    line: int
    column: Optional[int]  # None where the test does not check the column
    words: tuple  # must all appear in the message


HEAD = "tun:\n  hop0: { router: r1 }\nrouters: [r1, r2]\n"

BAD_TOPOLOGIES = {
    "unknown-key": BadTopology(
        HEAD + "links:\n  - r1 -- r2: { dealy: 1ms }\n",
        5,
        17,
        ("unknown key 'dealy'", "did you mean 'delay'?"),
    ),
    "unknown-node": BadTopology(
        HEAD + "links:\n  - r1 -- r9: { delay: 1ms }\n", 5, None, ("'r9'",)
    ),
    "invalid-delay": BadTopology(
        HEAD + "links:\n  - r1 -- r2: { delay: fast }\n", 5, 24, ("'fast'",)
    ),
    "invalid-route": BadTopology(
        "tun:\n  hop0: { router: r1 }\nrouters:\n  r1:\n"
        '  r2: { routes: [ "blackhole 198.18.300.0/24" ] }\n'
        "links:\n  - r1 -- r2: { delay: 1ms }\n",
        5,
        None,
        ("198.18.300.0/24",),
    ),
    "unknown-tun-router": BadTopology(
        "tun:\n  hop0: { router: r7 }\nrouters: [r1, r2]\n"
        "links:\n  - r1 -- r2: { delay: 1ms }\n",
        2,
        None,
        ("'r7'",),
    ),
    "yaml-syntax": BadTopology(
        HEAD + "links:\n  - r1 -- r2: { delay: 1ms ]\n", 5, 28, ("mismatched",)
    ),
}


@pytest.mark.parametrize("name", list(BAD_TOPOLOGIES))
def test_check_bad_topology(hopsim_binary, tmp_path, name):
    case = BAD_TOPOLOGIES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(case.text)
    result = hopsim(hopsim_binary, "check", path)
    shown = result.describe() + "\n--- topology ---\n" + case.text
    where = re.match(rf"hopsim: {re.escape(str(path))}:(\d+):(\d+): ", result.stderr)

    assert result.returncode == 1, shown
    assert where, shown
    assert int(where.group(1)) == case.line, shown
    if case.column is not None:
        assert int(where.group(2)) == case.column, shown
    for word in case.words:
        assert word in result.stderr, shown


def test_check_missing_file(hopsim_binary, tmp_path):
    path = tmp_path / "absent.yaml"
    result = hopsim(hopsim_binary, "check", path)

    assert result.returncode == 1, result.describe()
    assert str(path) in result.stderr, result.describe()


def test_path_default_literal(hopsim_binary):
    result = hopsim(hopsim_binary, "path", hoptools.DEFAULT_TOPOLOGY, SERVER)

    assert result.returncode == 0, result.describe()
    assert result.stdout == DEFAULT_PATH_TEXT, result.describe()


def test_path_node_name(hopsim_binary):
    result = hopsim(hopsim_binary, "path", hoptools.DEFAULT_TOPOLOGY, "server")

    assert result.returncode == 0, result.describe()
    assert result.stdout == DEFAULT_PATH_TEXT, result.describe()


def test_path_options_before_arguments(hopsim_binary):
    result = hopsim(hopsim_binary, "path", "--max-ttl", "3", hoptools.DEFAULT_TOPOLOGY, SERVER)

    assert result.returncode == 0, result.describe()
    assert result.stdout == "".join(DEFAULT_PATH_TEXT.splitlines(keepends=True)[:3]) + "pmtu 1500\n", (
        result.describe()
    )


def test_path_options_after_arguments(hopsim_binary):
    # The usage text writes options after TOPOLOGY and DEST.
    result = hopsim(hopsim_binary, "path", hoptools.DEFAULT_TOPOLOGY, SERVER, "--max-ttl", "3")

    assert result.returncode == 0, result.describe()
    assert result.stdout == "".join(DEFAULT_PATH_TEXT.splitlines(keepends=True)[:3]) + "pmtu 1500\n", (
        result.describe()
    )


@pytest.mark.parametrize(
    "options,args,words",
    [
        ([], ["nosuchnode"], ("'nosuchnode'",)),
        (["--from", "hop9"], [SERVER], ("'hop9'",)),
    ],
    ids=["unknown-dest", "unknown-tun"],
)
def test_path_invalid_argument(hopsim_binary, options, args, words):
    result = hopsim(hopsim_binary, "path", *options, hoptools.DEFAULT_TOPOLOGY, *args)

    assert result.returncode == 1, result.describe()
    assert result.stdout == "", result.describe()
    for word in words:
        assert word in result.stderr, result.describe()


USAGE_ERRORS = {
    "no-command": ([], "missing command"),
    "unknown-command": (["frobnicate"], "unknown command 'frobnicate'"),
    "check-no-topology": (["check"], "check: expected TOPOLOGY"),
    "check-unknown-option": (["check", "--bogus", "x.yaml"], "Usage:"),
    "path-no-dest": (["path", "x.yaml"], "path: expected TOPOLOGY DEST"),
    "path-max-ttl-zero": (
        ["path", "--max-ttl", "0", "x.yaml", SERVER],
        "invalid value '0' for --max-ttl",
    ),
    "run-two-topologies": (["run", "a.yaml", "b.yaml"], "run: too many arguments"),
    "run-from": (["run", "--from", "hop0"], "--from applies to path only"),
    "run-queue-zero": (["run", "--queue", "0"], "invalid value '0' for --queue"),
}


@pytest.mark.parametrize("name", list(USAGE_ERRORS))
def test_usage_error_exit_2(hopsim_binary, request, name):
    args, words = USAGE_ERRORS[name]
    if args and args[0] == "run":
        # Should hopsim start after all, it sets up in a namespace of its
        # own, which the fixture deletes, and never in this one.
        args = ["run", "--netns", request.getfixturevalue("fresh_netns_name"), *args[1:]]
    result = hopsim(hopsim_binary, *args)

    assert result.returncode == 2, result.describe()
    assert words in result.stderr, result.describe()


def test_version_exit_0(hopsim_binary):
    result = hopsim(hopsim_binary, "--version")

    assert result.returncode == 0, result.describe()
    assert re.fullmatch(r"hopsim \d+\.\d+\.\d+\n", result.stdout), result.describe()
