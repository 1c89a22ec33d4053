"""Scorecard over the real web filings: accuracy per document, per shape family, overall.

Run from the repo root: python bench/real_filings.py [--misses] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.real_scorecard import score_all, shape_family  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--misses", action="store_true", help="print every missed fact")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args(argv)
    scores = score_all()
    fam: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in scores:
        f = fam[shape_family(s.shape)]
        f[0] += s.facts_right
        f[1] += s.facts_total
    total = sum(s.facts_total for s in scores)
    right = sum(s.facts_right for s in scores)
    times = [s.parse_seconds for s in scores] or [0.0]
    summary = {
        "documents": len(scores),
        "facts_right": right,
        "facts_total": total,
        "accuracy": right / total if total else 0.0,
        "refused": sum(s.refused for s in scores),
        "partial_without_warning": [
            s.file for s in scores if not s.complete and not s.refused and not s.warnings
        ],
        "per_family": {k: {"right": v[0], "total": v[1], "accuracy": v[0] / v[1] if v[1] else 0.0}
                       for k, v in sorted(fam.items())},
        "parse_seconds": {"total": sum(times), "p50": statistics.median(times), "max": max(times)},
        "per_document": [
            {"file": s.file, "family": shape_family(s.shape), "right": s.facts_right,
             "total": s.facts_total, "refused": s.refused, "warnings": len(s.warnings),
             "seconds": round(s.parse_seconds, 4),
             "misses": [list(map(str, m)) for m in s.misses]}
            for s in scores
        ],
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    print(f"{'doc':<5}{'right/total':>13}{'acc':>7}  {'refused':<8}{'warn':>5}  family")
    for s in scores:
        print(f"{s.file[:2]:<5}{f'{s.facts_right}/{s.facts_total}':>13}{s.accuracy:>7.0%}  "
              f"{'REFUSED' if s.refused else '':<8}{len(s.warnings):>5}  {shape_family(s.shape)}")
        if args.misses:
            for fact, exp, got in s.misses:
                print(f"      miss {fact}: expected {exp!r} got {got!r}")
    print("\nper shape family:")
    for k, v in summary["per_family"].items():
        print(f"  {k:<36}{v['right']:>4}/{v['total']:<4} {v['accuracy']:.0%}")
    print(f"\noverall: {right}/{total} = {summary['accuracy']:.1%}")
    print(f"refused: {summary['refused']}")
    pw = summary["partial_without_warning"]
    print(f"partial documents without a warning: {len(pw)}" + (f" ({', '.join(p[:2] for p in pw)})" if pw else ""))
    t = summary["parse_seconds"]
    print(f"parse time: total {t['total']:.2f}s, p50 {t['p50']*1000:.0f}ms, max {t['max']*1000:.0f}ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
