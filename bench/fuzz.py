"""Time-bounded fuzzing of the readers, per format.

Usage: python bench/fuzz.py [--seconds 300] [--formats txt docx pdf xlsx]
                            [--engine auto|atheris|random] [--jobs 2] [--out bench/out]

Each format runs in its own child process for `--seconds` (at most `--jobs` at a
time). The property is the one in tests/test_fuzz_parsers.py: `parse_bytes`
returns a Filing or raises a ParseError naming the file. With atheris installed
(`pip install atheris`) the child is coverage-guided (libFuzzer drives the choice
of seed, mutations and raw bytes through FuzzedDataProvider); otherwise it draws
mutations at random. Every distinct failure (exception type + innermost frame) is
minimised and saved as bench/out/fuzz-<fmt>-<n>.<fmt> with its traceback beside
it; the figures go to bench/out/fuzz-summary.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


class Recorder:
    """Counts cases and keeps the first example of each distinct failure."""

    def __init__(self, fmt: str, out: Path, engine: str) -> None:
        self.fmt, self.out, self.engine = fmt, out, engine
        self.cases = 0
        self.outcomes: dict[str, int] = {}
        self.failures: dict[str, dict] = {}
        self.started = time.monotonic()
        self._last_write = 0.0

    def record(self, data: bytes, problem, outcome: str) -> None:
        from tests.fuzzing import check, minimize

        self.cases += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if problem is not None:
            frames = traceback.extract_tb(problem.__traceback__) if problem.__traceback__ else []
            where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
            key = f"{type(problem).__name__} @ {where}"
            entry = self.failures.get(key)
            if entry is None:
                kind = type(problem)
                small = minimize(data, lambda d: isinstance(check(d, self._name(), 10.0), kind), budget=200)
                n = len(self.failures) + 1
                example = self.out / f"fuzz-{self.fmt}-{n}.{self.fmt}"
                example.write_bytes(small)
                example.with_suffix(".traceback.txt").write_text(
                    "".join(traceback.format_exception(problem)), encoding="utf-8"
                )
                entry = self.failures[key] = {"count": 0, "message": str(problem)[:300], "example": str(example),
                                              "example_bytes": len(small)}
            entry["count"] += 1
        if time.monotonic() - self._last_write > 2.0:
            self.write()

    def _name(self) -> str:
        return f"fuzz-case.{self.fmt}"

    def write(self) -> None:
        self._last_write = time.monotonic()
        stats = {
            "format": self.fmt,
            "engine": self.engine,
            "seconds": round(time.monotonic() - self.started, 1),
            "cases": self.cases,
            "outcomes": self.outcomes,
            "failures": self.failures,
        }
        tmp = self.out / f"fuzz-{self.fmt}.json.tmp"
        tmp.write_text(json.dumps(stats, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.out / f"fuzz-{self.fmt}.json")


def worker_random(fmt: str, seconds: float, out: Path, seed: int) -> None:
    from tests.fuzzing import FORMATS, OPS, Op, apply, check, seeds

    rec = Recorder(fmt, out, "random")
    rng = random.Random(seed)
    pool = seeds(fmt, full=True)
    others = tuple(s for f in FORMATS for s in seeds(f))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if rng.random() < 0.05:
            data = rng.choice([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xef\xbb\xbf"]) + rng.randbytes(rng.randint(0, 8192))
        else:
            ops = [Op(rng.choice(OPS), rng.random(), rng.randbytes(rng.randint(1, 16)), rng.randint(0, 2**16))
                   for _ in range(rng.randint(1, 6))]
            data = apply(fmt, rng.choice(pool), ops, others)
        problem = check(data, rec._name(), 60.0)
        rec.record(data, problem, "FAIL" if problem else "ok")
    rec.write()


def worker_atheris(fmt: str, seconds: float, out: Path) -> None:
    import atheris

    with atheris.instrument_imports():
        import corpus.parse  # noqa: F401
        import corpus.readers.office  # noqa: F401
        import corpus.readers.pdf  # noqa: F401
        import corpus.readers.text  # noqa: F401
    from tests.fuzzing import FORMATS, OPS, Op, apply, check, seeds

    rec = Recorder(fmt, out, "atheris")
    pool = seeds(fmt, full=True)
    others = tuple(s for f in FORMATS for s in seeds(f))

    def one(raw: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(raw)
        mode = fdp.ConsumeIntInRange(0, 15)
        if mode == 0:
            data = fdp.ConsumeBytes(fdp.remaining_bytes())
        else:
            base = pool[fdp.ConsumeIntInRange(0, len(pool) - 1)]
            ops = []
            for _ in range(fdp.ConsumeIntInRange(1, 6)):
                ops.append(Op(OPS[fdp.ConsumeIntInRange(0, len(OPS) - 1)], fdp.ConsumeProbability(),
                              fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 16)) or b"x", fdp.ConsumeIntInRange(0, 2**16)))
            data = apply(fmt, base, ops, others)
        problem = check(data, rec._name(), 0)  # libFuzzer's -timeout bounds hangs
        rec.record(data, problem, "FAIL" if problem else "ok")

    corpus_dir = out / f"atheris-corpus-{fmt}"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    atheris.Setup(
        [sys.argv[0], f"-max_total_time={int(seconds)}", "-timeout=120", "-rss_limit_mb=3000",
         f"-artifact_prefix={out}/atheris-{fmt}-", "-print_final_stats=1", str(corpus_dir)],
        one,
    )
    import atexit

    atexit.register(rec.write)
    atheris.Fuzz()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=300, help="seconds per format")
    ap.add_argument("--formats", nargs="+", default=["txt", "docx", "pdf", "xlsx"])
    ap.add_argument("--engine", choices=["auto", "atheris", "random"], default="auto")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
    logging.getLogger("pdfplumber").setLevel(logging.CRITICAL)
    import warnings

    warnings.simplefilter("ignore")

    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "random"

    if args.worker:
        if engine == "atheris":
            worker_atheris(args.worker, args.seconds, args.out)
        else:
            worker_random(args.worker, args.seconds, args.out, args.seed)
        return

    print(f"fuzzing {', '.join(args.formats)} for {args.seconds:.0f} s each with {engine} ({args.jobs} at a time)")
    pending = list(args.formats)
    running: list[tuple[str, subprocess.Popen]] = []
    exit_codes: dict[str, int] = {}
    while pending or running:
        while pending and len(running) < args.jobs:
            fmt = pending.pop(0)
            (args.out / f"fuzz-{fmt}.json").unlink(missing_ok=True)
            cmd = [sys.executable, __file__, "--worker", fmt, "--seconds", str(args.seconds), "--engine", engine,
                   "--seed", str(args.seed), "--out", str(args.out)]
            log = open(args.out / f"fuzz-{fmt}.log", "w")
            running.append((fmt, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)))
        time.sleep(1)
        for fmt, proc in list(running):
            if proc.poll() is not None:
                exit_codes[fmt] = proc.returncode
                running.remove((fmt, proc))

    summary = {}
    for fmt in args.formats:
        path = args.out / f"fuzz-{fmt}.json"
        stats = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"cases": 0, "failures": {}}
        stats["exit_code"] = exit_codes.get(fmt)
        stats["crash_artifacts"] = sorted(str(p) for p in args.out.glob(f"atheris-{fmt}-*"))
        summary[fmt] = stats
        fails = stats.get("failures", {})
        print(f"{fmt:5} {stats.get('cases', 0):>8} cases  {len(fails)} distinct failures"
              f"  ({sum(f['count'] for f in fails.values())} failing cases)  exit {stats['exit_code']}")
        for key, f in fails.items():
            print(f"      {key}: {f['message'][:100]}  → {f['example']}")
        for art in stats["crash_artifacts"]:
            print(f"      libFuzzer artifact (crash/timeout/oom): {art}")
    (args.out / "fuzz-summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    bad = any(s.get("failures") or s["crash_artifacts"] for s in summary.values())
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
