"""Leave-one-out drafting quality over real target tables (the sample corpus plus /work/shared/real/web).

For each target-table project: remove every filing of that project from the precedents, draft it from
its name, unit, budget and the first sentence of its 项目概况 only, and measure
- section coverage: share of the six parts drafted from a precedent (not a skeleton);
- indicator category coverage: share of 成本/数量/质量/时效/效益/满意度 present in the draft;
- same-field precedent share: share of the cited precedents in the held-out project's field;
- borrowed figures: figures or foreign places outside placeholders the writer did not give (must be 0);
- counterpart share: share of the real filing's indicators with a drafted row of the same subcategory
  and a similar name (character-bigram overlap ≥ 0.4).

`--per-filing` removes only the held-out filing (the same project's other years stay: the easy case).

Usage: python bench/draft_quality.py [--web DIR] [--per-filing] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT.parent / "shared" / "real" / "web"
CATEGORIES = ("经济成本", "数量", "质量", "时效", "社会效益", "满意度")
COUNTERPART_SIM = 0.4


def _home(web: Path | None) -> tuple[Path, dict[str, str]]:
    """A throwaway home with the sample corpus (and the web target tables that parse), index built."""
    from typer.testing import CliRunner

    import assistant.cli  # noqa: F401
    from assistant.cli_app import app

    home = Path(tempfile.mkdtemp(prefix="draft_quality_"))
    src = home / "src"
    shutil.copytree(ROOT / "corpus" / "sample", src / "sample")
    origin = {}
    if web and web.exists():
        (src / "web").mkdir()
        for f in sorted(web.glob("*mubiao*.txt")):  # target tables (目标表/申报表) by file name
            shutil.copy(f, src / "web" / f.name)
    runner = CliRunner()
    for args in (["ingest", str(src)], ["index", "build", "--lexical-only"]):
        r = runner.invoke(app, ["--home", str(home), *args])
        if r.exit_code != 0:
            print(r.output, file=sys.stderr)
    from corpus.store import CorpusStore

    with CorpusStore(home) as store:
        for fid, filing in store.iter_filings():
            origin[fid] = "web" if "/web/" in filing.source.path else "sample"
    return home, origin


def _first_sentence(text: str) -> str:
    m = re.match(r"\s*([^。\n]+[。]?)", text or "")
    return m.group(1).strip() if m else ""


def _sim(a: str, b: str) -> float:
    from assistant.drafting.relevance import similarity

    return max(similarity(a, b), similarity(b, a))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--web", type=Path, default=WEB)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--per-filing", action="store_true", help="只去掉被测文件本身，同一项目其他年度的文件保留")
    args = ap.parse_args()

    from assistant.drafting.new_project import NO_MATCH, NewProjectSpec, borrowed_in_draft, new_project
    from assistant.drafting.relevance import field_of, project_text
    from assistant.drafting.text import compact_name
    from corpus.store import CorpusStore

    home, origin = _home(args.web)
    rows = []
    t0 = time.perf_counter()
    with CorpusStore(home) as store:
        filings = list(store.iter_filings())
        by_name: dict[str, set[str]] = {}
        for fid, f in filings:
            for p in f.projects:
                by_name.setdefault(compact_name(p.name), set()).add(fid)
        for fid, f in filings:
            if f.kind != "target_table":
                continue
            for p in f.projects:
                real = [r for r in p.indicators if r.name and r.subcategory]
                if not p.name or not real:
                    continue
                overview = p.section("overview")
                budget = p.budget.current_year or p.budget.total or 0.0
                spec = NewProjectSpec(name=p.name, unit=p.unit or f.unit or "某单位", budget=budget or 1.0,
                                      brief=_first_sentence(overview.text if overview else ""), year=f.year or 2024)
                draft = new_project(spec, store=store, home=home, check=False, exclude={fid} if args.per_filing else by_name[compact_name(p.name)])
                d = draft.filing.projects[0]
                fld = field_of(project_text(p))
                cited = {c.filing_id for c in draft.citations}
                same = [c for c in cited if fld and field_of(project_text(store.get(c).projects[0])) == fld]
                subs = {r.subcategory for r in d.indicators}
                matched = sum(1 for r in real if any(x.subcategory == r.subcategory and _sim(x.name, r.name) >= COUNTERPART_SIM
                                                     for x in d.indicators))
                rows.append({
                    "filing": fid, "origin": origin.get(fid, "?"), "project": p.name, "field": fld,
                    "sections": sum(NO_MATCH not in s.text for s in d.sections) / len(d.sections),
                    "categories": sum(c in subs for c in CATEGORIES) / len(CATEGORIES),
                    "cited": len(cited), "same_field": len(same),
                    "borrowed": borrowed_in_draft(draft, spec),
                    "counterpart": matched / len(real), "real_rows": len(real),
                })
    elapsed = time.perf_counter() - t0
    shutil.rmtree(home, ignore_errors=True)

    def summary(sel):
        n = len(sel)
        cited = sum(r["cited"] for r in sel)
        return {
            "projects": n,
            "section_coverage": round(sum(r["sections"] for r in sel) / n, 3) if n else None,
            "category_coverage": round(sum(r["categories"] for r in sel) / n, 3) if n else None,
            "same_field_share": round(sum(r["same_field"] for r in sel) / cited, 3) if cited else None,
            "borrowed_figures": sum(len(r["borrowed"]) for r in sel),
            "counterpart_share": round(sum(r["counterpart"] for r in sel) / n, 3) if n else None,
            "skeleton_only": sum(r["sections"] == 0 for r in sel),
        }

    report = {"all": summary(rows), "sample": summary([r for r in rows if r["origin"] == "sample"]),
              "web": summary([r for r in rows if r["origin"] == "web"]), "seconds": round(elapsed, 1),
              "rows": rows}
    print("| 语料 | 项目数 | 栏目覆盖 | 指标类别覆盖 | 同领域先例占比 | 借用数字 | 真实指标有对应 | 全为提示 |")
    print("|---|---|---|---|---|---|---|---|")
    for key, label in (("sample", "示例语料"), ("web", "真实网页目标表"), ("all", "合计")):
        s = report[key]
        if not s["projects"]:
            print(f"| {label} | 0 | — | — | — | — | — | — |")
            continue
        pct = lambda x: "—" if x is None else f"{x:.0%}"  # noqa: E731
        print(f"| {label} | {s['projects']} | {pct(s['section_coverage'])} | {pct(s['category_coverage'])} | "
              f"{pct(s['same_field_share'])} | {s['borrowed_figures']} | {pct(s['counterpart_share'])} | {s['skeleton_only']} |")
    print(f"\n{'文件' if args.per_filing else '项目'}留一：{len(rows)} 个项目起草，用时 {elapsed:.1f} 秒")
    for r in rows:
        if r["borrowed"]:
            print("借用数字：", r["project"], r["borrowed"][:5])
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
