#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Capture a datagram on a link and print it as a router quotes it in a
Redirect, in hex for redirect_inject --inner-hex.

Run in the namespace of the host that sees the datagram (the gateway, or an
attacker able to see the victim's traffic):

    ig_quote.py eth0 --src 10.1.0.10 --dst 10.2.0.20 --proto icmp

prints "ready" on stderr once capturing, then the first matching IPv4
datagram: its TTL lowered by one and its header checksum fixed (what
ip_forward() does before it sends the Redirect), cut to --quote bytes
(Linux quotes up to 548). --id-add, --seq-add and --set-id change the copy,
to make the quote of a later GSO segment or a forger's wrong guess; the
header checksum is fixed after them. Exits 1 if nothing matched within
--timeout seconds.

With IPv6 addresses it captures an IPv6 datagram (the transport header
right after the fixed one) and quotes it as Linux's ndisc_send_redirect()
does: before the hop limit is lowered, cut to --quote bytes (Linux quotes
up to 1184 bytes in all, about 1136 of the datagram). --label-xor changes
its flow label, --seq-add TCP's sequence number: a blind forger's guesses.
"""

import argparse
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 3
PROTOS = {"icmp": 1, "tcp": 6, "udp": 17}
PROTOS6 = {"icmp": 58, "tcp": 6, "udp": 17}


def ip_csum(hdr):
    total = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def matches(ip, a):
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return False
    ihl = (ip[0] & 15) * 4
    if len(ip) < ihl + 8 or ip[9] != PROTOS[a.proto]:
        return False
    if socket.inet_ntoa(ip[12:16]) != a.src:
        return False
    if socket.inet_ntoa(ip[16:20]) != a.dst:
        return False
    if struct.unpack("!H", ip[2:4])[0] < a.min_len:
        return False
    l4 = ip[ihl:]
    if a.proto == "icmp" and a.icmp_type is not None and l4[0] != a.icmp_type:
        return False
    if a.proto in ("tcp", "udp") and a.dport is not None and \
            struct.unpack("!H", l4[2:4])[0] != a.dport:
        return False
    if a.proto == "tcp" and a.payload:
        tot = struct.unpack("!H", ip[2:4])[0]
        if tot - ihl - (l4[12] >> 4) * 4 <= 0:
            return False
    if a.proto == "tcp" and a.flags is not None and l4[13] != a.flags:
        return False
    return True


def quote(ip, a):
    ihl = (ip[0] & 15) * 4
    q = bytearray(ip[:max(a.quote, ihl + 8)])
    ident = struct.unpack("!H", q[4:6])[0]
    if a.set_id is not None:
        ident = a.set_id
    ident = (ident + a.id_add) & 0xFFFF
    q[4:6] = struct.pack("!H", ident)
    q[8] = max(q[8] - 1, 0)
    if a.seq_add and ip[9] == 6:
        seq = struct.unpack("!I", q[ihl + 4:ihl + 8])[0]
        q[ihl + 4:ihl + 8] = struct.pack("!I", (seq + a.seq_add) & 0xFFFFFFFF)
    q[10:12] = b"\0\0"
    q[10:12] = struct.pack("!H", ip_csum(bytes(q[:ihl])))
    return bytes(q)


def matches6(ip, a):
    if len(ip) < 48 or ip[0] >> 4 != 6 or ip[6] != PROTOS6[a.proto]:
        return False
    if socket.inet_ntop(socket.AF_INET6, ip[8:24]) != a.src or \
            socket.inet_ntop(socket.AF_INET6, ip[24:40]) != a.dst:
        return False
    l4 = ip[40:]
    if a.proto == "icmp" and a.icmp_type is not None and l4[0] != a.icmp_type:
        return False
    if a.proto in ("tcp", "udp") and a.dport is not None and \
            struct.unpack("!H", l4[2:4])[0] != a.dport:
        return False
    if a.proto == "tcp" and a.payload and \
            struct.unpack("!H", ip[4:6])[0] - (l4[12] >> 4) * 4 <= 0:
        return False
    if a.proto == "tcp" and a.flags is not None and l4[13] != a.flags:
        return False
    return True


def quote6(ip, a):
    q = bytearray(ip[:max(min(a.quote, 1136), 48)])
    q[1] ^= (a.label_xor >> 16) & 0x0F
    q[2] ^= (a.label_xor >> 8) & 0xFF
    q[3] ^= a.label_xor & 0xFF
    if a.seq_add and ip[6] == 6:
        seq = struct.unpack("!I", q[44:48])[0]
        q[44:48] = struct.pack("!I", (seq + a.seq_add) & 0xFFFFFFFF)
    return bytes(q)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("iface")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--proto", choices=sorted(PROTOS), required=True)
    p.add_argument("--icmp-type", type=int)
    p.add_argument("--dport", type=int)
    p.add_argument("--flags", type=lambda s: int(s, 0),
                   help="TCP flags byte, exactly")
    p.add_argument("--payload", action="store_true",
                   help="TCP: a segment that carries data")
    p.add_argument("--min-len", type=int, default=0,
                   help="IPv4: a datagram of at least this total length")
    p.add_argument("--quote", type=int, default=548)
    p.add_argument("--id-add", type=int, default=0)
    p.add_argument("--set-id", type=lambda s: int(s, 0))
    p.add_argument("--seq-add", type=int, default=0)
    p.add_argument("--label-xor", type=lambda s: int(s, 0), default=0)
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--info", action="store_true",
                   help="also print id, total length and TCP seq on stderr")
    a = p.parse_args()
    v6 = ":" in a.src

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((a.iface, 0))
    print("ready", file=sys.stderr, flush=True)
    end = time.monotonic() + a.timeout
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            print("ig_quote: nothing matched", file=sys.stderr)
            return 1
        frame = s.recv(65535)
        ip = frame[14:]
        if v6:
            if frame[12:14] != b"\x86\xdd" or not matches6(ip, a):
                continue
            if a.info:
                print("label %#x" % (struct.unpack("!I", ip[0:4])[0] &
                                     0xFFFFF), file=sys.stderr, flush=True)
            print(quote6(ip, a).hex(), flush=True)
            return 0
        if frame[12:14] != b"\x08\x00" or not matches(ip, a):
            continue
        if a.info:
            ihl = (ip[0] & 15) * 4
            info = "id %d tot_len %d" % struct.unpack("!HH", ip[4:6] +
                                                      ip[2:4])
            if ip[9] == 6:
                info += " seq %d" % struct.unpack("!I",
                                                  ip[ihl + 4:ihl + 8])[0]
            print(info, file=sys.stderr, flush=True)
        print(quote(ip, a).hex(), flush=True)
        return 0


if __name__ == "__main__":
    sys.exit(main())
