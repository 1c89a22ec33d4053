"""The fake OpenAI-compatible server (`tests/fake_openai_server.py`) as a running local process,
and the fixtures the model-drafting tests share."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

SERVER = Path(__file__).resolve().parent / "fake_openai_server.py"


@contextmanager
def fake_llm_server(log: Path) -> Iterator[str]:
    """Start the server, logging each request to `log`; yield its base URL (…/v1)."""
    log.touch()
    proc = subprocess.Popen([sys.executable, str(SERVER), str(log)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("PORT "), line
        yield f"http://127.0.0.1:{int(line.split()[1])}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture()
def no_llm_env(monkeypatch):
    """No model service configured from the environment of the test run itself."""
    from assistant.drafting.llm import ENV_API_KEY, ENV_BASE_URL, ENV_MODEL, ENV_TIMEOUT

    for name in (ENV_BASE_URL, ENV_MODEL, ENV_API_KEY, ENV_TIMEOUT):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base URL, request log path) of a running fake server, one per test module."""
    log = tmp_path_factory.mktemp("llm") / "requests.jsonl"
    with fake_llm_server(log) as url:
        yield url, log
