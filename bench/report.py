"""Printing bench/speed.py's figures: one table per size, the growth across sizes, and the targets."""

TARGET_DATASETTE = 1.5  # the events list serves at least 1.5x Datasette's requests per second
TARGET_FLOOR = 1.5  # ... and costs at most 1.5x the floor's time per request (p50)
TARGET_GROWTH = 1.3  # p95 at the largest size at most 1.3x p95 at the smallest
TARGET_CSV_MB = 200  # peak RSS of the worker streaming the whole CSV
TARGET_CACHED_MS = 2.0  # p50 of a repeated request with the cache on
TARGET_STATS_P95_MS = 20.0  # every stats request, with filters, without a cache (issue 15)

HEADER = (
    "endpoint",
    "server",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "CPU ms/req",
    "KB",
    "non-2xx",
    "queries",
    "in-proc ms (SQL)",
)


def _table(rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(row[i])) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [HEADER, *rows]
    )


def _ratio(a, b):
    return a / b if a and b else None


def _fmt_ratio(value):
    return "n/a" if value is None else f"{value:.2f}x"


def _answered(row):
    """The figures of each server that answered 200 and finished at least one request under load."""
    return [
        row.get(k) if (row.get(k) or {}).get("status") == 200 and row[k].get("requests") else None
        for k in ("tracker", "floor", "datasette")
    ]


def ratios(row):
    """tracker/floor time per request (p50) and tracker/Datasette throughput, where both exist."""
    tracker, floor, datasette = _answered(row)
    return (
        _ratio(tracker and tracker["p50_ms"], floor and floor["p50_ms"]),
        _ratio(tracker and tracker["rps"], datasette and datasette["rps"]),
    )


def cpu_ratios(row):
    """The same comparisons in CPU time per request (server + database), steadier on a busy machine."""
    tracker, floor, datasette = _answered(row)
    cpu = [figures and figures.get("cpu_ms_per_request") for figures in (tracker, floor, datasette)]
    return _ratio(cpu[0], cpu[1]), _ratio(cpu[2], cpu[0])


def print_size(result, markdown=False):
    generated = result.get("generated_s")
    print(f"\n## {result['events']:,} events")
    print(
        "data: "
        + (f"generated in {generated:.1f} s" if generated is not None else "reused from a kept cluster")
        + "; rows: "
        + ", ".join(f"{k.removeprefix('events_')} {v:,}" for k, v in (result.get("rows") or {}).items())
        + f"; load average before loading {' '.join(result.get('loadavg', []))}"
    )
    rows, notes = [], []
    for name, row in result["endpoints"].items():
        counted = row.get("inprocess") or {}
        label = name
        for server in ("tracker", "floor", "datasette"):
            figures = row.get(server)
            if figures is None:
                continue
            if figures.get("status") != 200:
                what = "missing (404)" if figures.get("missing") else f"HTTP {figures.get('status')}"
                rows.append((label, server, what, *[""] * (len(HEADER) - 3)))
                label = ""
                continue
            if not figures.get("requests"):
                rows.append((label, server, "no request finished", *[""] * (len(HEADER) - 3)))
                label = ""
                continue
            extra = ("", "")
            if server == "tracker" and counted:
                extra = (str(counted.get("queries")), f"{counted['handler_ms']:.1f} ({counted['sql_ms']:.1f})")
            rows.append(
                (
                    label,
                    server,
                    f"{figures['rps']:.0f}",
                    f"{figures['p50_ms']:.1f}",
                    f"{figures['p95_ms']:.1f}",
                    f"{figures['p99_ms']:.1f}",
                    "" if figures.get("cpu_ms_per_request") is None else f"{figures['cpu_ms_per_request']:.1f}",
                    f"{figures['bytes'] / 1024:.0f}",
                    str(figures["non_2xx"] + figures["socket_errors"]),
                    *extra,
                )
            )
            label = ""
        floor_ratio, datasette_ratio = ratios(row)
        floor_cpu, datasette_cpu = cpu_ratios(row)
        if floor_ratio or datasette_ratio:
            notes.append(
                f"{name}: tracker/floor time {_fmt_ratio(floor_ratio)} (CPU {_fmt_ratio(floor_cpu)}), "
                f"tracker/Datasette throughput {_fmt_ratio(datasette_ratio)} (CPU {_fmt_ratio(datasette_cpu)})"
            )
    print(_table(rows, markdown))
    print()
    for note in notes:
        print(("- " if markdown else "  ") + note)
    walk = result.get("walk") or {}
    if walk.get("page_ms"):
        times = walk["page_ms"]
        print(
            f"walk: {len(times)} pages of 1,000 to {walk['depth']:,} deep; first page {times[0]:.0f} ms, "
            f"median {sorted(times)[len(times) // 2]:.0f} ms, last {times[-1]:.0f} ms"
        )
    csv = result.get("csv")
    if csv and csv.get("status") == 200:
        print(
            f"CSV of all {result['events']:,} events: {csv['mb']:.0f} MB in {csv['total_s']:.1f} s, "
            f"first byte after {csv['first_byte_s'] * 1000:.0f} ms, worker RSS {csv['baseline_rss_mb']:.0f} MB "
            f"before, peak {max(csv['peak_rss_mb'], csv['hwm_mb']):.0f} MB"
        )
    elif csv:
        print(f"CSV: HTTP {csv.get('status')}")
    for phase, error in (result.get("errors") or {}).items():
        print(f"{phase} failed: {error.strip().splitlines()[-1] if error.strip() else error}")
    cached = result.get("cached") or {}
    if cached.get("status") == 200:
        print(
            f"repeated list request with Redis cache on: wrk p50 {cached['p50_ms']:.2f} ms at 1 connection "
            f"({cached['rps']:.0f} req/s), in-process p50 {cached['inprocess']['p50_ms']:.2f} ms"
        )
    elif cached:
        print(f"cached: {cached.get('skipped') or 'HTTP ' + str(cached.get('status'))}")


def _verdict(ok):
    return "met" if ok else "NOT met"


def print_summary(results, markdown=False):
    sizes = results["sizes"]
    print("\n## Summary")
    print(
        f"machine: {results['machine']['cpus']} CPUs ({results['machine']['cpu']}), "
        f"load average at start {' '.join(results['machine']['loadavg'])}"
    )
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        print(f"\ngrowth of the tracker's p95 from {first['events']:,} to {last['events']:,} events:")
        for name in last["endpoints"]:
            key = name.split(" (")[0]
            start = next((r for n, r in first["endpoints"].items() if n.split(" (")[0] == key), None)
            p95s = []
            for size in sizes:
                match = next((r for n, r in size["endpoints"].items() if n.split(" (")[0] == key), None)
                tracker = _answered(match or {})[0] or {}
                p95s.append(tracker.get("p95_ms"))
            growth = _ratio(p95s[-1], p95s[0]) if start else None
            shown = " -> ".join("missing" if p is None else f"{p:.1f} ms" for p in p95s)
            verdict = "" if growth is None else f" ({_verdict(growth <= TARGET_GROWTH)}: target <= {TARGET_GROWTH}x)"
            print(f"  {key}: {shown}, {_fmt_ratio(growth)}{verdict}")
    print("\ntargets (events list filtered by country, largest size):")
    last = sizes[-1]
    row = next(iter(last["endpoints"].values()), {})
    floor_ratio, datasette_ratio = ratios(row)
    floor_cpu, datasette_cpu = cpu_ratios(row)
    if datasette_ratio is not None:
        print(
            f"  throughput vs Datasette {datasette_ratio:.2f}x: {_verdict(datasette_ratio >= TARGET_DATASETTE)} "
            f"(target >= {TARGET_DATASETTE}x; in CPU per request {_fmt_ratio(datasette_cpu)})"
        )
    if floor_ratio is not None:
        print(
            f"  time vs floor {floor_ratio:.2f}x: {_verdict(floor_ratio <= TARGET_FLOOR)} "
            f"(target <= {TARGET_FLOOR}x; in CPU per request {_fmt_ratio(floor_cpu)})"
        )
    if floor_ratio is None and datasette_ratio is None:
        print("  the events list did not answer 200: no ratios")
    for name, stats in last["endpoints"].items():
        p95 = (_answered(stats)[0] or {}).get("p95_ms") if name.startswith("stats") else None
        if p95 is not None:
            verdict = _verdict(p95 <= TARGET_STATS_P95_MS)
            print(f"  {name} p95 {p95:.1f} ms: {verdict} (target <= {TARGET_STATS_P95_MS:.0f} ms)")
    csv = last.get("csv") or {}
    if csv.get("status") == 200:
        peak = max(csv["peak_rss_mb"], csv["hwm_mb"])
        print(
            f"  CSV peak RSS {peak:.0f} MB: {_verdict(peak < TARGET_CSV_MB)} (target < {TARGET_CSV_MB} MB); "
            f"first byte after {csv['first_byte_s'] * 1000:.0f} ms"
        )
    cached = last.get("cached") or {}
    if cached.get("status") == 200:
        p50 = cached["inprocess"]["p50_ms"]
        print(
            f"  cached repeated request p50 {p50:.2f} ms in-process, {cached['p50_ms']:.2f} ms over loopback: "
            f"{_verdict(p50 < TARGET_CACHED_MS)} (target < {TARGET_CACHED_MS} ms)"
        )
