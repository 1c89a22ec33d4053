"""新项目 drafted by a model service from the app (assistant.app_draft), against the real local
fake server (`tests/fake_openai_server.py`, as in test_draft_llm.py): whether the option is
offered and what the note says, who wrote each section, the fallback notices, and the model's
text reaching the form and the status only as plain or escaped text.
"""

from __future__ import annotations


import pytest

from assistant.app_draft import DraftInputError, NewProjectRequest, llm_status, make_draft, project_form
from assistant.drafting.llm import ENV_API_KEY, ENV_BASE_URL, ENV_MODEL, ENV_TIMEOUT
from assistant.drafting.new_project import SECTIONS
from tests.draft_support import corpus_home
from tests.llm_support import no_llm_env, server  # noqa: F401  (shared fixtures)
from tests.test_draft_llm import requests_for

FALLBACK = "离线模板（模型失败后改用）"


def _request(**extra) -> NewProjectRequest:
    return NewProjectRequest(name="建筑工地扬尘监督抽查", unit="虹川区建设工程质量安全监督站", budget=1_200_000,
                             brief="委托第三方检测扬尘", year=2025, **extra)


pytestmark = pytest.mark.usefixtures("no_llm_env")



@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return corpus_home(tmp_path_factory.mktemp("applm_home"))


@pytest.fixture(scope="module")
def offline(home):
    return make_draft(home, _request())


def _use(monkeypatch, server, model: str, timeout: str = "20") -> None:
    monkeypatch.setenv(ENV_BASE_URL, server[0])
    monkeypatch.setenv(ENV_MODEL, model)
    monkeypatch.setenv(ENV_TIMEOUT, timeout)


def _texts(draft) -> list[str]:
    return [s.text for s in draft.filing.projects[0].sections]


def test_offline_is_the_default_and_needs_no_service(offline, server):
    assert set(offline.drafted_by.values()) == {"离线模板"} and not offline.notices
    assert not requests_for(server[1], "good")
    assert {s.author for s in project_form(offline, 0).sections} == {"离线模板"}


def test_status_without_a_service_says_what_to_set(tmp_path):
    st = llm_status(tmp_path)
    assert not st.configured
    assert ENV_BASE_URL in st.note and ENV_MODEL in st.note and "llm.toml" in st.note
    assert "当前未配置" in st.note and "不需要任何模型服务" in st.note and "--llm" not in st.note


def test_status_with_a_broken_file_says_what_is_wrong(tmp_path):
    (tmp_path / "llm.toml").write_text('base_url = "ftp://x"\nmodel = "m"\n', encoding="utf-8")
    st = llm_status(tmp_path)
    assert not st.configured and "模型服务配置有误" in st.note and "http:// 或 https://" in st.note
    assert "--llm" not in st.note and "不需要任何模型服务" in st.note


def test_status_from_the_environment_and_llm_toml(tmp_path, monkeypatch, server):
    (tmp_path / "llm.toml").write_text(f'base_url = "{server[0]}"\nmodel = "from-toml"\n', encoding="utf-8")
    st = llm_status(tmp_path)
    port = server[0].split(":")[2].split("/")[0]
    assert st.configured and st.model == "from-toml" and f"127.0.0.1:{port}" in st.note
    monkeypatch.setenv(ENV_MODEL, "good")
    monkeypatch.setenv(ENV_API_KEY, "sk-very-secret")
    st = llm_status(tmp_path)
    assert st.model == "good" and "模型 good" in st.note and "sk-very-secret" not in st.note
    assert "离线起草" in st.note  # what happens when a section fails


def test_ticked_without_a_service_is_refused(home):
    with pytest.raises(DraftInputError) as exc:
        make_draft(home, _request(use_llm=True))
    assert str(exc.value).startswith("无法用模型起草：未配置模型服务") and "不勾选“用模型起草”即可离线起草" in str(exc.value)


def test_model_drafts_every_section(home, server, monkeypatch, offline):
    _use(monkeypatch, server, "good")
    before = len(requests_for(server[1], "good"))
    draft = make_draft(home, _request(use_llm=True))
    assert len(requests_for(server[1], "good")) - before == len(SECTIONS)
    assert set(draft.drafted_by.values()) == {"模型 good"} and not draft.notices
    form = project_form(draft, 0)
    assert all(s.author == "模型 good" for s in form.sections)
    assert all(t.startswith("（模型改写）") for t in _texts(draft))
    assert [r.name for r in form.rows] == [r.name for r in project_form(offline, 0).rows]  # the table is not the model's


@pytest.mark.parametrize("model, timeout, first", [
    ("malformed", "20", "模型回答不是所要求的 JSON，「项目概况」已改用离线起草"),
    ("slow", "1", "模型服务超时（1 秒），「项目概况」已改用离线起草"),
])
def test_failing_model_falls_back_and_says_why(home, server, monkeypatch, offline, model, timeout, first):
    _use(monkeypatch, server, model, timeout)
    draft = make_draft(home, _request(use_llm=True))
    assert _texts(draft) == _texts(offline)
    assert set(draft.drafted_by.values()) == {FALLBACK}
    assert draft.notices[0] == first and len(draft.notices) == len(SECTIONS)
    assert {s.author for s in project_form(draft, 0).sections} == {FALLBACK}


def test_model_text_is_plain_in_the_form_and_escaped_in_the_page(home, server, monkeypatch):
    pytest.importorskip("gradio")
    from ui.draft_tab import draft_start, section_note

    _use(monkeypatch, server, "dirty")
    session, status = draft_start(home, "new_project", name="建筑工地扬尘监督抽查", unit="虹川区建设工程质量安全监督站",
                                  budget=1_200_000, brief="委托第三方检测扬尘", year=2025, use_llm=True)
    assert session is not None
    form = project_form(session.draft, 0)
    for s in form.sections:
        low = s.text.lower()
        assert s.text.startswith("第一段正文") and "<script" not in low and "javascript" not in low
    assert "控制字符已删除" in status and "<script" not in status.lower()
    # the model's name is configuration, not trusted either: shown escaped
    monkeypatch.setenv(ENV_MODEL, "<img src=x onerror=alert(1)>")
    draft = make_draft(home, _request(use_llm=True))  # unknown model: the server answers 404, offline fallback
    assert "HTTP 404" in draft.notices[0]
    form.sections[0].author = "模型 <img src=x onerror=alert(1)>"
    note = section_note(form, 0)
    assert "<img" not in note and "起草：模型 &lt;img" in note
