"""The writer's actuals for a self-evaluation: read from a CSV/TSV/JSON file or `--actual` options, matched
to the target table's rows, and the template CSV a writer fills. Errors name the file and line at fault.

Example:
    >>> given = load_actuals("actuals.csv")       # as written by actuals_template_csv, then filled in
    >>> given.actuals["根据工作安排，检查项目数"], given.executed
    ('108个', 1480000.0)
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Mapping, Optional, Union

from pydantic import BaseModel, Field, ValidationError

from assistant.drafting.models import DraftError
from assistant.drafting.text import compact_name, number
from corpus.models import Indicator, Project
from corpus.normalize import money_unit_in, parse_money

_BUDGET_KEYS = {"全年执行数": "executed", "预算执行数": "executed", "执行数": "executed",
                "全年预算数": "budget", "调整后预算数": "budget", "预算数": "budget"}


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
        row = [csv_unsafe(c.strip()) for c in row]
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


# --- matching them to the target table's rows and the template to fill ------------------

def as_input(actuals: Actuals, executed: Optional[float]) -> ActualsInput:
    """The writer's input as an `ActualsInput` (a copy); `executed`, when given, overrides its 全年执行数."""
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
    k = compact_name(key)
    same = [i for i, r in enumerate(rows) if compact_name(r.name) == k]
    if same or not k:
        return same
    return [i for i, r in enumerate(rows) if k in compact_name(r.name)]


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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading ' before = + - @ tab CR
    (why: an indicator named "=HYPERLINK(…)" or a target "=100%" would become a formula)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def csv_unsafe(cell: str) -> str:
    """The cell as it was before `csv_safe` (the reader of the template strips the ' back)."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


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
            w.writerow([csv_safe(c) for c in (r.level1, r.level2, r.name, r.raw_value)] + ["", ""])
    w.writerow(["预算执行", "", "全年预算数（元）", "", number(budget if budget is not None else project.budget.current_year), ""])
    w.writerow(["预算执行", "", "全年执行数（元）", "", "", ""])
    return buf.getvalue()
