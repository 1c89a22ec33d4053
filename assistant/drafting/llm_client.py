"""One chat completion against an OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp server…), its
failures turned into `LLMError`s. httpx is imported only when a request is made.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Optional

from pydantic import BaseModel

from assistant.drafting.llm_config import LLMConfig
from assistant.drafting.llm_errors import LLMHTTPError, LLMMalformed, LLMRefusal, LLMTimeout, LLMUnavailable

log = logging.getLogger(__name__)


class ChatReply(BaseModel):
    """The parts of a chat completion that matter here."""

    content: str
    finish_reason: Optional[str] = None
    refusal: Optional[str] = None
    model: str = ""
    latency_s: float = 0.0


MAX_ANSWER_BYTES = 4 * 2**20
"""The most an answer may be, decompressed (why: a 300 MB or gzip-bomb answer must not fill memory)."""


class _Response:
    """Status and body of a response read under the size cap and the total deadline."""

    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code = status_code
        self.body = body

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except RecursionError:  # `[` × 200k: refused, not a crash
            raise ValueError("JSON 嵌套过深") from None


def _post(config: LLMConfig, payload: dict) -> tuple[_Response, float]:
    """(response, seconds the request took). `timeout_s` bounds the whole request, not each read,
    so a server dripping a byte every 2 s cannot stretch one answer past it."""
    import httpx

    headers = {"Content-Type": "application/json"}
    if config.api_key is not None:
        headers["Authorization"] = f"Bearer {config.api_key.get_secret_value()}"
    start = time.monotonic()
    deadline = start + config.timeout_s
    try:
        with httpx.Client(timeout=httpx.Timeout(config.timeout_s)) as client:
            with client.stream("POST", config.endpoint, json=payload, headers=headers) as resp:
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():  # decoded: the cap holds for compressed answers too
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise LLMMalformed(f"回答超过 {MAX_ANSWER_BYTES // 2**20} MiB 上限，已放弃")
                    if time.monotonic() > deadline:
                        raise LLMTimeout(f"超时（{config.timeout_s:g} 秒）")
                    chunks.append(chunk)
                return _Response(resp.status_code, b"".join(chunks)), time.monotonic() - start
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
