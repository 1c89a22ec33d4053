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


def test_serve_refuses_an_auth_file_without_pairs(jixiao_home, tmp_path):
    """An auth file with only comments is no login: off loopback it is refused like none."""
    creds = tmp_path / "auth.txt"
    creds.write_text("# 每行一个 用户名:密码\n\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--auth-file", str(creds), "--no-sample"])
    assert res.exit_code == 2 and "必须" in res.output
    assert not (jixiao_home / "corpus.sqlite3").exists()


def test_serve_names_a_missing_auth_file(jixiao_home, tmp_path):
    res = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--auth-file", str(tmp_path / "nope.txt")])
    assert res.exit_code == 2 and "无法读取认证文件" in res.output and "nope.txt" in res.output


def test_hide_api_marks_every_event_private(tmp_path):
    pytest.importorskip("gradio", reason="Gradio is not installed (pip install 'jixiao[app]')")
    from assistant.cli_serve import hide_api
    from ui.app import build_app

    demo = build_app(tmp_path / "empty")
    assert any(fn.api_visibility == "public" for fn in demo.fns.values())
    hide_api(demo)
    assert {fn.api_visibility for fn in demo.fns.values()} == {"private"}
    assert demo.get_api_info(all_endpoints=True)["named_endpoints"] == {}
