#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/packet6_vectors.h: IPv6 packets built by scapy, an
implementation independent of hopsim's, that check_packet6.c compares
hopsim's builders and extension header walk against.
Run: /usr/bin/python3 tests/gen_packet6_vectors.py"""
import os

from scapy.all import (ICMPv6EchoReply, ICMPv6EchoRequest,
                       ICMPv6ND_Redirect, ICMPv6NDOptRedirectedHdr,
                       ICMPv6PacketTooBig, ICMPv6ParamProblem,
                       ICMPv6TimeExceeded, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, HBHOptUnknown, Pad1, PadN, TCP,
                       UDP, Raw)

KERNEL = "2001:db8::1"
ROUTER = "2001:db8::2"
SERVER = "2001:db8:1::18"
FAR = "2001:db8:99::9"
ROUTER_LL = "fe80::2"
GATEWAY_LL = "fe80::3"
ALL_NODES = "ff02::1"

# The largest quote that keeps an ICMPv6 error within 1280 bytes.
QUOTE_MAX = 1280 - 40 - 8


def c_array(name, data):
    lines = [f"static const unsigned char {name}[] = {{"]
    for i in range(0, len(data), 12):
        chunk = ", ".join(f"0x{b:02x}" for b in data[i:i + 12])
        lines.append(f"\t{chunk},")
    lines.append("};")
    return "\n".join(lines)


def udp_packet(dst, hlim, size, sport, dport, **ip_fields):
    """Return a UDP packet of exactly @size bytes."""
    head = IPv6(src=KERNEL, dst=dst, hlim=hlim, **ip_fields) / \
        UDP(sport=sport, dport=dport)
    data = (bytes(range(256)) * 8)[:size - 48]
    return bytes(head / Raw(data))


def dest_opt(otype, dst=ROUTER):
    """Return an echo request with one option of type @otype in a
    Destination Options header.  The option type is at offset 42."""
    return bytes(IPv6(src=KERNEL, dst=dst) /
                 IPv6ExtHdrDestOpt(options=[HBHOptUnknown(
                     otype=otype, optdata=b"\0\0\0\0")]) /
                 ICMPv6EchoRequest(id=7, seq=1))


def builder_vectors(vectors):
    # A 1448-byte traceroute probe that expires: the time exceeded quotes
    # 1232 bytes of it and is 1280 bytes long.
    probe = udp_packet(SERVER, 1, 1448, 40000, 33434, tc=0x28, fl=0x12345)
    vectors["udp_probe"] = probe
    vectors["time_exceeded"] = bytes(
        IPv6(src=ROUTER, dst=KERNEL, hlim=64) /
        ICMPv6TimeExceeded(code=0) / Raw(probe[:QUOTE_MAX]))

    # A short probe is quoted whole.
    small = udp_packet(SERVER, 1, 80, 40001, 33435)
    vectors["small_probe"] = small
    vectors["time_exceeded_small"] = bytes(
        IPv6(src=ROUTER, dst=KERNEL, hlim=64) /
        ICMPv6TimeExceeded(code=0) / Raw(small))

    # The same size with hop limit left: packet too big for a 1280 link.
    big = udp_packet(SERVER, 5, 1448, 40002, 33436)
    vectors["big"] = big
    vectors["packet_too_big"] = bytes(
        IPv6(src=ROUTER, dst=KERNEL, hlim=64) /
        ICMPv6PacketTooBig(mtu=1280) / Raw(big[:QUOTE_MAX]))

    # An unknown option with action bits 10: parameter problem 2, ptr 42.
    opt = dest_opt(0x9e)
    vectors["opt_9e"] = opt
    vectors["param_problem"] = bytes(
        IPv6(src=ROUTER, dst=KERNEL, hlim=64) /
        ICMPv6ParamProblem(code=2, ptr=42) / Raw(opt))

    # Echo request with TC 0x20, a flow label, a skippable option and
    # 1024 bytes of data, and its reply without the option header.
    data = bytes(range(256)) * 4
    vectors["echo_request"] = bytes(
        IPv6(src=KERNEL, dst=ROUTER, hlim=60, tc=0x20, fl=0xabcde) /
        IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x1e,
                                                 optdata=b"\0\0\0\0")]) /
        ICMPv6EchoRequest(id=0xBEEF, seq=0x1234, data=data))
    vectors["echo_reply"] = bytes(
        IPv6(src=ROUTER, dst=KERNEL, hlim=64, tc=0x20) /
        ICMPv6EchoReply(id=0xBEEF, seq=0x1234, data=data))
    # An echo request through a routing header with Segments Left 0.
    vectors["echo_request_rh"] = bytes(
        IPv6(src=KERNEL, dst=ROUTER, hlim=60) /
        IPv6ExtHdrRouting(type=0, segleft=0, addresses=[SERVER]) /
        ICMPv6EchoRequest(id=3, seq=4, data=b"ping"))
    vectors["echo_reply_rh"] = bytes(
        IPv6(src=SERVER, dst=KERNEL, hlim=255) /
        ICMPv6EchoReply(id=3, seq=4, data=b"ping"))

    # A 1448-byte trigger fills the Redirected Header option to 1200 bytes
    # and the redirect to 1280.  A 100-byte one is cut to 96 quoted bytes.
    for name, size in (("redirect", 1448), ("redirect_short", 100)):
        trigger = udp_packet(FAR, 64, size, 40003, 33437)
        quote = min(len(trigger), 1280 - 40 - 40 - 8) & ~7
        vectors[name + "_trigger"] = trigger
        vectors[name] = bytes(
            IPv6(src=ROUTER_LL, dst=KERNEL, hlim=255) /
            ICMPv6ND_Redirect(tgt=GATEWAY_LL, dst=FAR) /
            ICMPv6NDOptRedirectedHdr(pkt=trigger[:quote]))

    # A SYN to a closed port gets RST-ACK, a SYN to an open port SYN-ACK,
    # and an ACK to a closed port RST.
    vectors["tcp_syn"] = bytes(
        IPv6(src=KERNEL, dst=SERVER, hlim=58) /
        TCP(sport=40004, dport=23, seq=1000, flags="S", window=1024))
    vectors["tcp_rst"] = bytes(
        IPv6(src=SERVER, dst=KERNEL, hlim=64) /
        TCP(sport=23, dport=40004, seq=0, ack=1001, flags="RA", window=0))
    vectors["tcp_syn80"] = bytes(
        IPv6(src=KERNEL, dst=SERVER, hlim=58) /
        IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0\0\0")]) /
        TCP(sport=40005, dport=80, seq=5000, flags="S", window=1024))
    vectors["tcp_synack"] = bytes(
        IPv6(src=SERVER, dst=KERNEL, hlim=64) /
        TCP(sport=80, dport=40005, seq=0x11223344, ack=5001, flags="SA",
            window=64240, options=[("MSS", 1440)]))
    vectors["tcp_ack"] = bytes(
        IPv6(src=KERNEL, dst=SERVER, hlim=58) /
        TCP(sport=40006, dport=23, seq=77, ack=0xdeadbeef, flags="A"))
    vectors["tcp_rst_for_ack"] = bytes(
        IPv6(src=SERVER, dst=KERNEL, hlim=64) /
        TCP(sport=23, dport=40006, seq=0xdeadbeef, ack=0, flags="R",
            window=0))


def walk_vectors(vectors):
    """Packets for every outcome of the extension header walk.  The
    expected codes and pointers are in check_packet6.c."""
    echo = ICMPv6EchoRequest(id=9, seq=9)
    base = IPv6(src=KERNEL, dst=ROUTER)

    vectors["ext_nh150"] = bytes(IPv6(src=KERNEL, dst=ROUTER, nh=150) /
                                 Raw(b"\0" * 8))
    vectors["ext_proto253"] = bytes(IPv6(src=KERNEL, dst=ROUTER, nh=253) /
                                    Raw(b"\0" * 8))
    vectors["ext_hbh_after_dest"] = bytes(
        base / IPv6ExtHdrDestOpt(nh=0) / IPv6ExtHdrHopByHop() / echo)
    vectors["ext_hbh_twice"] = bytes(
        base / IPv6ExtHdrHopByHop() / IPv6ExtHdrHopByHop() / echo)
    vectors["ext_opt_1e"] = dest_opt(0x1e)
    vectors["ext_opt_5e"] = dest_opt(0x5e)
    vectors["ext_opt_de"] = dest_opt(0xde)
    vectors["ext_opt_de_mcast"] = dest_opt(0xde, ALL_NODES)
    vectors["ext_opt_9e_mcast"] = dest_opt(0x9e, ALL_NODES)
    # Pad1 at 42 and a 4-byte PadN at 43 put the unknown option at 47.
    vectors["ext_opt_after_pad"] = bytes(
        base / IPv6ExtHdrDestOpt(options=[
            Pad1(), PadN(optdata=b"\0\0"),
            HBHOptUnknown(otype=0x9e, optdata=b"")]) / echo)
    vectors["ext_hbh_9e"] = bytes(
        IPv6(src=KERNEL, dst=SERVER) /
        IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=0x9e,
                                                  optdata=b"\0\0\0\0")]) /
        UDP(sport=1, dport=2))
    vectors["ext_rh0_sl1"] = bytes(
        base / IPv6ExtHdrRouting(type=0, segleft=1, addresses=[SERVER]) /
        echo)
    vectors["ext_rh0_sl0"] = bytes(
        base / IPv6ExtHdrRouting(type=0, segleft=0, addresses=[SERVER]) /
        echo)
    vectors["ext_rh200_sl1"] = bytes(
        base / IPv6ExtHdrRouting(type=200, segleft=1, addresses=[SERVER]) /
        echo)
    # A first fragment of 13 data bytes with M=1: not a multiple of 8.
    vectors["ext_frag_len"] = bytes(
        base / IPv6ExtHdrFragment(m=1, offset=0, nh=17, id=1) /
        UDP(sport=1, dport=2) / Raw(b"12345"))
    # Offset 65512 + 32 bytes passes 65535.
    vectors["ext_frag_too_big"] = bytes(
        base / IPv6ExtHdrFragment(m=1, offset=8189, nh=17, id=2) /
        Raw(b"\0" * 32))
    # A first fragment holding 4 bytes of the UDP header.
    vectors["ext_frag_incomplete"] = bytes(
        base / IPv6ExtHdrFragment(m=1, offset=0, nh=17, id=3) /
        Raw(b"\0" * 4))
    # A first fragment whose Destination Options header is cut short.
    vectors["ext_frag_incomplete_dest"] = bytes(
        base / IPv6ExtHdrFragment(m=1, offset=0, nh=60, id=4) /
        Raw(b"\x11\x01" + b"\0" * 6))
    vectors["ext_frag_atomic"] = bytes(
        base / IPv6ExtHdrFragment(m=0, offset=0, nh=58, id=5) / echo)
    vectors["ext_frag_first"] = bytes(
        base / IPv6ExtHdrFragment(m=1, offset=0, nh=58, id=6) /
        ICMPv6EchoRequest(id=9, seq=9, data=b"\0" * 16))
    vectors["ext_frag_middle"] = bytes(
        base / IPv6ExtHdrFragment(m=1, offset=100, nh=17, id=0x1234abcd) /
        Raw(b"\0" * 16))


def main():
    vectors = {}

    builder_vectors(vectors)
    walk_vectors(vectors)

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "packet6_vectors.h")
    with open(out, "w") as f:
        f.write("/* SPDX-License-Identifier: MIT */\n")
        f.write("/* Generated by gen_packet6_vectors.py with scapy; "
                "do not edit. */\n")
        f.write("/* clang-format off */\n")
        for name, data in vectors.items():
            f.write(c_array("vec6_" + name, data) + "\n")


if __name__ == "__main__":
    main()
