"""Optional LLM drafter over an OpenAI-compatible chat API (vLLM, Ollama, llama.cpp server…).

The model's answer is untrusted text. Precedents go into the prompt fenced as data
(`<<<先例 P1 开始>>> … <<<先例 P1 结束>>>`, with any fence-like sequence inside them
neutralised); the answer must be one JSON object `{"text": …, "citations": ["P1"]}`
and is parsed into `LLMAnswer`, cleaned (control characters, HTML, scripts and
markdown links removed), bounded in length, and its citations are kept only if they
name a precedent that was in the prompt. Timeout, connection or HTTP errors, refusals,
malformed or invalid answers make `LLMDrafter` fall back to the offline drafter for
that section and say why in a Chinese notice.

Configuration, strongest first: arguments (CLI flags), environment
(`JIXIAO_LLM_BASE_URL`, `JIXIAO_LLM_MODEL`, `JIXIAO_LLM_API_KEY`, `JIXIAO_LLM_TIMEOUT`),
then `llm.toml` in the jixiao home.

Example:
    >>> drafter = llm_drafter(base_url="http://127.0.0.1:8000/v1", model="Qwen2.5-7B-Instruct")
    >>> draft = new_project(spec, drafter=drafter)
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import time
import unicodedata
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator

from assistant.drafting.new_project import SECTIONS
from assistant.drafting.render import Drafter, OfflineDrafter, Precedent, SectionDraft, _money, environment

log = logging.getLogger(__name__)

ENV_BASE_URL, ENV_MODEL, ENV_API_KEY, ENV_TIMEOUT = (
    "JIXIAO_LLM_BASE_URL", "JIXIAO_LLM_MODEL", "JIXIAO_LLM_API_KEY", "JIXIAO_LLM_TIMEOUT")
CONFIG_FILE = "llm.toml"
NOT_CONFIGURED_HELP = (
    f"未配置模型服务。请设置环境变量 {ENV_BASE_URL}（OpenAI 兼容接口地址，如 http://127.0.0.1:8000/v1）"
    f"和 {ENV_MODEL}（模型名，如 Qwen2.5-7B-Instruct），需要时再设 {ENV_API_KEY}、{ENV_TIMEOUT}（秒）；"
    f"或在数据目录的 {CONFIG_FILE} 中写 base_url、model；或在命令行用 --llm-url、--llm-model 指定"
)
SECTION_TITLES = dict(SECTIONS)  # kind → 栏目 title, for prompts and notices
MAX_PRECEDENT_CHARS = 2000  # per precedent in the prompt
MIN_TEXT_LIMIT = 3000  # an answer may be up to max(this, 4 × the longest precedent) characters


# ---------------------------------------------------------------- errors


class LLMError(Exception):
    """The model could not give a usable answer; `reason` is a short Chinese phrase for notices."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class LLMNotConfigured(LLMError):
    """No endpoint or model configured, or the configuration is invalid."""


class LLMUnavailable(LLMError):
    """The endpoint is unusable (timeout, no connection, HTTP error): later requests would fail too."""


class LLMTimeout(LLMUnavailable):
    """No answer within the configured timeout."""


class LLMHTTPError(LLMUnavailable):
    """The endpoint answered with an HTTP error status."""

    def __init__(self, reason: str, status: int):
        super().__init__(reason)
        self.status = status


class LLMMalformed(LLMError):
    """The answer is not the JSON object the prompt asks for."""


class LLMRefusal(LLMError):
    """The model declined (refusal phrase, empty text, content filter)."""


class LLMInvalid(LLMError):
    """The answer parsed but failed validation (too long, nothing left after cleaning…)."""


# ---------------------------------------------------------------- configuration


class LLMConfig(BaseModel):
    """Where and how to call the chat endpoint."""

    base_url: str = Field(description="OpenAI-compatible base URL, usually ending in /v1")
    model: str
    api_key: Optional[SecretStr] = None
    timeout_s: float = Field(60.0, gt=0, le=3600)
    max_tokens: int = Field(1500, gt=0)
    temperature: float = Field(0.2, ge=0, le=2)
    json_mode: bool = True  # send response_format json_object (retried without it on HTTP 400)

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError(f"模型服务地址须以 http:// 或 https:// 开头（现为「{v}」）")
        return v.removesuffix("/chat/completions")

    @field_validator("model")
    @classmethod
    def _model(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("模型名不能为空")
        return v.strip()

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/chat/completions"


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LLMNotConfigured(f"模型配置文件 {path} 无法读取：{exc}") from exc
    return data.get("llm", data) if isinstance(data.get("llm"), dict) else data


def load_config(
    home: Optional[Path] = None, *, base_url: Optional[str] = None, model: Optional[str] = None,
    api_key: Optional[str] = None, timeout_s: Optional[float] = None,
) -> LLMConfig:
    """The endpoint configuration: arguments override the environment, which overrides `<home>/llm.toml`.

    Raises:
        LLMNotConfigured: no base URL or model anywhere, or a value is invalid (message says how to fix).
    """
    from assistant.home import home as current_home

    path = (home or current_home()) / CONFIG_FILE
    values: dict[str, Any] = _read_toml(path) if path.is_file() else {}
    env = {"base_url": os.environ.get(ENV_BASE_URL), "model": os.environ.get(ENV_MODEL),
           "api_key": os.environ.get(ENV_API_KEY), "timeout_s": os.environ.get(ENV_TIMEOUT)}
    given = {"base_url": base_url, "model": model, "api_key": api_key, "timeout_s": timeout_s}
    for layer in (env, given):
        values.update({k: v for k, v in layer.items() if v not in (None, "")})
    if not values.get("base_url") or not values.get("model"):
        raise LLMNotConfigured(NOT_CONFIGURED_HELP)
    try:
        return LLMConfig.model_validate(values)
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors())
        raise LLMNotConfigured(f"模型服务配置有误（{problems}）。{NOT_CONFIGURED_HELP}") from exc


def llm_configured(home: Optional[Path] = None) -> bool:
    """True when an endpoint and model are configured (environment or llm.toml); makes no request."""
    try:
        load_config(home)
    except LLMNotConfigured:
        return False
    return True


# ---------------------------------------------------------------- the chat call


class ChatReply(BaseModel):
    """The parts of a chat completion that matter here."""

    content: str
    finish_reason: Optional[str] = None
    refusal: Optional[str] = None
    model: str = ""
    latency_s: float = 0.0


def _post(config: LLMConfig, payload: dict) -> tuple[Any, float]:
    """(response, seconds the request took)."""
    import httpx

    headers = {"Content-Type": "application/json"}
    if config.api_key is not None:
        headers["Authorization"] = f"Bearer {config.api_key.get_secret_value()}"
    try:
        with httpx.Client(timeout=httpx.Timeout(config.timeout_s)) as client:
            start = time.monotonic()
            resp = client.post(config.endpoint, json=payload, headers=headers)
            return resp, time.monotonic() - start
    except httpx.TimeoutException as exc:
        raise LLMTimeout(f"超时（{config.timeout_s:g} 秒）") from exc
    except httpx.HTTPError as exc:
        raise LLMUnavailable(f"无法连接（{config.base_url}）") from exc


def chat(config: LLMConfig, messages: list[dict[str, str]]) -> ChatReply:
    """One chat completion; HTTP 400 with json_mode is retried once without `response_format`.

    Raises:
        LLMTimeout, LLMUnavailable, LLMHTTPError, LLMMalformed, LLMRefusal.
    """
    payload: dict[str, Any] = {"model": config.model, "messages": messages, "temperature": config.temperature,
                               "max_tokens": config.max_tokens, "stream": False}
    if config.json_mode:
        payload["response_format"] = {"type": "json_object"}
    resp, latency = _post(config, payload)
    if resp.status_code == 400 and "response_format" in payload:
        log.info("endpoint rejected response_format; retrying without it")
        del payload["response_format"]
        resp, latency = _post(config, payload)
    if resp.status_code >= 400:
        raise LLMHTTPError(f"返回 HTTP {resp.status_code}", resp.status_code)
    try:
        body = resp.json()
        choice = body["choices"][0]
        message = choice.get("message") or {}
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise LLMMalformed("返回的不是 OpenAI 格式的回答") from exc
    finish = choice.get("finish_reason")
    refusal = message.get("refusal") if isinstance(message.get("refusal"), str) else None
    if finish == "content_filter" or (refusal or "").strip():
        raise LLMRefusal("拒绝作答（内容过滤）" if finish == "content_filter" else "拒绝作答")
    content = message.get("content")
    if isinstance(content, list):  # content parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    if not isinstance(content, str):
        raise LLMRefusal("返回了空回答")
    return ChatReply(content=content, finish_reason=finish, refusal=refusal, model=str(body.get("model") or ""),
                     latency_s=latency)


# ---------------------------------------------------------------- prompts


_FENCE_RUN = re.compile(r"[<＜﹤‹«]{2,}|[>＞﹥›»]{2,}")


def fence_safe(text: Optional[str]) -> str:
    """Text that cannot open or close a `<<< … >>>` fence (runs of angle brackets become single ‹ ›)."""
    text = _FENCE_RUN.sub(lambda m: "‹" if m.group()[0] in "<＜﹤‹«" else "›", text or "")
    return _strip_controls(text)


def render_messages(kind: str, project: dict, precedents: Sequence[Precedent]) -> list[dict[str, str]]:
    """The system and user messages, rendered from prompts/llm_system.j2 and prompts/llm_section.j2."""
    safe_project = {k: fence_safe(str(v)) if isinstance(v, str) else v for k, v in project.items()}
    safe = [p.model_copy(update={"text": fence_safe(p.text[:MAX_PRECEDENT_CHARS]), "project": fence_safe(p.project),
                                 "unit": fence_safe(p.unit)}) for p in precedents]
    title = SECTION_TITLES.get(kind, kind)
    env = environment()
    system = env.get_template("llm_system.j2").render(title=title).strip()
    user = env.get_template("llm_section.j2").render(
        kind=kind, title=title, project=safe_project, precedents=safe,
        money=lambda x: _money(x if isinstance(x, (int, float)) else None),
        truncated=any(len(p.text) > MAX_PRECEDENT_CHARS for p in precedents)).strip()
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


# ---------------------------------------------------------------- the answer


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
        except ValueError:
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
_SCHEME = re.compile(r"\b(?:javascript|vbscript|data)\s*:", re.I)
_FENCE_LINE = re.compile(r"^\s*(?:```[\w-]*|<<<[^<>\n]*>>>)\s*$", re.M)


def _strip_controls(text: str) -> str:
    """Drop control and format characters (zero-width, bidi overrides) but keep newlines and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))


def clean_text(text: str) -> tuple[str, list[str]]:
    """Plain text safe to show and export, and what kinds of things were removed (Chinese phrases)."""
    removed: list[str] = []
    out = _strip_controls(text)
    if out != text.replace("\r\n", "\n").replace("\r", "\n"):
        removed.append("控制字符")
    out = before = html.unescape(out)
    out = _DANGEROUS_BLOCK.sub("", out)
    out = _TAG.sub("", out)
    out = _MD_IMAGE.sub(r"\1", out)
    out = _MD_LINK.sub(r"\1", out)
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


def _norm(n: str) -> str:
    n = n.replace(",", "").replace("，", "")
    return n.rstrip("0").rstrip(".") if "." in n else n


def _numbers(text: str) -> set[str]:
    return {_norm(n) for n in _NUMBER.findall(text)}


def unsupported_sentences(text: str, project: dict, precedents: Sequence[Precedent]) -> list[str]:
    """Sentences stating a figure or a 《title》 found in neither the precedents nor the writer's facts."""
    context = "\n".join([p.text for p in precedents] + [str(v) for v in project.values() if v is not None])
    known = _numbers(context)
    year = project.get("year")
    if isinstance(year, int):
        known |= {str(year), str(year - 1), str(year + 1)}
    budget = project.get("budget")
    if isinstance(budget, (int, float)):
        known |= {_norm(f"{budget:.2f}"), _norm(f"{budget / 10000:.4f}")}
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


# ---------------------------------------------------------------- the drafter


class LLMDrafter:
    """Drafts sections with a chat model; any failure falls back to `fallback` for that section.

    After a timeout, connection or HTTP error the endpoint is not asked again by this instance (each
    later section would wait as long), and the remaining sections are drafted offline: make one
    instance per draft.
    """

    def __init__(self, config: LLMConfig, fallback: Optional[Drafter] = None,
                 progress: Optional[Callable[[str], None]] = None):
        self.config = config
        self.fallback = fallback or OfflineDrafter()
        self.progress = progress
        self._down: Optional[str] = None

    @property
    def label(self) -> str:
        return f"模型 {self.config.model}"

    def draft_section(self, kind: str, project: dict, precedents: Sequence[Precedent]) -> SectionDraft:
        title = SECTION_TITLES.get(kind, kind)
        if self._down is not None:
            return self._fall_back(kind, project, precedents,
                                   f"模型服务此前{self._down}，「{title}」已直接改用离线起草（本次不再请求模型）")
        if self.progress:
            self.progress(f"请模型起草「{title}」…")
        try:
            reply = chat(self.config, render_messages(kind, project, precedents))
            text, used, notices = validate_answer(reply, precedents)
        except LLMUnavailable as exc:
            self._down = exc.reason
            return self._fall_back(kind, project, precedents, f"模型服务{exc.reason}，「{title}」已改用离线起草")
        except LLMError as exc:
            return self._fall_back(kind, project, precedents, f"模型{exc.reason}，「{title}」已改用离线起草")
        log.info("section %s drafted by %s in %.1fs", kind, self.config.model, reply.latency_s)
        return SectionDraft(text=text, used=used, author="llm", label=self.label,
                            notices=[f"「{title}」{n}" for n in notices],
                            unsupported=unsupported_sentences(text, project, precedents))

    def _fall_back(self, kind: str, project: dict, precedents: Sequence[Precedent], notice: str) -> SectionDraft:
        log.info("%s", notice)
        result = self.fallback.draft_section(kind, project, precedents)
        return result.model_copy(update={"author": "fallback", "label": "离线模板（模型失败后改用）",
                                         "notices": [notice, *result.notices]})


def llm_drafter(home: Optional[Path] = None, *, progress: Optional[Callable[[str], None]] = None,
                **overrides: Any) -> LLMDrafter:
    """An `LLMDrafter` from the configuration (see `load_config`); raises LLMNotConfigured."""
    return LLMDrafter(load_config(home, **overrides), progress=progress)


class EndpointCheck(BaseModel):
    """Result of one tiny request to the endpoint."""

    endpoint: str
    model: str
    answered_model: str = ""
    latency_s: float
    json_ok: bool


def check_endpoint(config: LLMConfig) -> EndpointCheck:
    """Send one tiny request; raises LLMError (timeout, no connection, HTTP error, refusal)."""
    messages = [
        {"role": "system", "content": '只输出一个 JSON 对象，格式为 {"text": "…", "citations": []}。'},
        {"role": "user", "content": '请回答：{"text": "可用", "citations": []}'},
    ]
    reply = chat(config.model_copy(update={"max_tokens": min(config.max_tokens, 64)}), messages)
    try:
        json_ok = bool(LLMAnswer.model_validate(extract_json(reply.content)).text.strip())
    except (LLMError, ValidationError):
        json_ok = False
    return EndpointCheck(endpoint=config.endpoint, model=config.model, answered_model=reply.model,
                         latency_s=reply.latency_s, json_ok=json_ok)
