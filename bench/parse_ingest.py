"""Parse + ingest throughput on generated corpora (filings/s, MB/s) and peak memory.

Usage: python bench/parse_ingest.py [--sizes 1000 10000] [--out bench/out]
Each size runs in a fresh child process so peak RSS is that size's own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_one(n: int, workdir: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from corpus.ingest import ingest_paths
    from corpus.parse import parse_file
    from corpus.store import CorpusStore
    from corpus.synth import generate

    src = workdir / f"synth-{n}"
    t0 = time.perf_counter()
    generate(src, n, seed=1)
    gen_s = time.perf_counter() - t0
    files = sorted(p for p in src.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in files)

    t0 = time.perf_counter()
    failures = 0
    for p in files:
        try:
            parse_file(p)
        except Exception:
            failures += 1
    parse_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    with CorpusStore(workdir / f"home-{n}") as store:
        report = ingest_paths(store, [src])
    ingest_s = time.perf_counter() - t0
    db = workdir / f"home-{n}" / "corpus.sqlite3"
    return {
        "filings": len(files),
        "megabytes": round(size / 2**20, 2),
        "generate_s": round(gen_s, 2),
        "parse_s": round(parse_s, 2),
        "parse_filings_per_s": round(len(files) / parse_s, 1),
        "parse_mb_per_s": round(size / 2**20 / parse_s, 2),
        "parse_failures": failures,
        "ingest_s": round(ingest_s, 2),
        "ingest_filings_per_s": round(len(files) / ingest_s, 1),
        "ingest_mb_per_s": round(size / 2**20 / ingest_s, 2),
        "ingest_failed": len(report.failed),
        "db_megabytes": round(db.stat().st_size / 2**20, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, Path(args.workdir))))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(n), "--workdir", tmp],
                check=True, capture_output=True, text=True,
            ).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
    print("| filings | MB | parse filings/s | parse MB/s | ingest filings/s | ingest MB/s | peak RSS MB | DB MB | failures |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['filings']} | {r['megabytes']} | {r['parse_filings_per_s']} | {r['parse_mb_per_s']} | "
            f"{r['ingest_filings_per_s']} | {r['ingest_mb_per_s']} | {r['peak_rss_mb']} | {r['db_megabytes']} | "
            f"{r['parse_failures']}/{r['ingest_failed']} |"
        )


if __name__ == "__main__":
    main()
