"""The Gradio app: `build_app(home)` wires the assistant's API into five tabs (起草 in `ui/draft_tab.py`).

Handlers are plain module functions taking the home first, so tests call them directly.
All text shown is HTML-escaped here; no business logic lives in this module.
"""

from __future__ import annotations

import html
import re
import time
from functools import partial
from pathlib import Path
from typing import Optional

SECTION_ZH = {
    "overview": "项目概况", "necessity": "立项必要性", "legal_basis": "立项依据", "measures": "实施措施",
    "plan": "实施计划", "goals": "绩效目标", "narrative": "自评叙述",
}
TYPE_ZH = {"indicator": "指标", "legal_basis": "立项依据", "section": "栏目"}
KIND_ZH = {"target_table": "绩效目标表", "self_evaluation": "绩效自评报告", "budget_disclosure": "预算公开"}
SEV_ZH = {"error": "错误", "warn": "警告", "info": "提示"}
ANY = "（全部）"

# Gradio picks its own strings ("Drop File Here", "Click to Upload", "Clear"…) from the browser's
# language, and its built-in English always wins over custom `i18n=` entries for "en". The app is
# Chinese for every reader, so on load the frontend's own locale switch is called with zh-CN. It
# lives in Gradio's core chunk, found among the loaded scripts (its hashed name changes by version).
# A widget mounted before the switch keeps English, hence HEAD (before the first render).
LOCALE_JS = """() => {
  const names = performance.getEntriesByType('resource').map(e => e.name)
    .concat([...document.querySelectorAll('script[src], link[rel=modulepreload]')].map(e => e.src || e.href));
  const core = names.find(n => /\\/assets\\/core-[\\w-]+\\.js(\\?|$)/.test(n));
  if (core) import(core).then(m => m.changeLocale && m.changeLocale('zh-CN')).catch(() => {});
}"""
HEAD = f"<script>({LOCALE_JS})()</script>"
SCROLL_TO_SOURCE_JS = """() => {
  const go = (n) => {
    const e = document.querySelector('#jx-source .jx-src-target') || (n <= 0 && document.getElementById('jx-source'));
    if (e) e.scrollIntoView({block: 'center'}); else if (n > 0) setTimeout(() => go(n - 1), 100);
  };
  go(20);
}"""
"""After 在“语料”页查看原文: the marked line itself (it can sit far down a long filing), not the
top of the text, nor the charts above it; waits a little for the tab to draw the text."""
"""For launch(head=…): runs before the app first renders, so no widget mounts in English; the
load event in build_app repeats the switch for a launch without it."""

CSS = """
/* Vega sizes a chart by its estimate of the labels' width, a few px short for CJK: let a label
   overhang the svg into a margin instead of being cut (issue 15) */
#jx-plot-unit svg.marks,#jx-plot-cat svg.marks{overflow:visible}
#jx-plot-unit .vega-embed,#jx-plot-cat .vega-embed{padding-left:12px}
.jx-hit{border:1px solid #ddd;border-radius:8px;padding:10px 12px;margin:8px 0;background:#fff}
.jx-hit .head{font-weight:600}
.jx-prov,.jx-score,.jx-usage{color:#555;font-size:0.9em;margin-top:4px}
.jx-notice{background:#fff8e1;border:1px solid #f0c36d;border-radius:6px;padding:8px 10px;margin:6px 0}
.jx-error{background:#fdecea;border:1px solid #e57373;border-radius:6px;padding:8px 10px;margin:6px 0}
.jx-sev-error{color:#b71c1c;font-weight:600}.jx-sev-warn{color:#e65100;font-weight:600}.jx-sev-info{color:#1565c0}
.jx-finding{border-left:4px solid #ccc;padding:4px 10px;margin:6px 0}
.jx-good{border-left:4px solid #2e7d32;padding:4px 10px;margin:6px 0}
.jx-bad{border-left:4px solid #c62828;padding:4px 10px;margin:6px 0}
.jx-src-item{padding:3px 8px;border-bottom:1px dotted #eee}
.jx-src-target{background:#fff3bf}
.jx-cols{display:flex;gap:16px}.jx-cols>div{flex:1;min-width:0}
.jx-prec{color:#555;font-size:0.88em;margin:2px 0 4px}
.jx-review{background:#fff8e1;border-left:4px solid #f0c36d;padding:2px 8px;margin:3px 0;font-size:0.9em}
.jx-sec-note .jx-finding{margin:3px 0}
.jx-selfeval-score{border:1px solid #cfe3cf;background:#f5fbf5;border-radius:8px;padding:8px 12px;margin:6px 0}
.jx-score-total{font-size:1.15em;color:#1b5e20}.jx-score-pending{font-size:1.05em;color:#8d6e00}
mark{background:#ffe066;padding:0 1px}
"""


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def highlight(text: str, tokens: list[str]) -> str:
    """Escape `text`, wrapping occurrences of the query tokens in <mark>."""
    toks = sorted({t for t in tokens if t and t.strip()}, key=len, reverse=True)
    if not toks:
        return esc(text)
    pattern = re.compile("|".join(re.escape(t) for t in toks), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(esc(text[pos:m.start()]))
        out.append(f"<mark>{esc(m.group(0))}</mark>")
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def _notice(text: str, cls: str = "jx-notice") -> str:
    return f'<div class="{cls}">{esc(text)}</div>'


def _where(page: Optional[int], start: Optional[int], end: Optional[int]) -> str:
    parts = []
    if page:
        parts.append(f"第{page}页")
    if start:
        parts.append(f"第{start}行" if start == end or not end else f"第{start}–{end}行")
    return " ".join(parts)


def _opt(v: Optional[str]) -> Optional[str]:
    return None if v in (None, "", ANY) else v


# --- 检索 ---------------------------------------------------------------------------


def filter_choices(home: Path) -> dict[str, list[str]]:
    """Dropdown choices read from the index (empty lists when there is none yet)."""
    from assistant import search_service as svc
    from index.errors import SearchIndexError

    try:
        rows = svc.load_index(home).rows
    except SearchIndexError:
        rows = []
    l1 = sorted({r.get("category") or r.get("level1") for r in rows if r["type"] == "indicator"} - {None, ""})
    l2 = sorted({r.get("subcategory") or r.get("level2") for r in rows if r["type"] == "indicator"} - {None, ""})
    units = sorted({r.get("unit") for r in rows} - {None, ""})
    sections = sorted({r.get("section_kind") for r in rows} - {None, ""})
    return {"level1": l1, "level2": l2, "unit": units, "section": sections}


def semantic_banner(home: Path) -> str:
    """A notice when semantic search is off (with how to turn it on); empty otherwise."""
    from assistant import search_service as svc

    st = svc.status(home)
    from assistant import semantic_build

    if not st.exists:
        return _notice("还没有检索索引：请到“语料”页点击“重建索引”。")
    bg = semantic_build.state(home)
    if bg.mode == "building":  # serve answers with keywords while it embeds (issue 12)
        return _notice(f"{bg.summary()}；完成后自动改为混合检索，无需刷新或重启。")
    if bg.mode == "lexical" or not st.semantic_enabled:  # lexical names serve --lexical-only when given
        reason = bg.reason if bg.mode == "lexical" else st.semantic_reason
        return _notice(svc.semantic_off_message(reason, in_search=False))
    return f'<div class="jx-prov">检索方式：混合检索（关键词 + 语义），模型 {esc(st.model_id)}。</div>'


def search_results(
    home: Path, query: str, ptype: str = ANY, level1: str = ANY, level2: str = ANY, section: str = ANY,
    years: str = "", unit: str = ANY, k: int = 10,
) -> tuple[str, list[tuple[str, str]]]:
    """(results HTML, [(label, 'filing_id:line')] for the 原文 picker)."""
    from assistant import search_service as svc
    from index.errors import SearchIndexError

    if not (query or "").strip():
        return _notice("请输入检索词，例如“起重机械 检查次数”。"), []
    type_code = {v: k for k, v in TYPE_ZH.items()}.get(ptype or "", _opt(ptype))
    section_code = {v: k for k, v in SECTION_ZH.items()}.get(section or "", _opt(section))
    try:
        lo, hi = svc.parse_years(years)
        filters = svc.SearchFilters(
            type=type_code, level1=_opt(level1), level2=_opt(level2), section=section_code,
            year_from=lo, year_to=hi, unit=_opt(unit),
        )
        resp = svc.search(query, filters, k=int(k), home=home)
    except SearchIndexError as exc:
        return _notice(str(exc), "jx-error"), []
    # the tab's banner already says the index has no vectors: say it once, not again above the results
    sem = svc.load_index(home).manifest.semantic
    banner_says = svc.semantic_off_message(sem.reason) if not sem.enabled else None
    parts = [_notice(n) for n in resp.notices if n != banner_says]
    from assistant import semantic_build

    bg = semantic_build.state(home)
    mode = bg.summary() if bg.mode == "building" else "关键词 + 语义（融合）" if resp.mode == "hybrid" else "仅关键词"
    parts.append(f'<div class="jx-prov">检索方式：{esc(mode)}；符合筛选条件的段落 {resp.candidates} 个，'
                 f'显示前 {len(resp.hits)} 条。</div>'
                 f'<details class="jx-fold"><summary>检索词是怎样切分的</summary>'
                 f'<div class="jx-prov">检索词被切成这些词逐一匹配：{esc("、".join(resp.tokens))}</div></details>')
    if not resp.hits:
        parts.append(_notice("没有找到匹配的段落。可以换个说法，或放宽筛选条件。"))
    picks: list[tuple[str, str]] = []
    for hit in resp.hits:
        p = hit.passage
        if p.type == "indicator":
            head = (f"指标 · {highlight(p.level1 or '', [])} / {esc(p.level2)} · "
                    f"{highlight(p.name, resp.tokens)}　<b>{esc(p.value_text or '（空）')}</b>")
        elif p.type == "legal_basis":
            head = f"立项依据 · {highlight(p.text, resp.tokens)}"
        else:
            body = p.text.split(f" {p.section_title} ", 1)[-1] if p.section_title else p.text
            head = f"栏目 · {esc(p.section_title)} · {highlight(body[:300], resp.tokens)}{'…' if len(body) > 300 else ''}"
        where = _where(p.page, p.line_start, p.line_end)
        lex = f"{hit.lexical_score:.2f}（第{hit.lexical_rank}名）" if hit.lexical_rank else "—"
        sem = f"{hit.semantic_score:.3f}（第{hit.semantic_rank}名）" if hit.semantic_rank else "—"
        usage = f'<div class="jx-usage">用法：{esc(hit.usage.summary())}</div>' if hit.usage else ""
        if hit.same_wording:  # identical wording elsewhere: one result, every source listed
            items = "".join(f"<li>{esc(m.where())}{'（' + esc(m.value_text) + '）' if m.value_text else ''}"
                            f"（项目“{esc(m.project or '—')}”，编号 {esc(m.filing_id)}）</li>" for m in hit.same_wording)
            usage += (f'<details class="jx-fold jx-same"><summary>另有 {len(hit.same_wording)} 处相同措辞（已合并为这一条）'
                      f'</summary><ul class="jx-prov">{items}</ul></details>')
        parts.append(
            f'<div class="jx-hit"><div class="head">[{hit.rank}] {head}</div>'
            f'<div class="jx-prov">出处：{esc(p.unit or "—")} · {esc(p.year or "—")}年 · 项目“{esc(p.project or "—")}” · '
            f'{esc(KIND_ZH.get(p.filing_kind, p.filing_kind))} · 文件 {esc(Path(p.path).name)}（编号 {esc(p.filing_id)}）'
            f' · {esc(where or "位置未知")}</div>'
            f'<details class="jx-fold"><summary>为什么排在这里</summary><div class="jx-score">'
            f'综合排序分 {hit.score:.4f}（关键词与语义两路名次合并而成，只用于比较先后）；'
            f'关键词匹配 {esc(lex)}；语义相近 {esc(sem)}</div></details>{usage}</div>'
        )
        picks.append((f"[{hit.rank}] {Path(p.path).name} {where}", f"{p.filing_id}:{p.line_start or ''}"))
        for j, m in enumerate(hit.same_wording, start=1):
            picks.append((f"[{hit.rank}·{j}] {Path(m.path).name} {_where(m.page, m.line_start, m.line_end)}",
                          f"{m.filing_id}:{m.line_start or ''}"))
    return "\n".join(parts), picks


# --- 原文 ---------------------------------------------------------------------------------


def source_view(home: Path, filing_id: str, line: Optional[float] = None) -> str:
    """The stored filing's parsed parts in source order, the part at `line` highlighted."""
    from assistant.app_service import load_filing, source_items
    from corpus.errors import CorpusError

    if not (filing_id or "").strip():
        return _notice("请输入文件编号（检索结果里的“编号”），或在检索页点“查看原文”。")
    try:
        fid, filing = load_filing(home, filing_id)
    except CorpusError as exc:
        return _notice(str(exc), "jx-error")
    target = int(line) if line not in (None, "") else None
    items = source_items(filing)
    head = (f'<div class="jx-prov"><b>{esc(filing.title or Path(filing.source.path).name)}</b> · '
            f'{esc(KIND_ZH.get(filing.kind, filing.kind))} · {esc(filing.unit or "—")} · {esc(filing.year or "—")}年 · '
            f'编号 {esc(fid)} · 文件 {esc(Path(filing.source.path).name)} · {len(filing.projects)} 个项目</div>')
    rows = []
    hits = 0
    for it in items:
        on = it.covers(target)
        hits += on
        cls = "jx-src-item jx-src-target" if on else "jx-src-item"
        where = _where(it.page, it.line_start, it.line_end)
        text = it.text if len(it.text) <= 600 else it.text[:600] + "…"
        rows.append(f'<div class="{cls}"><span class="jx-prov">{esc(where)}　{esc(it.kind)} · {esc(it.project)} · '
                    f'{esc(it.label)}</span><br>{esc(text)}</div>')
    found = (_notice(f"第{target}行所在的部分已用黄色标出（共 {hits} 处）。") if target and hits
             else (_notice(f"没有找到覆盖第{target}行的部分。") if target else ""))
    return head + found + "".join(rows)


# --- 检查 ---------------------------------------------------------------------------------


SEV_FILTER = {"全部": ("error", "warn", "info"), "错误和警告": ("error", "warn"), "仅错误": ("error",)}


def check_upload(home: Path, file: Optional[str], level: str = "全部") -> str:
    """Findings on an uploaded filing, grouped by project and severity, with rule help and examples.

    Groups are folds (errors open, warnings and hints closed) and `level` hides the lower severities,
    so a long filing's findings do not run to thousands of pixels."""
    from assistant.app_service import UploadRefused, example_for, parse_upload
    from assistant.checks.engine import check_filing
    from assistant.checks.registry import rule_infos
    from corpus.errors import ParseError

    if not file:
        return _notice("请先上传一个绩效目标表或自评报告（txt、docx、pdf、xlsx，20 MB 以内）。")
    path = file if isinstance(file, str) else getattr(file, "name", str(file))
    try:
        filing = parse_upload(path)
    except UploadRefused as exc:
        return _notice(str(exc), "jx-error")
    except ParseError as exc:
        return _notice(f"无法解析：{exc.detail or exc.reason}", "jx-error")
    findings = check_filing(filing)
    infos = {r.id: r for r in rule_infos()}
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warn", "info")}
    out = [f'<div class="jx-prov"><b>{esc(Path(filing.source.path).name)}</b>：{esc(KIND_ZH.get(filing.kind, filing.kind))}，'
           f'{len(filing.projects)} 个项目；发现 {len(findings)} 个问题（错误 {counts["error"]}、警告 {counts["warn"]}、'
           f'提示 {counts["info"]}）。</div>']
    if not findings:
        out.append(_notice("没有发现问题。"))
    shown = SEV_FILTER.get(level, SEV_FILTER["全部"])
    groups: dict[str, list] = {}
    for f in findings:
        if f.severity not in shown:
            continue
        groups.setdefault(f.project or "（整份文件）", []).append(f)
    examples: dict[tuple[str, str], Optional[object]] = {}
    for project, fs in groups.items():
        out.append(f'<details class="jx-proj" open><summary><b>项目：{esc(project)}</b>（{len(fs)} 条）</summary>')
        for sev in shown:
            sel = [f for f in fs if f.severity == sev]
            if not sel:
                continue
            out.append(f'<details class="jx-sevgroup"{" open" if sev == "error" else ""}>'
                       f'<summary class="jx-sev-{sev}">{SEV_ZH[sev]}（{len(sel)}）</summary>')
            for f in sel:
                info = infos.get(f.rule_id)
                expl = f'<div class="jx-prov">规则说明：{esc(info.explanation)}</div>' if info else ""
                ex_html = ""
                row_key = (f.rule_id, f.location)
                if row_key not in examples:
                    examples[row_key] = example_for(home, filing, f)
                ex = examples[row_key]
                if ex is not None:
                    ind = ex.indicator
                    ex_html = (f'<div class="jx-good">语料范例（同为“{esc(ind.subcategory or ind.level2)}”且无问题）：'
                               f'{esc(ind.name)}　<b>{esc(ind.raw_value)}</b> — {esc(ex.unit or "—")} · {esc(ex.year or "—")}年 · '
                               f'编号 {esc(ex.filing_id)}</div>')
                out.append(
                    f'<div class="jx-finding"><b>{esc(f.rule_id)} {esc(f.rule_name)}</b>'
                    f' <span class="jx-sev-{sev}">[{SEV_ZH[sev]}]</span> · {esc(f.location)} {esc(f.where())}'
                    f'<div>{esc(f.message)}</div>'
                    + (f'<div class="jx-prov">原文：{esc(f.text)}</div>' if f.text else "")
                    + '<details class="jx-fold"><summary>规则说明与依据</summary>'
                    + expl + f'<div class="jx-prov">依据：{esc(f.basis_note)}</div></details>{ex_html}</div>'
                )
            out.append("</details>")
        out.append("</details>")
    return "\n".join(out)


# --- 范例 ---------------------------------------------------------------------------------


def category_choices(home: Path) -> dict[str, list[str]]:
    from assistant.app_service import categories

    return categories(home)


def exemplar_view(home: Path, level1: str = ANY, level2: str = ANY) -> str:
    """Well-formed rows beside flawed ones of a category, each with the rules it keeps or breaks."""
    from assistant.app_service import exemplars
    from assistant.checks.registry import rule_infos

    good, bad = exemplars(home, _opt(level1), _opt(level2))
    if not good and not bad:
        return _notice("这个类别在语料库中没有指标。")
    infos = rule_infos()
    indicator_rules = [r for r in infos if r.id[0] in "VCM"]

    def card(r, ok: bool) -> str:
        ind = r.indicator
        head = (f'<b>{esc(ind.name)}</b>　{esc(ind.raw_value or "（空）")}'
                f'<div class="jx-prov">{esc(ind.level1)} / {esc(ind.level2)} · {esc(r.unit or "—")} · {esc(r.year or "—")}年 · '
                f'项目“{esc(r.project)}” · 编号 {esc(r.filing_id)} · {esc(_where(ind.span.page if ind.span else None, ind.span.line_start if ind.span else None, ind.span.line_end if ind.span else None))}</div>')
        if ok:
            kept = "、".join(r.id for r in indicator_rules)
            return f'<div class="jx-good">{head}<div class="jx-prov">符合全部指标规则（{esc(kept)}）</div></div>'
        broken = "".join(
            f'<div><span class="jx-sev-{f.severity}">{esc(f.rule_id)} {esc(f.rule_name)}</span>：{esc(f.message)}</div>'
            for f in r.findings
        )
        return f'<div class="jx-bad">{head}{broken}</div>'

    left = "".join(card(r, True) for r in good) or _notice("没有完全规范的例子。")
    right = "".join(card(r, False) for r in bad) or _notice("没有有问题的例子。")
    return (f'<div class="jx-cols"><div><h3>规范写法（{len(good)}）</h3>{left}</div>'
            f'<div><h3>有问题的写法（{len(bad)}）</h3>{right}</div></div>')


# --- 语料 ---------------------------------------------------------------------------------


UNIT_KEEP = 8
CATEGORY_KEEP = 10
"""Characters an axis label keeps (units, 一级/二级 categories): longer names are shortened so
they neither get cut by the chart nor squeeze its plot; the full name is in the tooltip."""


def short_labels(names: list[str], keep: int = UNIT_KEEP) -> list[str]:
    """Axis labels that fit a chart: a long name keeps its head and tail around "…" (the full
    name is in the bar's tooltip); a clash between two shortened names keeps both in full."""
    def cut(n: str) -> str:
        return n if len(n) <= keep else n[: keep - 4] + "…" + n[-3:]

    short = [cut(n) for n in names]
    return [s if short.count(s) == 1 else n for s, n in zip(short, names)]


def stats_view(home: Path):
    """(summary HTML, year DataFrame, kind DataFrame, unit DataFrame, category DataFrame)."""
    import pandas as pd

    from assistant.app_service import corpus_stats

    s = corpus_stats(home)
    summary = (f'<div class="jx-prov">语料库（{esc(home)}）：{s["filings"]} 个文件、{s["projects"]} 个项目、'
               f'{s["indicators"]} 个指标；其中 {s["rows_flawed"]} 个指标行有检查问题。</div>')
    years = pd.DataFrame({"年度": [str(y or "未知") for y in s["by_year"]], "文件数": list(s["by_year"].values())})
    kinds = pd.DataFrame({"类型": [KIND_ZH.get(k, k) for k in s["by_kind"]], "文件数": list(s["by_kind"].values())})
    full = [u or "未知" for u in s["by_unit"]]
    units = pd.DataFrame({"单位": short_labels(full), "单位全称": full, "文件数": list(s["by_unit"].values())})
    cat_full = [f"{a}/{b}" for a, b in s["by_category"]]
    cats = pd.DataFrame({
        "类别": short_labels(cat_full, CATEGORY_KEEP), "类别全称": cat_full, "一级": [a for a, _ in s["by_category"]],
        "指标数": list(s["by_category"].values()),
    })
    return summary, years, kinds, units, cats


def index_status_view(home: Path) -> str:
    from assistant import search_service as svc

    st = svc.status(home)
    if not st.exists:
        return _notice(f"还没有检索索引（{st.folder}）。点击“重建索引”。")
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(st.updated_at)) if st.updated_at else "—"
    from assistant import semantic_build

    bg = semantic_build.state(home)
    chosen = svc.lexical_chosen(home)  # serve --lexical-only: vectors in the index go unused
    sem = (f"正在后台构建（{bg.done}/{bg.total} 段，{bg.percent}%），当前为关键词检索" if bg.mode == "building" else
           f"未使用（索引有 {st.model_id} 向量，但启动时选择了仅关键词）" if st.semantic_enabled and chosen else
           f"已开启（模型 {st.model_id}，{st.dimension} 维）" if st.semantic_enabled else "未开启")
    fresh = (f"已过期（新增 {len(st.new_filings)}、删除 {len(st.removed_filings)}、变更 {len(st.changed_filings)} 个文件）"
             if st.stale else "与语料库一致")
    parts = [f'<div class="jx-prov">索引：{st.filings} 个文件、{st.passages} 个段落；语义检索 {esc(sem)}；'
             f'状态 {esc(fresh)}；更新于 {esc(when)}。</div>']
    if st.problem:
        parts.append(_notice(st.problem, "jx-error"))
    if (not st.semantic_enabled or chosen) and bg.mode != "building":
        reason = bg.reason if bg.mode == "lexical" else st.semantic_reason
        parts.append(_notice(svc.semantic_off_message(reason, in_search=False)))
    return "".join(parts)


def semantic_default(home: Path) -> bool:
    """The rebuild box starts ticked when semantic search is available (hybrid is the default
    mode): the embedding model is installed and serve was not started with --lexical-only."""
    from assistant import search_service as svc

    return svc.model_installed() and not svc.lexical_chosen(home)


def rebuild_index(home: Path, semantic: bool = False, progress=None) -> str:
    """Rebuild the index (lexical only unless `semantic`); returns the new status HTML."""
    from assistant import search_service as svc
    from index.errors import SearchIndexError

    cb = None
    if progress is not None:
        def cb(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=stage)
    if semantic:  # ticked: vectors asked for now, over serve's --lexical-only
        svc.choose_lexical(home, False)
    try:
        report = svc.build(home, lexical_only=not semantic, progress=cb, lexical_reason=svc.LEXICAL_UNCHECKED)
    except SearchIndexError as exc:
        return _notice(str(exc), "jx-error") + index_status_view(home)
    done = _notice(f"索引已重建：{report.passages} 个段落（{'关键词 + 语义' if report.semantic_enabled else '仅关键词'}）。")
    return done + index_status_view(home)


def ingest_files(home: Path, files: Optional[list], progress=None) -> str:
    """Ingest uploaded files; lists what was added and why failures failed."""
    from assistant.app_service import ingest_uploads

    if not files:
        return _notice("请先选择要入库的文件。")
    pairs = []
    for f in files:
        p = f if isinstance(f, str) else getattr(f, "name", str(f))
        pairs.append((p, Path(p).name))
    cb = None
    if progress is not None:
        def cb(done: int, total: int, path: str) -> None:
            progress((done, total), desc=f"解析 {Path(path).name}")
    rep = ingest_uploads(home, pairs, cb)
    out = [f'<div class="jx-prov">入库 {len(rep.added)} 个，重复跳过 {len(rep.duplicates)} 个，失败 {len(rep.failed)} 个。'
           f'{esc(rep.index_note)}</div>']
    if rep.added:
        out.append("<ul>" + "".join(f"<li>{esc(n)} → 编号 {esc(fid)}</li>" for n, fid in rep.added) + "</ul>")
    if rep.failed:
        out.append('<div class="jx-error">失败：<ul>' + "".join(f"<li>{esc(n)}：{esc(why)}</li>" for n, why in rep.failed)
                   + "</ul></div>")
    return "".join(out)


# --- the app ------------------------------------------------------------------------------


def drafting_available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("assistant.drafting") is not None
    except (ImportError, ValueError):
        return False


def build_app(home: Path):
    """The whole app for one jixiao home, as a gr.Blocks (not launched)."""
    import gradio as gr

    home = Path(home)
    ch = filter_choices(home)
    cats = category_choices(home)
    all_l2 = sorted({b for v in cats.values() for b in v})

    with gr.Blocks(title="绩效助手 jixiao") as demo:
        gr.Markdown("## 绩效助手 jixiao — 预算绩效目标表与自评报告的检索、检查与范例")
        with gr.Tabs() as tabs:
            with gr.Tab("检索", id="search"):
                banner = gr.HTML(semantic_banner(home))
                # while serve builds the vectors in the background, the banner follows its progress
                from assistant import semantic_build

                banner_timer = gr.Timer(3, active=semantic_build.state(home).mode == "building")
                with gr.Row():
                    query = gr.Textbox(label="检索词", placeholder="例如：起重机械 检查次数", scale=4, elem_id="jx-query")
                    go = gr.Button("检索", variant="primary", scale=1, elem_id="jx-search-btn")
                with gr.Row():
                    ptype = gr.Dropdown([ANY] + list(TYPE_ZH.values()), value=ANY, label="段落类型")
                    l1 = gr.Dropdown([ANY] + ch["level1"], value=ANY, label="一级指标")
                    l2 = gr.Dropdown([ANY] + ch["level2"], value=ANY, label="二级指标")
                    sec = gr.Dropdown([ANY] + [SECTION_ZH.get(s, s) for s in ch["section"]], value=ANY, label="栏目")
                    years = gr.Textbox(label="年度", placeholder="2021 或 2020..2023")
                    unit = gr.Dropdown([ANY] + ch["unit"], value=ANY, label="单位", allow_custom_value=True,
                                       elem_id="jx-filter-unit")
                results = gr.HTML(elem_id="jx-results")
                with gr.Row():
                    pick = gr.Dropdown([], label="选择一条结果", scale=4)
                    open_src = gr.Button("在“语料”页查看原文", scale=1)

            with gr.Tab("检查", id="check"):
                gr.Markdown("上传绩效目标表或自评报告（txt、docx、pdf、xlsx、doc、xls、wps、et、html，20 MB 以内），按项目和严重程度列出问题。"
                            "文件只在临时目录中解析，不会入库。")
                upload = gr.File(label="上传文件", file_types=[".txt", ".docx", ".pdf", ".xlsx", ".doc", ".xls", ".wps", ".et", ".html", ".htm"], type="filepath",
                                 elem_id="jx-check-file")
                check_level = gr.Radio(list(SEV_FILTER), value="全部", label="显示级别", elem_id="jx-check-level")
                check_btn = gr.Button("检查", variant="primary", elem_id="jx-check-btn")
                check_out = gr.HTML(elem_id="jx-check-out")

            with gr.Tab("范例", id="examples"):
                gr.Markdown("按指标类别浏览语料库中的规范写法与有问题的写法，并列出各自遵守或违反的规则（供培训使用）。")
                with gr.Row():
                    ex_l1 = gr.Dropdown([ANY] + list(cats), value=ANY, label="一级指标")
                    ex_l2 = gr.Dropdown([ANY] + all_l2, value=ANY, label="二级指标")
                    ex_btn = gr.Button("查看", variant="primary")
                ex_out = gr.HTML()

            with gr.Tab("语料", id="corpus"):
                with gr.Row():
                    with gr.Column():
                        gr.Markdown("### 上传入库")
                        files = gr.File(label="选择文件（可多选）", file_count="multiple",
                                        file_types=[".txt", ".docx", ".pdf", ".xlsx", ".doc", ".xls", ".wps", ".et", ".html", ".htm"], type="filepath",
                                        elem_id="jx-ingest-files")
                        ingest_btn = gr.Button("入库", variant="primary", elem_id="jx-ingest-btn")
                        ingest_out = gr.HTML(elem_id="jx-ingest-out")
                    with gr.Column():
                        gr.Markdown("### 检索索引")
                        idx_out = gr.HTML(index_status_view(home))
                        semantic = gr.Checkbox(label="包含语义向量（需本机已有嵌入模型）", value=semantic_default(home),
                                               elem_id="jx-rebuild-semantic")
                        rebuild_btn = gr.Button("重建索引")
                gr.Markdown("### 语料统计")
                s_summary, s_years, s_kinds, s_units, s_cats = stats_view(home)
                stats_html = gr.HTML(s_summary)
                with gr.Row():
                    plot_year = gr.BarPlot(s_years, x="年度", y="文件数", title="按年度", height=240, y_lim=[0, None])
                    plot_kind = gr.BarPlot(s_kinds, x="类型", y="文件数", title="按类型", height=240, y_lim=[0, None])
                with gr.Row():
                    plot_unit = gr.BarPlot(s_units, x="单位", y="文件数", title="按单位", height=300, x_label_angle=-30, y_lim=[0, None],
                                           tooltip=["单位全称"], elem_id="jx-plot-unit")
                    plot_cat = gr.BarPlot(s_cats, x="类别", y="指标数", color="一级", title="指标按类别", height=300, y_lim=[0, None],
                                          x_label_angle=-30, tooltip=["类别全称", "指标数"], elem_id="jx-plot-cat")
                gr.Markdown("### 原文")
                with gr.Row():
                    src_id = gr.Textbox(label="文件编号", scale=3)
                    src_line = gr.Number(label="行号", precision=0, scale=1)
                    src_btn = gr.Button("查看原文", scale=1)
                src_out = gr.HTML(elem_id="jx-source")

            with gr.Tab("起草", id="draft"):
                if drafting_available():
                    from ui.draft_tab import build_draft_tab

                    build_draft_tab(home)
                else:
                    gr.Markdown("起草功能尚未安装（需要 assistant.drafting 模块）。可先在命令行使用检索与检查功能。")

        # --- events
        search_inputs = [query, ptype, l1, l2, sec, years, unit]

        def do_search(*args):
            html_out, picks = search_results(home, *args)
            return html_out, gr.Dropdown(choices=picks, value=picks[0][1] if picks else None)

        go.click(do_search, search_inputs, [results, pick], concurrency_id="read", concurrency_limit=4)
        query.submit(do_search, search_inputs, [results, pick], concurrency_id="read", concurrency_limit=4)

        def do_open(choice):
            fid, _, line = (choice or "").partition(":")
            ln = int(line) if line.isdigit() else None
            return gr.Tabs(selected="corpus"), fid, ln, source_view(home, fid, ln)

        open_src.click(do_open, [pick], [tabs, src_id, src_line, src_out]).then(
            None, None, None, js=SCROLL_TO_SOURCE_JS)
        src_btn.click(partial(source_view, home), [src_id, src_line], [src_out])
        src_id.submit(partial(source_view, home), [src_id, src_line], [src_out])

        check_btn.click(partial(check_upload, home), [upload, check_level], [check_out], concurrency_id="check",
                        concurrency_limit=2)  # own queue: a heavy check never blocks search (issue 14)
        upload.upload(partial(check_upload, home), [upload, check_level], [check_out], concurrency_id="check",
                      concurrency_limit=2)
        check_level.change(partial(check_upload, home), [upload, check_level], [check_out], concurrency_id="check",
                           concurrency_limit=2)

        def l2_for(a):
            opts = all_l2 if _opt(a) is None else cats.get(a, [])
            return gr.Dropdown(choices=[ANY] + opts, value=ANY)

        ex_l1.change(l2_for, [ex_l1], [ex_l2])
        ex_btn.click(partial(exemplar_view, home), [ex_l1, ex_l2], [ex_out])

        def refresh_corpus():
            summary, y, k, u, c = stats_view(home)
            return summary, y, k, u, c, index_status_view(home), semantic_banner(home)

        corpus_outputs = [stats_html, plot_year, plot_kind, plot_unit, plot_cat, idx_out, banner]

        def do_ingest(fs, progress=gr.Progress()):
            return ingest_files(home, fs, progress)

        def do_rebuild(sem, progress=gr.Progress()):
            return rebuild_index(home, sem, progress)

        def refresh_filters():
            """Filter choices read from the store now: a unit uploaded after start shows on the next load."""
            fc = filter_choices(home)
            return (gr.Dropdown(choices=[ANY] + fc["level1"]), gr.Dropdown(choices=[ANY] + fc["level2"]),
                    gr.Dropdown(choices=[ANY] + [SECTION_ZH.get(x, x) for x in fc["section"]]),
                    gr.Dropdown(choices=[ANY] + fc["unit"]))

        filter_outputs = [l1, l2, sec, unit]
        demo.load(refresh_filters, None, filter_outputs)
        demo.load(refresh_corpus, None, corpus_outputs)  # stats and index status as of this page load, not of start

        def tick_banner():
            """The banner as of now; the timer keeps ticking only while the vectors are built."""
            return semantic_banner(home), gr.Timer(active=semantic_build.state(home).mode == "building")

        demo.load(tick_banner, None, [banner, banner_timer])
        banner_timer.tick(tick_banner, None, [banner, banner_timer], concurrency_id="read", concurrency_limit=4)
        demo.load(None, None, None, js=LOCALE_JS)
        ingest_btn.click(do_ingest, [files], [ingest_out], concurrency_id="write", concurrency_limit=1).then(
            refresh_corpus, None, corpus_outputs).then(refresh_filters, None, filter_outputs)
        rebuild_btn.click(do_rebuild, [semantic], [idx_out], concurrency_id="write", concurrency_limit=1).then(
            refresh_corpus, None, corpus_outputs)
    return demo
