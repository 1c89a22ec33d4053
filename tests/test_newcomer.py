"""What a newcomer reads from the CLI and the checker (issue 15): Chinese help, Chinese rule names,
one severity form, locations with their separators, a rules document that exists, no repeated basis."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile

import pytest

from tests.conftest import REPO, SEED_000


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin",
                                                        "JIXIAO_HOME": tempfile.mkdtemp(prefix="jx_newcomer_")})


def test_help_has_no_english_boilerplate():
    for args in (["--help"], ["check", "--help"], ["search", "--help"], ["corpus", "--help"]):
        out = _cli(*args).stdout
        assert "Show this message" not in out, args
        assert "<str>" not in out and "<bool>" not in out, args
        assert "显示本帮助并退出" in out, args
        assert "Options" not in out and "选项" in out, args


def test_unknown_command_message_is_chinese():
    out = _cli("nosuch")
    assert out.returncode != 0
    assert "没有命令" in out.stdout + out.stderr


def test_rule_names_are_chinese_and_codes_kept():
    from assistant.checks import rule_infos

    infos = rule_infos()
    assert len(infos) > 40
    for i in infos:
        assert re.search(r"[\u4e00-\u9fff]", i.name), (i.id, i.name)
        assert not re.search(r"[A-Z]{3,}", i.name), (i.id, i.name)
        assert i.code and i.code.isupper()


def test_check_prints_one_chinese_severity_form_and_separated_locations():
    out = _cli("check", str(SEED_000)).stdout
    heads = [ln for ln in out.splitlines() if ln.startswith("[")]
    assert heads, out[:500]
    for ln in heads:
        assert re.match(r"\[(错误|警告|提示)\] [A-Z]-\d\d [\u4e00-\u9fff]", ln), ln
    assert "[warn]" not in out and "[error]" not in out and "[info]" not in out
    assert not re.search(r"」栏目 ", out), "project and section run together"
    assert "rules.md" not in out or (REPO / "docs" / "rules.md").exists()


def test_rules_document_named_by_the_cli_is_in_the_repository():
    help_text = _cli("check", "--help").stdout
    assert "docs/rules.md" in help_text
    doc = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "S6" in doc and "S-08" in doc


def test_basis_note_does_not_repeat_itself():
    from assistant.checks import rule_infos

    for i in rule_infos():
        note = i.basis_note()
        assert "惯例（非成文规定）（实际填报中观察到的惯例" not in note, note
        if re.search(r"\bS\d+", i.source):
            assert "docs/rules.md" in note


@pytest.mark.slow
def test_serve_start_output_is_quiet_and_says_search_mode(tmp_path):
    """`jixiao serve` says whether semantic search is on and prints no Gradio share-link advice."""
    pytest.importorskip("gradio")
    import os
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    env = dict(os.environ, JIXIAO_HOME=str(tmp_path / "home"), GRADIO_ANALYTICS_ENABLED="False")
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], cwd=REPO,
                                env=env, stdout=fh, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            time.sleep(1)
        finally:
            proc.terminate()
            proc.wait(20)
    out = log.read_text()
    assert "检索方式：" in out, out
    assert "share=True" not in out and "public link" not in out, out
    assert "正在启动：http://127.0.0.1:" in out


def test_source_view_header_block_uses_chinese_labels():
    """The 语料 page's project header line: 单位：… not unit：…"""
    from assistant.app_service import HEADER_ZH, source_items
    from corpus.parse import parse_file

    filing = parse_file(SEED_000)
    heads = [it for it in source_items(filing) if it.kind == "项目"]
    assert heads
    assert any(p.header for p in filing.projects)
    for it in heads:
        text = it.text
        assert "单位：" in text or "项目名称：" in text or not text, text
        for key in HEADER_ZH:
            assert f"{key}：" not in text, text
