"""E. Goals and narrative: G-01 … G-05."""

from __future__ import annotations

import re
from itertools import combinations
from typing import Iterator

from assistant.checks.engine import FilingContext, ProjectContext
from assistant.checks.registry import Hit, rule
from assistant.checks.rules._util import bigrams, clip, strip_list_numbers

_GOAL_SPLIT = re.compile(r"(预期总目标|总目标|实施期目标|长期目标|年度目标|阶段性目标|当年目标|年度绩效目标)\s*[：:]?")


def _goal_parts(text: str) -> dict[str, str]:
    """{'total': …, 'annual': …} from a 总目标及阶段性目标 section."""
    parts: dict[str, str] = {}
    pieces = _GOAL_SPLIT.split(text)
    for label, body in zip(pieces[1::2], pieces[2::2]):
        key = "annual" if label in ("年度目标", "阶段性目标", "当年目标", "年度绩效目标") else "total"
        parts[key] = (parts.get(key, "") + body).strip()
    return parts


def _concrete(text: str, lex) -> bool:
    t = strip_list_numbers(text)
    if re.search(r"\d", t) or re.search(r"[一二三四五六七八九十两百千]+\s*(?:个|项|次|份|套|家|场|人次|名|期|批|本)", t):
        return True
    return any(w in t for w in lex.words("deliverables"))


@rule(
    "G-01", "GOAL_CONCRETE", "warn", "law", "V",
    "S3 地方转载285号办法“具体细化…尽量进行定量表述”；S11 填报说明“予以指标量化”",
    "总目标和年度（阶段性）目标至少要有一个可衡量的要素（数字、成果物或日期），不能只由“进一步规范、提高、加强、落实”等政策用语组成。",
)
def g01(ctx: ProjectContext) -> Iterator[Hit]:
    sec = ctx.project.section("goals")
    if not sec or not sec.text.strip():
        return
    parts = _goal_parts(sec.text) or {"total": sec.text}
    for key, text in parts.items():
        if text and not _concrete(text, ctx.lexicon):
            label = "总目标" if key == "total" else "年度（阶段性）目标"
            yield Hit(
                f"{label}只有“{'、'.join(w for w in ctx.lexicon.words('vague') if w in text)[:30] or '提高、加强'}”等表述，"
                "没有数字、成果物或完成时间，无法衡量。请写明要完成什么、完成多少、何时完成，"
                "如“全年检查工地120个，形成检测报告150份，11月底前完成”。",
                location=f"栏目 {sec.title}·{label}", text=clip(text, 120), span=sec.span,
            )


@rule(
    "G-02", "MULTIYEAR_HAS_ANNUAL", "error", "template", "V",
    "S11 填报说明：“跨年度的项目有总目标的同时应该有阶段性(当年)目标”",
    "实施期跨年度的项目，必须同时填写总目标和年度（阶段性）目标，且两者内容不同。",
)
def g02(ctx: ProjectContext) -> Iterator[Hit]:
    p = ctx.project
    multi = bool(p.start_date and p.end_date and p.end_date.year > p.start_date.year)
    multi = multi or any(w in (p.category or "") + p.header.get("period", "") for w in ("跨年", "阶段性"))
    if not multi:
        return
    sec = p.section("goals")
    parts = _goal_parts(sec.text) if sec else {}
    total, annual = parts.get("total", ""), parts.get("annual", "")
    if not total or not annual:
        missing = "年度（阶段性）目标" if total else ("总目标" if annual else "总目标和年度目标")
        yield Hit(f"项目实施期跨年度（{p.start_date or '—'}至{p.end_date or '—'}），但缺少{missing}。请分别填写实施期总目标和当年目标。",
                  location="栏目 总目标及阶段性目标", span=sec.span if sec else None)
    elif re.sub(r"\W", "", total) == re.sub(r"\W", "", annual):
        yield Hit("年度目标与总目标内容相同。跨年度项目的年度目标应是当年要完成的部分。",
                  location="栏目 总目标及阶段性目标", text=clip(annual), span=sec.span)


_PROMISE = re.compile(
    r"(?P<kw>[\u4e00-\u9fa5]{2,12}?)(?:达到|达|不低于|不少于|超过|控制在|为|在)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|％|人次|场次|个|项|次|份|家|套|场|名|人|户|所|座|篇|本|册|期|批)"
)


def _indicator_numbers(ctx: ProjectContext) -> set[float]:
    nums: set[float] = set()
    for r in ctx.rows:
        for text in (r.raw_value, r.actual or "", r.name):
            nums.update(float(n) for n in re.findall(r"\d+(?:\.\d+)?", text))
    return nums


@rule(
    "G-03", "GOAL_INDICATOR_TRACE", "warn", "law", "V",
    "S6 共性指标体系框架①“是否将项目绩效目标细化分解为具体的绩效指标”；S4 评价报告须对照目标分析未完成原因",
    "目标或年度任务中承诺的每个数字（如“优良率达40%以上”）都应设为绩效指标，自评时要报告完成情况。",
)
def g03(ctx: ProjectContext) -> Iterator[Hit]:
    texts = []
    sec = ctx.project.section("goals")
    if sec:
        parts = _goal_parts(sec.text)
        p = ctx.project
        multi = p.start_date and p.end_date and p.end_date.year > p.start_date.year
        # a multi-year project's indicators measure the annual goal, not the whole-period one
        text = parts["annual"] if multi and parts.get("annual") else sec.text
        texts.append((sec.title, text, sec.span))
    if ctx.is_self_evaluation and ctx.filing.evaluation:
        for t in ctx.filing.evaluation.tasks:
            texts.append(("年度主要任务", t, None))
    if not texts or not ctx.rows:
        return
    nums = _indicator_numbers(ctx)
    for title, text, span in texts:
        for m in _PROMISE.finditer(strip_list_numbers(text)):
            if float(m.group("num")) in nums:
                continue
            promise = m.group(0)
            yield Hit(
                f"{title}中承诺了「{promise}」，但指标表中没有对应的指标。请把这一承诺设为三级指标"
                f"（如「{m.group('kw')[-6:]} ≥{m.group('num')}{m.group('unit')}」），自评时报告其完成值。",
                location=f"栏目 {title}", text=promise, span=span,
            )


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。；;！!])", re.sub(r"\s+", "", text)) if len(s.strip()) >= 30]


@rule(
    "G-04", "BOILERPLATE", "info", "convention", "O",
    "实际填报中观察到的问题",
    "同一文件中不同项目（或不同栏目、不同任务）之间不应整段照抄必要性、措施、资金使用计划等内容。",
    scope="filing",
)
def g04(ctx: FilingContext) -> Iterator[Hit]:
    projects = ctx.filing.projects
    plan_reported: set[int] = set()
    for (i, a), (j, b) in combinations(list(enumerate(projects)), 2):
        for sb in b.sections:
            copied = []
            for sa in a.sections:
                common = set(_sentences(sa.text)) & set(_sentences(sb.text))
                copied.extend(s for s in _sentences(sb.text) if s in common and s not in copied)
            if sum(map(len, copied)) >= 60:
                yield Hit(
                    f"项目「{b.name}」的“{sb.title}”有{sum(map(len, copied))}字与项目「{a.name}」逐字相同。"
                    "请按本项目的实际情况改写。",
                    location=f"项目「{b.name}」· 栏目 {sb.title}", text=clip("".join(copied), 120), span=sb.span,
                )
        if j not in plan_reported and a.spending_plan and b.spending_plan and [
            (s.period, s.cumulative_percent) for s in a.spending_plan
        ] == [(s.period, s.cumulative_percent) for s in b.spending_plan]:
            sec = b.section("plan")
            plan_reported.add(j)
            yield Hit(
                f"项目「{b.name}」的资金使用计划与项目「{a.name}」完全相同。请按本项目的实际支付节点编制。",
                location=f"项目「{b.name}」· 栏目 项目实施计划",
                text="；".join(f"{s.period} {s.cumulative_percent:g}%" for s in b.spending_plan if s.cumulative_percent is not None),
                span=sec.span if sec else None,
            )
    ev = ctx.filing.evaluation
    if ev and len(ev.tasks) > 1:
        cleaned = [re.sub(r"^(?:任务|目标)\s*\d+\s*[：:、]?", "", t) for t in ev.tasks]
        for (i, a), (j, b) in combinations(list(enumerate(cleaned)), 2):
            ga, gb = bigrams(a), bigrams(b)
            if len(ga) >= 10 and len(ga & gb) / len(ga | gb) >= 0.75:
                yield Hit(
                    f"年度主要任务第{i + 1}项与第{j + 1}项几乎相同。请合并，或写清各自不同的工作内容。",
                    location="年度主要任务", text=f"{clip(ev.tasks[i], 50)} ／ {clip(ev.tasks[j], 50)}",
                )


@rule(
    "G-05", "LABEL_MATCH", "info", "convention", "O",
    "实际填报中观察到的问题（种子文件 004）",
    "“定性目标”栏下应是定性内容；带数字的目标（如“报建率达100%”）应放入定量指标表。",
    scope="filing",
)
def g05(ctx: FilingContext) -> Iterator[Hit]:
    ev = ctx.filing.evaluation
    if not ev:
        return
    # short single targets only: a long 年度总体目标 sentence is not a mislabelled 定性 item
    numeric = [g.target for g in ev.qualitative_goals if len(g.target) <= 40 and re.search(r"\d+(?:\.\d+)?\s*(?:%|％|个|项|次|份|家|人)", strip_list_numbers(g.target))]
    if numeric:
        yield Hit(
            f"定性目标栏中有{len(numeric)}条是带数字的定量目标（如「{clip(numeric[0], 40)}」）。"
            "请把它们移到定量指标表，定性目标栏只写无法量化的目标。",
            location="定性目标", text="；".join(clip(t, 40) for t in numeric[:5]),
        )
