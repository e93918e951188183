#!/usr/bin/env python3
"""Helpers for scripts/bench.sh (standard library only).

  report.py wrk FILE              one wrk --latency output -> "requests seconds rps p50_ms p99_ms non2xx sockerr"
  report.py json PATH             a field of the JSON on stdin, e.g. meta.pagination.next_cursor or data.0.slug
  report.py word CORPUS           a search word present in many article bodies of an NDJSON corpus
  report.py table RESULTS META    the Markdown report from the results TSV and the machine/run notes
"""

import collections
import json
import re
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def duration_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(text):
    """Requests, seconds, requests/s, p50 and p99 in ms, non-2xx/3xx count and socket errors."""
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m),", text, re.M)
    rps = re.search(r"^Requests/sec:\s*([\d.]+)", text, re.M)
    p50 = re.search(r"^\s*50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", text, re.M)
    if not (total and rps and p50 and p99):
        raise ValueError("wrk output lacks the totals or the latency distribution (was --latency given?)")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "requests": int(total.group(1)),
        "seconds": duration_ms(total.group(2) + total.group(3)) / 1000.0,
        "rps": float(rps.group(1)),
        "p50": duration_ms(p50.group(1)),
        "p99": duration_ms(p99.group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "sockerr": sum(int(g) for g in sock.groups()) if sock else 0,
    }


def cmd_wrk(path):
    with open(path, encoding="utf-8") as f:
        r = parse_wrk(f.read())
    print(r["requests"], f"{r['seconds']:.3f}", f"{r['rps']:.1f}", f"{r['p50']:.3f}", f"{r['p99']:.3f}",
          r["non2xx"], r["sockerr"])


def cmd_json(path):
    value = json.load(sys.stdin)
    for part in path.split("."):
        if isinstance(value, list):
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        if value is None:
            break
    if value is None:
        sys.exit(f"no value at {path}")
    print(value if isinstance(value, str) else json.dumps(value))


STOP = set("""about after again against also among another because been before being below between both
could does doing down during each from further have having here into itself just more most much must
only other over same should some such than that their them then there these they this those through
under until very were what when where which while will with would your said says""".split())


def cmd_word(path, sample=5000):
    """The most common body word (5+ letters, not a stop word) over the first articles."""
    counts, seen = collections.Counter(), 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("status") != "published":
                continue
            words = set(re.findall(r"[a-z]{5,}", (record.get("body") or "").lower()))
            counts.update(w for w in words if w not in STOP)
            seen += 1
            if seen >= sample:
                break
    if not counts:
        sys.exit(f"no words in the bodies of {path}")
    # Not the very most common word (it may be in every article): one in roughly a third of them,
    # so search ranks a large but partial match set.
    target = seen / 3
    word, _ = min(counts.most_common(200), key=lambda wc: abs(wc[1] - target))
    print(word)


def fmt(value, digits):
    if value in (None, "n/a", "-"):
        return "n/a" if value is None else value
    return f"{float(value):,.{digits}f}"


def cmd_table(results_path, meta_path):
    with open(meta_path, encoding="utf-8") as f:
        meta = f.read().rstrip("\n")
    rows = []
    with open(results_path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    out = [meta, ""]
    for backend in dict.fromkeys(r["backend"] for r in rows):
        mine = [r for r in rows if r["backend"] == backend]
        # Group each endpoint's cache-on and cache-off rows together, in the order first measured.
        order = {name: i for i, name in reversed(list(enumerate(r["endpoint"] for r in mine)))}
        mine.sort(key=lambda r: order[r["endpoint"]])
        ceiling = next((float(r["rps"]) for r in mine if r["endpoint"] == "ceiling"), None)
        out += [f"### {backend}", ""]
        if ceiling:
            c = next(r for r in mine if r["endpoint"] == "ceiling")
            out += [f"Ceiling (newsdesk-ceiling, {c['note']}): **{ceiling:,.0f} requests/s**, p50 {fmt(c['p50'], 2)} ms, "
                    f"p99 {fmt(c['p99'], 2)} ms.", ""]
        out += ["| endpoint | cache | requests/s | p50 ms | p99 ms | × ceiling | CPU ms/req | peak RSS MB | bytes | errors | notes |",
                "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
        for r in mine:
            if r["endpoint"] == "ceiling":
                continue
            if r["rps"] == "n/a":
                out.append(f"| {r['endpoint']} | {r['cache']} | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | {r['note']} |")
                continue
            rps = float(r["rps"])
            if int(r["requests"]) == 0:  # wrk reports zero latencies when nothing finished
                r["p50"] = r["p99"] = r["cpu_ms"] = "n/a"
            ratio = rps / ceiling if ceiling else None
            errors = int(r["non2xx"]) + int(r["sockerr"])
            out.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                r["endpoint"], r["cache"], fmt(rps, 0 if rps >= 10 else 1), fmt(r["p50"], 2), fmt(r["p99"], 2), fmt(ratio, 3),
                fmt(r["cpu_ms"], 3), fmt(r["rss_mb"], 1), r["bytes"], errors, r["note"]))
        out.append("")
    print("\n".join(out))


def main(argv):
    commands = {"wrk": (cmd_wrk, 1), "json": (cmd_json, 1), "word": (cmd_word, 1), "table": (cmd_table, 2)}
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        sys.exit(__doc__)
    fn, _ = commands[argv[1]]
    fn(*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
