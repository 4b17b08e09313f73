#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The checks of icmp_guard_tool.sh that need a real parser: icmp-guard's
# JSON, parsed strictly, and its Prometheus file, parsed by the rules of the
# text exposition format (promtool is not used: Debian packages it only
# inside the whole Prometheus server). Each subcommand prints what is wrong
# on stdout, as "# ..." KTAP diagnostics, and exits 1 if anything is.
#
#   tool_check.py json FILE                     strict JSON, nothing else
#   tool_check.py stats FILE NETNS INODE PROC   stats --json has NETNS with
#                                               PROC's values ("Name Value")
#   tool_check.py stats6 FILE NETNS INODE PROC6 [PROC]
#                                               -6 (or -46) stats --json:
#                                               its "ipv6" object has PROC6's
#                                               values; the top level PROC's,
#                                               or no counters without PROC
#   tool_check.py delta FILE NETNS NAME=N...    stats --delta --json: these
#                                               counters moved by N, others 0
#   tool_check.py delta6 FILE NETNS NAME=N...   the same, of the "ipv6" object
#   tool_check.py status FILE NETNS VERSION K=V...
#   tool_check.py status6 FILE NETNS VERSION both|ipv6-only K=V...
#                                               the "ipv6" object's sysctls
#                                               and policy; IPv4's there too,
#                                               or not at all
#   tool_check.py senders FILE NETNS PROC       the senders of PROC's file
#   tool_check.py labels FILE LABEL...          exactly these netns, in order
#   tool_check.py watch FILE NETNS NAME=N...    --watch --json: one document
#                                               a line, the first all 0, the
#                                               sum of the others as given
#   tool_check.py watch6 FILE NETNS NAME=N...   the same, of the "ipv6" object
#   tool_check.py linelabels FILE               each line's netns, "N LABEL"
#   tool_check.py prom FILE [NETNS PROC PROC6]...
#                                               a valid textfile, and each
#                                               NETNS's samples equal PROC
#                                               (icmp_guard_*) and PROC6
#                                               (icmp_guard_ipv6_*, Senders
#                                               once); "-": that family has
#                                               no series

import json
import math
import re
import sys

errors = []


def err(msg):
    errors.append(msg)


def no_dup_keys(pairs):
    keys = [k for k, _ in pairs]
    for k in set(keys):
        if keys.count(k) > 1:
            raise ValueError("duplicate key %r" % k)
    return dict(pairs)


def no_constant(name):
    raise ValueError("non-standard JSON constant %s" % name)


def load_json(path):
    """Strict: no duplicate keys, no NaN/Infinity, valid UTF-8, one value."""
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    return json.loads(text, object_pairs_hook=no_dup_keys,
                      parse_constant=no_constant)


def read_proc(path):
    """A stats file: [(name, int, is_gauge)] in order; Senders and what
    follows it are gauges."""
    out, gauge = [], False
    with open(path) as f:
        for line in f:
            name, value = line.split()
            gauge = gauge or name == "Senders"
            out.append((name, int(value), gauge))
    return out


def entry(doc, netns):
    if not isinstance(doc, list):
        err("top level is not an array")
        return None
    found = [e for e in doc if isinstance(e, dict) and e.get("netns") == netns]
    if len(found) != 1:
        err("%d entries for netns %r" % (len(found), netns))
        return None
    return found[0]


def part(e, fam):
    """IPv4's keys are the namespace's object's own; IPv6's in "ipv6"."""
    if fam == 4:
        return e
    if not isinstance(e.get("ipv6"), dict):
        err("no \"ipv6\" object in %r" % e)
        return {}
    return e["ipv6"]


def check_counters(e, proc, what=""):
    want_c = {n: v for n, v, g in read_proc(proc) if not g}
    want_g = {n: v for n, v, g in read_proc(proc) if g}
    if e.get("counters") != want_c:
        err("%scounters %r, want %r" % (what, e.get("counters"), want_c))
    if e.get("gauges") != want_g:
        err("%sgauges %r, want %r" % (what, e.get("gauges"), want_g))
    if list(e.get("counters", {})) != list(want_c):
        err("%scounters not in the file's order" % what)


def check_stats(path, netns, inode, proc):
    e = entry(load_json(path), netns)
    if e is None:
        return
    if e.get("netns_inode") != int(inode):
        err("netns_inode %r, want %s" % (e.get("netns_inode"), inode))
    check_counters(e, proc)


def check_stats6(path, netns, inode, proc6, proc=None):
    e = entry(load_json(path), netns)
    if e is None:
        return
    if e.get("netns_inode") != int(inode):
        err("netns_inode %r, want %s" % (e.get("netns_inode"), inode))
    six = part(e, 6)
    check_counters(six, proc6, "ipv6: ")
    if set(six) - {"counters", "gauges", "seconds"}:
        err("ipv6: other keys %r" % sorted(six))
    if proc:
        check_counters(e, proc)
    elif "counters" in e or "gauges" in e:
        err("IPv4 counters without -4: %r" % sorted(e))


def check_delta(path, netns, *moves, fam=4):
    e = entry(load_json(path), netns)
    if e is None:
        return
    e = part(e, fam)
    want = dict((m.split("=")[0], int(m.split("=")[1])) for m in moves)
    for name, value in e.get("counters", {}).items():
        if value != want.pop(name, 0):
            err("%s moved by %d" % (name, value))
    for name in want:
        err("%s missing" % name)
    if "seconds" in e and (not isinstance(e["seconds"], float) or
                           e["seconds"] < 0):
        err("seconds %r" % e.get("seconds"))


def check_watch(path, netns, *moves, fam=4):
    want = dict((m.split("=")[0], int(m.split("=")[1])) for m in moves)
    total = {}
    with open(path) as f:
        lines = f.read().splitlines()
    for no, line in enumerate(lines, 1):
        doc = json.loads(line, object_pairs_hook=no_dup_keys,
                         parse_constant=no_constant)
        e = entry(doc, netns)
        if e is None:
            continue
        e = part(e, fam)
        if not isinstance(e.get("seconds"), float) or e["seconds"] < 0.5:
            err("line %d: seconds %r" % (no, e.get("seconds")))
        for name, value in e.get("counters", {}).items():
            if no == 1 and value:
                err("line 1: %s moved by %d before any traffic"
                    % (name, value))
            total[name] = total.get(name, 0) + value
    for name, value in total.items():
        if value != want.pop(name, 0):
            err("%s moved by %d in all" % (name, value))
    for name in want:
        err("%s missing" % name)


def line_labels(path):
    with open(path) as f:
        for no, line in enumerate(f.read().splitlines(), 1):
            doc = json.loads(line, object_pairs_hook=no_dup_keys,
                             parse_constant=no_constant)
            for e in doc:
                print("%d %s" % (no, e["netns"]))


def check_knobs(e, knobs, what=""):
    want = dict((k.split("=")[0], int(k.split("=")[1])) for k in knobs)
    if e.get("sysctl") != want:
        err("%ssysctl %r, want %r" % (what, e.get("sysctl"), want))
    names = ["off", "monitor", "enforce", "block"]
    if e.get("policy") != names[want["policy"]]:
        err("%spolicy %r for %d" % (what, e.get("policy"), want["policy"]))


def check_status(path, netns, version, *knobs):
    e = entry(load_json(path), netns)
    if e is None:
        return
    if e.get("module_version") != version:
        err("module_version %r, want %r" % (e.get("module_version"), version))
    check_knobs(e, knobs)


def check_status6(path, netns, version, with4, *knobs):
    e = entry(load_json(path), netns)
    if e is None:
        return
    if e.get("module_version") != version:
        err("module_version %r, want %r" % (e.get("module_version"), version))
    six = part(e, 6)
    check_knobs(six, knobs, "ipv6: ")
    if set(six) != {"policy", "sysctl"}:
        err("ipv6: keys %r" % sorted(six))
    has4 = "sysctl" in e or "policy" in e
    if has4 != (with4 == "both"):
        err("IPv4's sysctls %s: %r" % ("missing" if not has4 else
                                       "shown with -6", sorted(e)))


def check_senders(path, netns, proc):
    e = entry(load_json(path), netns)
    if e is None:
        return
    with open(proc) as f:
        lines = f.read().splitlines()
    if lines[0].split() != ["Address", "LinkAddress", "Tokens", "LastSeenMs",
                            "Accepted", "Dropped"]:
        err("unexpected header %r" % lines[0])
    keys = ["address", "lladdr", "tokens", "last_seen_ms", "accepted",
            "dropped"]
    want = []
    for line in lines[1:]:
        f = line.split()
        want.append({k: (int(v) if i >= 2 else v)
                     for i, (k, v) in enumerate(zip(keys, f))})
    got = e.get("senders")
    # Tokens and LastSeenMs move with time: compare the rest exactly.
    strip = (lambda ss: sorted([{k: v for k, v in s.items()
                                 if k not in ("tokens", "last_seen_ms")}
                                for s in ss], key=repr))
    if not isinstance(got, list) or strip(got) != strip(want):
        err("senders %r, want %r" % (got, want))
    for s in got or []:
        if set(s) != set(keys) or not all(isinstance(s[k], int)
                                          for k in keys[2:]):
            err("sender %r has other keys or types" % s)


def check_labels(path, *labels):
    doc = load_json(path)
    got = [e.get("netns") for e in doc]
    if got != list(labels):
        err("netns labels %r, want %r" % (got, list(labels)))


# ------------------------------------------------------------ Prometheus

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LNAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
LVALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(?:\{((?:%s=%s)(?:,%s=%s)*,?)?\})? (\S+)(?: (-?\d+))?$"
                    % (NAME, LNAME, LVALUE, LNAME, LVALUE))
LABEL = re.compile(r"(%s)=(%s),?" % (LNAME, LVALUE))
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def unescape(s, quote):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\":
            nxt = s[i + 1] if i + 1 < len(s) else ""
            if nxt == "n":
                out.append("\n")
            elif nxt == "\\" or (nxt == '"' and quote):
                out.append(nxt)
            else:
                raise ValueError("bad escape \\%s" % nxt)
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def go_float(s):
    if s in ("+Inf", "Inf"):
        return math.inf
    if s == "-Inf":
        return -math.inf
    if s == "NaN":
        return math.nan
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", s):
        raise ValueError("value %r" % s)
    return float(s)


def parse_prom(path):
    """The text format, strictly: {(metric, netns): value}, and the types."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    if text and not text.endswith("\n"):
        err("no newline at the end")
    helps, types, done, series = {}, {}, set(), {}
    current = None
    for no, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (%s) (.*)" % NAME, line)
            if not m:
                err("line %d: a comment that is no HELP or TYPE: %r"
                    % (no, line))
                continue
            kind, name, rest = m.groups()
            if name in done or name in (helps if kind == "HELP" else types):
                err("line %d: %s of %s again or after its samples"
                    % (no, kind, name))
            if kind == "HELP":
                try:
                    helps[name] = unescape(rest, False)
                except ValueError as e:
                    err("line %d: %s" % (no, e))
            elif rest not in TYPES:
                err("line %d: type %r" % (no, rest))
            else:
                types[name] = rest
            if current and current != name:
                done.add(current)
            current = name
            continue
        m = SAMPLE.match(line)
        if not m:
            err("line %d: not a sample: %r" % (no, line))
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        if name in done:
            err("line %d: %s's samples are not together" % (no, name))
        if current and current != name:
            done.add(current)
        current = name
        if name not in types or name not in helps:
            err("line %d: %s has no TYPE or HELP before it" % (no, name))
        lab = {}
        for lm in LABEL.finditer(labels):
            if lm.group(1) in lab:
                err("line %d: label %s twice" % (no, lm.group(1)))
            lab[lm.group(1)] = unescape(lm.group(2)[1:-1], True)
        key = (name, tuple(sorted(lab.items())))
        if key in series:
            err("line %d: duplicate series %r" % (no, key))
        try:
            series[key] = go_float(value)
        except ValueError as e:
            err("line %d: %s" % (no, e))
        if set(lab) != {"netns"}:
            err("line %d: labels %r, want netns only" % (no, sorted(lab)))
    for name, t in types.items():
        if (t == "counter") != name.endswith("_total"):
            err("%s: type %s and its name disagree" % (name, t))
    out = {}
    for (name, lab), v in series.items():
        out[(name, dict(lab).get("netns"))] = v
    return out, types


def snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_",
                  name).lower()


def check_prom(path, *triples):
    samples, types = parse_prom(path)
    if len(triples) % 3:
        raise ValueError("prom wants NETNS PROC PROC6 triples")
    for netns, proc, proc6 in zip(triples[0::3], triples[1::3],
                                  triples[2::3]):
        want = {}
        for prefix, f in (("icmp_guard_ipv6_", proc6), ("icmp_guard_", proc)):
            if f == "-":
                continue
            for n, v, gauge in read_proc(f):
                # The limiter's gauge, the same in both files: once.
                metric = ("icmp_guard_senders" if n == "Senders" else
                          prefix + snake(n) + ("" if gauge else "_total"))
                want[metric] = v
                if types.get(metric) != ("gauge" if gauge else "counter"):
                    err("%s has type %r" % (metric, types.get(metric)))
        got = {m: v for (m, ns), v in samples.items() if ns == netns}
        if got != want:
            err("netns %r: samples %r, want %r" % (netns, got, want))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        if cmd == "json":
            load_json(args[0])
        elif cmd == "stats":
            check_stats(*args)
        elif cmd == "stats6":
            check_stats6(*args)
        elif cmd == "delta":
            check_delta(*args)
        elif cmd == "delta6":
            check_delta(*args, fam=6)
        elif cmd == "status":
            check_status(*args)
        elif cmd == "status6":
            check_status6(*args)
        elif cmd == "senders":
            check_senders(*args)
        elif cmd == "labels":
            check_labels(*args)
        elif cmd == "watch":
            check_watch(*args)
        elif cmd == "watch6":
            check_watch(*args, fam=6)
        elif cmd == "linelabels":
            line_labels(*args)
        elif cmd == "prom":
            check_prom(*args)
        else:
            err("unknown check %s" % cmd)
    except (ValueError, OSError, KeyError, TypeError, IndexError,
            AttributeError) as e:
        err("%s: %s" % (type(e).__name__, e))
    for e in errors:
        print("# %s: %s" % (cmd, e))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
