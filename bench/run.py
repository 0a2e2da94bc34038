#!/usr/bin/env python3
"""Socketeer benchmarks: everything on loopback, in one run, with ratios
against baselines measured in the same run. Prints a Markdown table.

    bench/run.py [--size BYTES] [--runs N] [--build DIR] [--output FILE]

Builds a Release tree with the benchmark tools (bench/CMakeLists.txt),
generates the data once (in DIR/bench-data), then for each data set serves it
from `floodserver` and reads it with each client. Throughput is measured by
the server, from accept() to the client's close, so process start-up does not
count. Peak RSS is the client's ru_maxrss (the kernel's VmHWM at exit).
Every byte Socketeer saved is checked against the source with SHA-256.
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                return digest.hexdigest()
            digest.update(block)


def build(build_dir):
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=Release", "-DSOCKETEER_BUILD_TESTS=OFF",
                        "-DSOCKETEER_BUILD_BENCH=ON"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j2"], check=True, stdout=subprocess.DEVNULL)


class Server:
    """floodserver on 127.0.0.1: one line of timing per connection served."""

    def __init__(self, tool, *args):
        self.process = subprocess.Popen([tool, *args], stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())

    def elapsed(self):
        ns, sent = self.process.stdout.readline().split()
        return int(ns) / 1e9, int(sent)

    def stop(self):
        self.process.kill()
        self.process.wait()


def run_client(argv, env=None, stdout=subprocess.DEVNULL):
    """Runs a client to completion; returns (exit status, peak RSS in MiB)."""
    process = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    err = process.stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {process.returncode}: {err.strip()}")
    return usage.ru_maxrss / 1024.0


def fmt_rate(bytes_, seconds):
    return f"{bytes_ / seconds / 1e6:,.0f} MB/s"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000_000, help="bytes per data set (default 1 GB)")
    parser.add_argument("--runs", type=int, default=5, help="rounds; each case runs once per round, the median is reported")
    parser.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--output", help="also write the table to this file")
    parser.add_argument("--skip-window", action="store_true")
    args = parser.parse_args()

    build(args.build)
    tools = os.path.join(args.build, "bench")
    socketeer = os.path.join(args.build, "socketeer")
    data_dir = os.path.join(args.build, "bench-data")
    os.makedirs(data_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="socketeer-bench-", dir=args.build)  # on disk, not a RAM /tmp
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "config"),
               XDG_DATA_HOME=os.path.join(work, "data"), XDG_CACHE_HOME=os.path.join(work, "cache"),
               QT_QPA_PLATFORM="offscreen", LC_ALL="C.UTF-8")
    rows = []

    def run_once(spec, server, size, source_sha):
        """One run of one case: rate, peak RSS and, when it saves, the SHA-256 check."""
        saved = spec.get("saved")
        if saved and os.path.exists(saved):
            os.remove(saved)
        if spec.get("window"):
            # Each run starts with an empty history: otherwise the earlier
            # runs' gigabytes are deleted (retention) while this one streams.
            shutil.rmtree(env["XDG_DATA_HOME"], ignore_errors=True)
        # No case pays for the previous one's writeback (a gigabyte written
        # to disk is flushed over the next seconds).
        os.sync()
        result = {"rss": run_client(spec["argv"], env=spec.get("env", env))}
        seconds, sent = server.elapsed()
        assert sent == size, (sent, size)
        result["rate"] = size / seconds
        if saved:
            result["sha256"] = "match" if sha256(saved) == source_sha else "MISMATCH"
            os.remove(saved)
        if spec.get("window"):
            with open(spec["probe"]) as f:
                result["gaps"] = json.load(f)
        return result

    for kind in ("lines", "random"):
        source = os.path.join(data_dir, f"{kind}-{args.size}.bin")
        if not os.path.exists(source) or os.path.getsize(source) != args.size:
            with open(source + ".part", "wb") as out:
                subprocess.run([os.path.join(tools, "gendata"), kind, str(args.size)], stdout=out, check=True)
            os.replace(source + ".part", source)
        source_sha = sha256(source)
        server = Server(os.path.join(tools, "floodserver"), "file", source)
        port = str(server.port)
        saved = os.path.join(work, "saved.bin")
        readloop = os.path.join(tools, "readloop")
        # The baselines the ratios are taken against come first; the rest
        # are references (what writing the output costs a C program) and
        # Socketeer itself.
        specs = [
            {"name": "socat -b 262144 -u", "baseline": True,
             "argv": ["socat", "-b", "262144", "-u", f"TCP:127.0.0.1:{port}", "/dev/null"]},
            {"name": "nc -d (netcat-openbsd)", "baseline": True, "argv": ["nc", "-d", "127.0.0.1", port]},
            {"name": "C read loop", "baseline": True, "argv": [readloop, port]},
            {"name": "C read loop > /dev/null (writes what it reads)", "argv": [readloop, port, "-"]},
            {"name": "C read loop to file", "argv": [readloop, port, saved], "saved": saved},
            {"name": "socketeer --headless > /dev/null", "argv": [socketeer, "--headless", "127.0.0.1", port]},
            {"name": "socketeer --headless --save raw", "saved": saved,
             "argv": [socketeer, "--headless", "127.0.0.1", port, "--save", saved, "--format", "raw"]},
        ]
        if not args.skip_window:
            probe = os.path.join(work, "probe.json")
            specs.append({"name": "window (offscreen, following the tail)", "window": True, "probe": probe,
                          "env": dict(env, SOCKETEER_EVENT_LOOP_PROBE=probe), "saved": saved,
                          "argv": [socketeer, "127.0.0.1", port, "--connect", "--quit-on-close",
                                   "--save", saved, "--format", "raw"]})
        # Round robin: the machine's speed drifts over minutes, and every
        # case should see the same drift.
        runs = {spec["name"]: [] for spec in specs}
        try:
            for _ in range(args.runs):
                for spec in specs:
                    runs[spec["name"]].append(run_once(spec, server, args.size, source_sha))
        finally:
            server.stop()
        results = []
        for spec in specs:
            r = runs[spec["name"]]
            result = {"name": spec["name"], "baseline": spec.get("baseline", False),
                      "rate": statistics.median(x["rate"] for x in r), "rss": max(x["rss"] for x in r),
                      "low": min(x["rate"] for x in r), "high": max(x["rate"] for x in r)}
            if spec.get("saved"):
                result["sha256"] = "match" if all(x["sha256"] == "match" for x in r) else "MISMATCH"
            if spec.get("window"):
                # The worst run's gaps: the targets are bounds, not averages.
                result["gaps"] = {k: max(x["gaps"][k] for x in r) for k in ("p50_ms", "p99_ms", "max_ms")}
            results.append(result)
        best = max(r["rate"] for r in results if r["baseline"])
        for r in results:
            r["ratio"] = r["rate"] / best
        rows.append((kind, results))

    # Connect-send-receive-close cycles.
    server = Server(os.path.join(tools, "floodserver"), "reply")
    try:
        start = time.monotonic()
        subprocess.run([os.path.join(tools, "cycles"), str(server.port), str(args.cycles)], check=True)
        c_seconds = time.monotonic() - start
        out = subprocess.run([os.path.join(tools, "sessioncycles"), str(server.port), str(args.cycles)],
                             check=True, capture_output=True, text=True, env=env).stdout
        cycles = json.loads(out)
    finally:
        server.stop()

    # The view and search on large transcripts (in-process, offscreen).
    view_cases = []
    if not args.skip_window:
        out = subprocess.run([os.path.join(tools, "viewbench"), str(args.size)], check=True,
                             capture_output=True, text=True, env=env).stdout
        view_cases = [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    lines = [f"Data: {args.size:,} bytes per set; median of {args.runs} runs, the cases taking turns; "
             f"throughput measured by the server (accept to the client's close).", "",
             "Baselines are marked *; the ratio is to the best of them in the same data set.", "",
             "| data | client | throughput (median, min–max) | ratio to best baseline | peak RSS | saved bytes | event-loop gaps p50 / p99 / max |",
             "|---|---|---:|---:|---:|---|---|"]
    for kind, results in rows:
        for r in results:
            gaps = r.get("gaps")
            gap_text = f"{gaps['p50_ms']:.2f} / {gaps['p99_ms']:.2f} / {gaps['max_ms']:.2f} ms" if gaps else ""
            name = f"{r['name']} *" if r["baseline"] else r["name"]
            lines.append(f"| {kind} | {name} | {r['rate'] / 1e6:,.0f} MB/s ({r['low'] / 1e6:,.0f}–{r['high'] / 1e6:,.0f}) | {r['ratio']:.2f} | "
                         f"{r['rss']:.1f} MiB | {r.get('sha256', '')} | {gap_text} |")
    lines += ["", "| cycles | C loop | Session (one process) | ratio | open files after 10 / all | RSS after 10 / all |",
              "|---:|---:|---:|---:|---|---|",
              f"| {args.cycles} | {c_seconds:.3f} s | {cycles['seconds']:.3f} s | {cycles['seconds'] / c_seconds:.2f} | "
              f"{cycles['fds_after_10']} / {cycles['fds_after_all']} | "
              f"{cycles['rss_kib_after_10'] / 1024:.1f} / {cycles['rss_kib_after_all'] / 1024:.1f} MiB |"]
    for v in view_cases:
        if v["case"] == "cancel":
            lines += ["", f"Search over {v['bytes']:,} bytes cancelled while running (5 times): "
                          f"cancelAndWait() p50 {v['cancel_p50_ms']:.2f} ms, max {v['cancel_max_ms']:.2f} ms."]
    cases = [v for v in view_cases if "full_search_ms" in v]
    if cases:
        lines += ["", "| transcript | rows | row index | first paint | fully indexed | scroll p50 / p99 / max | to end | full search (no match) |",
                  "|---|---:|---:|---:|---:|---|---:|---:|"]
        for v in cases:
            lines.append(f"| {v['case']} ({v['bytes'] / 1e6:,.0f} MB) | {v['rows']:,} | {v['index_kib']:,.0f} KiB | "
                         f"{v['first_paint_ms']:.0f} ms | {v['indexed_ms']:.0f} ms | "
                         f"{v['scroll_p50_ms']:.2f} / {v['scroll_p99_ms']:.2f} / {v['scroll_max_ms']:.2f} ms | "
                         f"{v['scroll_to_end_ms']:.1f} ms | {v['full_search_ms']:.0f} ms |")
    tiny = [v for v in view_cases if "entries" in v]
    if tiny:
        lines += ["", "| tiny entries | rows | row index | first paint | fully indexed | page down p50 / max | line down p50 | jump p50 / max |",
                  "|---|---:|---:|---:|---:|---|---:|---|"]
        for v in tiny:
            lines.append(f"| {v['case']} ({v['entries']:,} entries) | {v['rows']:,} | {v['index_kib']:,.0f} KiB | "
                         f"{v['first_paint_ms']:.0f} ms | {v['indexed_ms']:.0f} ms | "
                         f"{v['page_down_p50_ms']:.2f} / {v['page_down_max_ms']:.2f} ms | {v['line_down_p50_ms']:.2f} ms | "
                         f"{v['jump_p50_ms']:.2f} / {v['jump_max_ms']:.2f} ms |")
    escapes = [v for v in view_cases if "escape_mib_s" in v]
    if escapes:
        lines += ["", "| escape | input | escape() | appendEscaped() |", "|---|---:|---:|---:|"]
        for v in escapes:
            lines.append(f"| {v['case']} | {v['bytes'] / 1e6:,.1f} MB | {v['escape_mib_s']:,.0f} MiB/s | "
                         f"{v['append_escaped_mib_s']:,.0f} MiB/s |")
    table = "\n".join(lines)
    print(table)
    if args.output:
        with open(args.output, "w") as f:
            f.write(table + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
