"""`jixiao serve` refuses to listen off loopback without auth."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.cli_serve import is_loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::"])
def test_serve_refuses_public_host_without_auth(jixiao_home, host):
    res = CliRunner().invoke(app, ["serve", "--host", host, "--no-sample"])
    assert res.exit_code == 2
    assert "必须" in res.output and "--auth" in res.output
    assert not (jixiao_home / "corpus.sqlite3").exists()  # refused before touching anything


def test_serve_rejects_malformed_auth(jixiao_home):
    res = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--auth", "nopassword"])
    assert res.exit_code == 2 and "用户名:密码" in res.output


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.1") and not is_loopback("example.org")
