"""Load one URL with wrk for a bounded time and return its figures; probe a URL once with urllib."""

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

REPORT_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"


def wrk_binary():
    binary = shutil.which("wrk") or "/usr/bin/wrk"
    if not Path(binary).exists():
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    return binary


def probe(url, timeout=120):
    """(status, body) of one GET; (0, the error) when it could not be made. Never raises."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        return 0, str(error).encode()


def load(url, duration, connections, threads=1, timeout=10):
    """wrk's figures for `url`: requests per second and latency percentiles in milliseconds."""
    argv = [
        wrk_binary(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "-s",
        str(REPORT_SCRIPT),
        url,
    ]
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=duration + timeout + 30, check=True)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures for {url}:\n{completed.stdout}\n{completed.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "mean_ms": raw["mean_us"] / 1000,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "non_2xx": raw["status_errors"],
        "socket_errors": errors,
        "bytes_per_request": raw["bytes"] / raw["requests"] if raw["requests"] else 0,
        "connections": connections,
    }
