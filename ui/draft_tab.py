"""The 起草 tab: make a draft (按上年结转 / 新项目, optionally by a configured model service / 自评),
edit each section and the indicator table, check the edited draft with findings beside the rows and
sections they concern, export to Word. The 自评 area is laid out by `ui/draft_selfeval.py`.

All drafting logic is in `assistant.app_draft`; the handlers here turn its records into
widget values (every text HTML-escaped or shown in plain-text widgets) and back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Optional, Sequence

from ui.app import SEV_ZH, _notice, esc

MAX_SECTIONS = 10
# after 导出 Word: start the browser download of the file just written (the File widget keeps a link too)
DOWNLOAD_JS = """(f) => {
  if (f && f.url) {
    const a = document.createElement('a');
    a.href = f.url; a.download = f.orig_name || 'draft.docx'; a.style.display = 'none';
    document.body.appendChild(a); a.click(); a.remove();
  }
}"""
CATEGORIES = ["经常性项目", "一次性项目"]
LLM_LABEL = "用模型起草（需配置模型服务）"


# --- handlers (plain functions; tests call them directly) --------------------------------------


def draft_start(home: Path, mode: str, **fields) -> tuple[Optional[object], str]:
    """(DraftSession or None, status HTML) for a new draft of `mode` from the form fields."""
    from assistant.app_draft import DraftInputError, DraftSession, make_draft, parse_request
    from assistant.drafting.models import DraftError
    from corpus.errors import CorpusError
    from index.errors import SearchIndexError

    try:
        draft = make_draft(home, parse_request(mode, **fields))
    except (DraftInputError, DraftError, CorpusError, SearchIndexError) as exc:
        return None, _notice(str(exc), "jx-error")
    if not draft.filing.projects:
        return None, _notice("草稿中没有项目。", "jx-error")
    return DraftSession(draft=draft), draft_status(draft)


def llm_view(home: Path) -> tuple[bool, str]:
    """(whether the 用模型起草 box may be ticked, the note under it as HTML); makes no request."""
    from assistant.app_draft import llm_status

    st = llm_status(home)
    return st.configured, f'<div class="{"jx-prov" if st.configured else "jx-notice"}">{esc(st.note)}</div>'


def draft_status(draft, checked: bool = False) -> str:
    """One line saying what the draft is, plus its notices."""
    from assistant.app_draft import MODES

    f = draft.filing
    src = f"，来源文件 {esc(draft.source_filing_id)}" if draft.source_filing_id else ""
    label = MODES[draft.mode].label if draft.mode in MODES else draft.mode
    head = (f'<div class="jx-prov"><b>{esc(label)}草稿：{esc(f.year)}年度</b>{src}，{len(f.projects)} 个项目'
            f'（{esc("、".join(p.name for p in f.projects))}）。'
            + ("已按编辑后的内容重新检查，问题列在相应栏目下和指标表的“检查结果”列。" if checked else
               "可直接修改各栏目和指标表，点“检查”重新检查，点“导出 Word”下载。") + "</div>")
    return head + "".join(_notice(n) for n in draft.notices)


HEADER_KEYS = ("name", "unit", "total", "current_year", "prior_year_budget", "start", "end")


def header_edit(values: Sequence) -> Optional[object]:
    """The header boxes' values as a HeaderEdit (None when the form has no header boxes)."""
    from assistant.app_draft import HeaderEdit

    if not values:
        return None
    out = {}
    for key, v in zip(HEADER_KEYS, values):
        if key in ("total", "current_year", "prior_year_budget"):
            out[key] = None if v in (None, "") else float(v)
        else:
            out[key] = "" if v is None else str(v)
    return HeaderEdit(**out)


def draft_apply(session, sections: list[str], table, header: Sequence = ()) -> tuple[object, Optional[str]]:
    """(session with the shown project's edits applied, error HTML or None); `header`: the header boxes' values."""
    from assistant.app_draft import DraftInputError, apply_edits, rows_from_table

    if session is None:
        return None, _notice("请先生成草稿。")
    try:
        draft = apply_edits(session.draft, session.shown, list(sections), rows_from_table(_cells(table)),
                            header=header_edit(header))
    except DraftInputError as exc:
        return session, _notice(str(exc), "jx-error")
    return session.model_copy(update={"draft": draft}), None


def _cells(table) -> list[list]:
    """The Dataframe's value as a list of rows (it may come as a DataFrame or a dict)."""
    if table is None:
        return []
    if hasattr(table, "values") and hasattr(table, "columns"):
        return table.values.tolist()
    if isinstance(table, dict):
        return list(table.get("data") or [])
    return list(table)


def section_note(form, i: int) -> str:
    """Precedents, review notes and findings of section `i`, escaped."""
    from assistant.app_draft import is_carried

    s = form.sections[i]
    parts = [f'<div class="jx-prec">起草：{esc(s.author)}</div>'] if s.author else []
    if s.precedents:
        parts.append('<div class="jx-prec">先例：' + "".join(f"<div>· {esc(x)}</div>" for x in s.precedents) + "</div>")
    else:
        parts.append('<div class="jx-prec">先例：无（语料库中没有可参考的同类栏目）</div>')
    for r in s.reviews:
        parts.append(f'<div class="jx-review">待复核：{esc(r)}</div>')
    for f in s.findings:
        parts.append(_finding_line(f, is_carried(form, f)))
    return "".join(parts)


def _finding_line(f, carried: bool = False) -> str:
    tag = '<span class="jx-prov">（上年表中已有）</span>' if carried else ""
    return (f'<div class="jx-finding"><span class="jx-sev-{f.severity}">[{SEV_ZH[f.severity]}] {esc(f.rule_id)} '
            f'{esc(f.rule_name)}</span> · {esc(f.location)}{tag}<div>{esc(f.message)}</div></div>')


def findings_summary(form, subject: Optional[str] = None, tail: str = "栏目的问题列在各栏目下方。",
                     others: str = "整表或整个项目的问题") -> str:
    """Counts for the shown project and the findings tied to no section or row."""
    from assistant.app_draft import is_carried

    c = form.counts()
    rows = sum(1 for r in form.rows if r.findings)
    subject = subject or f"项目“{esc(form.name)}”"
    head = (f'<div class="jx-prov">{subject}：错误 {c["error"]}、警告 {c["warn"]}、提示 {c["info"]}；'
            f'{rows} 行指标有问题（见“检查结果”列），{tail}</div>')
    if not form.other_findings:
        return head
    return head + f"<h4>{others}</h4>" + "".join(_finding_line(f, is_carried(form, f)) for f in form.other_findings)


def changes_view(draft) -> str:
    """What the drafter changed or asks the writer to review."""
    if not draft.changes:
        return _notice("没有改动记录。")
    items = []
    for c in draft.changes:
        tag = "待复核" if c.review else "已改动"
        arrow = f" → {esc(c.new)}" if c.new else ""
        items.append(f"<li>[{tag}] {esc(c.project + ' · ' if c.project else '')}{esc(c.field)}："
                     f"{esc(c.old or '')}{arrow}（{esc(c.reason)}）</li>")
    return "<ul>" + "".join(items) + "</ul>"


def draft_export(home: Path, session) -> tuple[Optional[str], str]:
    """(path of the exported .docx or None, message HTML) for the session's (edited) draft."""
    from assistant.app_draft import DraftInputError, export_docx

    if session is None:
        return None, _notice("请先生成草稿。")
    try:
        path = export_docx(home, session.draft)
    except (DraftInputError, OSError) as exc:
        return None, _notice(f"导出失败：{exc}", "jx-error")
    msg = f"已导出 Word：{path.name}（保存在数据目录 exports/ 下）。浏览器没有自动下载时，点击下方文件右侧的链接。"
    return str(downloadable(path)), _notice(msg)


def downloadable(path: Path) -> Path:
    """`path`, or a copy Gradio may serve: it only hands out files under its upload folder,
    the working directory or the system temp directory."""
    from gradio.utils import get_upload_folder, is_in_or_equal

    upload = Path(get_upload_folder())
    if any(is_in_or_equal(str(path), str(d)) for d in (upload, os.getcwd(), tempfile.gettempdir())):
        return path
    target = upload / "jixiao-exports"
    target.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(path, target / path.name))


# --- the tab ---------------------------------------------------------------------------------------


def build_draft_tab(home: Path) -> None:
    """Lay out the 起草 tab inside the current gr.Tab and wire its events."""
    import gradio as gr
    import pandas as pd

    from assistant.app_draft import MODES, ROW_COLUMNS, project_form, rows_to_table
    from ui.draft_selfeval import build_selfeval_area

    gr.Markdown("**按上年结转**：从语料库中该项目最近一年的绩效目标表生成新年度草稿（年度顺延、上年数填入、过时表述列出待复核）。"
                "**新项目**：按项目名称和简介检索最相近的先例，逐栏目改写并按 2021 年起的指标框架起草指标表"
                "（离线起草，不需要模型服务；配置了模型服务时可勾选由模型改写各栏目）。"
                "**自评**：对照当年的目标表和填报的实际完成值起草绩效自评表，自动计算得分、总分和等次。"
                "生成后可修改每个栏目和指标表（清空一行即删除该行；一级、二级留空表示同上一行），点“检查”重新检查，"
                "点“导出 Word”下载。每个栏目下和表中的“来源（先例）”列给出所依据的语料。")
    mode = gr.Radio([(MODES[k].label, k) for k in ("rollover", "new_project", "self_evaluation")], value="rollover",
                    label="起草方式", elem_id="jx-draft-mode")
    llm_ok, llm_html = llm_view(home)
    with gr.Column(visible=True) as target_area:  # 按上年结转 and 新项目: their inputs and the target-table editor
        with gr.Group(visible=True) as roll_box:
            with gr.Row():
                r_project = gr.Textbox(label="项目名称（可写一部分）", scale=3, elem_id="jx-roll-project")
                r_unit = gr.Textbox(label="申报单位（可选）", scale=2)
                r_year = gr.Textbox(label="新年度（可选）", placeholder="默认来源年度加一", scale=1)
                r_from = gr.Textbox(label="来源文件编号（可选）", scale=1)
            roll_btn = gr.Button("生成结转草稿", variant="primary", elem_id="jx-roll-btn")
        with gr.Group(visible=False) as new_box:
            with gr.Row():
                n_name = gr.Textbox(label="新项目名称", scale=3, elem_id="jx-new-name")
                n_unit = gr.Textbox(label="申报单位", scale=3, elem_id="jx-new-unit")
                n_cat = gr.Dropdown(CATEGORIES, value=CATEGORIES[0], label="项目类别", allow_custom_value=True, scale=1)
                n_budget = gr.Number(label="项目预算（元）", placeholder="例如 1200000", precision=2, scale=1,
                                     elem_id="jx-new-budget")
                n_year = gr.Number(label="年度", precision=0, scale=1, value=lambda: date.today().year)
            n_brief = gr.Textbox(label="项目简介（检索先例用，可选）", lines=2, elem_id="jx-new-brief")
            n_llm = gr.Checkbox(label=LLM_LABEL, value=False, interactive=llm_ok, elem_id="jx-new-llm")
            n_llm_note = gr.HTML(llm_html, elem_id="jx-new-llm-note")
            new_btn = gr.Button("生成新项目草稿", variant="primary", elem_id="jx-new-btn")
        status = gr.HTML(elem_id="jx-draft-status")
        session = gr.State(None)
        with gr.Column(visible=False) as editor:
            pick = gr.Dropdown([], label="项目（本草稿含多个项目时在此切换，修改会保留）", elem_id="jx-draft-project")
            gr.Markdown("#### 项目信息（可直接修改，点“检查”或“导出 Word”时生效）")
            with gr.Row():
                h_name = gr.Textbox(label="项目名称", scale=3, elem_id="jx-hdr-name")
                h_unit = gr.Textbox(label="申报单位", scale=3, elem_id="jx-hdr-unit")
            with gr.Row():
                h_total = gr.Number(label="项目总预算（元）", elem_id="jx-hdr-total")
                h_cur = gr.Number(label="项目当年预算（元）", elem_id="jx-hdr-current")
                h_prior = gr.Number(label="同名项目上年预算额（元）", elem_id="jx-hdr-prior")
                h_start = gr.Textbox(label="开始日期", placeholder="2026-01-01", elem_id="jx-hdr-start")
                h_end = gr.Textbox(label="结束日期", placeholder="2026-12-31", elem_id="jx-hdr-end")
            hdr = [h_name, h_unit, h_total, h_cur, h_prior, h_start, h_end]
            gr.Markdown("#### 栏目")
            boxes, notes = [], []
            for i in range(MAX_SECTIONS):
                boxes.append(gr.Textbox(label=f"栏目 {i + 1}", lines=3, max_lines=14, visible=False, elem_id=f"jx-sec-{i}"))
                notes.append(gr.HTML(visible=False, elem_id=f"jx-sec-note-{i}", elem_classes=["jx-sec-note"]))
            gr.Markdown("#### 绩效指标（一级、二级、三级指标和指标值可改；右侧为参考和检查结果）")
            table = gr.Dataframe(
                headers=list(ROW_COLUMNS), datatype="str", type="array", interactive=True, wrap=True,
                static_columns=[0, 5, 6, 7, 8], max_height=700, elem_id="jx-draft-table",
                column_widths=["4%", "7%", "7%", "18%", "9%", "7%", "7%", "16%", "25%"],
            )
            summary = gr.HTML(elem_id="jx-draft-findings")
            with gr.Row():
                check_btn = gr.Button("检查", variant="primary", elem_id="jx-draft-check")
                export_btn = gr.Button("导出 Word", elem_id="jx-draft-export")
            export_msg = gr.HTML(elem_id="jx-draft-export-msg")
            out_file = gr.File(label="Word 文件（点击文件名下载）", interactive=False, elem_id="jx-draft-file")
            with gr.Accordion("改动与待复核清单", open=False):
                changes = gr.HTML()
    with gr.Column(visible=False) as selfeval_area:
        build_selfeval_area(home)

    view = [session, status, editor, pick, *hdr, *boxes, *notes, table, summary, changes, export_msg]

    def render(sess, status_html: str) -> list:
        if sess is None:
            return [None, status_html, gr.Column(visible=False), gr.Dropdown(choices=[], value=None),
                    "", "", None, None, None, "", "",
                    *[gr.Textbox(value="", visible=False) for _ in boxes], *[gr.HTML(value="", visible=False) for _ in notes],
                    pd.DataFrame([], columns=list(ROW_COLUMNS)), "", "", ""]
        form = project_form(sess.draft, sess.shown)
        secs = form.sections
        if len(secs) > MAX_SECTIONS:
            status_html += _notice(f"本项目有 {len(secs)} 个栏目，这里只能修改前 {MAX_SECTIONS} 个，其余原样保留并导出。")
        choices = [(f"{i + 1}. {name}", i) for i, name in enumerate(form.projects)]
        out = [sess, status_html, gr.Column(visible=True),
               gr.Dropdown(choices=choices, value=form.index, visible=len(choices) > 1)]
        h = form.header
        out += [h.name, h.unit, h.total, h.current_year, h.prior_year_budget, h.start, h.end]
        out += [gr.Textbox(value=secs[i].text, label=secs[i].title, visible=True) if i < len(secs)
                else gr.Textbox(value="", visible=False) for i in range(MAX_SECTIONS)]
        out += [gr.HTML(value=section_note(form, i), visible=True) if i < len(secs)
                else gr.HTML(value="", visible=False) for i in range(MAX_SECTIONS)]
        out += [pd.DataFrame(rows_to_table(form.rows), columns=list(ROW_COLUMNS)),
                findings_summary(form), changes_view(sess.draft), ""]
        return out

    def start(mode_key: str, fields: dict) -> list:
        sess, html_out = draft_start(home, mode_key, **fields)
        return render(sess, html_out) + [None]

    def do_roll(project, unit, year, from_id):
        return start("rollover", {"project": project or "", "unit": unit or "", "from_id": from_id or "",
                                  "to_year": year})

    def do_new(name, unit, cat, budget, year, brief, use_llm):
        fields = {"name": name or "", "unit": unit or "", "category": cat or CATEGORIES[0], "budget": budget or 0,
                  "brief": brief or "", "use_llm": bool(use_llm)}
        if year:
            fields["year"] = int(year)
        return start("new_project", fields)

    n_hdr = len(hdr)

    def edited(sess, table_value, values) -> tuple[object, Optional[str]]:
        return draft_apply(sess, list(values[n_hdr:]), table_value, header=values[:n_hdr])

    def do_check(sess, table_value, *texts):
        new, err = edited(sess, table_value, texts)
        if err:
            return [gr.skip(), err] + [gr.skip()] * (len(view) - 2)
        return render(new, draft_status(new.draft, checked=True))

    def do_pick(sess, index, table_value, *texts):
        # .change also fires when a render sets the value: only a different project does anything
        if sess is None or index is None or int(index) == sess.shown:
            return [gr.skip()] * len(view)
        new, err = edited(sess, table_value, texts)
        if err:
            return [gr.skip(), err, gr.skip(), gr.Dropdown(value=sess.shown)] + [gr.skip()] * (len(view) - 4)
        new = new.model_copy(update={"shown": int(index)})
        return render(new, draft_status(new.draft))

    def do_export(sess, table_value, *texts):
        new, err = edited(sess, table_value, texts)
        if err:
            return sess, None, err
        path, msg = draft_export(home, new)
        return new, path, msg

    def llm_option():
        ok, note = llm_view(home)
        return gr.Checkbox(interactive=ok, value=False), note

    def show_mode(key: str):
        llm = llm_option() if key == "new_project" else (gr.skip(), gr.skip())
        return [gr.Group(visible=key == "rollover"), gr.Group(visible=key == "new_project"),
                gr.Column(visible=key != "self_evaluation"), gr.Column(visible=key == "self_evaluation"), *llm]

    mode.change(show_mode, [mode], [roll_box, new_box, target_area, selfeval_area, n_llm, n_llm_note])
    gr.on(None, llm_option, None, [n_llm, n_llm_note])  # on page load: llm.toml may have been written since
    roll_btn.click(do_roll, [r_project, r_unit, r_year, r_from], view + [out_file],
                   concurrency_id="read", concurrency_limit=4)
    r_project.submit(do_roll, [r_project, r_unit, r_year, r_from], view + [out_file],
                     concurrency_id="read", concurrency_limit=4)
    new_btn.click(do_new, [n_name, n_unit, n_cat, n_budget, n_year, n_brief, n_llm], view + [out_file],
                  concurrency_id="read", concurrency_limit=4)
    check_btn.click(do_check, [session, table, *hdr, *boxes], view, concurrency_id="read", concurrency_limit=4)
    pick.change(do_pick, [session, pick, table, *hdr, *boxes], view)
    export_btn.click(do_export, [session, table, *hdr, *boxes], [session, out_file, export_msg]).then(
        None, [out_file], None, js=DOWNLOAD_JS)
