"""Where the chat endpoint is and how to call it: `LLMConfig`, read from arguments (CLI flags), then the
environment (`JIXIAO_LLM_BASE_URL`, `JIXIAO_LLM_MODEL`, `JIXIAO_LLM_API_KEY`, `JIXIAO_LLM_TIMEOUT`),
then `llm.toml` in the jixiao home, strongest first.

Example:
    >>> load_config(base_url="http://127.0.0.1:8000/v1", model="Qwen2.5-7B-Instruct").endpoint
    'http://127.0.0.1:8000/v1/chat/completions'
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator

from assistant.drafting.llm_errors import LLMNotConfigured

ENV_BASE_URL, ENV_MODEL, ENV_API_KEY, ENV_TIMEOUT = (
    "JIXIAO_LLM_BASE_URL", "JIXIAO_LLM_MODEL", "JIXIAO_LLM_API_KEY", "JIXIAO_LLM_TIMEOUT")
CONFIG_FILE = "llm.toml"
NOT_CONFIGURED_HELP = (
    f"未配置模型服务。请设置环境变量 {ENV_BASE_URL}（OpenAI 兼容接口地址，如 http://127.0.0.1:8000/v1）"
    f"和 {ENV_MODEL}（模型名，如 Qwen2.5-7B-Instruct），需要时再设 {ENV_API_KEY}、{ENV_TIMEOUT}（秒）；"
    f"或在数据目录的 {CONFIG_FILE} 中写 base_url、model；或在命令行用 --llm-url、--llm-model 指定"
)


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
