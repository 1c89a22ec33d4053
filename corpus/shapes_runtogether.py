"""Forms whose cells were run together into one paragraph, re-cut into rows of cells.

Aggregator and document-site copies ("《…docx》由会员分享…", numbered chunks "1、…",
"2、…" that cut anywhere) drop every separator: labels run into their values
("主管部门XX局实施单位YY"), money columns into a run of digits ("64.864.864.8100%"),
indicator rows into "name target actual score" ("库存数量真实率100%100%"), wrapped
cell text keeps a stray space ("管理制 度严格执行率") and OCR misreads a few glyphs
("≥" as 2, "10" as IO, "=" as 二).

`recover(lines)` finds such paragraphs (several chunk lines joined: a chunk
boundary is not a cell boundary) and returns their rows:
- the header part is cut at the labels of the lexicon; a money row's digits are
  split into as many values as its header has columns, the split chosen by
  plausibility (执行率 = 执行数/预算数, 得分 = 分值 × 执行率, equal columns);
- the indicator table is cut at level labels (产出指标, 数量指标(10分)…); its header
  words give the column order (anagrams tolerated: column-interleaved extraction
  writes 参考分值 as 考值参分); each stretch between level labels is parsed into rows
  by a small dynamic programme that scores every way to read it as
  name + one value per column (a value is a number with its unit, a qualitative
  level, or the same text twice for target and actual).
The rows come out as ordinary `Row`s, so the cell readers need nothing special.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

from corpus.readers.base import Line

_MIN_LEN = 150
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CHUNK = re.compile(r"^\s*(\d{1,2})\s*、")
_PREAMBLE = re.compile(r"由会员分享|可在线阅读|请在.{0,20}上搜索|还剩\d+页未读|继续阅读|^文本内容[：:]?$")

# OCR glyph confusions seen in these copies; applied only inside recovered paragraphs
_OCR_FIXES = (
    ("项Fl", "项目"), ("顼目", "项目"), ("万兀", "万元"), ("预匏", "预算"), ("(If整)", "(调整)"),
)

# --- column headers of the indicator table ------------------------------------
_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("一级指标", "skip"), ("二级指标", "skip"), ("绩效指标", "skip"), ("年度绩效指标", "skip"),
    ("三级指标", "name"), ("指标名称", "name"), ("指标内容", "name"), ("三级目标", "name"),
    ("绩效指标名称", "name"), ("具体指标", "name"),
    ("指标解释", "text"), ("指标说明", "text"), ("指标定义", "text"),
    ("指标方向", "direction"), ("指标性质", "nature"), ("计量单位", "unit"), ("度量单位", "unit"),
    ("年度指标值", "target"), ("年初指标值", "target"), ("年初目标值", "target"), ("指标目标值", "target"),
    ("年度目标值", "target"), ("预期指标值", "target"), ("全年指标值", "target"), ("区域目标值", "target"),
    ("指标值", "target"), ("目标值", "target"),
    ("调整指标值", "target2"), ("调整后指标值", "target2"),
    ("全年完成值", "actual"), ("实际完成值", "actual"), ("全年实际值", "actual"), ("实际完成情况", "actual"),
    ("完成值", "actual"), ("实际值", "actual"),
    ("得分系数", "coef"), ("参考分值", "weight"), ("指标权重", "weight"), ("分值", "weight"), ("权重", "weight"),
    ("指标得分", "score"), ("得分", "score"), ("是否核心指标", "core"),
    ("备注", "text"),
)
_DEVIATION = re.compile(r"(?:未完成原因|偏差原因|原因分析)[\u4e00-\u9fff]{0,14}?措施|偏差原因(?:分析)?|未完成原因")
_CANONICAL = {"target": "指标值", "actual": "实际完成值", "weight": "分值", "score": "得分"}
_NEXT_FORM = re.compile(r"(?:绩效目标表|自评表|申报表)(?=.{0,16}(?:项目名称|名称))")
_TABLE_END = re.compile(r"说明(?=无|[:：])|总分|综合得分|注[：:]|填报人|填表人|审核人|评价人员|单位负责人")

# --- values --------------------------------------------------------------------
_UNITS = tuple(sorted({
    "%", "‰", "百分比", "人次", "万元", "亿元", "元", "万人", "万", "个", "家", "人", "次", "项", "份", "件", "台",
    "套", "座", "所", "户", "公里", "千米", "米", "厘米", "平方米", "亩", "吨", "天", "日", "月", "年", "个月",
    "小时", "分钟", "场", "期", "批", "篇", "条", "处", "辆", "名", "间", "栋", "册", "本", "种", "类", "宗",
    "例", "株", "棵", "头", "只", "箱", "起", "分", "工作日", "人/次", "次/年", "元/人", "㎡", "km", "个/年",
}, key=len, reverse=True))
_QUALITATIVE = frozenset({
    "高", "较高", "很高", "好", "较好", "良好", "优", "优秀", "优良", "良", "合格", "达标", "完成", "按时完成",
    "按期完成", "提高", "有所提高", "稳步提高", "逐步提高", "明显提高", "显著提高", "提升", "明显提升",
    "显著提升", "有效提升", "稳步提升", "逐步提升", "改善", "明显改善", "显著改善", "有效改善", "显著", "明显",
    "有效", "长期", "长远", "持续", "是", "否", "无", "一", "—", "有", "符合", "规范", "健全", "正常", "增加",
    "减少", "降低", "满意", "基本满意", "及时", "准确", "安全", "稳定", "保障", "全覆盖", "效果显著",
})
_NATURES = ("定量指标", "定性指标", "定量", "定性", "正向", "反向", "中性")
_COMPARATOR = re.compile(r">=|<=|≥|≤|>|<|=")
_SYMBOLS = str.maketrans({"≧": "≥", "≦": "≤", "═": "=", "﹦": "=", "＝": "=", "＞": ">", "＜": "<", "％": "%",
                          "﹪": "%", "（": "(", "）": ")", "：": ":", "，": ",", "；": ";"})
_PLACEHOLDER = re.compile(r"指标[\dL一二三四五六七八九十]{1,2}[:：]|[…．.]{2,}")


@dataclass
class Piece:
    """One recovered cell: its text and the row it belongs to (None: a header cell)."""

    text: str
    row: Optional[int] = None


# --- finding the paragraphs -------------------------------------------------------

def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_run_together(text: str) -> bool:
    """A long line with no separators that holds several form labels or a table header."""
    t = text.strip()
    c = _compact(t)
    if len(c) < (_MIN_LEN // 2 if _CHUNK.match(t) else _MIN_LEN) or "|" in t or "\t" in t:
        return False
    if len(t) - len(c) > len(c) / 8 or len(re.findall(r"[\d%]\s+[\d=≥≤<>]", t)) >= 2:
        return False  # cells separated by spaces (numbers apart), not run together
    return len(_label_pattern().findall(c)) >= 4 or sum(w in c for w, _ in _HEADER_WORDS) >= 4


def _chunk_no(text: str) -> Optional[int]:
    m = _CHUNK.match(text)
    return int(m.group(1)) if m else None


def _groups(lines: list[Line]) -> list[tuple[int, int]]:
    """(first, last) line indexes of each run-together paragraph (chunk lines joined)."""
    out: list[tuple[int, int]] = []
    i = 0
    n = len(lines)
    while i < n:
        if lines[i].cells is not None or not _is_run_together(lines[i].text):
            i += 1
            continue
        while i > 0 and lines[i - 1].cells is None and _chunk_no(lines[i - 1].text) is not None \
                and _chunk_no(lines[i - 1].text) == (_chunk_no(lines[i].text) or 0) - 1:
            i -= 1  # the chunks before, shorter than a run-together line on their own
        j = i
        while j + 1 < n and lines[j + 1].cells is None and lines[j + 1].text.strip() and "|" not in lines[j + 1].text:
            nxt = lines[j + 1].text.strip()
            if _is_run_together(nxt) or _CHUNK.match(nxt) or len(_compact(nxt)) <= 60:
                j += 1
                continue
            break
        out.append((i, j))
        i = j + 1
    return out


def _joined_text(lines: list[Line]) -> str:
    """The paragraph's text: chunk markers removed, the chunks joined, OCR glyphs fixed."""
    parts = []
    expect: Optional[int] = None
    for k, line in enumerate(lines):
        t = line.text.strip()
        m = _CHUNK.match(t)
        if m and (expect is None or int(m.group(1)) == expect) and (k > 0 or int(m.group(1)) == 1):
            t = t[m.end():]
            expect = int(m.group(1)) + 1
        parts.append(t)
    text = _compact("".join(parts)).translate(_SYMBOLS)
    for bad, good in _OCR_FIXES:
        text = text.replace(bad, good)
    text = re.sub(r"(?<=\d)[IlO]{1,2}(?![A-Za-z])|(?<![A-Za-z])[IlO]{1,2}(?=\d)|(?<=[\u4e00-\u9fff])IO(?![A-Za-z])",
                  lambda m: m.group(0).replace("I", "1").replace("l", "1").replace("O", "0"), text)
    text = re.sub(r"(?<=[\u4e00-\u9fff])二(?=\d)", "=", text)  # '效率二100': '=' read as 二
    text = re.sub(r"(?<=[\u4e00-\u9fff])\*(?=[\u4e00-\u9fff])", "", text)  # '一*级'
    return text


# --- labels ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern:
    from corpus.labels import lexicon

    labels: set[str] = set()
    for table, minimum in (("fields", 4), ("money", 3), ("goals", 4), ("evaluation", 4)):
        labels.update(lab for lab in lexicon(table) if len(lab) >= minimum and not lab.startswith("src:"))
    labels.update(("区域", "资金情况", "得分", "分值"))
    labels.difference_update(("预期目标", "绩效目标"))  # words of titles too ('…绩效目标自评表')
    alternation = "|".join(map(re.escape, sorted(labels, key=len, reverse=True)))
    # a four-character field label with its third character misread ('实施第位' for 实施单位)
    fuzzy = sorted({re.escape(lab[:2]) + "[\u4e00-\u9fff]" + re.escape(lab[3]) for lab in lexicon("fields")
                    if len(lab) == 4 and lab.endswith(("单位", "部门"))})
    alternation += "|" + "|".join(fuzzy)
    return re.compile(rf"(?:其中[:：]?)?(?:{alternation})(?:\([^()]{{0,12}}\)|\([^()\u4e00-\u9fff]{{0,10}})?[:：]?")


def _split_labels(text: str) -> list[str]:
    """Cut header text at every label: label cells and the value cells between them."""
    out: list[str] = []
    prev = 0
    for m in _label_pattern().finditer(text):
        if m.start() > prev:
            out.append(text[prev:m.start()])
        out.append(m.group(0))
        prev = m.end()
    if prev < len(text):
        out.append(text[prev:])
    return [p.strip(":：,，;；、") for p in out if p.strip(":：,，;；、")]


# --- money rows -------------------------------------------------------------------------

_MONEY_KEYS = ("total", "current_year", "executed", "execution_rate", "weight", "score")


def _money_key(text: str) -> Optional[str]:
    from corpus.labels import label_of

    key = label_of(re.sub(r"\([^()]{0,8}$", "", text), "money")  # '执行率(B/A1': a bracket left open
    return key if key in _MONEY_KEYS else None


def _number_ok(tok: str) -> bool:
    if not re.fullmatch(r"\d+(?:\.\d+)?", tok):
        return False
    return not (len(tok) > 1 and tok[0] == "0" and tok[1] != ".")


def _splits(run: str, count: int, limit: int = 4000) -> list[list[str]]:
    """Every way to cut a run of digits (with '%' marks) into `count` numbers."""
    results: list[list[str]] = []

    def walk(pos: int, acc: list[str]) -> None:
        if len(results) >= limit:
            return
        if len(acc) == count:
            if pos == len(run):
                results.append(list(acc))
            return
        for end in range(pos + 1, min(len(run), pos + 14) + 1):
            tok = run[pos:end]
            core = tok[:-1] if tok.endswith("%") else tok
            if "%" in core or not _number_ok(core) or (end < len(run) and run[end] == "%" and not tok.endswith("%")):
                continue
            if core.count(".") and len(core.split(".")[1]) > 4:
                continue
            acc.append(tok)
            walk(end, acc)
            acc.pop()

    walk(0, [])
    return results


def _cut_score(columns: list[str], cut: list[str]) -> Optional[float]:
    """How plausible one reading of a money row is (None: impossible)."""
    score = 0.0
    vals: dict[str, float] = {}
    for col, tok in zip(columns, cut):
        v = float(tok.rstrip("%"))
        if tok.endswith("%") and col != "execution_rate":
            return None
        if col in ("weight", "score") and v > 100 or col == "execution_rate" and v > 200:
            return None
        vals.setdefault(col, v)
        score -= 0.2 * len(tok.split(".")[1]) if "." in tok else 0
    budget = vals.get("current_year", vals.get("total"))
    money = [vals[c] for c in ("total", "current_year", "executed") if c in vals]
    score += 2 * sum(1 for a, b in zip(money, money[1:]) if a == b)
    rate = vals.get("execution_rate")
    if rate and any(vals.get(c) == 0 for c in ("total", "current_year", "executed")):
        score -= 5  # nothing spent or budgeted, yet a rate: the 0 is a blank cell
    if rate is not None and budget and "executed" in vals:
        score += 6 if abs(vals["executed"] / budget * 100 - rate) < 0.6 else -2
    if "weight" in vals and "score" in vals:
        score += 1 if vals["score"] <= vals["weight"] else -6
        if rate is not None and abs(vals["weight"] * rate / 100 - vals["score"]) < 0.06:
            score += 4  # 得分 = 分值 × 执行率
    return score


def split_money_run(run: str, columns: list[str]) -> Optional[tuple[int, list[str]]]:
    """A money row run together ('64.864.864.8100%') split by its header's columns:
    (index of the first column filled, values). Rows that fill only the first or the
    last columns (a source row; a form whose amounts were lost) are read too; an OCR
    '0' standing for an empty cell may lead the run."""
    best: Optional[tuple[int, list[str]]] = None
    best_score = float("-inf")
    n = len(columns)
    for m in range(n, 0, -1):
        windows = {(0, m), (n - m, n)}
        for lo, hi in windows:
            for text, cost in ((run, 0.0), (run[1:], 1.0) if run.startswith("0") and len(run) > 1 else (None, 0.0)):
                if not text:
                    continue
                for cut in _splits(text, m):
                    sc = _cut_score(columns[lo:hi], cut)
                    if sc is None:
                        continue
                    sc -= cost + 1.5 * (n - m)
                    if sc > best_score:
                        best, best_score = (lo, cut), sc
        if best is not None and m == n:
            break
    return best


_NUM_RUN = re.compile(r"^[\d.%]+")
_TOTAL_ROW = re.compile(r"^(?:其中[:：]?)?(?:年度|年度财政|项目)?资金总额(?:[:：]|\(.{0,6}\))?$|^(?:合计|总计)$")
_SCORE_LABEL = re.compile(r"^(?:自评得分|自评总分|综合得分|总得分|评价得分)(?:\(分\))?[:：]?$")


def _header_pieces(text: str, next_row: Callable[[], int]) -> list[list[Piece]]:
    """Rows of the header part: fields as label/value cells, money rows split by columns."""
    rows: list[list[Piece]] = []
    pending: list[tuple[str, str]] = []  # money column labels waiting for their figures
    columns: list[str] = []  # the last header's columns, for the source rows under it
    held: Optional[str] = None
    parts = _split_labels(text)

    def flush() -> None:
        nonlocal held
        rows.extend([Piece(p)] for p, _ in pending)
        pending.clear()
        if held:
            rows.append([Piece(held)])
            held = None

    for k, part in enumerate(parts):
        key = _money_key(part)
        if _TOTAL_ROW.match(part):
            if pending or k + 1 < len(parts) and _money_key(parts[k + 1]) and not _TOTAL_ROW.match(parts[k + 1]):
                held = part  # the row label printed before the column labels: kept for the figures
                continue
            flush()
            rows.append([Piece(part)])
            continue
        if key and (key not in ("weight", "score") or pending):
            pending.append((part, key))
            continue
        if key is None and pending and len(part) <= 4 and k + 1 < len(parts) and _money_key(parts[k + 1]) \
                and not re.match(r"\d", part):
            continue  # OCR junk between two column labels ('调整预算将,A、')
        if rows and _SCORE_LABEL.match(rows[-1][0].text) and re.match(r"\d+(?:\.\d+)?(?=\D|$)", part):
            num = re.match(r"\d+(?:\.\d+)?", part).group(0)  # '自评得分' '98财政…'
            rows.append([Piece(num)])
            if part[len(num):]:
                rows.append([Piece(part[len(num):])])
            continue
        m = _NUM_RUN.match(part)
        if re.fullmatch(r"[\d.]+(?:万元|元|亿元|万)", part):
            flush()
            rows.append([Piece(part)])  # one amount with its unit: a label's value
            columns = []
            continue
        tail = re.match(r"^(.*?[\u4e00-\u9fff)])(\d[\d.%]+)$", part) if columns and not m and not pending else None
        if tail:  # a source row's label with its figures run on ('其中:…县级资金194.9194.9100%')
            rows.append([Piece(tail.group(1))])
            part = tail.group(2)
            m = _NUM_RUN.match(part)
        cols = [c for _, c in pending] or columns
        if cols and m and len(m.group(0)) >= 2 and (len(cols) >= 2 or not pending):
            run, rest = m.group(0), part[m.end():]
            found = split_money_run(run, cols)
            if found and pending:
                lo, values = found
                rows.extend([Piece(p)] for p, _ in pending[lo:lo + len(values)])
                columns = cols
                pending.clear()
                if held:
                    rows.append([Piece(held)])
                    held = None
                rows.append([Piece(v) for v in values])
            elif found:
                rows.append([Piece(v) for v in found[1]])
            else:
                flush()
                rows.append([Piece(run)])
            if rest:
                rows.append([Piece(rest)])
            continue
        flush()
        rows.append([Piece(part)])
    flush()
    return rows


# --- the indicator table ---------------------------------------------------------------

@lru_cache(maxsize=1)
def _level_pattern() -> re.Pattern:
    from corpus.indicators import LEVEL1, LEVEL2

    words = set()
    for base in list(LEVEL1) + list(LEVEL2):
        words.add(base + "指标")
        words.add(base + "目标")
    words.update(("项目决策", "项目管理", "项目产出", "项目效益", "项目过程"))
    alternation = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(rf"(?:{alternation})(?:\(\d+(?:\.\d+)?分\)?)?")


@lru_cache(maxsize=1)
def _weak_levels() -> tuple[str, ...]:
    from corpus.indicators import LEVEL2

    return tuple(sorted((w for w in LEVEL2 if len(w) >= 2), key=len, reverse=True))


def _anagram(window: str, word: str) -> bool:
    if len(word) < 4 or len(window) not in (len(word), len(word) + 1):
        return False
    return not (Counter(word) - Counter(window))


def _read_header(text: str, pos: int) -> tuple[list[str], int]:
    """Column roles of the indicator header starting at `pos`, and where it ends."""
    roles: list[str] = []
    i = pos
    level = _level_pattern()
    while i < len(text):
        if level.match(text, i) and roles:
            break
        m = _DEVIATION.match(text, i)
        if m:
            roles.append("text")
            i = m.end()
            continue
        hit = next(((w, r) for w, r in _HEADER_WORDS if text.startswith(w, i)), None)
        if hit is None:
            hit = next(((text[i:i + n], r) for w, r in _HEADER_WORDS for n in (len(w), len(w) + 1)
                        if _anagram(text[i:i + n], w)), None)
        if hit:
            if hit[1] != "skip":
                roles.append(hit[1])
            i += len(hit[0])
            continue
        b = re.match(r"\([^()]{0,8}\)?|[A-Za-z]{1,2}\)?", text[i:])  # '(A)', '(B/A)', '(%)' after a header word
        if b and b.group(0):
            i += len(b.group(0))
            continue
        break
    return roles, i


def _find_table(text: str) -> Optional[int]:
    for m in re.finditer(r"一级指标|二级指标|三级指标|指标名称", text):
        window = text[m.start():m.start() + 60]
        if sum(w in window for w, r in _HEADER_WORDS if r != "skip" or w in ("二级指标", "三级指标")) >= 2:
            return m.start() - 4 if text[:m.start()].endswith("绩效指标") else m.start()
    return None


_EXPLAINS = re.compile(r"反映|用于|考察|衡量|是指|主要|指")


def _closes(s: str, end: int) -> bool:
    """Whether a word value can end here: at the end of the stretch or before a number
    (the next column). Inside running text a level word ('提升', '明显') is part of a name."""
    return end >= len(s) or s[end] in "0123456789≥≤<>=%"


def _value_candidates(s: str, pos: int, kind: str) -> list[tuple[int, float]]:
    """(end, score) of every token of `kind` that can start at `pos`."""
    out: list[tuple[int, float]] = []
    n = len(s)
    unit_cut = pos > 0 and s[pos - 1].isdigit() and any(s.startswith(u, pos) for u in _UNITS)
    if unit_cut and kind in ("value", "text", "unit"):
        return out  # '12' | '月完成': the unit belongs to the number before it
    if kind in ("num", "pct", "value"):
        p = pos
        if kind == "value" and s.startswith("%", p) and _COMPARATOR.match(s, p + 1):
            p += 1  # a stray '%' before '=99百分比'
        cm = _COMPARATOR.match(s, p) if kind == "value" else None
        q = cm.end() if cm else p
        run = re.match(r"\d[\d.]*", s[q:q + 16])
        if run:
            for k in range(1, len(run.group(0)) + 1):
                num = run.group(0)[:k]
                if not _number_ok(num):
                    continue
                end = q + k
                if kind == "num":
                    if float(num) <= 100 and not s.startswith("%", end):
                        out.append((end, 1.0))
                    continue
                if kind == "pct":
                    if s.startswith("%", end):
                        out.append((end + 1, 1.0))
                    continue
                units = [u for u in _UNITS if s.startswith(u, end)]
                if not s.startswith(".", end):  # a bare number; one cut off a run of digits is doubtful
                    out.append((end, 1.5 + (1.0 if cm else 0.0) - (2.0 if end < n and s[end].isdigit() else 0.0)))
                for u in units:
                    year = u == "年" and 1900 <= float(num) <= 2100  # '2026年12月底': a date in a name
                    out.append((end + len(u), (-3.0 if year else 3.0) + (1.0 if cm else 0.0)))
    if kind == "value":
        for size in range(1, 7):
            word = s[pos:pos + size]
            if word in _QUALITATIVE and (_closes(s, pos + size) or s.startswith(word, pos + size)):
                out.append((pos + size, 2.0))
        for size in range(2, 21):  # free text (a date, a phrase): weak on its own
            if pos + size <= n and _CJK.search(s[pos:pos + size]) and _closes(s, pos + size):
                out.append((pos + size, -5.0 - 0.1 * size))
    elif kind == "direction":
        m = re.match(r"是/否|>=|<=|≥|≤|>|<|=|正向|反向", s[pos:])
        if m:
            out.append((pos + len(m.group(0)), 1.5))
    elif kind == "nature":
        for w in _NATURES:
            if s.startswith(w, pos):
                out.append((pos + len(w), 0.3))
        for w in ("定量指标", "定性指标"):
            if _anagram(s[pos:pos + 4], w):
                out.append((pos + 4, 0.0))
    elif kind == "unit":
        for u in _UNITS:
            if s.startswith(u, pos):
                out.append((pos + len(u), 0.3))
        for size in range(1, 5):  # an OCR-garbled unit ('tot扁' for 篇)
            if re.fullmatch(r"[A-Za-z]{1,3}[\u4e00-\u9fff]?", s[pos:pos + size]):
                out.append((pos + size, -0.8))
    elif kind == "core":
        if s[pos:pos + 1] in ("是", "否"):
            out.append((pos + 1, 0.5))
    elif kind == "text":
        if not _CJK.match(s, pos):
            return out
        bonus = 3.0 if _EXPLAINS.match(s, pos) else 0.0
        for size in range(2, 41):
            if pos + size <= n:
                out.append((pos + size, bonus - 1.0 - 0.05 * size))
    return out


# slot kinds of each column role; optional roles may be empty
_SLOT = {"extra": "value", "target": "value", "actual": "value", "target2": "value", "weight": "num", "score": "num",
         "coef": "pct", "direction": "direction", "nature": "nature", "unit": "unit", "core": "core", "text": "text"}
_FILLED = {"target2": -3.5}  # 调整指标值 is mostly left empty
_VALUE_ROLES = {"extra", "target", "actual", "weight", "score", "coef"}
_OPTIONAL = {"target2": -0.8, "nature": 0.0, "unit": 0.0, "text": 0.0, "direction": -0.2, "actual": -4.5,
             "target": -4.5, "coef": -4.0, "weight": -2.5, "score": -2.5}


def _row_plausibility(roles: list[str], values: list[str]) -> float:
    """A row's 得分 is at most its 分值."""
    by_role = dict(zip(roles, values))
    w, sc = by_role.get("weight"), by_role.get("score")
    if w and sc and _number_ok(w) and _number_ok(sc):
        return 0.5 if float(sc) <= float(w) else -4.0
    return 0.0


def _name_score(name: str) -> Optional[float]:
    if name in _UNITS or name in _QUALITATIVE or len(_CJK.findall(name)) < 2 or name[0] in "%)）、,，。;；:：/" or len(name) > 60 or name[-1] in "、,，(（:：/%":
        return None
    score = 0.0
    if re.search(r"[A-Za-z]", name):
        score -= 1.5
    if re.match(r"^[\d.]+(?:%|[\u4e00-\u9fff]{1,2})?$", name):
        return None
    if len(name) < 4:
        score -= 1.0
    if "反映" in name[2:]:
        score -= 3.0  # the 指标解释 column run into the name
    return score


class _RowParser:
    """Best reading of one stretch between level labels as rows (see module docstring)."""

    def __init__(self, s: str, roles: list[str], after_l2: bool, strong_cats: set[str]):
        self.s = s
        self.roles = roles
        self.after_l2 = after_l2
        self.strong = strong_cats
        self.memo_row: dict[tuple[int, bool], tuple[float, list]] = {}
        self.memo_slot: dict[tuple[int, int], tuple[float, list]] = {}
        self.needed = {r for r in roles if r in ("target", "actual", "extra")} or _VALUE_ROLES

    def best(self, pos: int, after_l2: bool) -> tuple[float, list]:
        """(score, [(weak label|None, name, values)]) for s[pos:]."""
        key = (pos, after_l2)
        if key in self.memo_row:
            return self.memo_row[key]
        n = len(self.s)
        if pos >= n:
            return 0.0, []
        if pos > 0 and self.s[pos - 1].isdigit() and (
            self.s[pos].isdigit() or self.s[pos] in "%." or any(self.s.startswith(u, pos) for u in _UNITS)
        ):
            self.memo_row[key] = (float("-inf"), [])
            return self.memo_row[key]  # a row never starts inside a number or at its unit
        result: tuple[float, list] = (-2.0, [(None, self.s[pos:], None)])  # an unread tail
        starts = [(pos, None, 0.0)]
        if not after_l2:
            from corpus.indicators import classify_label

            for w in _weak_levels():
                if self.s.startswith(w, pos) and classify_label(w)[1] not in self.strong:
                    starts.append((pos + len(w), w, 1.0))
                    break
        for start, weak, bonus in starts:
            for q in range(start + 2, min(n, start + 60) + 1):
                ns = _name_score(self.s[start:q])
                if ns is None:
                    continue
                if q < n and self.s[q - 1].isdigit() and (self.s[q].isdigit() or self.s[q] == "."):
                    continue
                sc, vals = self.slots(q, 0)
                if vals is None:
                    continue
                total = 2.0 + bonus + ns + sc + _row_plausibility(self.roles, vals[0])
                if total > result[0]:
                    result = (total, [(weak, self.s[start:q], vals[0])] + vals[1])
        self.memo_row[key] = result
        return result

    def slots(self, pos: int, k: int) -> tuple[float, Optional[tuple[list, list]]]:
        """Best reading of columns k.. from `pos`, then the rows after: (score, (values, rows))."""
        key = (pos, k)
        if key in self.memo_slot:
            return self.memo_slot[key]
        n = len(self.s)
        roles = self.roles
        best: tuple[float, Optional[tuple[list, list]]] = (float("-inf"), None)
        if k == len(roles):
            if pos == n:
                best = (0.0, ([], []))
            else:
                sc, rows = self.best(pos, False)
                best = (sc, ([], rows))
            self.memo_slot[key] = best
            return best
        if pos >= n:  # the text stops inside the row (a cut-off document)
            if k > 0:
                rest = roles[k:]
                if all(r in _OPTIONAL for r in rest) and all(_OPTIONAL[r] == 0.0 for r in rest):
                    best = (0.0, ([""] * len(rest), []))  # only optional columns left empty
                else:
                    best = (-3.0 * len(rest) / len(roles), ([""] * len(rest), []))
            self.memo_slot[key] = best
            return best
        role = roles[k]
        options: list[tuple[int, float, list[str]]] = []
        pair = roles[k + 1:k + 2] == ["actual"] or roles[k + 1:k + 3] == ["target2", "actual"]
        if role == "target" and pair:
            gap = [""] if roles[k + 1] == "target2" else []
            for size in range(1, 21):  # the same text twice: target and actual
                a, b = pos + size, pos + 2 * size
                if b <= n and self.s[pos:a] == self.s[a:b] and (_CJK.search(self.s[pos:a]) or re.search(r"\d", self.s[pos:a])):
                    options.append((b, min(10.0, 4.0 + 0.5 * size), [self.s[pos:a], *gap, self.s[a:b]]))
        for end, sc in _value_candidates(self.s, pos, _SLOT.get(role, "text")):
            options.append((end, sc + _FILLED.get(role, 0.0), [self.s[pos:end]]))
        if role in _OPTIONAL:
            options.append((pos, _OPTIONAL[role], [""]))
        for end, sc, toks in options:
            rest_sc, rest = self.slots(end, k + len(toks))
            if rest is None:
                continue
            if k == 0 and not any(v for v, r in zip(toks + rest[0], roles) if r in self.needed):
                continue  # a row holds at least one value
            total = sc + rest_sc
            if total > best[0]:
                best = (total, (toks + rest[0], rest[1]))
        self.memo_slot[key] = best
        return best


def _table_rows(body: str, roles: list[str], next_row: Callable[[], int]) -> list[list[Piece]]:
    """Rows of the indicator table body: level labels, then name + one cell per role."""
    from corpus.indicators import classify_label

    body = _PLACEHOLDER.sub("", body)
    body = re.sub(r"绩效指标(?=[\u4e00-\u9fff]{2,8}指标)|(?<=[\d%是否])绩效指标", "", body)  # a merged group cell
    out: list[list[Piece]] = []
    strong = {classify_label(m.group(0))[1] for m in _level_pattern().finditer(body)
              if classify_label(m.group(0))[0] == "L2"}
    emitted = [r for r in roles if r in _CANONICAL]
    out.append([Piece("三级指标")] + [Piece(_CANONICAL[r]) for r in emitted])
    pos = 0
    after_l2 = False
    segments: list[tuple[Optional[str], str]] = []
    for m in _level_pattern().finditer(body):
        if m.start() > pos:
            segments.append((None, body[pos:m.start()]))
        segments.append((m.group(0), ""))
        pos = m.end()
    if pos < len(body):
        segments.append((None, body[pos:]))
    for label, text in segments:
        if label:
            kind = classify_label(label)[0]
            out.append([Piece(label)])
            after_l2 = kind == "L2" or (kind == "L1?" and after_l2)
            continue
        if not text:
            continue
        parser = _RowParser(text, roles, after_l2, strong)
        _, rows = parser.best(0, after_l2)
        for weak, name, values in rows:
            if values is None:
                out.append([Piece(name)])
                continue
            row = next_row()
            cells = [Piece(weak, row)] if weak else []
            cells.append(Piece(name, row))
            by_role: dict[str, str] = {}
            for r, v in zip(roles, values):
                by_role.setdefault(r, v)
            for r in emitted:
                cells.append(Piece(_with_unit(by_role, r), row))
            out.append(cells)
        after_l2 = False
    return out


def _with_unit(by_role: dict[str, str], role: str) -> str:
    """A column's value with the row's 计量单位 or 指标方向 folded in, as one-cell forms write it."""
    v = by_role.get(role, "")
    if role not in ("target", "actual") or not v:
        return v
    if v.startswith("%") and _COMPARATOR.match(v, 1):
        v = v[1:]  # '%=99百分比': a stray mark before the comparator
    unit = by_role.get("unit", "")
    if unit and re.fullmatch(r"[\d.]+", v):
        v += unit
    direction = by_role.get("direction", "")
    if role == "target" and direction and _COMPARATOR.fullmatch(direction) and not _COMPARATOR.match(v):
        v = direction + v
    m = re.fullmatch(r"2(\d{2}(?:\.\d+)?)%", v)
    if m and role == "target" and float(v[:-1]) > 100:
        v = "≥" + m.group(1) + "%"  # '290%': '≥' read as 2
    return v


def word_value_tail(name: str) -> Optional[str]:
    """A qualitative level of two characters or more closing a name cell ('…情况稳步提高'),
    when what is left still reads as a name ending in a noun (情况, 水平, 程度…)."""
    for size in range(6, 1, -1):
        word = name[-size:]
        head = name[:-size]
        if word in _QUALITATIVE and len(head) >= 4 and re.search(r"(?:情况|水平|程度|状况|能力|质量|环境|条件|效果|作用)$", head):
            return word
    return None


# --- entry point -----------------------------------------------------------------------

def recover_text(text: str) -> list[list[Piece]]:
    """A run-together paragraph as rows of pieces."""
    counter = [0]

    def next_row() -> int:
        counter[0] += 1
        return counter[0]

    start = _find_table(text)
    if start is None:
        return _header_pieces(text, next_row)
    rows = _header_pieces(text[:start], next_row)
    roles, body_start = _read_header(text, start)
    roles = [r for r in roles if r != "name"] or ["target"]
    if "target" not in roles and roles and roles[-1] in ("text", "direction", "nature"):
        roles.append("target")
    end = _TABLE_END.search(text, body_start)
    again = _NEXT_FORM.search(text, body_start, end.start() if end else len(text))
    if again:  # a second form follows on the same page: its title closes this table
        body = text[body_start:again.end()]
        rows.extend(_table_rows(body, roles, next_row))
        rows.extend(recover_text(text[again.end():]))
        return rows
    body = text[body_start:end.start() if end else len(text)]
    roles, body = _multi_target(roles, body)
    table = _table_rows(body, roles, next_row)
    rows.extend(table)
    if end:
        tail = text[end.start():]
        m = re.match(r"(?:总分|综合得分)[\d.]*", tail)
        if m:
            rows.append([Piece(m.group(0))])
            tail = tail[m.end():]
        if tail:
            rows.append([Piece(tail)])
    return rows


def _multi_target(roles: list[str], body: str) -> tuple[list[str], str]:
    """Forms with one target column per recipient (区域目标值 新罗区 永定区…, or 指标方向
    笏石街道办 埭头镇): the header names them in words no lexicon holds, so their count is
    the one under which the first stretches of the table read best. The recipients'
    names are dropped from the body."""
    first = _level_pattern().search(body)
    if first is None or first.start() == 0 or re.search(r"\d", body[:first.start()]) or "target" not in roles:
        return roles, body
    body = body[first.start():]
    sample = [seg for seg in _level_pattern().split(body) if seg][:3]
    best_roles, best_score = roles, float("-inf")
    at = roles.index("target") + 1
    for n in range(1, 9):
        trial = roles[:at] + ["extra"] * (n - 1) + roles[at:]
        total = sum(_RowParser(seg, trial, True, set()).best(0, True)[0] for seg in sample)
        if total > best_score + 0.5:
            best_roles, best_score = trial, total
    return best_roles, body


def recover(lines: list[Line]) -> dict[int, list[tuple[list[Piece], Line]]]:
    """{line index: rows} for the run-together paragraphs; their other lines map to []."""
    out: dict[int, list[tuple[list[Piece], Line]]] = {}
    for first, last in _groups(lines):
        group = lines[first:last + 1]
        kept = [l for l in group if not _PREAMBLE.search(l.text)]
        if not kept:
            continue
        text = _joined_text(kept)
        span = Line(text=text, no=group[0].no, page=group[0].page, no_end=group[-1].no_end)
        out[first] = [(r, span) for r in recover_text(text)]
        for k in range(first + 1, last + 1):
            out[k] = []
    return out
