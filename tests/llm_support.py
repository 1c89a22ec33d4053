"""The fake OpenAI-compatible server (`tests/fake_openai_server.py`) as a running local process."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

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
