"""The 起草 tab's 自评 area: pick a project's target table, download the actuals template, give the
actuals (upload the filled template, or type them into the table's 实际完成值 column) and 全年执行数,
then recompute, check and export the 绩效自评表.

All logic is in `assistant.app_selfeval`; the handlers here turn its records into widget values
(every text HTML-escaped or shown in plain-text widgets) and back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ui.app import _notice, esc
from ui.draft_tab import DOWNLOAD_JS, _cells, changes_view, downloadable, draft_export, findings_summary, section_note

SE_SECTIONS = 2  # 存在的主要问题, 改进措施和有关建议
SE_COLUMN_WIDTHS = ["4%", "7%", "7%", "15%", "7%", "8%", "5%", "5%", "20%", "13%", "9%"]


def _errors():
    from assistant.app_draft import DraftInputError
    from assistant.drafting.models import DraftError
    from corpus.errors import CorpusError

    return DraftInputError, DraftError, CorpusError


# --- handlers (plain functions; tests call them directly) --------------------------------------


def selfeval_start(home: Path, fields: dict, file: Optional[str] = None) -> tuple[Optional[object], str]:
    """(SelfEvalSession or None, status HTML) for a new 自评 draft from the inputs and the uploaded file."""
    from assistant.app_draft import parse_request
    from assistant.app_selfeval import start_selfeval

    try:
        request = parse_request("self_evaluation", **fields, **({"actuals_file": str(file)} if file else {}))
        session = start_selfeval(home, request)
    except _errors() as exc:
        return None, _notice(str(exc), "jx-error")
    return session, selfeval_status(session.draft, from_file=Path(file).name if file else None)


def selfeval_update(home: Path, session, table, texts: list[str], executed, budget) -> tuple[object, Optional[str]]:
    """(session recomputed from the table, the sections and the amounts; error HTML or None)."""
    from assistant.app_selfeval import recompute_selfeval

    if session is None:
        return None, _notice("请先生成自评草稿。")
    try:
        return recompute_selfeval(home, session, _cells(table), list(texts), executed=executed, budget=budget), None
    except _errors() as exc:
        return session, _notice(str(exc), "jx-error")


def selfeval_template(home: Path, project: str, unit: str, year, from_id: str) -> tuple[Optional[str], str]:
    """(path Gradio may serve of the actuals template, or None; message HTML)."""
    from assistant.app_selfeval import actuals_template

    try:
        t = actuals_template(home, project or "", unit or "", year, from_id or "")
    except _errors() as exc:
        return None, _notice(str(exc), "jx-error")
    msg = (f"已生成填报模板：项目「{t.project}」{t.year or ''}年度，{t.rows} 个指标（目标表 {t.filing_id}）。"
           "用 Excel 或文本编辑器在“实际完成值”一列填写（不知道的留空），可在“偏差原因”一列写自己的原因，"
           "文件末尾填全年执行数；保存为 CSV 后在下方上传，点“生成自评草稿”。浏览器没有自动下载时，点击下方文件右侧的链接。")
    return str(downloadable(t.path)), _notice(msg)


def selfeval_status(draft, checked: bool = False, from_file: Optional[str] = None) -> str:
    """What the draft is and what to do next, plus its notices."""
    p = draft.filing.projects[0]
    src = f"，对照目标表 {esc(draft.source_filing_id)}" if draft.source_filing_id else ""
    given = f"（实际完成值取自上传的 {esc(from_file)}）" if from_file else ""
    head = (f'<div class="jx-prov"><b>自评草稿：{esc(p.name)}（{esc(draft.filing.year)}年度）</b>'
            f"{esc('，' + (p.unit or draft.filing.unit)) if (p.unit or draft.filing.unit) else ''}{src}{given}。"
            + ("已按表中的实际完成值重新计算并检查，问题列在“检查结果”列和各栏目下方。" if checked else
               "在“实际完成值”一列填写（写法同年度指标值，如 118个、96%；定性指标写“达成/部分达成/未达成”），"
               "点“重新计算”按规则算出得分、总分和等次。未达到目标的指标，“偏差原因”参照相近先例起草并注明来源，可直接改写。")
            + "</div>")
    return head + "".join(_notice(n) for n in draft.notices)


def score_view(form) -> str:
    """Total score and grade (or what is still missing), budget execution and weights, escaped."""
    lines = form.summary()
    cls = "jx-score-total" if form.score is not None else "jx-score-pending"
    return (f'<div class="jx-selfeval-score"><div class="{cls}"><b>{esc(lines[0])}</b></div>'
            + "".join(f'<div class="jx-prov">{esc(x)}</div>' for x in lines[1:]) + "</div>")


def selfeval_findings(form) -> str:
    """Counts, and the findings tied to no row or section."""
    return findings_summary(form, subject="自评表检查", tail="标“上年表中已有”的问题来自所对照的目标表。",
                            others="整表的问题")


def _amount(x: Optional[float]) -> str:
    from assistant.app_selfeval import num

    return num(x)


# --- the area ---------------------------------------------------------------------------------------


def build_selfeval_area(home: Path) -> None:
    """Lay out the 自评 inputs and editor in the current column and wire their events."""
    import gradio as gr
    import pandas as pd

    from assistant.app_selfeval import SELFEVAL_COLUMNS, selfeval_form, selfeval_table

    gr.Markdown("**自评**：对照项目当年的绩效目标表起草绩效自评表。先填项目名称（和年度），可点“下载填报模板”"
                "得到该项目全部指标的 CSV，填好实际完成值后上传；也可以直接生成，在表中“实际完成值”一列填写。"
                "分值、得分、总分和等次按规则自动计算；未达到目标的偏差原因和“存在的主要问题”“改进措施”参照相近先例起草，并注明出处。")
    with gr.Group():
        with gr.Row():
            project = gr.Textbox(label="项目名称（可写一部分）", scale=3, elem_id="jx-se-project")
            unit = gr.Textbox(label="单位（可选）", scale=2, elem_id="jx-se-unit")
            year = gr.Textbox(label="自评年度（可选）", placeholder="默认最近一年的目标表", scale=1, elem_id="jx-se-year")
            from_id = gr.Textbox(label="目标表文件编号（可选）", scale=1, elem_id="jx-se-from")
        with gr.Row():
            upload = gr.File(label="上传填好的模板（CSV / TSV / JSON，可选）", file_types=[".csv", ".tsv", ".txt", ".json"],
                             type="filepath", scale=3, elem_id="jx-se-upload")
            with gr.Column(scale=2):
                executed = gr.Textbox(label="全年执行数（元）", placeholder="如 1480000 或 148万元", elem_id="jx-se-executed")
                budget = gr.Textbox(label="全年预算数（调整后，元，可选）", placeholder="默认取目标表的当年预算",
                                    elem_id="jx-se-budget")
        with gr.Row():
            template_btn = gr.Button("下载填报模板", elem_id="jx-se-template")
            start_btn = gr.Button("生成自评草稿", variant="primary", elem_id="jx-se-btn")
        template_msg = gr.HTML(elem_id="jx-se-template-msg")
        template_file = gr.File(label="填报模板（点击文件名下载）", interactive=False, elem_id="jx-se-template-file")
    status = gr.HTML(elem_id="jx-se-status")
    session = gr.State(None)
    with gr.Column(visible=False) as editor:
        score = gr.HTML(elem_id="jx-se-score")
        gr.Markdown("#### 绩效指标（“实际完成值”和“偏差原因分析及改进措施”两列可改，改完点“重新计算”）")
        table = gr.Dataframe(
            headers=list(SELFEVAL_COLUMNS), datatype="str", type="array", interactive=True, wrap=True,
            static_columns=[0, 1, 2, 3, 4, 6, 7, 9, 10], max_height=700, elem_id="jx-se-table",
            column_widths=SE_COLUMN_WIDTHS,
        )
        recompute_btn = gr.Button("重新计算（按表中的实际完成值和全年执行数）", variant="primary", elem_id="jx-se-recompute")
        gr.Markdown("#### 栏目（可改；重新计算时保留您改过的文字）")
        boxes, notes = [], []
        for i in range(SE_SECTIONS):
            boxes.append(gr.Textbox(label=f"栏目 {i + 1}", lines=4, max_lines=14, visible=False, elem_id=f"jx-se-sec-{i}"))
            notes.append(gr.HTML(visible=False, elem_id=f"jx-se-sec-note-{i}", elem_classes=["jx-sec-note"]))
        summary = gr.HTML(elem_id="jx-se-findings")
        with gr.Row():
            check_btn = gr.Button("检查", elem_id="jx-se-check")
            export_btn = gr.Button("导出 Word", elem_id="jx-se-export")
        export_msg = gr.HTML(elem_id="jx-se-export-msg")
        out_file = gr.File(label="Word 文件（点击文件名下载）", interactive=False, elem_id="jx-se-file")
        with gr.Accordion("计算过程、改动与待复核清单", open=False):
            changes = gr.HTML()

    view = [session, status, editor, score, table, *boxes, *notes, summary, changes, export_msg, executed, budget]

    def render(sess, status_html: str, message: str = "") -> list:
        if sess is None:
            return [None, status_html, gr.Column(visible=False), "", pd.DataFrame([], columns=list(SELFEVAL_COLUMNS)),
                    *[gr.Textbox(value="", visible=False) for _ in boxes], *[gr.HTML(value="", visible=False) for _ in notes],
                    "", "", message, gr.skip(), gr.skip()]
        form = selfeval_form(sess.draft)
        secs = form.sections
        out = [sess, status_html, gr.Column(visible=True), score_view(form),
               pd.DataFrame(selfeval_table(form.rows), columns=list(SELFEVAL_COLUMNS))]
        out += [gr.Textbox(value=secs[i].text, label=secs[i].title, visible=True) if i < len(secs)
                else gr.Textbox(value="", visible=False) for i in range(SE_SECTIONS)]
        out += [gr.HTML(value=section_note(form, i), visible=True) if i < len(secs)
                else gr.HTML(value="", visible=False) for i in range(SE_SECTIONS)]
        out += [selfeval_findings(form), changes_view(sess.draft), message, _amount(form.executed),
                _amount(form.budget_given)]
        return out

    def do_template(p, u, y, f):
        return selfeval_template(home, p, u, y, f)

    def do_start(p, u, y, f, file, ex, bu):
        fields = {"project": p or "", "unit": u or "", "year": y, "from_id": f or "", "executed": ex, "budget": bu}
        sess, html_out = selfeval_start(home, fields, file)
        return render(sess, html_out) + [None]

    def updated(sess, table_value, ex, bu, texts, checked: bool, message: str = ""):
        new, err = selfeval_update(home, sess, table_value, list(texts), ex, bu)
        if err:
            return [gr.skip(), err] + [gr.skip()] * (len(view) - 2)
        return render(new, selfeval_status(new.draft, checked=checked), message)

    def do_recompute(sess, table_value, ex, bu, *texts):
        return updated(sess, table_value, ex, bu, texts, checked=False)

    def do_check(sess, table_value, ex, bu, *texts):
        return updated(sess, table_value, ex, bu, texts, checked=True)

    def do_export(sess, table_value, ex, bu, *texts):
        new, err = selfeval_update(home, sess, table_value, list(texts), ex, bu)
        if err:
            return [gr.skip(), err] + [gr.skip()] * (len(view) - 2) + [None]
        path, msg = draft_export(home, new)
        return render(new, selfeval_status(new.draft), msg) + [path]

    inputs = [session, table, executed, budget, *boxes]
    template_btn.click(do_template, [project, unit, year, from_id], [template_file, template_msg],
                       concurrency_id="read", concurrency_limit=4).then(None, [template_file], None, js=DOWNLOAD_JS)
    start_args = [project, unit, year, from_id, upload, executed, budget]
    start_btn.click(do_start, start_args, view + [out_file], concurrency_id="read", concurrency_limit=4)
    project.submit(do_start, start_args, view + [out_file], concurrency_id="read", concurrency_limit=4)
    recompute_btn.click(do_recompute, inputs, view, concurrency_id="read", concurrency_limit=4)
    check_btn.click(do_check, inputs, view, concurrency_id="read", concurrency_limit=4)
    export_btn.click(do_export, inputs, view + [out_file], concurrency_id="read", concurrency_limit=4).then(
        None, [out_file], None, js=DOWNLOAD_JS)
