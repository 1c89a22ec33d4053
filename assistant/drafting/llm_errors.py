"""Why a model gave no usable answer: one exception per cause, each with a short Chinese `reason` for notices.

`LLMUnavailable` and its subclasses mean the endpoint itself is unusable, so `LLMDrafter` stops asking it.
"""

from __future__ import annotations


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
