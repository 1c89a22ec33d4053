"""The model's answer, which is untrusted text: the JSON object `{"text": …, "citations": ["P1"]}` found and
parsed into `LLMAnswer`, cleaned (control characters, HTML, scripts and markdown links removed), bounded in
length, citations kept only if they name a precedent of the prompt, and sentences whose figures or 《titles》
appear nowhere in the prompt pointed out.

Example:
    >>> clean_text("**完成**<script>x</script>")
    ('完成', ['HTML/脚本/Markdown 标记'])
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Optional, Sequence

from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.drafting.llm_client import ChatReply
from assistant.drafting.llm_errors import LLMInvalid, LLMMalformed, LLMRefusal
from assistant.drafting.llm_prompt import fence_safe
from assistant.drafting.render import Precedent
from assistant.drafting.text import strip_controls

MIN_TEXT_LIMIT = 3000  # an answer may be up to max(this, 4 × the longest precedent) characters


class LLMAnswer(BaseModel):
    """The JSON object the prompt asks for."""

    text: str
    citations: list[str] = Field(default_factory=list)

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            return "\n".join(v)
        return "" if v is None else v

    @field_validator("citations", mode="before")
    @classmethod
    def _citations(cls, v: Any) -> Any:
        if v is None:
            return []
        if isinstance(v, (str, int)):
            v = re.split(r"[,，、\s]+", str(v))
        if isinstance(v, list):
            return [str(x).strip() for x in v if str(x).strip()]
        return v


_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.S | re.I)


def extract_json(content: str) -> dict:
    """The first JSON object in the answer with a "text" key, wherever it sits (code fences, prose around it).

    Raises:
        LLMMalformed: none found.
    """
    text = _THINK.sub("", content).strip()
    decoder = json.JSONDecoder(strict=False)
    first: Optional[dict] = None
    for m in re.finditer(r"\{", text):
        try:
            obj, _ = decoder.raw_decode(text, m.start())
        except (ValueError, RecursionError):  # `[` × 200k nests past the stack: not an answer
            continue
        if isinstance(obj, dict):
            if "text" in obj:
                return obj
            first = first or obj
    if first is not None:
        raise LLMMalformed("回答中的 JSON 没有 text 字段")
    raise LLMMalformed("回答不是所要求的 JSON")


_REFUSAL = re.compile(
    r"^\s*(?:很抱歉|抱歉|对不起|不好意思|我无法|我不能|无法(?:为您|提供|完成|回答|协助|生成)|作为(?:一个)?(?:AI|人工智能)"
    r"|I(?:'|’)?m sorry|I am sorry|Sorry|I can(?:not|'t|’t)|I'm unable|I am unable|As an AI)", re.I)
_DANGEROUS_BLOCK = re.compile(r"<\s*(script|style|iframe|object|embed|svg|math|template|noscript)\b.*?(?:<\s*/\s*\1\s*>|$)",
                              re.S | re.I)
_TAG = re.compile(r"<!--.*?(?:-->|$)|<\s*/?\s*[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?\s*>", re.S)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^()\s]*(?:\([^()]*\)[^()\s]*)*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^()\s]*(?:\([^()]*\)[^()\s]*)*\)")
# `[x] (http://…)` / `[x]( http://… )`: a space that markdown renderers forgive; only a URL-looking
# target, so `[1] (见附件)` stays as written
_MD_LINK_SPACED = re.compile(r"\[([^\]]+)\]\s*\(\s*(?:[A-Za-z][A-Za-z0-9+.-]*:|www\.|/)[^()\n]*\)")
# a tag the model never closed, with an attribute (`<img src=x onerror=alert(1)` to the end of the line
# or the next `<`): a browser or a later concatenation can still complete it; `a<b`, `<=45天` stay
_UNCLOSED_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9:-]*\s[^<>\n]*=[^<>\n]*")
# bare URLs (any scheme://, www.) and protocol-relative //host: ASCII URL characters only, so the
# Chinese text after a URL stays
_BARE_URL = re.compile(r"(?:(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://|(?<![A-Za-z0-9.-])www\.|(?<![:/A-Za-z0-9])//(?=[A-Za-z0-9-]+\.))"
                       r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_SCHEME = re.compile(r"\b(?:javascript|vbscript|data)\s*:", re.I)
_FENCE_LINE = re.compile(r"^\s*(?:```[\w-]*|<<<[^<>\n]*>>>)\s*$", re.M)



def clean_text(text: str) -> tuple[str, list[str]]:
    """Plain text safe to show and export, and what kinds of things were removed (Chinese phrases)."""
    removed: list[str] = []
    out = strip_controls(text)
    if out != text.replace("\r\n", "\n").replace("\r", "\n"):
        removed.append("控制字符")
    out = before = html.unescape(out)
    out = _DANGEROUS_BLOCK.sub("", out)
    out = _TAG.sub("", out)
    out = _UNCLOSED_TAG.sub("", out)
    out = _MD_IMAGE.sub(r"\1", out)
    out = _MD_LINK.sub(r"\1", out)
    out = _MD_LINK_SPACED.sub(r"\1", out)
    out = _BARE_URL.sub("", out)
    out = _SCHEME.sub("", out)
    out = _FENCE_LINE.sub("", out)
    out = re.sub(r"^#{1,6}\s+", "", out, flags=re.M).replace("**", "")
    if out != before:
        removed.append("HTML/脚本/Markdown 标记")
    out = re.sub(r"[ \t]+\n", "\n", out)
    out = re.sub(r"\n{3,}", "\n\n", out).strip()
    return out, removed


def validate_answer(reply: ChatReply, precedents: Sequence[Precedent]) -> tuple[str, list[str], list[str]]:
    """(clean text, citations kept, notices) from a reply, or an LLMError saying why it is unusable."""
    try:
        data = extract_json(reply.content)
    except LLMMalformed:
        if _REFUSAL.match(_THINK.sub("", reply.content)):
            raise LLMRefusal("拒绝作答") from None
        if reply.finish_reason == "length":
            raise LLMMalformed("回答超出长度上限被截断（可调大 max_tokens）") from None
        raise
    try:
        answer = LLMAnswer.model_validate(data)
    except ValidationError as exc:
        raise LLMMalformed("回答的 JSON 字段类型不对") from exc
    raw = answer.text.strip()
    if not raw:
        raise LLMRefusal("返回了空正文")
    if _REFUSAL.match(raw) and len(raw) < 200:
        raise LLMRefusal("拒绝作答")
    text, removed = clean_text(raw)
    if not text:
        raise LLMInvalid("输出清理后没有正文")
    limit = max(MIN_TEXT_LIMIT, 4 * max((len(p.text) for p in precedents), default=0))
    if len(text) > limit:
        raise LLMInvalid(f"输出过长（{len(text)} 字，上限 {limit} 字）")
    notices = [f"模型输出中的{what}已删除" for what in removed]
    refs = {p.ref for p in precedents}
    kept: list[str] = []
    dropped: list[str] = []
    for c in answer.citations:
        m = re.fullmatch(r"\[?\s*[Pp]\s*(\d{1,3})\s*\]?", c)
        ref = f"P{int(m.group(1))}" if m else c
        if ref in refs:
            if ref not in kept:
                kept.append(ref)
        else:
            dropped.append(fence_safe(c)[:20])
    if dropped:
        notices.append(f"模型引用了提示中没有的先例 {'、'.join(dropped)}，已忽略这些引用")
    if not kept:
        notices.append("模型未注明参考了哪份先例，本段不标出处，请自行核对")
    return text, kept, notices


_NUMBER = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")
_TITLE = re.compile(r"《([^《》]{2,80})》")


def _plain_number(n: str) -> str:
    """'1,200,000.50' → '1200000.5': figures compare equal however they are written."""
    n = n.replace(",", "").replace("，", "")
    return n.rstrip("0").rstrip(".") if "." in n else n


def _numbers(text: str) -> set[str]:
    return {_plain_number(n) for n in _NUMBER.findall(text)}


def unsupported_sentences(text: str, project: dict, precedents: Sequence[Precedent]) -> list[str]:
    """Sentences stating a figure or a 《title》 found in neither the precedents nor the writer's facts."""
    context = "\n".join([p.text for p in precedents] + [str(v) for v in project.values() if v is not None])
    known = _numbers(context)
    year = project.get("year")
    if isinstance(year, int):
        known |= {str(year), str(year - 1), str(year + 1)}
    budget = project.get("budget")
    if isinstance(budget, (int, float)):
        known |= {_plain_number(f"{budget:.2f}"), _plain_number(f"{budget / 10000:.4f}")}
    out: list[str] = []
    for sentence in re.split(r"(?<=[。；;！？\n])", text):
        s = sentence.strip()
        if not s:
            continue
        bare = re.sub(r"【待填[^】]*】", "", s)
        bare = re.sub(r"^\s*[（(]?\d{1,2}[)）、.．]", "", bare)  # list numbering
        figures = {n for n in _numbers(bare) if float(n) > 12} - known
        titles = {t for t in _TITLE.findall(bare) if t not in context}
        if figures or titles:
            out.append(s)
    return out
