"""Concurrency: searches from several clients while `jixiao ingest` runs in another process.

Usage: python bench/concurrency.py [--clients 8] [--filings 60] [--batches 12] [--idle 8]
                                   [--http] [--seed 0] [--out bench/out]

A home is prepared with the bundled sample corpus and a (lexical) index, and `--filings`
generated filings (corpus.synth) are split into `--batches` folders. Then:

1. ingest alone: the batches are ingested into a copy of the home, one `jixiao ingest`
   process per batch, as a user would run them (the index is updated after each batch);
2. idle: `--clients` threads call `assistant.search_service.search` for `--idle` seconds;
3. under ingest: the same threads search while the batches are ingested in another
   process, until the last batch is done;
4. with `--http`: the same two phases with `--clients` HTTP clients (gradio_client)
   against `jixiao serve` on a fresh copy of the home.

Every answer is checked for torn reads: each hit's filing must be in the corpus database
and the hit's text must equal the passage rebuilt from the stored record; a hit ranked by
keywords must contain one of the query's tokens (bm25 and the passage list from the same
index); the loaded index must agree with its manifest (passages, bm25 documents, filings);
and a client must never see the index go back to fewer filings. Exceptions are counted by
type. Results are printed as a table and saved to `--out`/concurrency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUERIES = [
    "起重机械 检查次数", "满意度", "培训 合格率", "检测报告 份数", "项目概况 资金", "发文字号 建质",
    "社会效益", "完成及时率", "服务对象满意度", "资金到位率", "验收合格率", "绩效目标",
]


# --- setup ------------------------------------------------------------------------------


def prepare(workdir: Path, filings: int, batches: int, seed: int = 0) -> tuple[Path, list[Path]]:
    """A home with the sample corpus and a lexical index, and `filings` generated filings
    split into `batches` folders (round robin, so every batch mixes the file shapes)."""
    from assistant.app_service import ensure_ready
    from corpus.synth import generate

    home = workdir / "home"
    ensure_ready(home, sample=True)
    src = workdir / "synth"
    generate(src, filings, seed=seed)
    files = sorted(p for p in src.iterdir() if p.is_file() and not p.name.startswith("."))
    dirs = [workdir / "batches" / f"b{i:03d}" for i in range(max(1, min(batches, len(files))))]
    for d in dirs:
        d.mkdir(parents=True)
    for i, f in enumerate(files):
        shutil.move(str(f), dirs[i % len(dirs)] / f.name)
    return home, dirs


@dataclass
class IngestRun:
    seconds: float = 0.0
    files: int = 0
    batches: int = 0
    failures: list[str] = field(default_factory=list)  # non-zero exits and index-hook complaints

    def as_dict(self) -> dict:
        return {"seconds": round(self.seconds, 2), "files": self.files, "batches": self.batches,
                "files_per_s": round(self.files / self.seconds, 2) if self.seconds else None,
                "failures": self.failures}


def ingest_batches(home: Path, dirs: list[Path]) -> IngestRun:
    """One `jixiao ingest` process per folder, in order (each updates the index at its end)."""
    run = IngestRun(batches=len(dirs))
    t0 = time.perf_counter()
    for d in dirs:
        proc = subprocess.run([sys.executable, "-m", "assistant.cli", "--home", str(home), "ingest", "-q", str(d)],
                              cwd=REPO, capture_output=True, text=True, timeout=900)
        run.files += sum(1 for _ in d.iterdir())
        if proc.returncode != 0:
            run.failures.append(f"{d.name}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
        elif "未能更新" in proc.stderr or "Traceback" in proc.stderr:
            run.failures.append(f"{d.name}: {proc.stderr.strip()[-300:]}")
    run.seconds = time.perf_counter() - t0
    return run


# --- checking answers ----------------------------------------------------------------------


class Checker:
    """Torn-read checks for one client thread (it keeps its own database connection)."""

    def __init__(self, home: Path) -> None:
        from corpus.store import CorpusStore

        self.home = home
        self.store = CorpusStore(home)
        self._passages: dict[str, Optional[dict[str, str]]] = {}
        self._index_ok: dict[int, list[str]] = {}
        self.max_filings = 0

    def close(self) -> None:
        self.store.close()

    def _stored_passages(self, fid: str) -> Optional[dict[str, str]]:
        """passage id → text rebuilt from the stored record (None: filing not stored).
        A filing id is a content hash, so the answer for an id never changes."""
        from corpus.errors import NotFound
        from index.passages import filing_passages

        if fid not in self._passages:
            try:
                filing = self.store.get(fid)
            except NotFound:
                return None
            self._passages[fid] = {p.id: p.text for p in filing_passages(fid, filing)}
        return self._passages[fid]

    def index_problems(self, idx) -> list[str]:
        """The loaded index agrees with its manifest (checked once per loaded index)."""
        key = id(idx)
        if key not in self._index_ok:
            out = []
            m = idx.manifest
            if not (len(idx.rows) == m.counts.passages == idx.lexical.num_docs):
                out.append(f"index counts differ: rows {len(idx.rows)}, manifest {m.counts.passages}, bm25 {idx.lexical.num_docs}")
            extra = {r["filing_id"] for r in idx.rows} - set(m.store_ids)
            if extra:
                out.append(f"index rows of filings the manifest does not list: {len(extra)}")
            if m.counts.filings != len(m.store_ids):
                out.append("manifest filing count differs from its id list")
            if len(m.store_ids) < self.max_filings:
                out.append(f"index went back to fewer filings: {self.max_filings} → {len(m.store_ids)}")
            self.max_filings = max(self.max_filings, len(m.store_ids))
            self._index_ok = {key: out}  # one index at a time; old ones may be garbage collected
        return self._index_ok[key]

    def answer_problems(self, resp) -> list[str]:
        from index.tokenize import normalize_text

        out = []
        for hit in resp.hits:
            p = hit.passage
            stored = self._stored_passages(p.filing_id)
            if stored is None:
                out.append(f"hit of a filing not in the database: {p.filing_id}")
            elif stored.get(p.id) != p.text:
                out.append(f"hit text differs from the stored record: {p.id}")
            if hit.lexical_rank is not None and not any(t in normalize_text(p.text) for t in resp.tokens):
                out.append(f"keyword hit without any query token: {p.id}")
        return out


# --- clients ------------------------------------------------------------------------------


@dataclass
class ClientStats:
    searches: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    torn: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def merge(self, other: "ClientStats") -> None:
        self.searches += other.searches
        self.latencies += other.latencies
        self.errors.update(other.errors)
        self.torn.update(other.torn)

    def as_dict(self) -> dict:
        xs = sorted(self.latencies)
        pct = (lambda q: round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1)) if xs else (lambda q: None)
        return {
            "searches": self.searches, "seconds": round(self.seconds, 2),
            "searches_per_s": round(self.searches / self.seconds, 1) if self.seconds else None,
            "p50_ms": round(statistics.median(xs) * 1000, 1) if xs else None, "p95_ms": pct(0.95),
            "max_ms": round(xs[-1] * 1000, 1) if xs else None,
            "errors": sum(self.errors.values()), "error_kinds": dict(self.errors.most_common(10)),
            "torn_reads": sum(self.torn.values()), "torn_kinds": dict(self.torn.most_common(10)),
        }


Ask = Callable[[str], list[str]]
"""One client's search: takes a query, returns the torn-read problems seen (raises on errors)."""


def service_client(home: Path) -> tuple[Ask, Callable[[], None]]:
    """A client calling `assistant.search_service.search` in this process (its own checker)."""
    from assistant import search_service as svc

    checker = Checker(home)

    def ask(q: str) -> list[str]:
        resp = svc.search(q, k=10, home=home)
        idx = svc.load_index(home)
        return checker.answer_problems(resp) + checker.index_problems(idx)

    return ask, checker.close


def http_client(url: str) -> tuple[Ask, Callable[[], None]]:
    """A client of `jixiao serve` through Gradio's HTTP API (the search button's endpoint)."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    api = next(n for n in client.view_api(return_format="dict", print_info=False)["named_endpoints"] if "do_search" in n)

    def ask(q: str) -> list[str]:
        html, _ = client.predict(q, "（全部）", "（全部）", "（全部）", "（全部）", "", "（全部）", api_name=api)
        if "jx-error" in html or "jx-hit" not in html:
            raise RuntimeError("error or empty answer: " + html[:120])
        return []

    return ask, lambda: None


def _client_loop(make: Callable, target, offset: int, ready: threading.Barrier, stop: threading.Event,
                 stats: ClientStats) -> None:
    try:
        ask, close = make(target)
    except BaseException:
        ready.abort()  # the others (and run_clients) stop waiting; run_clients raises
        raise
    try:
        ready.wait()
        i = offset
        while not stop.is_set():
            q = QUERIES[i % len(QUERIES)]
            i += 1
            t = time.perf_counter()
            try:
                problems = ask(q)
            except Exception as exc:  # counted, never fatal: the point is to see them
                stats.errors[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1
                problems = []
            stats.latencies.append(time.perf_counter() - t)
            stats.searches += 1
            for problem in problems:
                stats.torn[problem.split(":")[0]] += 1
    finally:
        close()


def run_clients(make: Callable, target, n: int, until: Callable[[threading.Event], None]) -> ClientStats:
    """`n` client threads search from the moment all are connected until `until(stop)` returns."""
    stop = threading.Event()
    ready = threading.Barrier(n + 1)
    per = [ClientStats() for _ in range(n)]
    threads = [threading.Thread(target=_client_loop, args=(make, target, i * 5, ready, stop, per[i]), daemon=True)
               for i in range(n)]
    for th in threads:
        th.start()
    ready.wait(300)
    t0 = time.perf_counter()
    try:
        until(stop)
    finally:
        stop.set()
        for th in threads:
            th.join(120)
    total = ClientStats(seconds=time.perf_counter() - t0)
    for s in per:
        total.merge(s)
    return total


def _for(seconds: float) -> Callable[[threading.Event], None]:
    return lambda stop: stop.wait(seconds)


def _during_ingest(home: Path, dirs: list[Path], result: dict) -> Callable[[threading.Event], None]:
    def until(stop: threading.Event) -> None:
        stop.wait(0.5)  # let every client get going first
        result["ingest"] = ingest_batches(home, dirs)

    return until


def final_state(home: Path) -> dict:
    """After the ingest: the index covers exactly what the database holds."""
    from assistant import search_service as svc
    from corpus.store import CorpusStore

    with CorpusStore(home) as store:
        ids = store.ids()
        ok = store.integrity_ok()
    st = svc.status(home)
    return {"filings": len(ids), "index_filings": st.filings, "index_current": not st.stale and not st.problem,
            "integrity_ok": ok}


# --- the app over HTTP --------------------------------------------------------------------------


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(home: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _port()
    env = dict(os.environ, JIXIAO_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False")
    fh = open(log, "w")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--no-sample", "--port", str(port)],
                            cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    import urllib.request

    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            raise SystemExit("jixiao serve exited:\n" + log.read_text())
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("jixiao serve did not start:\n" + log.read_text())
            time.sleep(0.3)


# --- main -------------------------------------------------------------------------------------


def _row(name: str, s: dict) -> str:
    return (f"{name:<28}{s['searches']:>9}{s['searches_per_s'] or 0:>10.1f}{s['p50_ms'] or 0:>9.1f}"
            f"{s['p95_ms'] or 0:>9.1f}{s['errors']:>8}{s['torn_reads']:>7}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--filings", type=int, default=60)
    ap.add_argument("--batches", type=int, default=12)
    ap.add_argument("--idle", type=float, default=8.0, help="seconds of searching with no ingest")
    ap.add_argument("--http", action="store_true", help="also through `jixiao serve` with HTTP clients")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    a = ap.parse_args()

    out: dict = {"clients": a.clients, "filings": a.filings, "batches": a.batches, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="jixiao-conc-") as tmp:
        work = Path(tmp)
        home, dirs = prepare(work, a.filings, a.batches, a.seed)
        pristine = work / "pristine"
        shutil.copytree(home, pristine)

        alone_home = work / "alone"
        shutil.copytree(pristine, alone_home)
        out["ingest_alone"] = ingest_batches(alone_home, dirs).as_dict()

        from assistant import search_service as svc

        svc.search(QUERIES[0], home=home)  # load the index once: the baseline is a warm app
        out["service_idle"] = run_clients(service_client, home, a.clients, _for(a.idle)).as_dict()
        box: dict = {}
        busy = run_clients(service_client, home, a.clients, _during_ingest(home, dirs, box))
        out["service_during_ingest"] = busy.as_dict()
        out["ingest_with_service_clients"] = box["ingest"].as_dict()
        out["service_final_state"] = final_state(home)

        if a.http:
            http_home = work / "http"
            shutil.copytree(pristine, http_home)
            proc, url = start_serve(http_home, work / "serve.log")
            try:
                out["http_idle"] = run_clients(http_client, url, a.clients, _for(a.idle)).as_dict()
                box = {}
                out["http_during_ingest"] = run_clients(
                    http_client, url, a.clients, _during_ingest(http_home, dirs, box)).as_dict()
                out["ingest_with_http_clients"] = box["ingest"].as_dict()
            finally:
                proc.terminate()
                proc.wait(15)
            out["http_final_state"] = final_state(http_home)

    print(f"{a.clients} clients, {a.filings} generated filings in {a.batches} `jixiao ingest` runs, "
          f"{os.cpu_count()} CPUs")
    print(f"{'phase':<28}{'searches':>9}{'per s':>10}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'torn':>7}")
    for key in ("service_idle", "service_during_ingest", "http_idle", "http_during_ingest"):
        if key in out:
            print(_row(key, out[key]))
    print(f"{'ingest':<28}{'seconds':>9}{'files/s':>10}{'failures':>9}")
    for key in ("ingest_alone", "ingest_with_service_clients", "ingest_with_http_clients"):
        if key in out:
            r = out[key]
            print(f"{key:<28}{r['seconds']:>9.1f}{r['files_per_s'] or 0:>10.2f}{len(r['failures']):>9}")
    for key in ("service_final_state", "http_final_state"):
        if key in out:
            print(f"{key}: {out[key]}")
    for key in ("service_idle", "service_during_ingest", "http_idle", "http_during_ingest"):
        if key in out and (out[key]["error_kinds"] or out[key]["torn_kinds"]):
            print(f"{key}: errors {out[key]['error_kinds']} torn {out[key]['torn_kinds']}")
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "concurrency.json").write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"saved {a.out / 'concurrency.json'}")


if __name__ == "__main__":
    main()
