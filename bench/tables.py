#!/usr/bin/env python3
"""Markdown tables from scripts/bench.sh output (docs/performance.md).

Usage: bench/tables.py RESULTS.jsonl
"""
import json
import sys


def mib(b):
    return b / 2**20


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    by = {}
    bf16 = {}
    for r in rows:
        target = bf16 if r.get("wire_format") == "bfloat16" else by
        target.setdefault(r["bench"], []).append(r)

    print("### aggregate (floats/s, best of the repeats)\n")
    print("| P | N | aggregate | axpy | ratio | with checks + digest |")
    print("|---|---|---|---|---|---|")
    val = {(r["params"], r["nodes"]): r for r in by.get("aggregate_validated", [])}
    for r in by.get("aggregate", []):
        v = val.get((r["params"], r["nodes"]))
        print("| %dM | %d | %.2f G | %.2f G | **%.2f** | %.2f G |" % (
            r["params"] // 10**6, r["nodes"], r["value"] / 1e9,
            r["axpy"] / 1e9, r["ratio"], v["value"] / 1e9 if v else 0))

    if by.get("digest"):
        print("\n### digest (bytes/s, best of the repeats)\n")
        print("| P | variant | GB/s | ratio to SHA-256 |")
        print("|---|---|---|---|")
        for r in by["digest"]:
            variant = r["variant"]
            if "threads" in r:
                variant += " (%d threads)" % r["threads"]
            print("| %dM | %s | %.2f | **%.2f** |" % (
                r["params"] // 10**6, variant, r["value"] / 1e9, r["ratio"]))

    print("\n### master_rss and round_seconds\n")
    print("| P | N | model | master peak RSS | ratio | target (2x + 64 MiB) "
          "| s/round (median 2-5) | wall s/round | slave peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    rounds = {(r["params"], r["nodes"]): r for r in by.get("round_seconds", [])}
    for r in by.get("master_rss", []):
        s = rounds.get((r["params"], r["nodes"]), {})
        model = r["params"] * 4
        print("| %dM | %d | %.0f MiB | %.1f MiB | **%.2f** | %.1f MiB | "
              "**%.3f** | %.3f | %.0f MiB |" % (
                  r["params"] // 10**6, r["nodes"], mib(model), mib(r["value"]),
                  r["ratio"], mib(r["target_bytes"]), s.get("value", 0),
                  s.get("wall_seconds", 0), mib(r["slave_peak_rss"])))

    print("\n### transfer (one slave, mutual TLS on 127.0.0.1)\n")
    print("| P | direction | MB/s |")
    print("|---|---|---|")
    for r in by.get("transfer", []):
        print("| %dM | %s | **%.0f** |" % (r["params"] // 10**6, r["direction"],
                                        r["value"] / 1e6))

    if bf16:
        print("\n### bfloat16 on the wire (federation.wire_format)\n")
        print("| bench | P | N | value |")
        print("|---|---|---|---|")
        for r in bf16.get("master_rss", []):
            print("| master_rss | %dM | %d | %.1f MiB (**%.2f** x) |" % (
                r["params"] // 10**6, r["nodes"], mib(r["value"]), r["ratio"]))
        for r in bf16.get("round_seconds", []):
            print("| round_seconds | %dM | %d | **%.3f** s |" % (
                r["params"] // 10**6, r["nodes"], r["value"]))
        for r in bf16.get("transfer", []):
            print("| transfer %s | %dM | 1 | **%.0f** MB/s (model bytes) |" % (
                r["direction"], r["params"] // 10**6, r["value"] / 1e6))

    print("\n### train (samples/s, 1 thread)\n")
    print("| model | params | C++ libtorch | Python PyTorch | ratio |")
    print("|---|---|---|---|---|")
    for r in by.get("train", []):
        py = r.get("python_samples_per_second")
        print("| %s | %d | %.0f | %s | **%s** |" % (
            r["model"], r["params"], r["value"],
            "%.0f" % py if py else "-",
            "%.2f" % r["ratio"] if "ratio" in r else "-"))


if __name__ == "__main__":
    main(sys.argv[1])
