#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Drive and report icmp_guard_hookbench (benchmark only).

hookbench.py run OUT DEV CALLS BATCHES PLANT_PS SPEC...
    In the caller's network namespace: give the module the frames of the
    named packets arriving on DEV, choose plant_iters so that the planted
    loop costs about PLANT_PS picoseconds, run, and append the raw result
    to OUT under a "# set" line. SPEC is NAME:key=value,... (see frame()),
    or NAME:kind=out,dst=ADDR,port=PORT: a datagram this namespace sends
    from a UDP socket connected to ADDR:PORT (POST_ROUTING; ADDR IPv4 or
    IPv6).
hookbench.py report RAW
    The table: ns per call per packet and configuration, the paired
    differences with 95 % confidence intervals, and, with "# udp_pps"
    lines in RAW, the hook's cost as a fraction of the whole UDP path.
"""

import math
import os
import socket
import struct
import sys

PROC = "/proc/icmp_guard_hookbench"
PARAM = "/sys/module/icmp_guard_hookbench/parameters/plant_iters"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(src, dst, proto, payload, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0,
                      ttl, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def l4sum(src, dst, proto, seg):
    pseudo = (socket.inet_aton(src) + socket.inet_aton(dst) +
              struct.pack("!BBH", 0, proto, len(seg)))
    return csum(pseudo + seg)


def a6(addr):
    return socket.inet_pton(socket.AF_INET6, addr)


def ip6(src, dst, nh, payload, hlim=64, label=0):
    return (struct.pack("!IHBB", 6 << 28 | label, len(payload), nh, hlim) +
            a6(src) + a6(dst) + payload)


def l4sum6(src, dst, proto, seg):
    """The checksum of SEG, its checksum field zero, with IPv6's pseudo
    header (RFC 8200 section 8.1)."""
    pseudo = a6(src) + a6(dst) + struct.pack("!IxxxB", len(seg), proto)
    return csum(pseudo + seg)


def mac(text):
    return bytes.fromhex(text.replace(":", ""))


def frame(spec):
    """NAME:k=v,... with keys dmac smac src dst and, by kind, for a
    Redirect code gw isrc idst, for an ND Redirect target dest isrc idst
    and optionally tlla (a MAC: a Target Link-Layer Address option). Kinds:
    udp tcp echo redirect (IPv4), udp6 tcp6 echo6 ndredirect (IPv6)."""
    name, _, rest = spec.partition(":")
    a = dict(kv.split("=", 1) for kv in rest.split(","))
    kind, src, dst = a["kind"], a["src"], a["dst"]
    if kind.endswith("6") or kind == "ndredirect":
        return name, frame6(a, kind, src, dst)
    if kind == "udp":		# 64 bytes of payload, as udp_flood sends
        seg = struct.pack("!HHHH", 40000, 9000, 8 + 64, 0) + bytes(64)
        seg = seg[:6] + struct.pack("!H", l4sum(src, dst, 17, seg)) + seg[8:]
        pkt = ip4(src, dst, 17, seg)
    elif kind == "tcp":		# an ACK with 64 bytes of data
        seg = struct.pack("!HHIIBBHHH", 40000, 9001, 1, 1, 5 << 4, 0x18,
                          65535, 0, 0) + bytes(64)
        seg = seg[:16] + struct.pack("!H", l4sum(src, dst, 6, seg)) + seg[18:]
        pkt = ip4(src, dst, 6, seg)
    elif kind == "echo":
        msg = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + bytes(56)
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        pkt = ip4(src, dst, 1, msg)
    elif kind == "redirect":	# about a UDP datagram isrc -> idst
        inner = ip4(a["isrc"], a["idst"], 17, bytes(8))
        msg = (struct.pack("!BBH4s", 5, int(a["code"]), 0,
                           socket.inet_aton(a["gw"])) + inner)
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        pkt = ip4(src, dst, 1, msg)
    else:
        raise SystemExit("unknown kind " + kind)
    eth = (bytes.fromhex(a["dmac"].replace(":", "")) +
           bytes.fromhex(a["smac"].replace(":", "")) + b"\x08\x00")
    return name, eth + pkt


def frame6(a, kind, src, dst):
    """The IPv6 kinds of frame(): the same UDP, TCP and echo request as
    IPv4's, and an ND Redirect (RFC 4861 section 4.5) with hop limit 255,
    its options a TLLA (if tlla is given), then a Redirected Header
    holding a UDP datagram isrc -> idst (to port 9999, with flow label
    0x12345: one the victim never sent)."""
    if kind == "udp6":
        seg = struct.pack("!HHHH", 40000, 9000, 8 + 64, 0) + bytes(64)
        seg = seg[:6] + struct.pack("!H", l4sum6(src, dst, 17, seg)) + seg[8:]
        pkt = ip6(src, dst, 17, seg)
    elif kind == "tcp6":
        seg = struct.pack("!HHIIBBHHH", 40000, 9001, 1, 1, 5 << 4, 0x18,
                          65535, 0, 0) + bytes(64)
        seg = seg[:16] + struct.pack("!H", l4sum6(src, dst, 6, seg)) + seg[18:]
        pkt = ip6(src, dst, 6, seg)
    elif kind == "echo6":
        msg = struct.pack("!BBHHH", 128, 0, 0, 1, 1) + bytes(56)
        msg = msg[:2] + struct.pack("!H", l4sum6(src, dst, 58, msg)) + msg[4:]
        pkt = ip6(src, dst, 58, msg)
    elif kind == "ndredirect":
        useg = struct.pack("!HHHH", 40000, 9999, 8 + 8, 0) + bytes(8)
        useg = (useg[:6] + struct.pack("!H", l4sum6(a["isrc"], a["idst"], 17,
                                                   useg)) + useg[8:])
        inner = ip6(a["isrc"], a["idst"], 17, useg, label=0x12345)
        inner += bytes(-len(inner) % 8)
        opts = b""
        if "tlla" in a:
            opts += struct.pack("!BB", 2, 1) + mac(a["tlla"])
        opts += struct.pack("!BB6x", 4, 1 + len(inner) // 8) + inner
        msg = (struct.pack("!BBHI", 137, 0, 0, 0) + a6(a["target"]) +
               a6(a["dest"]) + opts)
        msg = msg[:2] + struct.pack("!H", l4sum6(src, dst, 58, msg)) + msg[4:]
        pkt = ip6(src, dst, 58, msg, hlim=255)
    else:
        raise SystemExit("unknown kind " + kind)
    return mac(a["dmac"]) + mac(a["smac"]) + b"\x86\xdd" + pkt


def cmd(fd, text):
    os.write(fd, text.encode())


def read_raw():
    with open(PROC) as f:
        return f.read()


def run(out, dev, calls, batches, plant_ps, specs):
    fd = os.open(PROC, os.O_WRONLY)
    cmd(fd, "clear")
    cmd(fd, "dev " + dev)
    names = []
    for spec in specs:
        name, _, rest = spec.partition(":")
        a = dict(kv.split("=", 1) for kv in rest.split(","))
        if a["kind"] == "out":
            cmd(fd, "out %s %s %s" % (name, a["dst"], a["port"]))
        else:
            name, data = frame(spec)
            cmd(fd, "pkt %s %s" % (name, data.hex()))
        names.append(name)
    # A short run to calibrate the loop, then the plant of about PLANT_PS.
    with open(PARAM, "w") as p:
        p.write("1")
    cmd(fd, "run 1 5")
    ps = sorted(int(v) for v in
                [ln for ln in read_raw().splitlines()
                 if ln.startswith("# iter_ps")][0].split()[2:])
    iters = max(1, round(int(plant_ps) / max(ps[len(ps) // 2], 1)))
    with open(PARAM, "w") as p:
        p.write(str(iters))
    cmd(fd, "run %d %d" % (int(calls), int(batches)))
    raw = read_raw()
    cmd(fd, "clear")
    os.close(fd)
    with open(out, "a") as f:
        f.write("# set %s\n" % " ".join(names))
        f.write(raw)


def pct(v, q):
    v = sorted(v)
    i = (len(v) - 1) * q
    lo = math.floor(i)
    return v[lo] + (v[min(lo + 1, len(v) - 1)] - v[lo]) * (i - lo)


def median_ci(v):
    """Median and a distribution-free 95 % interval (order statistics)."""
    v = sorted(v)
    n = len(v)
    k = max(0, math.floor(n / 2 - 0.98 * math.sqrt(n)))
    return pct(v, 0.5), v[k], v[min(n - 1, n - 1 - k)]


CFGS = ["none", "nop", "plant0", "plant", "guard", "chain"]


def report(rawfile):
    data, calls, iters, iter_ps = {}, 0, 0, []
    order, ppss, notes, tput, labels = [], [], [], {}, {}
    for ln in open(rawfile):
        f = ln.split()
        if not f:
            continue
        if f[0] == "#":
            if f[1] == "calls":
                calls = int(f[2])
            elif f[1] == "plant_iters":
                iters = int(f[2])
            elif f[1] == "iter_ps":
                iter_ps += [int(x) / 1000 for x in f[2:]]
            elif f[1] == "tput":
                tput.setdefault((f[2], f[3]), []).append(float(f[4]))
            elif f[1] == "udp_pps":
                ppss.append(float(f[2]))
            elif f[1] in ("verdicts", "verdicts6"):
                notes.append(" ".join(f[1:]))
            elif f[1] == "flowlabel":
                labels[f[2]] = f[3]
            continue
        per = [int(x) / calls for x in f[2:]]
        data[(f[0], f[1])] = per
        if f[0] not in order:
            order.append(f[0])
    if not data:
        print("microbenchmark: no data")
        return
    nb = len(next(iter(data.values())))
    # k iterations cost k times the calibrated iteration, plus one
    # instruction to enter the loop (the test before it falls through;
    # objdump -d icmp_guard_hookbench.o, hb_plant_hook).
    plant_exp = iters * pct(iter_ps, 0.5) + 1
    print("hook cost per call, ns of guest clock (under -icount shift=0: guest"
          " instructions): median (p25..p75)"
          " of %d batches x %d calls" % (nb, calls))
    print("%-18s" % "packet" + "".join("%20s" % c for c in CFGS))
    for p in order:
        row = "%-18s" % p
        for c in CFGS:
            v = data[(p, c)]
            row += "%20s" % ("%.1f (%.1f..%.1f)" %
                             (pct(v, .5), pct(v, .25), pct(v, .75)))
        print(row)
    print()
    print("paired differences per call, ns: median [95%% CI], batch by batch;"
          " planted loop %d x %.3f ns + 1 to enter it = %.2f ns" %
          (iters, pct(iter_ps, .5), plant_exp))
    pairs = [("nop", "none"), ("guard", "nop"), ("guard", "none"),
             ("plant", "plant0"), ("chain", "guard"), ("chain", "none")]
    print("%-18s" % "packet" + "".join("%22s" % ("%s-%s" % pr)
                                        for pr in pairs))
    diffs = {}
    for p in order:
        row = "%-18s" % p
        for a, b in pairs:
            d = [x - y for x, y in zip(data[(p, a)], data[(p, b)])]
            m, lo, hi = median_ci(d)
            diffs[(p, a, b)] = (m, lo, hi)
            row += "%22s" % ("%.2f [%.2f,%.2f]" % (m, lo, hi))
        print(row)
    found = [diffs[(p, "plant", "plant0")] for p in order]
    print("planted cost: expected %.2f ns; found %s" %
          (plant_exp, ", ".join("%.2f [%.2f,%.2f]" % f for f in found)))
    for n in notes:
        print(n)
    if tput:
        print("throughput in guest time (-icount: per 1e9 guest instructions,"
              " 1 vCPU): median (min..max)")
        for m, label in (("udp", "UDP pps"), ("tcp", "TCP MB/s"),
                         ("udpgw", "UDP via gw pps"), ("udp6", "UDP6 pps")):
            if not any(k[1] == m for k in tput):
                continue
            row = "  %-10s" % label
            for c in ("none", "nop", "guard"):
                v = tput.get((c, m), [])
                if v:
                    row += "  %s %.1f (%.1f..%.1f)" % (c, pct(v, .5), min(v),
                                                     max(v))
            print(row)
        # Per datagram, in guest instructions: 1e9 / pps. The send side
        # (udpgw) pays the egress record on every datagram.
        for m in ("udp", "udpgw", "udp6"):
            med = {c: pct(tput[(c, m)], .5) for c in ("none", "nop", "guard")
                   if tput.get((c, m))}
            if len(med) == 3 and all(med.values()):
                per = {c: 1e9 / v for c, v in med.items()}
                print("  %-10s per datagram: none %.0f, nop %.0f, guard %.0f"
                      " instructions; guard - nop = %.0f (%.2f %%),"
                      " guard/nop throughput = %.4f"
                      % (m, per["none"], per["nop"], per["guard"],
                         per["guard"] - per["nop"],
                         100 * (per["guard"] - per["nop"]) / per["nop"],
                         med["guard"] / med["nop"]))
    if ("send-gw", "guard", "nop") in diffs and \
            ("send-onlink", "guard", "nop") in diffs:
        # The egress record's price per datagram, at the hook: the output
        # hook's own test of every datagram with a socket (send-onlink),
        # and recording one (send-gw), each against a nop hook.
        g, glo, ghi = diffs[("send-gw", "guard", "nop")]
        o, olo, ohi = diffs[("send-onlink", "guard", "nop")]
        print("send side: a recorded datagram costs %.2f ns [%.2f,%.2f] at"
              " the hook (send-gw guard-nop), one not recorded %.2f ns"
              " [%.2f,%.2f] (send-onlink guard-nop)"
              % (g, glo, ghi, o, olo, ohi))
    if ("send6-gw", "guard", "nop") in diffs and \
            ("send6-onlink", "guard", "nop") in diffs:
        # The same for IPv6: the datagrams the kernel itself sent, with
        # the flow labels it gave them (the record keeps only labelled
        # UDP).
        g, glo, ghi = diffs[("send6-gw", "guard", "nop")]
        o, olo, ohi = diffs[("send6-onlink", "guard", "nop")]
        print("send side IPv6: a recorded datagram costs %.2f ns [%.2f,%.2f]"
              " at the hook (send6-gw guard-nop, flow label %s), one not"
              " recorded %.2f ns [%.2f,%.2f] (send6-onlink guard-nop)"
              % (g, glo, ghi, labels.get("send6-gw", "?"), o, olo, ohi))
    if ppss and ("udp", "guard", "none") in diffs:
        # The slowest run gives the longest path, the fastest the bound.
        print("UDP path, no module: %s pps -> %.0f ns per packet (%.0f..%.0f)"
              % (" ".join("%.0f" % x for x in ppss), 1e9 / pct(ppss, .5),
                 1e9 / max(ppss), 1e9 / min(ppss)))
        path = 1e9 / max(ppss)
        # Against no module: nf_hook() on the real chain ("chain"), which
        # pays what nf_hook() does before the hooks once any is registered
        # (with none anywhere, a static branch skips it all). Against a nop
        # hook: both through the same machinery.
        for a, b, what in (("chain", "none", "guard/none"),
                           ("guard", "nop", "guard/nop")):
            m, lo, hi = diffs[("udp", a, b)]
            print("fast path UDP: guard adds %.2f ns [%.2f,%.2f] (%s-%s) to"
                  " %.0f ns per packet (the shortest): %s >= %.5f" %
                  (m, lo, hi, a, b, path, what, 1 - max(hi, 0) / path))
    ppss6 = tput.get(("none", "udp6"), [])
    if ppss6 and ("udp6", "guard", "none") in diffs:
        # The same for IPv6: the udp6 workload's whole path (no module),
        # and the udp6 row's per-call figures.
        print("UDP over IPv6 path, no module: %s pps -> %.0f ns per packet"
              " (%.0f..%.0f)"
              % (" ".join("%.0f" % x for x in ppss6), 1e9 / pct(ppss6, .5),
                 1e9 / max(ppss6), 1e9 / min(ppss6)))
        path = 1e9 / max(ppss6)
        for a, b, what in (("chain", "none", "guard/none"),
                           ("guard", "nop", "guard/nop")):
            m, lo, hi = diffs[("udp6", a, b)]
            print("fast path UDP over IPv6: guard adds %.2f ns [%.2f,%.2f]"
                  " (%s-%s) to %.0f ns per packet (the shortest): %s >= %.5f"
                  % (m, lo, hi, a, b, path, what, 1 - max(hi, 0) / path))


if __name__ == "__main__":
    if len(sys.argv) >= 7 and sys.argv[1] == "run":
        run(*sys.argv[2:7], sys.argv[7:])
    elif len(sys.argv) in (3, 4) and sys.argv[1] == "report":
        report(*sys.argv[2:])
    else:
        raise SystemExit(__doc__)
