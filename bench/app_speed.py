"""App speed: start time (process start → serving, on the sample corpus) and search latency
through the app's handler and through HTTP. Goals: start < 10 s, search < 1 s.

Run: python bench/app_speed.py [--runs 20] [--starts 5]
Start is measured `--starts` times each way: a first start on an empty home (ingests the sample
corpus and builds the index) and a warm start on the same home (the usual case); min, median and
max are printed with the load average, since a shared machine moves these figures a lot. For a
newcomer's very first start (no bytecode of the repo cached yet) run it from a fresh clone:
git clone . /tmp/c && python /tmp/c/bench/app_speed.py --starts 1.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `python bench/app_speed.py` from anywhere imports this checkout
QUERIES = ["起重机械 检查次数", "满意度", "培训 合格率", "检测报告 份数", "项目概况 资金", "发文字号 建质"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_time(home: Path) -> tuple[float, subprocess.Popen, int]:
    """Seconds from spawning `jixiao serve` until its page answers; returns the running process."""
    port = _port()
    env = dict(os.environ, JIXIAO_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        if proc.poll() is not None:
            raise SystemExit("jixiao serve exited early")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return time.perf_counter() - t0, proc, port
        except OSError:
            time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(10)


def handler_latency(home: Path, runs: int) -> list[float]:
    from ui.app import search_results

    search_results(home, "预热")
    times = []
    for i in range(runs):
        q = QUERIES[i % len(QUERIES)]
        t = time.perf_counter()
        search_results(home, q)
        times.append(time.perf_counter() - t)
    return times


def http_latency(port: int, runs: int) -> list[float]:
    """Through Gradio's HTTP API with gradio_client (skipped if it is missing)."""
    try:
        from gradio_client import Client
    except ImportError:
        return []
    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    api = next((n for n in client.view_api(return_format="dict", print_info=False)["named_endpoints"]
                if "do_search" in n), None)
    if api is None:
        return []
    args = ["", "（全部）", "（全部）", "（全部）", "（全部）", "", "（全部）"]
    times = []
    for i in range(runs):
        t = time.perf_counter()
        client.predict(QUERIES[i % len(QUERIES)], *args[1:], api_name=api)
        times.append(time.perf_counter() - t)
    return times


def _summary(xs: list[float]) -> dict:
    if not xs:
        return {}
    xs = sorted(xs)
    return {"n": len(xs), "median_s": round(statistics.median(xs), 4), "p95_s": round(xs[int(0.95 * (len(xs) - 1))], 4),
            "max_s": round(xs[-1], 4)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--starts", type=int, default=1, help="first and warm starts, each this many times")
    a = ap.parse_args()
    firsts, warms = [], []
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        for i in range(a.starts):
            home = Path(tmp) / f"home{i}"
            first, proc, _ = start_time(home)
            stop(proc)
            firsts.append(first)
            warm, proc, port = start_time(home)
            warms.append(warm)
            if i < a.starts - 1:
                stop(proc)
        try:
            handler = handler_latency(home, a.runs)
            http = http_latency(port, a.runs)
        finally:
            stop(proc)

    def spread(xs: list[float]) -> dict:
        return {"min_s": round(min(xs), 2), "median_s": round(statistics.median(xs), 2), "max_s": round(max(xs), 2),
                "all_s": [round(x, 2) for x in xs]}

    out = {
        "start_first": spread(firsts), "start_warm": spread(warms), "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "search_handler": _summary(handler), "search_http": _summary(http) or "gradio_client missing",
        "goals": {"start_s": 10, "search_s": 1},
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
