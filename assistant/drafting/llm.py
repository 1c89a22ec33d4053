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

This module holds the drafter; the parts live beside it: `llm_config` (the endpoint),
`llm_client` (the chat call), `llm_prompt` (fenced prompts), `llm_answer` (parsing,
cleaning, validating the answer) and `llm_errors`. Their public names are re-exported here.

Example:
    >>> drafter = llm_drafter(base_url="http://127.0.0.1:8000/v1", model="Qwen2.5-7B-Instruct")
    >>> draft = new_project(spec, drafter=drafter)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from pydantic import BaseModel, ValidationError

from assistant.drafting.llm_answer import (
    MIN_TEXT_LIMIT, LLMAnswer, clean_text, extract_json, unsupported_sentences, validate_answer,
)
from assistant.drafting.llm_client import ChatReply, chat
from assistant.drafting.llm_config import (
    CONFIG_FILE, ENV_API_KEY, ENV_BASE_URL, ENV_MODEL, ENV_TIMEOUT, NOT_CONFIGURED_HELP, LLMConfig, llm_configured,
    load_config,
)
from assistant.drafting.llm_errors import (
    LLMError, LLMHTTPError, LLMInvalid, LLMMalformed, LLMNotConfigured, LLMRefusal, LLMTimeout, LLMUnavailable,
)
from assistant.drafting.llm_prompt import MAX_PRECEDENT_CHARS, SECTION_TITLES, fence_safe, render_messages
from assistant.drafting.render import Drafter, OfflineDrafter, Precedent, SectionDraft

__all__ = [
    "CONFIG_FILE", "ENV_API_KEY", "ENV_BASE_URL", "ENV_MODEL", "ENV_TIMEOUT", "MAX_PRECEDENT_CHARS", "MIN_TEXT_LIMIT",
    "NOT_CONFIGURED_HELP", "SECTION_TITLES", "ChatReply", "EndpointCheck", "LLMAnswer", "LLMConfig", "LLMDrafter",
    "LLMError", "LLMHTTPError", "LLMInvalid", "LLMMalformed", "LLMNotConfigured", "LLMRefusal", "LLMTimeout",
    "LLMUnavailable", "chat", "check_endpoint", "clean_text", "extract_json", "fence_safe", "llm_configured",
    "llm_drafter", "load_config", "render_messages", "unsupported_sentences", "validate_answer",
]

log = logging.getLogger(__name__)


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
