"""The contents of the workbook's fixed sheets: README, Codebook, Summary (with its charts),
Flow, AE summary and Deviations, and the Audit trail table.

Each ``write_*`` lays out one sheet's rows in the chosen language and hands them to the
:class:`~.workbook.WorkbookWriter`, which owns cell types, formats, widths and row limits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from msct_crf.study.dictionary import MISSING_LABELS, STUDY_CODE, STUDY_TITLE, Label
from msct_crf.study.dictionary.codelists import VISIT

from .codebook import CODEBOOK_HEADERS, codebook_rows
from .data import StudyData
from .deviations import Deviation
from .options import ExportOptions
from .summary import CHART_VARIABLES, EXCLUSION_RULE, CountRow, FlowRow, SummaryRow
from .variables import AUDIT_COLUMNS, Table
from .workbook import AUDIT_SHEET, EXCEL_MAX_CELL, WorkbookWriter


def _t(en: str, zh: str) -> Label:
    return Label(en, zh)


@dataclass
class Meta:
    """What the README sheet says about the export."""

    exported_utc: dt.datetime
    exported_local: dt.datetime
    user: str
    database: str
    head_hash: str
    exclusions: list[str] = field(default_factory=list)


def write_readme(
    w: WorkbookWriter,
    data: StudyData,
    meta: Meta,
    sheets: Sequence[tuple[str, str]],
) -> None:
    lang = w.language
    tr = w.tr
    options = data.options
    rows: list[list[Any]] = [
        [tr(_t("Study", "研究")), f"{STUDY_TITLE.get(lang)} ({STUDY_CODE})"],
        [
            tr(_t("Exported (UTC)", "导出时间（UTC）")),
            meta.exported_utc.strftime("%Y-%m-%d %H:%M:%S UTC"),
        ],
        [
            tr(_t("Exported (local time)", "导出时间（本地）")),
            meta.exported_local.strftime("%Y-%m-%d %H:%M:%S %Z").strip(),
        ],
        [tr(_t("Exported by", "导出人")), meta.user],
        [tr(_t("Database file", "数据库文件")), meta.database],
        [tr(_t("Audit-chain head hash", "审计链末端哈希值")), meta.head_hash],
        [
            tr(_t("Subjects exported", "导出受试者数")),
            len(data.subjects),
        ],
    ]
    option_labels = {
        "Forms": _t("Forms", "表单"),
        "Sites": _t("Sites", "研究中心"),
        "Subjects": _t("Subjects", "受试者"),
        "Date from": _t("Date from", "起始日期"),
        "Date to": _t("Date to", "截止日期"),
        "Language": _t("Language", "语言"),
        "Units": _t("Units", "单位"),
        "Identifying fields": _t("Identifying fields", "可识别身份字段"),
        "Audit trail": _t("Audit trail", "稽查轨迹"),
    }
    for key, value in options.describe(lang):
        rows.append([tr(_t("Option: ", "选项：")) + tr(option_labels[key]), value])
    if options.date_from or options.date_to:
        rows.append(
            [
                tr(_t("Date range", "日期范围")),
                tr(
                    _t(
                        "Visits, infusions (with their vital signs), adverse events, medications "
                        "(by start date) and dispositions are kept when dated within the range; "
                        "subjects, enrolment and medical history are not cut.",
                        "访视、输注（及其生命体征）、不良事件、合并用药（按开始日期）和研究结局"
                        "仅保留日期在范围内的记录；受试者、入组和既往病史不受日期限制。",
                    )
                ),
            ]
        )
    for text in meta.exclusions:
        rows.append([tr(_t("Exclusion applied", "排除规则")), text])
    for code, (en, zh) in MISSING_LABELS.items():
        rows.append(
            [tr(_t("Missing-data code ", "缺失代码 ")) + code.value, en if lang == "en" else zh]
        )
    rows.append(
        [
            tr(_t("Missing data", "缺失数据")),
            tr(
                _t(
                    "A field holding a missing-data code is left empty and its code is shown "
                    "in the column <CODE>_MISSING right after it (present only when some "
                    "record holds a code). An empty cell without a code was not entered.",
                    "记录了缺失代码的字段单元格留空，其代码显示在紧随其后的 <变量>_MISSING 列中"
                    "（仅当有记录含缺失代码时出现）。无代码的空单元格表示未录入。",
                )
            ),
        ]
    )
    rows.append(
        [
            tr(_t("Values", "数值")),
            tr(
                _t(
                    "Code-list values are shown as labels in the chosen language (the Codebook "
                    "lists the codes); CSV files keep the codes. Dates are Excel dates, "
                    "numbers are numbers; derived scores are as computed when the record was "
                    "saved. Units: see each column header and the Codebook.",
                    "代码型数值以所选语言的标签显示（代码见 Codebook）；CSV 文件保留代码。"
                    "日期为 Excel 日期，数值为数字；派生评分为保存记录时的计算结果。"
                    "单位见列标题和 Codebook。",
                )
            ),
        ]
    )
    for sheet, description in sheets:
        rows.append([tr(_t("Sheet: ", "工作表：")) + sheet, description])
    headers = [tr(_t("Item", "项目")), tr(_t("Value", "内容"))]
    w.small_table("README", headers, rows, wrap_cols=(1,), max_width={1: 100})


def write_codebook(w: WorkbookWriter, tables: Sequence[Table], options: ExportOptions) -> None:
    headers = CODEBOOK_HEADERS.get(w.language).split("|")
    rows = codebook_rows(tables, options)
    w.small_table("Codebook", headers, rows, freeze_cols=3, max_width={11: 60, 15: 50})


def _visit_label(code: str, language: str) -> str:
    return VISIT.label(code, language)


def _summary_headers(tr: Callable[[Label], str]) -> list[str]:
    return [
        tr(_t("Variable", "变量")),
        tr(_t("Unit", "单位")),
        tr(_t("Visit", "访视")),
        "n",
        tr(_t("Mean", "均值")),
        tr(_t("SD", "标准差")),
        tr(_t("Median", "中位数")),
        "Q1",
        "Q3",
        tr(_t("Mean ± SD", "均值 ± 标准差")),
        tr(_t("Median [IQR]", "中位数 [四分位距]")),
        tr(_t("n paired with baseline", "与基线配对例数")),
        tr(_t("Mean change from baseline", "较基线平均变化")),
        tr(_t("SD of change", "变化标准差")),
        tr(_t("p (Wilcoxon signed-rank)", "p 值（Wilcoxon 符号秩检验）")),
        tr(_t("Values excluded (after death or transplant)", "排除数（死亡或肝移植后）")),
    ]


def _summary_cells(row: SummaryRow, lang: str) -> list[Any]:
    """One row of the Summary table, with the paper's "mean ± SD" and "median [IQR]" text."""
    d = row.decimals
    mean_sd = (
        None
        if row.mean is None
        else f"{row.mean:.{d}f} ± {row.sd:.{d}f}"
        if row.sd is not None
        else f"{row.mean:.{d}f}"
    )
    median_iqr = (
        None if row.median is None else f"{row.median:.{d}f} [{row.q1:.{d}f}, {row.q3:.{d}f}]"
    )
    return [
        row.label.get(lang),
        row.unit,
        _visit_label(row.visit, lang),
        row.n,
        row.mean,
        row.sd,
        row.median,
        row.q1,
        row.q3,
        mean_sd,
        median_iqr,
        row.n_paired if row.visit != "BASELINE" else None,
        row.mean_change,
        row.sd_change,
        row.p_value,
        row.excluded,
    ]


def _write_summary_notes(w: WorkbookWriter, ws: Worksheet, row: int, excluded_total: int) -> int:
    """The exclusion rule and the statistics used, below the table; returns the next row."""
    tr = w.tr
    notes = [
        tr(EXCLUSION_RULE)
        + " "
        + tr(_t("Values excluded in all: ", "共排除数值："))
        + str(excluded_total),
        tr(
            _t(
                "n: subjects with a value at the visit. SD: sample standard deviation. "
                "IQR: 25th-75th percentile (linear interpolation). Change from baseline and "
                "the Wilcoxon signed-rank test (two-sided, scipy.stats.wilcoxon, zero "
                "differences dropped) use subjects with both values.",
                "n：该访视有数值的受试者数。标准差为样本标准差。四分位距为第 25-75 百分位数"
                "（线性插值）。较基线变化和 Wilcoxon 符号秩检验（双侧，scipy.stats.wilcoxon，"
                "差值为 0 者剔除）仅纳入两个时间点均有数值的受试者。",
            )
        ),
    ]
    for note in notes:
        ws.write_string(row, 0, note)
        row += 1
    return row


def _chart_title(
    by_key: dict[tuple[str, str], SummaryRow], code: str, first_visit: str, lang: str
) -> tuple[str, str]:
    """A charted variable's label and unit ("" when it has none)."""
    sample = by_key.get((code, first_visit))
    label = sample.label.get(lang) if sample else code
    unit = sample.unit if sample and sample.unit else ""
    return label, unit


def _write_chart_data(
    w: WorkbookWriter,
    ws: Worksheet,
    row: int,
    by_key: dict[tuple[str, str], SummaryRow],
    options: ExportOptions,
    fmt: Format | None,
) -> tuple[int, int]:
    """The mean per visit of each charted variable; returns its header row and last row."""
    tr, lang = w.tr, w.language
    ws.write_string(row, 0, tr(_t("Chart data: mean by visit", "图表数据：各访视均值")), w.bold)
    row += 1
    header_row = row
    ws.write_string(row, 0, tr(_t("Visit", "访视")), w.header)
    for c, code in enumerate(CHART_VARIABLES, start=1):
        label, unit = _chart_title(by_key, code, options.summary_visits[0], lang)
        ws.write_string(row, c, f"{label} ({unit})" if unit else label, w.header)
    for visit in options.summary_visits:
        row += 1
        ws.write_string(row, 0, _visit_label(visit, lang))
        for c, code in enumerate(CHART_VARIABLES, start=1):
            item = by_key.get((code, visit))
            if item is not None and item.mean is not None:
                ws.write_number(row, c, item.mean, fmt)
    return header_row, row


def _insert_summary_charts(
    w: WorkbookWriter,
    ws: Worksheet,
    data_rows: tuple[int, int],
    by_key: dict[tuple[str, str], SummaryRow],
    options: ExportOptions,
    column: int,
) -> None:
    """A native line chart of each charted variable's mean by visit, right of the table."""
    tr, lang = w.tr, w.language
    header_row, last = data_rows
    for i, code in enumerate(CHART_VARIABLES, start=1):
        chart = w.book.add_chart({"type": "line"})
        label, unit = _chart_title(by_key, code, options.summary_visits[0], lang)
        chart.add_series(
            {
                "name": ["Summary", header_row, i],
                "categories": ["Summary", header_row + 1, 0, last, 0],
                "values": ["Summary", header_row + 1, i, last, i],
                "marker": {"type": "circle"},
                "data_labels": {"value": True, "num_format": "0.0"},
            }
        )
        chart.set_title({"name": tr(_t("Mean ", "平均 ")) + label})
        chart.set_x_axis({"name": tr(_t("Visit", "访视"))})
        chart.set_y_axis({"name": unit or label, "major_gridlines": {"visible": True}})
        chart.set_legend({"none": True})
        chart.set_size({"width": 480, "height": 288})
        ws.insert_chart(1 + (i - 1) * 15, column, chart)


def write_summary(
    w: WorkbookWriter, rows: Sequence[SummaryRow], options: ExportOptions, excluded_total: int
) -> None:
    """The paper-style efficacy table, its notes, the chart data and the charts."""
    headers = _summary_headers(w.tr)
    table = [_summary_cells(row, w.language) for row in rows]
    fmt = w.decimals(2)
    formats: list[Format | None] = [None, None, None, w.int]
    formats += [fmt] * 6 + [None, None, w.int, fmt, fmt, w.p, w.int]
    by_key = {(r.variable, r.visit): r for r in rows}

    def after(ws: Worksheet, first: int) -> None:
        row = _write_summary_notes(w, ws, first, excluded_total) + 1
        data_rows = _write_chart_data(w, ws, row, by_key, options, fmt)
        _insert_summary_charts(w, ws, data_rows, by_key, options, len(headers) + 1)

    w.small_table("Summary", headers, table, formats=formats, freeze_cols=3, after=after)


def write_flow(w: WorkbookWriter, rows: Sequence[FlowRow], enrolled: int) -> None:
    tr = w.tr
    headers = [
        tr(_t("Group", "分组")),
        tr(_t("Category", "类别")),
        "n",
        tr(_t("% of enrolled", "占入组比例")),
        tr(_t("Subject IDs", "受试者编号")),
    ]
    table = []
    for row in rows:
        ids = ", ".join(row.subjects)
        if len(ids) > EXCEL_MAX_CELL - 100:
            shown = ids[: EXCEL_MAX_CELL - 100].rsplit(", ", 1)[0]
            rest = len(row.subjects) - (shown.count(", ") + 1)
            ids = shown + tr(
                _t(
                    f" … and {rest} more (see the Wide sheet)",
                    f" …… 另有 {rest} 例（见 Wide 工作表）",
                )
            )
        table.append(
            [
                row.group.get(w.language),
                row.category.get(w.language),
                len(row.subjects),
                len(row.subjects) / enrolled if enrolled else None,
                ids,
            ]
        )
    w.small_table(
        "Flow",
        headers,
        table,
        formats=[None, None, w.int, w.pct, w.wrap],
        max_width={4: 80},
    )


def write_ae_summary(w: WorkbookWriter, rows: Sequence[CountRow], subjects: int) -> None:
    tr = w.tr
    headers = [
        tr(_t("Group", "分组")),
        tr(_t("Category", "类别")),
        tr(_t("Events", "事件数")),
        tr(_t("Subjects with ≥ 1 event", "发生事件的受试者数")),
        tr(_t("% of subjects", "占受试者比例")),
    ]
    table = [
        [
            r.group.get(w.language),
            r.category.get(w.language),
            r.events,
            r.subjects,
            r.subjects / subjects if subjects else None,
        ]
        for r in rows
    ]
    w.small_table("AE summary", headers, table, formats=[None, None, w.int, w.int, w.pct])


_DEVIATION_KIND = {
    "out of window": _t("Visit out of window", "访视超窗"),
    "missed": _t("Visit missed", "访视缺失"),
}


def write_deviations(w: WorkbookWriter, rows: Sequence[Deviation]) -> None:
    tr = w.tr
    headers = [
        tr(_t("Subject ID", "受试者编号")),
        tr(_t("Site", "研究中心")),
        tr(_t("Visit", "访视")),
        tr(_t("Deviation", "偏离类型")),
        tr(_t("Window start", "窗口开始")),
        tr(_t("Target date", "目标日期")),
        tr(_t("Window end", "窗口结束")),
        tr(_t("Visit date", "访视日期")),
        tr(_t("Days outside window", "超窗天数")),
    ]
    table = [
        [
            d.subjid,
            d.site,
            _visit_label(d.visit, w.language),
            tr(_DEVIATION_KIND.get(d.kind.value, _t(d.kind.value, d.kind.value))),
            d.window_start,
            d.target,
            d.window_end,
            d.visit_date,
            d.days_off,
        ]
        for d in rows
    ]
    w.small_table(
        "Deviations",
        headers,
        table,
        formats=[None, None, None, None, w.date, w.date, w.date, w.date, w.int],
        freeze_cols=1,
    )


def audit_table(data: StudyData) -> Table:
    assert data.audit is not None
    return Table(AUDIT_SHEET, data.audit, list(AUDIT_COLUMNS))
