"""Precision and recall of `jixiao check` on labelled filings, and checking time per filing.

Two labelled sets:
- tests/data/checks/ (expected.json: file -> rule ids that must fire);
- corpus/sample/ (MANIFEST.json: each file's deliberate defects by rule id), when present.

A finding counts per (file, rule id). Findings of rules a set does not label are
reported separately as "unlabelled" rather than counted as false alarms, since the
sample manifest lists only deliberate defects. Run: python bench/check_eval.py [--json]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.checks import check_filing, load_lexicon  # noqa: E402
from corpus.parse import parse_file  # noqa: E402


def evaluate(files: dict[Path, set[str]], min_severity: str | None = None) -> dict:
    """tp/fp/fn over (file, rule) pairs plus timing; fp = a rule fired that the label does not list."""
    lex = load_lexicon(user_file=None)
    tp = fp = fn = 0
    per_file, times = {}, []
    labelled_rules = set().union(*files.values()) if files else set()
    for path, expected in files.items():
        filing = parse_file(path)
        t0 = time.perf_counter()
        found = check_filing(filing, min_severity=min_severity, lexicon=lex)
        times.append(time.perf_counter() - t0)
        got = {f.rule_id for f in found}
        tp += len(got & expected)
        fn += len(expected - got)
        extra = got - expected
        fp += len(extra)
        per_file[path.name] = {"missed": sorted(expected - got), "extra": sorted(extra),
                               "extra_in_labelled_rules": sorted(extra & labelled_rules)}
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "files": len(files), "tp": tp, "fp": fp, "fn": fn,
        "precision": round(precision, 3), "recall": round(recall, 3),
        "ms_per_filing_median": round(statistics.median(times) * 1000, 2) if times else None,
        "ms_per_filing_max": round(max(times) * 1000, 2) if times else None,
        "per_file": per_file,
    }


def test_set() -> dict[Path, set[str]]:
    base = ROOT / "tests" / "data" / "checks"
    expected = json.loads((base / "expected.json").read_text(encoding="utf-8"))
    return {base / name: set(ids) for name, ids in expected.items()}


def sample_set() -> dict[Path, set[str]]:
    base = ROOT / "corpus" / "sample"
    manifest = base / "MANIFEST.json"
    if not manifest.exists():
        return {}
    return {base / e["file"]: set(e["defects"]) for e in json.loads(manifest.read_text(encoding="utf-8"))}


def main() -> None:
    report = {"tests/data/checks": evaluate(test_set())}
    sample = sample_set()
    if sample:
        report["corpus/sample (all severities)"] = evaluate(sample)
        report["corpus/sample (warn and error only)"] = evaluate(sample, min_severity="warn")
    if "--json" in sys.argv:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for name, r in report.items():
        print(f"{name}: {r['files']} files  precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
              f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']})  check time median {r['ms_per_filing_median']} ms, "
              f"max {r['ms_per_filing_max']} ms per filing")
        for fname, d in r["per_file"].items():
            if d["missed"] or d["extra"]:
                print(f"    {fname}: missed {d['missed']} extra {d['extra']}")


if __name__ == "__main__":
    main()
