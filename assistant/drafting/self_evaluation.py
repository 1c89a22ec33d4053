"""Draft a project's 绩效自评表 from its target table and the writer's actuals.

The writer gives what only they know (per indicator the 实际完成值, and the year's
全年执行数); everything else is computed by the rules or taken from precedents:

- weights by E-01 (产出 50 / 效益 30 / 满意度 10 / 预算执行率 10, each 一级 spread
  evenly over its 三级 rows, a missing 一级's share moved to the others);
- quantitative scores by E-02 (正向 权重×min(B/A,1), 反向 权重×min(A/B,1));
- qualitative scores by E-03 from the writer's 达成/部分达成/未达成 (a suggestion
  inside the band, marked for review);
- 预算执行率 score = 10 × min(执行数/预算数, 1), total and grade by E-04;
- 偏差原因分析及改进措施 for rows below target, and the 存在的主要问题 /
  改进措施和有关建议 sections, drafted from the closest self-evaluation
  precedents in the store (each item cited), through the Jinja templates
  `prompts/self_eval_*.j2`; 【待填：…】 where no precedent or no actual exists.

The result is a `Filing` of kind "self_evaluation" in the corpus contract, so the
checker, the Word export and the store read it like a parsed self-evaluation.

Example:
    >>> from assistant.home import open_store
    >>> with open_store() as store:
    ...     draft = self_evaluation(store, project="建设工程监督检测", year=2020,
    ...                             actuals={"根据工作安排，检查项目数": "108个"}, executed=1480000)
    >>> row = draft.filing.projects[0].indicators[2]      # =120个, weight 3.34
    >>> row.score, row.deviation[:27]
    (3.01, '年度指标值=120个，实际完成108个，完成90.0%')
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from pathlib import Path
from typing import Literal, Mapping, Optional, Union

from pydantic import BaseModel, Field, ValidationError

from assistant.checks.rules._util import read_value  # the checker's own value reader: same A/B as E-02
from assistant.drafting.checking import attach_findings
from assistant.drafting.models import Change, Citation, Draft, DraftError, placeholder
from corpus.models import Budget, Evaluation, Filing, GoalPair, Indicator, Project, Section, SourceInfo
from corpus.normalize import money_unit_in, parse_money

log = logging.getLogger(__name__)

ACTUAL_TODO = placeholder("实际完成值")
DEVIATION_TODO = placeholder("偏差原因分析及改进措施")
EXECUTED_TODO = placeholder("全年执行数")
SCORE_TODO = placeholder("总分")
PROBLEMS_TODO = placeholder("存在的主要问题")
IMPROVEMENTS_TODO = placeholder("改进措施和有关建议")

# E-01 defaults (财预〔2020〕10号 单位自评条款 as restated in rules.md; the article was not verified)
DEFAULT_WEIGHTS = {"产出": 50.0, "效益": 30.0, "满意度": 10.0}
BUDGET_WEIGHT = 10.0
# E-03 bands as share of the weight, and the suggested point inside each band
QUAL_BANDS = {"达成": (0.8, 1.0, 1.0), "部分达成": (0.6, 0.8, 0.7), "未达成": (0.0, 0.6, 0.3)}
GRADES = [(90.0, "优"), (80.0, "良"), (60.0, "中"), (0.0, "差")]
_NONE_WORDS = ("", "无", "/", "-", "—", "无偏差")
_REVERSE = ("≤", "<", "<=", "=<", "＜", "＜＝", "不高于", "不超过", "小于等于", "≦")
_ZERO_EXACT = ("=", "＝")
_QUAL_WORDS = [
    ("未达成", ("未达成", "未完成", "未达到", "未通过", "没有完成", "没有达到")),
    ("部分达成", ("部分达成", "部分完成", "部分达到", "基本达成", "基本完成", "基本达到")),
    ("达成", ("达成", "已达成", "完成", "已完成", "全部完成", "按期完成", "按时完成", "达到", "已达到", "通过", "已通过")),
]
_BUDGET_KEYS = {"全年执行数": "executed", "预算执行数": "executed", "执行数": "executed",
                "全年预算数": "budget", "调整后预算数": "budget", "预算数": "budget"}
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月(?:份)?\s*(?:(\d{1,2})\s*日|(底|末)|(中|上旬|中旬|下旬))?")


class ActualsError(DraftError):
    """The writer's actuals (a file or --actual options) cannot be read; names the file and line."""


class ActualsInput(BaseModel):
    """What the writer reports after the year; everything else is computed or drafted."""

    actuals: dict[str, str] = Field(default_factory=dict, description="三级指标名称 → 实际完成值（如 “=48家”“95%”“达成”）")
    executed: Optional[float] = Field(None, description="全年执行数（元）")
    budget: Optional[float] = Field(None, description="全年预算数（调整后，元）；默认取目标表的项目当年预算")
    deviations: dict[str, str] = Field(default_factory=dict, description="填报人自己写的偏差原因（优先于先例）")
    origin: dict[str, str] = Field(default_factory=dict, description="名称 → 出处（如“actuals.csv 第3行”），用于报错")


Actuals = Union[ActualsInput, Mapping[str, str], None]


# --- reading the writer's actuals ------------------------------------------------

def parse_actual_option(text: str) -> tuple[str, str]:
    """'指标名==48家' → ('指标名', '=48家'): the name ends at the first '='."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise ActualsError(f"--actual「{text}」的写法不对。请写成“指标名称=实际完成值”，如 --actual \"检查项目数=118个\"")
    return name.strip(), value.strip()


def _budget_key(name: str) -> Optional[str]:
    base = re.sub(r"[（(][^）)]*[）)]\s*$", "", name.strip())
    return _BUDGET_KEYS.get(base)


def _decode(data: bytes, path: Path) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ActualsError(f"{path} 不是 UTF-8 或 GBK 编码的文本文件。请另存为 UTF-8 编码的 CSV")


def _put(out: ActualsInput, name: str, value: str, where: str, deviation: str = "") -> None:
    key = _budget_key(name)
    if key:
        amount = parse_money(value, default_unit=money_unit_in(name) or "元")
        if amount is None:
            raise ActualsError(f"{where}：「{name}」的金额「{value}」不是数字。请填写金额，如 1,480,000 或 148万元")
        setattr(out, key, amount)
        return
    if name in out.actuals:
        raise ActualsError(f"{where}：指标「{name}」重复填写（{out.origin.get(name, '前面')}已填过）。请只保留一行")
    out.actuals[name] = value
    out.origin[name] = where
    if deviation.strip():
        out.deviations[name] = deviation.strip()


def load_actuals(path: Path | str) -> ActualsInput:
    """Read a CSV/TSV (as written by `actuals_template_csv`, or two columns 名称,实际值) or a JSON file.

    Raises `ActualsError` naming the file and the line at fault.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ActualsError(f"无法读取实际完成值文件 {path}（{exc.strerror or exc}）") from None
    text = _decode(data, path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _load_json(text, path)
    if suffix not in (".csv", ".tsv", ".txt"):
        raise ActualsError(f"{path}：不支持的文件格式「{suffix or '无扩展名'}」。请用 .csv、.tsv 或 .json")
    return _load_table(text, path)


def _load_json(text: str, path: Path) -> ActualsInput:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ActualsError(f"{path} 第{exc.lineno}行：JSON 格式错误（{exc.msg}）") from None
    if not isinstance(raw, dict):
        raise ActualsError(f"{path}：JSON 顶层应是对象，如 {{\"检查项目数\": \"118个\"}}")
    if "actuals" in raw:
        try:
            out = ActualsInput.model_validate({k: v for k, v in raw.items() if k != "origin"})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ActualsError(f"{path}：字段「{where}」的值不对（{first['msg']}）") from None
        out.origin = {k: f"{path.name}「actuals」" for k in out.actuals}
        return out
    out = ActualsInput()
    for name, value in raw.items():
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ActualsError(f"{path}：「{name}」的值应是文字或数字，如 \"118个\"")
        _put(out, str(name).strip(), str(value).strip(), f"{path.name}「{name}」")
    return out


def _header_columns(row: list[str]) -> Optional[tuple[int, int, Optional[int]]]:
    cells = [re.sub(r"\s+", "", c) for c in row]
    name = next((i for i, c in enumerate(cells) if c in ("三级指标", "指标名称", "三级目标", "名称")), None)
    actual = next((i for i, c in enumerate(cells) if c.startswith("实际完成值") or c in ("实际值", "完成值")), None)
    if name is None or actual is None:
        return None
    dev = next((i for i, c in enumerate(cells) if c.startswith("偏差原因")), None)
    return name, actual, dev


def _load_table(text: str, path: Path) -> ActualsInput:
    lines = text.splitlines()
    first = next((l for l in lines if l.strip() and not l.lstrip().startswith("#")), "")
    delimiter = "\t" if "\t" in first or path.suffix.lower() == ".tsv" else ","
    out = ActualsInput()
    cols: Optional[tuple[int, int, Optional[int]]] = None
    seen_header = False
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise ActualsError(f"{path}：CSV 格式错误（{exc}）") from None
    reader_lines = _row_line_numbers(text, delimiter)
    for row, lineno in zip(rows, reader_lines):
        where = f"{path.name} 第{lineno}行"
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if not seen_header:
            seen_header = True
            cols = _header_columns(row)
            if cols is not None:
                continue
        if cols is not None:
            name_i, actual_i, dev_i = cols
            name = row[name_i].strip() if name_i < len(row) else ""
            value = row[actual_i].strip() if actual_i < len(row) else ""
            dev = row[dev_i].strip() if dev_i is not None and dev_i < len(row) else ""
        else:
            if len(row) < 2:
                raise ActualsError(f"{where}：应有两列“指标名称{delimiter}实际完成值”，这一行只有一列「{row[0].strip()}」")
            name, value = row[0].strip(), row[1].strip()
            dev = row[2].strip() if len(row) > 2 else ""
        if not name:
            if value:
                raise ActualsError(f"{where}：填了实际完成值「{value}」，但没有指标名称")
            continue
        if not value or value.startswith("【待填"):
            continue  # left for later: the draft keeps a placeholder
        _put(out, name, value, where, dev)
    return out


def _row_line_numbers(text: str, delimiter: str) -> list[int]:
    """The 1-based line where each csv row starts (quoted cells may span lines)."""
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 1
    while True:
        try:
            next(reader)
        except StopIteration:
            break
        numbers.append(start)
        start = reader.line_num + 1
    return numbers


# --- picking the target table -------------------------------------------------------

def pick_target(store, project: Optional[str] = None, unit: Optional[str] = None, year: Optional[int] = None,
                from_id: Optional[str] = None) -> tuple[str, Filing, int]:
    """(filing id, filing, project index) of the target table the self-evaluation reports on."""
    if from_id:
        filing = store.get(from_id)
        fid = next(i for i in store.ids() if i.startswith(from_id))
        if filing.kind != "target_table":
            raise DraftError(f"文件 {from_id} 不是绩效目标表（而是 {filing.kind}）。自评要对照当年的绩效目标表，请给出目标表的编号")
        idxs = [i for i, p in enumerate(filing.projects) if not project or project in p.name]
        exact = [i for i in idxs if filing.projects[i].name == project]
        idxs = exact or idxs
        if not idxs:
            raise DraftError(f"文件 {from_id} 中没有名称含「{project}」的项目。用 jixiao corpus show {from_id} 查看项目名")
        if len(idxs) > 1:
            names = "、".join(filing.projects[i].name for i in idxs)
            raise DraftError(f"文件 {from_id} 含{len(idxs)}个项目（{names}），自评按项目起草。请用 --project 指定其中一个")
        return fid, filing, idxs[0]
    if not project:
        raise DraftError("请用 --project 指定项目名称，或用 --from 指定目标表的文件编号")
    best: Optional[tuple[tuple, str, Filing, int]] = None
    years: set[int] = set()
    for fid, idx, name, _unit, y in store.find_projects(project, unit):
        filing = store.get(fid)
        if filing.kind != "target_table":
            continue
        years.add(y or 0)
        if year and y != year:
            continue
        key = (name == project, y or 0, fid)
        if best is None or key > best[0]:
            best = (key, fid, filing, idx)
    if best is None:
        where = f"（单位含「{unit}」）" if unit else ""
        if years and year:
            have = "、".join(str(y) for y in sorted(years) if y)
            raise DraftError(f"语料库中没有「{project}」{where}{year}年的绩效目标表（有 {have} 年的）。请检查 --year，或先入库该年目标表")
        raise DraftError(f"语料库中没有名称含「{project}」{where}的绩效目标表。自评要对照当年的目标表，请先用 jixiao ingest 入库")
    return best[1], best[2], best[3]


# --- rows, weights, scores ---------------------------------------------------------

def bucket(r: Indicator) -> Optional[str]:
    """The E-01 weight bucket of a row: 产出 (成本 included), 效益 (影响力 included), 满意度, or None (not scored)."""
    cat, sub, l1 = r.category or "", r.subcategory or "", r.level1 or ""
    if cat == "满意度" or sub == "满意度" or "满意" in l1:
        return "满意度"
    if cat in ("产出", "成本") or "产出" in l1 or "成本" in l1:
        return "产出"
    if cat in ("效益", "影响力") or any(w in l1 for w in ("效益", "效果", "影响")):
        return "效益"
    return None  # 投入与管理 and unknown headings: inputs are not performance targets (S-04)


def _spread(total: float, n: int) -> list[float]:
    """`total` split over n rows in whole hundredths, the remainder on the first rows (sums exactly)."""
    cents = round(total * 100)
    base, extra = divmod(cents, n)
    return [(base + (1 if i < extra else 0)) / 100 for i in range(n)]


def bucket_weights(present: set[str]) -> tuple[dict[str, float], Optional[str]]:
    """E-01 default weights of the buckets present; a missing bucket's weight split evenly over the others."""
    weights = {b: w for b, w in DEFAULT_WEIGHTS.items() if b in present}
    missing = [b for b in DEFAULT_WEIGHTS if b not in present]
    if not weights or not missing:
        return weights, None
    moved = sum(DEFAULT_WEIGHTS[b] for b in missing)
    share = _spread(moved, len(weights))
    for b, extra in zip(list(weights), share):
        weights[b] += extra
    note = (f"没有{'、'.join(missing)}指标，其{moved:g}分平均移给"
            + "、".join(f"{b}（{w:g}分）" for b, w in weights.items()))
    return weights, note


def _fmt(x: Optional[float]) -> str:
    if x is None:
        return ""
    return f"{x:.2f}".rstrip("0").rstrip(".") if not float(x).is_integer() else f"{x:.0f}"


def _money(x: Optional[float]) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _norm(name: str) -> str:
    return re.sub(r"[\s，,。、；;:：（）()“”\"'《》]", "", name or "")


def _qual_grade(text: str) -> Optional[str]:
    t = re.sub(r"\s+", "", text or "")
    for grade, words in _QUAL_WORDS:
        if any(t.startswith(w) for w in words):
            return grade
    return None


def _deadline(text: str) -> Optional[tuple[int, int]]:
    """(month, day) of the last month/day a deadline or date names ('11月底前' → (11, 31))."""
    found = list(_MONTH_DAY.finditer(text or ""))
    if not found:
        return None
    m = found[-1]
    month = int(m.group(1))
    if not 1 <= month <= 12:
        return None
    day = int(m.group(2)) if m.group(2) else (31 if m.group(3) or not m.group(4) else {"中": 15, "上旬": 10, "中旬": 20, "下旬": 31}[m.group(4)])
    return month, day


def is_reverse(comparator: Optional[str], target: float) -> bool:
    """≤/< targets are 反向; so is an exact zero target ('=0起': any occurrence misses it)."""
    return comparator in _REVERSE or (target == 0 and comparator in _ZERO_EXACT)


class RowScore(BaseModel):
    """How one row was scored (for the change list and the report)."""

    kind: Literal["quant", "qual", "date", "none"] = "none"
    ratio: Optional[float] = None
    score: Optional[float] = None
    below: bool = False
    percent: str = ""
    reason: str = ""
    review: bool = False


def score_row(r: Indicator, weight: float) -> "RowScore":
    """E-02 for numbers, E-03 for graded words, deadlines compared by month and day."""
    actual = (r.actual or "").strip()
    a, b = read_value(r.raw_value), read_value(actual)
    comparator = r.comparator or a.comparator
    if a.shape == "number" and b.shape == "number" and a.number is not None and b.number is not None:
        reverse = is_reverse(comparator, a.number)
        if reverse:
            ratio = 1.0 if b.number <= a.number else (a.number / b.number if b.number else 1.0)
            formula = "反向指标：得分 = 分值 × min(目标/实际, 1)"
        else:
            ratio = 1.0 if a.number == 0 else b.number / a.number
            formula = "正向指标：得分 = 分值 × min(实际/目标, 1)"
        capped = max(0.0, min(ratio, 1.0))
        score = round(weight * capped, 2)
        note = ""
        if a.unit and b.unit and a.unit != b.unit:
            note = f"；目标单位「{a.unit}」与实际单位「{b.unit}」不同，请核对"
        ceiling = a.high if a.high is not None else a.number  # a range '=1~2%' is met up to its upper bound
        if not reverse and ceiling and b.number / ceiling >= 1.5:
            note += f"；实际完成值为目标的{b.number / ceiling:.0%}，评审可能认为年初目标设定偏低"
        return RowScore(kind="quant", ratio=capped, score=score, below=capped < 1.0, percent=f"{capped:.1%}",
                        reason=f"{formula}（E-02），{_fmt(weight)} × {capped:.4f} = {_fmt(score)}{note}",
                        review=bool(note))
    grade = _qual_grade(actual)
    if grade is None and a.shape == "date":
        due, done = _deadline(r.raw_value), _deadline(actual)
        if due and done:
            grade = "达成" if done <= due else "部分达成"
            if grade == "达成":
                return RowScore(kind="date", ratio=1.0, score=round(weight, 2), percent="按期",
                                reason=f"时效指标：实际{actual}不晚于目标{r.raw_value}，得满分")
            lo, hi, pick = QUAL_BANDS[grade]
            score = round(weight * pick, 2)
            return RowScore(kind="date", ratio=pick, score=score, below=True, percent="逾期", review=True,
                            reason=f"时效指标：实际{actual}晚于目标{r.raw_value}，按“部分达成”档（{lo:.0%}–{hi:.0%}）"
                                   f"建议得{_fmt(score)}分，请按逾期程度在档内调整（E-03）")
    if grade is None and _norm(actual) and _norm(actual) == _norm(r.raw_value) and a.shape != "number":
        grade = "达成"  # 'target 通过年度考核 / actual 通过年度考核'
    if grade is None:
        return RowScore(kind="none", review=True,
                        reason="实际完成值既不是可比的数值，也没有写明“达成/部分达成/未达成”，无法计分。"
                               "请在实际完成值前写明完成档次，如“达成：已建立闭环机制”")
    lo, hi, pick = QUAL_BANDS[grade]
    score = round(weight * pick, 2)
    return RowScore(kind="qual", ratio=pick, score=score, below=grade != "达成", percent=grade, review=True,
                    reason=f"定性指标：填报为“{grade}”，按E-03该档为分值的{lo:.0%}–{hi:.0%}，"
                           f"建议得分{_fmt(score)}（取{pick:.0%}），可在档内调整")


def grade_of(score: float) -> str:
    """E-04: 优 ≥90, 良 80–<90, 中 60–<80, 差 <60."""
    return next(g for floor, g in GRADES if score >= floor)


# --- precedents ----------------------------------------------------------------------

def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fa5A-Za-z0-9]", "", text or "")
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


class _Precedent(BaseModel):
    filing_id: str
    year: Optional[int] = None
    unit: Optional[str] = None
    project: str
    problems: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    deviations: list[tuple[str, str, str]] = Field(default_factory=list)  # (row name, subcategory, text)
    words: set[str] = Field(default_factory=set)

    def citation(self, kind: str, target: str, excerpt: str, draft_project: str) -> Citation:
        return Citation(filing_id=self.filing_id, year=self.year, unit=self.unit, project=self.project, kind=kind,
                        excerpt=excerpt[:80], draft_project=draft_project, target=target)

    def label(self) -> str:
        return self.citation("filing", "", "", "").label()


_ITEM_NUM = re.compile(r"^\s*(?:[（(]\s*\d{1,2}\s*[）)]|\d{1,2}\s*[、.．]|[一二三四五六七八九十]+\s*[、.．])\s*")
_LABELLED = re.compile(r"(存在的(?:主要)?问题|改进措施(?:和有关建议)?|有关建议)\s*[：:]")


def _items(text: str) -> list[str]:
    """Sentences of a problems/improvements block, list numbers removed, each ending with 。."""
    out = []
    for para in text.split("\n"):
        para = _ITEM_NUM.sub("", para.strip())
        for s in re.split(r"(?<=[。；;])", para):
            s = s.strip().rstrip("；;，,")
            if len(s) >= 6:
                out.append(s if s.endswith("。") else s + "。")
    return out


def _narrative_blocks(filing: Filing) -> tuple[list[str], list[str]]:
    """Problems and improvements of a parsed self-evaluation, from its lists or its '存在的问题：' prose."""
    ev = filing.evaluation
    if ev is None:
        return [], []
    problems = [s for t in ev.problems for s in _items(t)]
    improvements = [s for t in ev.improvements for s in _items(t)]
    for sec in ev.sections:  # '存在的问题：…改进措施：…' run on in one narrative block
        parts = _LABELLED.split(sec.text)
        for label, body in zip(parts[1::2], parts[2::2]):
            if "问题" in label and not problems:
                problems = _items(body)
            elif "问题" not in label and not improvements:
                improvements = _items(body)
    return problems, improvements


def precedents(store, exclude: Optional[tuple[str, Optional[int]]] = None) -> list[_Precedent]:
    """Every filed self-evaluation project in the store with its usable text; drafts (path 'draft:…')
    and `exclude` = (project name, year), the report being drafted, are left out."""
    out: list[_Precedent] = []
    for summary in store.list(kind="self_evaluation"):
        if summary.path.startswith("draft:"):
            continue
        fid, filing = summary.id, store.get(summary.id)
        problems, improvements = _narrative_blocks(filing)
        for p in filing.projects:
            if exclude and (p.name, filing.year) == exclude:
                continue
            devs = [(r.name, r.subcategory or "", (getattr(r, "deviation", None) or "").strip())
                    for r in p.indicators if (getattr(r, "deviation", None) or "").strip() not in _NONE_WORDS]
            words = _bigrams(p.name + "".join(r.name for r in p.indicators))
            out.append(_Precedent(filing_id=fid, year=filing.year, unit=p.unit or filing.unit, project=p.name,
                                  problems=problems, improvements=improvements, deviations=devs, words=words))
    return out


def _best_deviation(row: Indicator, pool: list[_Precedent], unit: Optional[str]) -> Optional[tuple[_Precedent, str, str, float]]:
    """The precedent deviation text of the most similar row (name bigrams, same 二级 and unit as tie-breaks)."""
    mine = _bigrams(row.name)
    best = None
    for prec in pool:
        for name, sub, text in prec.deviations:
            sim = _dice(mine, _bigrams(name))
            if sim <= 0:
                continue
            rank = sim + (0.2 if sub and sub == row.subcategory else 0) + (0.05 if unit and prec.unit == unit else 0)
            key = (rank, prec.year or 0, prec.filing_id)
            if rank >= 0.3 and (best is None or key > best[0]):
                best = (key, prec, name, text)
    return None if best is None else (best[1], best[2], best[3], best[0][0])


def _rank_projects(project: Project, unit: Optional[str], pool: list[_Precedent]) -> list[_Precedent]:
    mine = _bigrams(project.name + "".join(r.name for r in project.indicators))
    scored = [(_dice(mine, p.words) + (0.3 if unit and p.unit == unit else 0), p.year or 0, p.filing_id, p) for p in pool]
    scored = [s for s in scored if s[0] > 0.05]
    scored.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
    return [s[3] for s in scored]


def _adapt(text: str, prec: _Precedent, project: Project, unit: Optional[str], year: Optional[int]) -> str:
    out = text
    if prec.project and prec.project != project.name:
        out = out.replace(prec.project, project.name)
    if prec.unit and unit and prec.unit != unit:
        out = out.replace(prec.unit, unit)
    if prec.year and year:
        out = re.sub(rf"(?<!\d){prec.year}(?=\s*年)", str(year), out)
    return out


# --- templates ------------------------------------------------------------------------

def _render(name: str, **ctx) -> str:
    from assistant.drafting.render import environment

    return environment().get_template(name).render(**ctx).strip()


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


# --- the draft -------------------------------------------------------------------------

def _as_input(actuals: Actuals, executed: Optional[float]) -> ActualsInput:
    if actuals is None:
        out = ActualsInput()
    elif isinstance(actuals, ActualsInput):
        out = actuals.model_copy(deep=True)
    else:
        out = ActualsInput(actuals={str(k): str(v) for k, v in actuals.items()})
    if executed is not None:
        out.executed = executed
    return out


def _resolve(key: str, rows: list[Indicator]) -> list[int]:
    exact = [i for i, r in enumerate(rows) if r.name == key]
    if exact:
        return exact
    k = _norm(key)
    same = [i for i, r in enumerate(rows) if _norm(r.name) == k]
    if same or not k:
        return same
    return [i for i, r in enumerate(rows) if k in _norm(r.name)]


def match_actuals(given: ActualsInput, rows: list[Indicator], project: str) -> dict[int, tuple[str, str]]:
    """Row index → (actual, writer's deviation); raises `ActualsError` for names that fit no row or several."""
    out: dict[int, tuple[str, str]] = {}
    claimed: dict[int, str] = {}
    for key, value in given.actuals.items():
        where = given.origin.get(key)
        at = f"（{where}）" if where else ""
        hits = _resolve(key, rows)
        if not hits:
            names = "、".join(f"「{r.name[:20]}{'…' if len(r.name) > 20 else ''}」" for r in rows[:8])
            raise ActualsError(f"「{key}」{at}不是项目「{project}」的指标。该项目的指标有{names}"
                               f"{'等' if len(rows) > 8 else ''}；可用 --template-out 导出完整清单后填写")
        if len(hits) > 1:
            names = "、".join(f"「{rows[i].name[:20]}」" for i in hits[:4])
            raise ActualsError(f"「{key}」{at}同时对应多个指标（{names}）。请写出完整的指标名称")
        i = hits[0]
        if i in claimed:
            raise ActualsError(f"「{key}」{at}和「{claimed[i]}」都对应指标「{rows[i].name[:30]}」。请只填一次")
        claimed[i] = key
        out[i] = (value, given.deviations.get(key, ""))
    return out


def actuals_template_csv(project: Project, budget: Optional[float] = None, delimiter: str = ",") -> str:
    """The CSV (or TSV) a writer fills: every indicator with its target, then 全年预算数/全年执行数 (元)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    buf.write("# 填写说明：在“实际完成值”一栏填写年末实际完成数，写法同年度指标值（如 118个、96%、≤40天）；"
              "定性指标写“达成/部分达成/未达成”，可加冒号说明，如“达成：已建立闭环机制”。不知道的留空，草稿中会标【待填】。"
              "未达到目标的，可在“偏差原因”一栏自己写原因，不写则参照先例起草。金额以元为单位。\n")
    w.writerow(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因（可不填）"])
    for r in project.indicators:
        if not r.empty:
            w.writerow([r.level1, r.level2, r.name, r.raw_value, "", ""])
    w.writerow(["预算执行", "", "全年预算数（元）", "", _fmt(budget if budget is not None else project.budget.current_year), ""])
    w.writerow(["预算执行", "", "全年执行数（元）", "", "", ""])
    return buf.getvalue()


def _row_weights(rows: list[Indicator], change) -> dict[int, float]:
    """E-01: each bucket's weight spread evenly over its rows; rows outside the buckets get none."""
    buckets = [bucket(r) for r in rows]
    level_weights, moved = bucket_weights({b for b in buckets if b})
    change("分值", "、".join(f"{b}{_fmt(w)}" for b, w in level_weights.items()) + f"、预算执行率{_fmt(BUDGET_WEIGHT)}",
           "按财预〔2020〕10号单位自评的默认分配（产出50、效益30、满意度10、预算执行率10；条文未经原文核实），"
           "各一级指标的分值平均分到其下的三级指标" + (f"；{moved}" if moved else "") + "。地方模板另有规定的请按规定调整")
    out: dict[int, float] = {}
    for b, total in level_weights.items():
        members = [i for i, x in enumerate(buckets) if x == b]
        out.update(zip(members, _spread(total, len(members))))
    for i, r in enumerate(rows):
        if buckets[i] is None:
            change(f"指标「{r.name[:30]}」·分值", None, f"「{r.level1 or r.category}」类指标反映投入而非产出或效果（S-04），不计分；"
                   "仍列出供对照，如地方模板要求计分请自行分配分值", review=True)
    return out


def _budget_execution(executed: Optional[float], budget: Optional[float], change, notices: list[str]) -> dict:
    """预算执行率 and its score (10 × min(执行数/预算数, 1)); unscored without both amounts."""
    execution: dict = {"weight": BUDGET_WEIGHT, "rate_percent": None, "score": None}
    if executed is None or not budget:
        why = "填报人未提供全年执行数" if executed is None else "目标表没有项目当年预算，请提供全年预算数"
        change("预算执行率·得分", None, f"{why}，预算执行率（{_fmt(BUDGET_WEIGHT)}分）未计分", review=True)
        return execution
    rate = executed / budget
    execution["rate_percent"] = round(rate * 100, 1)
    execution["score"] = round(BUDGET_WEIGHT * min(rate, 1.0), 2)
    change("预算执行率·得分", _fmt(execution["score"]),
           f"执行率 = 全年执行数 {_money(executed)} / 全年预算数 {_money(budget)} = {rate:.1%}；"
           f"得分 = {_fmt(BUDGET_WEIGHT)} × min(执行率, 1)（B-06）")
    if rate < 0.9:
        notices.append(f"预算执行率{rate:.1%}低于90%，按要求须说明原因（B-06）。请在“存在的主要问题”中补充执行偏低的原因")
        change("预算执行率", f"{rate:.1%}", "执行率低于90%，须说明原因", review=True)
    if rate > 1.0:
        change("预算执行率", f"{rate:.1%}", "执行数超过预算数，请核对全年预算数是否为调整后预算", review=True)
    return execution


def self_evaluation(
    store, project: Optional[str] = None, *, unit: Optional[str] = None, year: Optional[int] = None,
    from_id: Optional[str] = None, actuals: Actuals = None, executed: Optional[float] = None, check: bool = True,
) -> Draft:
    """Draft the 绩效自评表 of one project from its target table and the writer's actuals.

    Args:
        store: an open `CorpusStore` (the target table and the precedents are read from it).
        project: project name (substring; an exact match wins).
        unit: restrict to filings whose unit contains this.
        year: the year evaluated, i.e. the target table's year (default: the latest one).
        from_id: take the target table with this filing id.
        actuals: indicator name → 实际完成值, or an `ActualsInput` (also 全年执行数/全年预算数 and own deviations).
        executed: 全年执行数 in yuan (overrides `actuals.executed`).
        check: run the checker on the draft and tell new findings from those the target table already had.

    Raises:
        DraftError: no such target table; ActualsError: an actual names no indicator of the project.
    """
    given = _as_input(actuals, executed)
    fid, src, idx = pick_target(store, project, unit, year, from_id)
    target = src.projects[idx]
    the_year = src.year or (target.start_date.year if target.start_date else None)
    if the_year is None:
        raise DraftError(f"目标表 {fid} 没有年度。请用 --year 指定，并检查该文件")
    the_unit = target.unit or src.unit
    name = target.name
    rows_src = [r for r in target.indicators if not r.empty]
    if not rows_src:
        raise DraftError(f"目标表 {fid} 中项目「{name}」没有可对照的绩效指标，无法起草自评表")
    matched = match_actuals(given, rows_src, name)

    changes: list[Change] = []
    notices: list[str] = []
    citations: list[Citation] = [Citation(filing_id=fid, year=the_year, unit=the_unit, project=name, kind="filing",
                                          draft_project=name, target="年度指标值")]

    def change(field: str, new, reason: str, old=None, review: bool = False) -> None:
        changes.append(Change(project=name, field=field, old=None if old is None else str(old),
                              new=None if new is None else str(new), reason=reason, review=review))

    row_weight = _row_weights(rows_src, change)
    pool = precedents(store, exclude=(name, the_year))
    rows: list[Indicator] = []
    scored: list[tuple[Indicator, RowScore]] = []
    missing: list[str] = []
    for i, old in enumerate(rows_src):
        r = old.model_copy(deep=True)
        r.span = None
        r.weight = row_weight.get(i)
        r.score = None
        for extra in ("deviation", "deviation_sources", "prior_target", "prior_actual"):
            if extra in (r.model_extra or {}):
                del r.model_extra[extra]
        where = f"指标「{r.name[:30]}」"
        if i not in matched:
            r.actual = ACTUAL_TODO
            if r.weight is not None:
                missing.append(r.name)
                change(f"{where}·实际完成值", ACTUAL_TODO, "填报人未提供实际完成值，本行未计分", review=True)
            rows.append(r)
            continue
        r.actual, own_reason = matched[i]
        if r.weight is None:
            rows.append(r)
            continue
        result = score_row(r, r.weight)
        r.score = result.score
        if result.score is None:
            missing.append(r.name)
            change(f"{where}·得分", None, result.reason, review=True)
            rows.append(r)
            continue
        change(f"{where}·得分", _fmt(result.score), result.reason, review=result.review)
        scored.append((r, result))
        if not result.below:
            r.deviation = "无"
        elif own_reason:
            r.deviation = own_reason
            r.deviation_sources = ["填报人填写"]
        else:
            _draft_deviation(r, result, pool, the_unit, name, citations, change)
        rows.append(r)

    budget = given.budget if given.budget is not None else target.budget.current_year
    execution = _budget_execution(given.executed, budget, change, notices)
    if execution["score"] is None:
        missing.append("预算执行率")

    # total and grade (E-04)
    total: Optional[float] = None
    grade: Optional[str] = None
    partial = round(sum(r.score or 0 for r in rows) + (execution["score"] or 0), 2)
    if missing:
        notices.append(f"有{len(missing)}项未计分（{'、'.join(m[:16] for m in missing[:5])}{'等' if len(missing) > 5 else ''}），"
                       f"总分和评价等次待补齐后计算；已计分部分合计{_fmt(partial)}分")
        change("总分", SCORE_TODO, "有未计分的指标，暂不给出总分和等次", review=True)
    else:
        total = partial
        grade = grade_of(total)
        change("总分", _fmt(total), "各指标得分与预算执行率得分之和")
        change("评价等次", grade, "按总分定等次（E-04）：优≥90，良80–<90，中60–<80，差<60")

    # narrative
    below = [(r, s) for r, s in scored if s.below]
    problems, improvements = _draft_sections(target, the_unit, the_year, below, pool, citations, changes, notices)
    goal = target.section("goals")
    summary = _render("self_eval_summary.j2", executed=_money(given.executed) if given.executed is not None else None,
                      rate=f"{execution['rate_percent']:.1f}%" if execution["rate_percent"] is not None else None,
                      below=[r.name for r, _ in below], missing=len(missing), todo=EXECUTED_TODO)
    evaluation = Evaluation(
        score=total, grade=grade,
        qualitative_goals=[GoalPair(target=(goal.text if goal else placeholder("年度总体目标")), actual=summary)],
        problems=_paragraphs(problems.text), improvements=_paragraphs(improvements.text),
        sections=[problems, improvements],
    )
    evaluation.budget_execution = execution
    new_budget = Budget(current_year=budget, sources=dict(target.budget.sources))
    new_budget.initial = target.budget.current_year
    new_budget.executed = given.executed
    project_out = Project(name=name, category="项目支出", unit=the_unit, department=target.department,
                          implementer=target.implementer or the_unit, budget=new_budget, indicators=rows,
                          start_date=target.start_date, end_date=target.end_date)
    body = Filing(kind="self_evaluation", unit=src.unit or the_unit, year=the_year, title="项目支出绩效自评表",
                  source=SourceInfo(path=f"draft:self_evaluation/{fid}/{the_year}", sha256="", format="json"),
                  projects=[project_out], evaluation=evaluation)
    body.source.sha256 = hashlib.sha256(body.model_dump_json(exclude={"source"}).encode()).hexdigest()
    draft = Draft(mode="self_evaluation", filing=body, source_filing_id=fid, changes=changes,
                  citations=citations, notices=notices)
    if check:
        attach_findings(draft, src.model_copy(update={"projects": [target]}))
        errors = [f for f in draft.new_findings if f.severity == "error"]
        if errors:  # should not happen: the drafter is meant to produce nothing the checker calls an error
            log.warning("self-evaluation draft introduced %d error findings", len(errors))
            notices.append(f"草稿新增了{len(errors)}条错误级检查结果，请逐条核对（见检查结果）")
    return draft


def _draft_deviation(r: Indicator, result: RowScore, pool, unit, project: str, citations, change) -> None:
    """偏差原因分析及改进措施 for a row below target: the writer's numbers, then the closest precedent's reason."""
    found = _best_deviation(r, pool, unit)
    row = {"name": r.name, "target": r.raw_value, "actual": r.actual, "percent": result.percent, "kind": result.kind}
    precedent = None
    if found:
        prec, prec_row, text, _sim = found
        precedent = {"text": text, "row": prec_row, "project": prec.project, "unit": prec.unit, "year": prec.year,
                     "filing_id": prec.filing_id}
        citations.append(prec.citation("indicator", f"偏差·{r.name}", text, project))
        r.deviation_sources = [prec.label() + f"，指标「{prec_row}」"]
    r.deviation = _render("self_eval_deviation.j2", row=row, precedent=precedent, todo=DEVIATION_TODO)
    where = f"指标「{r.name[:30]}」·偏差原因"
    if found:
        change(where, r.deviation, f"未达到目标；原因取自先例 {found[0].label()}（指标「{found[1]}」），"
               "请按本项目实际情况改写", review=True)
    else:
        change(where, DEVIATION_TODO, "未达到目标，语料库中没有相近指标的偏差说明可参考，请填写原因和改进措施", review=True)


def _draft_sections(target: Project, unit, year, below, pool, citations, changes, notices) -> tuple[Section, Section]:
    """存在的主要问题 and 改进措施和有关建议 from the most similar self-evaluation precedents."""
    ranked = _rank_projects(target, unit, pool)
    out = []
    for kind, title, attr, todo in (("problems", "存在的主要问题", "problems", PROBLEMS_TODO),
                                    ("improvements", "改进措施和有关建议", "improvements", IMPROVEMENTS_TODO)):
        items: list[dict] = []
        seen: set[str] = set()
        for prec in ranked:
            texts = getattr(prec, attr)
            if not texts:
                continue
            for t in texts:
                adapted = _adapt(t, prec, target, unit, year)
                if adapted in seen:
                    continue
                seen.add(adapted)
                items.append({"text": adapted, "source": prec.label(), "prec": prec})
            if len(items) >= 2:
                break
        items = items[:4]
        rows = [{"name": r.name, "target": r.raw_value, "actual": r.actual, "kind": s.kind, "percent": s.percent}
                for r, s in below] if kind == "problems" else []
        text = _render(f"self_eval_{kind}.j2", below=rows, items=items, todo=todo)
        sources = []
        for para in _paragraphs(text):
            src = [it["source"] for it in items if it["text"] in para]
            if not src and any(f"「{r['name']}」" in para for r in rows):
                src = ["据填报的实际完成值"]
            sources.append({"text": para, "sources": src})
        section = Section(kind=kind, title=title, text=text)
        section.sources = sources
        out.append(section)
        used = {it["prec"].filing_id: it["prec"] for it in items}
        for prec in used.values():
            excerpt = next(it["text"] for it in items if it["prec"] is prec)
            citations.append(prec.citation("section", kind, excerpt, target.name))
        if items:
            changes.append(Change(project=target.name, field=f"栏目·{title}", new=None, review=True,
                                  reason=f"取自{len(used)}份相近项目的自评（{'；'.join(p.label() for p in used.values())}），"
                                         "是别的项目的情况，请按本项目实际改写或删除"))
        else:
            notices.append(f"语料库中没有可参考的「{title}」，已留【待填】")
    return out[0], out[1]


def render_self_evaluation_report(draft: Draft, title: str) -> str:
    """The Chinese text summary the CLI prints for a self-evaluation draft (`prompts/self_eval_report.txt.j2`)."""
    from collections import Counter

    counts = Counter(f.severity for f in draft.findings)
    text = _render("self_eval_report.txt.j2", draft=draft, title=title, num=_fmt, money=_money,
                   count=lambda s: counts[s])
    return text.rstrip() + "\n"
