"""Crash safety of ingest: SIGKILL an ingest at random points, check the database after
each kill, finish the ingest, and compare with a clean one.

Usage: python bench/crash_ingest.py [--kills 20] [--files 120] [--seed 0]
                                    [--driver cli|corpus] [--out bench/out]

After every kill:
- `PRAGMA integrity_check` is ok;
- every filings row has exactly its n_projects rows in `projects` (and no project row
  lacks its filing), and its record parses as a Filing with the same hash and
  number of projects: nothing is half-stored;
then the ingest is run again to the end, and the set of (id, sha256, path) must equal
that of a clean, uninterrupted ingest of the same folder. Even cycles start from
an empty home (kills also land early, during schema creation); odd cycles start from
the previous cycle's database with a random half of its filings deleted, so the kill
lands on a populated database with work left to redo.

`--driver cli` runs `python -m assistant.cli --home H ingest -q DIR` (the real command,
search-index hooks included); `--driver corpus` runs only corpus.ingest.ingest_paths.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_CORPUS_DRIVER = (
    "import sys; sys.path.insert(0, {repo!r});"
    "from corpus.store import CorpusStore; from corpus.ingest import ingest_paths;"
    "s = CorpusStore(sys.argv[1]); r = ingest_paths(s, [sys.argv[2]]); s.close();"
    "print(len(r.parsed), len(r.duplicates), len(r.failed))"
)


def make_corpus(folder: Path, n: int, seed: int) -> Path:
    """n distinct filings: corpus.synth when it is there, else uniquely edited copies of the seeds."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        from corpus.synth import generate

        generate(folder, n, seed=seed)
        return folder
    except Exception as exc:  # synth missing or broken: fall back to the seeds
        print(f"(corpus.synth unavailable: {type(exc).__name__}; using edited seed copies)", file=sys.stderr)
    seeds = sorted((REPO.parent / "shared" / "seeds").glob("*.txt"))
    for i in range(n):
        src = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (folder / f"{i:05d}.txt").write_text(src + f"\n备注：副本 {seed}-{i}\n", encoding="utf-8")
    return folder


def ingest_cmd(driver: str, home: Path, src: Path) -> list[str]:
    if driver == "cli":
        return [sys.executable, "-m", "assistant.cli", "--home", str(home), "ingest", "-q", str(src)]
    return [sys.executable, "-c", _CORPUS_DRIVER.format(repo=str(REPO)), str(home), str(src)]


def run_to_end(driver: str, home: Path, src: Path) -> subprocess.CompletedProcess:
    return subprocess.run(ingest_cmd(driver, home, src), cwd=REPO, capture_output=True, text=True, timeout=900)


def snapshot(home: Path) -> set[tuple[str, str, str]]:
    """Stored (id, sha256, path) rows; empty when a kill landed before the schema existed."""
    db = sqlite3.connect(home / "corpus.sqlite3")
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "filings" not in tables:
            return set()
        return set(db.execute("SELECT id, sha256, path FROM filings").fetchall())
    finally:
        db.close()


def verify(home: Path) -> list[str]:
    """Problems found in the database a killed ingest left (empty list: consistent)."""
    from corpus.models import Filing

    path = home / "corpus.sqlite3"
    if not path.exists():
        return []
    problems: list[str] = []
    db = sqlite3.connect(path)
    try:
        check = db.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            return [f"integrity_check: {check[:5]}"]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"filings", "projects"} <= tables:
            return []  # killed before the schema was created: nothing stored, nothing broken
        counts = dict(db.execute("SELECT filing_id, COUNT(*) FROM projects GROUP BY filing_id").fetchall())
        ids = set()
        for fid, sha, n_projects, record in db.execute("SELECT id, sha256, n_projects, record FROM filings"):
            ids.add(fid)
            if counts.get(fid, 0) != n_projects:
                problems.append(f"{fid}: {counts.get(fid, 0)} project rows, n_projects says {n_projects}")
            try:
                filing = Filing.model_validate_json(record)
            except Exception as exc:
                problems.append(f"{fid}: record does not parse ({type(exc).__name__})")
                continue
            if filing.source.sha256 != sha or len(filing.projects) != n_projects:
                problems.append(f"{fid}: record disagrees with its row")
        orphans = set(counts) - ids
        if orphans:
            problems.append(f"project rows without a filing: {sorted(orphans)[:5]}")
    finally:
        db.close()
    return problems


def _forget_half(home: Path, rng: random.Random) -> None:
    from corpus.store import CorpusStore

    with CorpusStore(home) as store:
        ids = sorted(store.ids())
        for fid in rng.sample(ids, len(ids) // 2):
            store.delete(fid)


def crash_test(kills: int, files: int, seed: int, driver: str, workdir: Path, log=print) -> dict:
    rng = random.Random(seed)
    src = make_corpus(workdir / "src", files, seed)
    n_files = sum(1 for p in src.iterdir() if p.is_file())

    ref_home = workdir / "ref"
    t0 = time.monotonic()
    ref = run_to_end(driver, ref_home, src)
    clean_s = time.monotonic() - t0
    if ref.returncode not in (0, 1):
        raise RuntimeError(f"clean ingest failed ({ref.returncode}): {ref.stderr[-2000:]}")
    expected = snapshot(ref_home)
    log(f"clean ingest: {len(expected)} filings from {n_files} files in {clean_s:.1f} s ({driver})")

    home = workdir / "crash"
    results = []
    for k in range(kills):
        if k % 2 == 0:
            shutil.rmtree(home, ignore_errors=True)  # a fresh ingest (kills land early too: schema creation)
        else:
            _forget_half(home, rng)  # a kill on a populated database, with work left to redo
        before = len(snapshot(home)) if (home / "corpus.sqlite3").exists() else 0
        delay = rng.uniform(0.05, max(0.3, clean_s * 0.8))
        proc = subprocess.Popen(ingest_cmd(driver, home, src), cwd=REPO, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished_first = proc.poll() is not None
        if not finished_first:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        problems = verify(home)
        stored = len(snapshot(home)) if (home / "corpus.sqlite3").exists() and not problems else 0
        again = run_to_end(driver, home, src)
        final = snapshot(home)
        same = final == expected
        after = verify(home)
        row = {
            "cycle": k + 1,
            "killed_after_s": round(delay, 2),
            "killed": not finished_first,
            "stored_before": before,
            "stored_at_kill": stored,
            "problems_after_kill": problems,
            "rerun_exit": again.returncode,
            "final_equals_clean": same,
            "problems_after_rerun": after,
        }
        results.append(row)
        log(f"cycle {k + 1:2}: kill at {delay:5.2f} s ({'killed' if row['killed'] else 'had finished'}), "
            f"{stored:4} filings intact at kill, problems {len(problems)}; re-run exit {again.returncode}, "
            f"final == clean: {same}")
    summary = {
        "files": n_files,
        "filings_clean": len(expected),
        "driver": driver,
        "clean_ingest_s": round(clean_s, 2),
        "cycles": len(results),
        "kills_landed": sum(r["killed"] for r in results),
        "inconsistent_after_kill": sum(bool(r["problems_after_kill"]) for r in results),
        "final_mismatches": sum(not r["final_equals_clean"] for r in results),
        "rerun_failures": sum(r["rerun_exit"] not in (0, 1) for r in results),
        "results": results,
    }
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--files", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--driver", choices=["cli", "corpus"], default="cli")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-crash-") as tmp:
        summary = crash_test(args.kills, args.files, args.seed, args.driver, Path(tmp))
    (args.out / "crash-ingest.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print(
        f"{summary['cycles']} cycles, {summary['kills_landed']} kills landed mid-ingest; "
        f"inconsistent after kill: {summary['inconsistent_after_kill']}; final != clean: {summary['final_mismatches']}; "
        f"re-run failures: {summary['rerun_failures']}"
    )
    bad = summary["inconsistent_after_kill"] or summary["final_mismatches"] or summary["rerun_failures"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
