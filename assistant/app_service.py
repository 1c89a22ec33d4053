"""What the web app needs beyond search: first-start setup, checking an upload, corpus
exemplars (indicator rows with the rules they keep or break), statistics and a source view.

Everything here returns plain records; `ui/` only turns them into HTML and widgets.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from assistant.checks.model import Finding
from corpus.models import Filing, Indicator
from corpus.readers import SUPPORTED_SUFFIXES

MAX_UPLOAD_BYTES = 20 * 2**20
UPLOAD_SUFFIXES = tuple(SUPPORTED_SUFFIXES)  # every format the parser reads

Say = Callable[[str], None]
StageProgress = Callable[[str, int, int], None]


# --- first start --------------------------------------------------------------------


@dataclass
class SetupReport:
    ingested: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    index_built: bool = False
    index_updated: bool = False
    notices: list[str] = field(default_factory=list)


# Chinese labels of a project's header keys (the parser's English keys never reach the screen)
HEADER_ZH = {
    "unit": "单位", "name": "项目名称", "category": "项目类别", "department": "主管部门", "implementer": "实施单位",
    "manager": "项目负责人", "contact": "联系人", "phone": "联系电话", "period": "实施期", "start": "开始时间",
    "end": "结束时间", "total": "资金总额", "current_year": "本年度资金", "performance_type": "绩效类型",
    "government_purchase": "政府购买服务", "prior_year_budget": "上年预算", "prior_year_executed": "上年执行",
    "staffing_authorized": "编制人数", "staffing_actual": "实有人数", "report_date": "填报日期", "score": "得分",
    "grade": "等级", "evaluator_org": "评价机构", "method": "评价方法", "title": "标题", "duties": "职能",
    "budget_plan": "预算安排", "legal_basis": "立项依据", "overview": "项目概况", "goals": "绩效目标",
    "tasks": "年度任务", "measures": "保障措施", "necessity": "必要性", "plan": "实施计划", "achievements": "成效",
}

def ensure_ready(
    home: Path, sample: bool = True, say: Optional[Say] = None, progress: Optional[StageProgress] = None,
    lexical_only: bool = False,
) -> SetupReport:
    """Ingest the bundled sample corpus into an empty home (if `sample`) and make sure a
    search index exists and is current (a new one is lexical; rebuild for semantic).
    `lexical_only` is serve's --lexical-only: recorded, so search and every notice follow it."""
    from assistant import search_service as svc
    from assistant.home import sample_corpus_dir
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore

    say = say or (lambda _m: None)
    svc.choose_lexical(home, lexical_only)
    rep = SetupReport()
    with CorpusStore(home) as store:
        empty = store.stats()["filings"] == 0
        if empty and sample:
            say(f"语料库为空，正在导入示例语料（{sample_corpus_dir()}）…")
            cb = (lambda d, t, p: progress("导入示例语料", d, t)) if progress else None
            ingest = ingest_paths(store, [sample_corpus_dir()], cb)
            rep.ingested = len(ingest.parsed)
            rep.failed = list(ingest.failed)
            say(f"已导入 {rep.ingested} 个示例文件，失败 {len(rep.failed)} 个。")
        has_filings = store.stats()["filings"] > 0
    st = svc.status(home)
    if has_filings and (not st.exists or st.problem):
        say("正在建立检索索引（关键词）…")
        report = svc.build(home, lexical_only=True, progress=progress,
                           lexical_reason=svc.LEXICAL_AT_SERVE if lexical_only else svc.LEXICAL_AT_START)
        rep.index_built = True
        rep.notices.extend(report.notices)
    elif st.exists and st.stale:
        say("语料库有变化，正在更新检索索引…")
        report = svc.update(home, progress=progress)
        rep.index_updated = report is not None
    return rep


# --- checking an upload ---------------------------------------------------------------


class UploadRefused(ValueError):
    """An upload the app will not parse (wrong type, too large); the message is Chinese."""


def parse_upload(path: str | Path, original_name: Optional[str] = None) -> Filing:
    """Parse an uploaded file from a private temporary copy (size and type checked first).
    Raises UploadRefused or corpus.errors.ParseError. The upload cleaner leaves it alone meanwhile."""
    from assistant.uploads import in_use

    with in_use([path]):
        return _parse_upload(path, original_name)


def _parse_upload(path: str | Path, original_name: Optional[str] = None) -> Filing:
    from assistant.uploads import name_problem, shown_name, stored_name
    from corpus.parse import parse_file

    src = Path(path)
    name = original_name if original_name is not None else src.name
    bad = name_problem(name)
    if bad:
        raise UploadRefused(f"“{shown_name(name)}”：{bad}")
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadRefused(f"不支持的文件类型“{suffix or '（无扩展名）'}”，请上传 txt、docx、pdf 或 xlsx")
    size = src.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"文件 {size / 2**20:.1f} MB，超过 {MAX_UPLOAD_BYTES // 2**20} MB 上限")
    with tempfile.TemporaryDirectory(prefix="jixiao-upload-") as tmp:
        copy = Path(tmp) / stored_name(name)
        shutil.copyfile(src, copy)
        filing = parse_file(copy)
    filing.source.path = name
    return filing


def finding_row(filing: Filing, f: Finding) -> Optional[Indicator]:
    """The indicator row a finding is about (None for project/filing-level findings)."""
    if f.project_index is None or not f.location.startswith("指标") or f.span is None:
        return None
    if f.project_index >= len(filing.projects):
        return None
    for ind in filing.projects[f.project_index].indicators:
        s = ind.span
        if s and s.line_start <= f.span.line_end and f.span.line_start <= s.line_end and s.page == f.span.page:
            return ind
    return None


# --- corpus-wide findings, exemplars ---------------------------------------------------


@dataclass
class RowReport:
    """One stored indicator row with the findings on it."""

    filing_id: str
    path: str
    unit: Optional[str]
    year: Optional[int]
    project: str
    project_idx: int
    indicator: Indicator
    findings: list[Finding] = field(default_factory=list)

    @property
    def well_formed(self) -> bool:
        return not self.findings


_rows_cache: dict[str, tuple[tuple, list[RowReport]]] = {}
_rows_lock = threading.Lock()


def corpus_rows(home: Path) -> list[RowReport]:
    """Every filled indicator row of the stored filings with its findings (cached until the corpus changes)."""
    from assistant.checks.engine import check_filing
    from corpus.store import CorpusStore

    with _rows_lock:
        with CorpusStore(home) as store:
            key = tuple(sorted(store.ids().items()))
            cached = _rows_cache.get(str(home))
            if cached and cached[0] == key:
                return cached[1]
            out: list[RowReport] = []
            for fid, filing in store.iter_filings():
                findings = check_filing(filing)
                by_row: dict[int, list[Finding]] = {}
                for f in findings:
                    row = finding_row(filing, f)
                    if row is not None:
                        by_row.setdefault(id(row), []).append(f)
                for pi, p in enumerate(filing.projects):
                    for ind in p.indicators:
                        if ind.empty or not ind.name:
                            continue
                        out.append(RowReport(
                            fid, filing.source.path, p.unit or filing.unit, filing.year, p.name, pi, ind,
                            by_row.get(id(ind), []),
                        ))
        _rows_cache[str(home)] = (key, out)
        return out


def _level1(ind: Indicator) -> str:
    return ind.category or ind.level1 or "（未分类）"


def _level2(ind: Indicator) -> str:
    return ind.subcategory or ind.level2 or "（未分类）"


def categories(home: Path) -> dict[str, list[str]]:
    """一级 → sorted 二级 categories present in the corpus."""
    cats: dict[str, set[str]] = {}
    for r in corpus_rows(home):
        cats.setdefault(_level1(r.indicator), set()).add(_level2(r.indicator))
    return {k: sorted(v) for k, v in sorted(cats.items())}


def exemplars(home: Path, level1: Optional[str] = None, level2: Optional[str] = None,
              limit: int = 30) -> tuple[list[RowReport], list[RowReport]]:
    """(well-formed rows, flawed rows) of a category, flawed ones with the most severe first."""
    from assistant.checks.model import SEVERITY_RANK

    rows = [r for r in corpus_rows(home)
            if (not level1 or _level1(r.indicator) == level1) and (not level2 or _level2(r.indicator) == level2)]
    good = [r for r in rows if r.well_formed]
    bad = sorted((r for r in rows if not r.well_formed),
                 key=lambda r: -max(SEVERITY_RANK[f.severity] for f in r.findings))
    return _dedupe(good)[:limit], _dedupe(bad)[:limit]


def _dedupe(rows: list[RowReport]) -> list[RowReport]:
    seen, out = set(), []
    for r in rows:
        k = (r.indicator.name, r.indicator.raw_value)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def example_for(home: Path, filing: Filing, f: Finding) -> Optional[RowReport]:
    """A well-formed corpus indicator of the same 二级 as the row a finding is about."""
    row = finding_row(filing, f)
    if row is None:
        return None
    level2 = _level2(row)
    candidates = [r for r in corpus_rows(home) if r.well_formed and _level2(r.indicator) == level2]
    if not candidates:
        return None
    # rows with a comparator and number first (they show the full pattern), then the newest
    candidates.sort(key=lambda r: (r.indicator.comparator is None, -(r.year or 0), r.indicator.name))
    return candidates[0]


# --- ingest and statistics ----------------------------------------------------------------


@dataclass
class UploadIngest:
    added: list[tuple[str, str]] = field(default_factory=list)  # (name, filing id)
    duplicates: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    index_note: str = ""


def ingest_uploads(home: Path, files: list[tuple[str, str]],
                   progress: Optional[Callable[[int, int, str], None]] = None) -> UploadIngest:
    """Ingest uploaded files given as (temp path, original name); keeps the index current.
    Each file is copied into <home>/uploads/ first so the stored path stays inside the home;
    the upload cleaner leaves the temp files alone meanwhile."""
    from assistant.uploads import in_use

    with in_use([tmp for tmp, _ in files]):
        return _ingest_uploads(home, files, progress)


def _ingest_uploads(home: Path, files: list[tuple[str, str]],
                    progress: Optional[Callable[[int, int, str], None]] = None) -> UploadIngest:
    from assistant import search_service as svc
    from assistant.uploads import inside, name_problem, shown_name, stored_name
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore
    from index.errors import SearchIndexError

    out = UploadIngest()
    target = Path(home) / "uploads"
    target.mkdir(parents=True, exist_ok=True)
    todo: list[tuple[Path, str]] = []
    for tmp, raw_name in files:
        name, bad = shown_name(raw_name), name_problem(raw_name)
        if bad:  # a name with a path or control characters: refused, the batch goes on
            out.failed.append((name, bad))
            continue
        suffix = Path(name).suffix.lower()
        try:
            size = Path(tmp).stat().st_size
        except OSError as exc:
            out.failed.append((name, f"无法读取（{exc}）"))
            continue
        if suffix not in UPLOAD_SUFFIXES:
            out.failed.append((name, f"不支持的文件类型“{suffix or '（无扩展名）'}”"))
            continue
        if size > MAX_UPLOAD_BYTES:
            out.failed.append((name, f"超过 {MAX_UPLOAD_BYTES // 2**20} MB 上限"))
            continue
        safe = Path(stored_name(name)).stem
        dest = inside(target, safe + suffix)
        n = 1
        while dest.exists() and dest.read_bytes() != Path(tmp).read_bytes():
            n += 1
            dest = inside(target, f"{safe}-{n}{suffix}")
        shutil.copyfile(tmp, dest)
        todo.append((dest, name))
    names = {str(p): name for p, name in todo}
    with CorpusStore(home) as store:
        rep = ingest_paths(store, [p for p, _ in todo], progress)
    out.added = [(names.get(p, p), fid) for p, fid in rep.parsed + rep.replaced]
    out.duplicates = [names.get(p, p) for p in rep.duplicates]
    out.failed += [(names.get(p, p), why) for p, why in rep.failed + rep.skipped]
    if out.added:
        try:
            upd = svc.update(home)
            if upd is None:
                svc.build(home, lexical_only=True, lexical_reason=svc.LEXICAL_AT_UPLOAD)
                out.index_note = "已新建检索索引（关键词）。"
            else:
                out.index_note = f"检索索引已更新：共 {upd.passages} 个段落。"
        except SearchIndexError as exc:
            out.index_note = f"检索索引未能更新：{exc}"
    return out


def corpus_stats(home: Path) -> dict[str, object]:
    """Store statistics plus indicator counts by 一级/二级 category."""
    from corpus.store import CorpusStore

    with CorpusStore(home) as store:
        stats = dict(store.stats())
    by_cat: dict[tuple[str, str], int] = {}
    for r in corpus_rows(home):
        k = (_level1(r.indicator), _level2(r.indicator))
        by_cat[k] = by_cat.get(k, 0) + 1
    stats["by_category"] = by_cat
    stats["rows_flawed"] = sum(1 for r in corpus_rows(home) if not r.well_formed)
    return stats


# --- source view ---------------------------------------------------------------------------


@dataclass
class SourceItem:
    """One piece of a stored filing, in source order."""

    kind: str  # 栏目 / 立项依据 / 指标 / 项目
    project: str
    label: str
    text: str
    page: Optional[int]
    line_start: Optional[int]
    line_end: Optional[int]

    def covers(self, line: Optional[int], page: Optional[int] = None) -> bool:
        if line is None or self.line_start is None:
            return False
        if page is not None and self.page is not None and page != self.page:
            return False
        return self.line_start <= line <= (self.line_end or self.line_start)


def source_items(filing: Filing) -> list[SourceItem]:
    """The parsed sections, legal bases and indicators of a filing, ordered by position."""
    items: list[SourceItem] = []

    def span(s):
        return (s.page, s.line_start, s.line_end) if s else (None, None, None)

    for p in filing.projects:
        items.append(SourceItem("项目", p.name, p.name, "；".join(f"{HEADER_ZH.get(k, k)}：{v}" for k, v in p.header.items()), *span(p.span)))
        for s in p.sections:
            items.append(SourceItem("栏目", p.name, s.title, s.text, *span(s.span)))
        for i, lb in enumerate(p.legal_bases, 1):
            items.append(SourceItem("立项依据", p.name, f"第{i}条", lb.text, *span(lb.span)))
        for ind in p.indicators:
            items.append(SourceItem(
                "指标", p.name, " / ".join(x for x in (ind.level1, ind.level2) if x), f"{ind.name}　{ind.raw_value or '（空）'}",
                *span(ind.span),
            ))
    if filing.evaluation:
        for s in filing.evaluation.sections:
            items.append(SourceItem("栏目", "", s.title, s.text, *span(s.span)))
    key = lambda it: (it.page or 0, it.line_start if it.line_start is not None else 10**9)  # noqa: E731
    return sorted(items, key=key)


def load_filing(home: Path, filing_id: str) -> tuple[str, Filing]:
    """(full id, filing) for an id or unique prefix; raises corpus.errors.NotFound."""
    from corpus.store import CorpusStore

    with CorpusStore(home) as store:
        filing = store.get(filing_id.strip())
        full = next(i for i in store.ids() if i.startswith(filing_id.strip()))
    return full, filing


# Drafting (the 起草 tab: make a draft, edit it as a form, check it, export it) lives in
# assistant/app_draft.py.
