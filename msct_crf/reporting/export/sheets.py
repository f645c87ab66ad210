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
from xlsxwriter.utility import xl_col_to_name, xl_range
from xlsxwriter.worksheet import Worksheet

from msct_crf.study.dictionary import MISSING_LABELS, STUDY_CODE, STUDY_TITLE, Label
from msct_crf.study.dictionary.codelists import VISIT, YN

from .codebook import CODEBOOK_HEADERS, codebook_rows
from .csv import APOSTROPHE_NOTE
from .data import StudyData
from .deviations import Deviation
from .display import decimal_format, fixed
from .options import ExportOptions
from .summary import CHART_VARIABLES, EXCLUSION_RULE, CountRow, FlowRow, PMethod, SummaryRow
from .variables import AUDIT_COLUMNS, SCHEDULED_VISITS, Table
from .workbook import AUDIT_SHEET, EXCEL_MAX_CELL, WorkbookWriter, text_width

#: Size of each Summary chart, in pixels.
CHART_WIDTH, CHART_HEIGHT = 480, 288
#: Widest Summary columns (text, then the long headers, which wrap), to print on one page.
SUMMARY_WIDTHS = {9: 22, 10: 26, 11: 10, 12: 12, 13: 10, 14: 12, 15: 20, 16: 12, 17: 14}
#: About how many characters of a Summary note fit on one line across the table.
NOTE_CHARS_PER_LINE = 150


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
    rows.append([tr(_t("CSV files", "CSV 文件")), tr(APOSTROPHE_NOTE)])
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
        tr(_t("p method", "p 值计算方法")),
        tr(_t("Zero differences (dropped)", "差值为 0 的配对数（剔除）")),
        tr(_t("Values excluded (after death or transplant)", "排除数（死亡或肝移植后）")),
    ]


_P_METHOD = {
    PMethod.EXACT: _t("exact", "精确分布"),
    PMethod.NORMAL: _t("normal, ties corrected", "正态近似（结校正）"),
}


def _summary_cells(row: SummaryRow, lang: str) -> list[Any]:
    """One row of the Summary table, with the paper's "mean ± SD" and "median [IQR]" text
    rounded as the number cells beside it are shown (display.fixed)."""
    d = row.decimals
    mean_sd = (
        None
        if row.mean is None
        else f"{fixed(row.mean, d)} ± {fixed(row.sd, d)}"
        if row.sd is not None
        else fixed(row.mean, d)
    )
    median_iqr = (
        None
        if row.median is None or row.q1 is None or row.q3 is None
        else f"{fixed(row.median, d)} [{fixed(row.q1, d)}, {fixed(row.q3, d)}]"
    )
    baseline = row.visit == "BASELINE"
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
        None if baseline else row.n_paired,
        row.mean_change,
        row.sd_change,
        row.p_value,
        _P_METHOD[row.p_method].get(lang) if row.p_method else None,
        None if baseline or not row.n_paired else row.zeros,
        row.excluded,
    ]


def _summary_formats(w: WorkbookWriter, row: SummaryRow) -> list[Format | None]:
    """Counts as whole numbers, statistics with the row's decimals, p in journal style."""
    fmt = w.decimals(row.decimals)
    counts, stats = [None, None, None, w.int], [fmt] * 5
    return [*counts, *stats, None, None, w.int, fmt, fmt, w.p, None, w.int, w.int]


_SUMMARY_NOTES = (
    _t(
        "n: subjects with a value at the visit (a subject's first visit of each timepoint). "
        "SD: sample standard deviation. IQR: 25th-75th percentile (linear interpolation). "
        "Change from baseline: subjects with a value at baseline and at the visit. Means, "
        "SDs, medians and changes are shown with one decimal more than the field is "
        "recorded with (two more in converted units).",
        "n：该访视有数值的受试者数（每位受试者每个时间点取第一次访视）。标准差为样本标准差。"
        "四分位距为第 25-75 百分位数（线性插值）。较基线变化仅纳入基线和该访视均有数值的"
        "受试者。均值、标准差、中位数和变化值比该字段的记录精度多显示一位小数"
        "（换算单位多两位）。",
    ),
    _t(
        "p: two-sided Wilcoxon signed-rank test of the paired differences (Wilcoxon F, "
        "Biometrics Bulletin 1945;1:80-83; Hollander M, Wolfe DA, Chicken E, Nonparametric "
        "Statistical Methods, 3rd ed., 2014, section 3.1), computed with "
        "scipy.stats.wilcoxon. The differences are taken between the stored SI values "
        "rounded to the field's recorded decimals, whatever units the export shows, so "
        "equal differences are exact ties and the SI and conventional-unit exports give the "
        "same p. Zero differences are dropped (zero_method='wilcox') and counted in "
        "'Zero differences'. With at most 50 non-zero differences and no ties the p-value "
        "is exact (method='exact'); otherwise it is the normal approximation with the "
        "tie-corrected variance and no continuity correction (method='asymptotic', "
        "correction=False); the 'p method' column says which. p is shown as 0.xx, "
        "as 0.xxx below 0.01 and as <0.001 below 0.001.",
        "p 值：配对差值的双侧 Wilcoxon 符号秩检验（Wilcoxon F, Biometrics Bulletin "
        "1945;1:80-83；Hollander M, Wolfe DA, Chicken E, Nonparametric Statistical "
        "Methods, 第 3 版, 2014, 3.1 节），用 scipy.stats.wilcoxon 计算。差值取自按该字段"
        "记录精度取整的国际单位存储值，与导出所用单位无关，因此相等的差值是精确的结，"
        "国际单位和常用单位导出的 p 值相同。差值为 0 的配对被剔除（zero_method='wilcox'），"
        "其数目见“差值为 0 的配对数”。非零差值不超过 50 个且无结时为精确 p 值"
        "（method='exact'），否则为结校正方差的正态近似、不作连续性校正"
        "（method='asymptotic', correction=False），见“p 值计算方法”列。p 值显示为 0.xx，"
        "小于 0.01 时为 0.xxx，小于 0.001 时为 <0.001。",
    ),
)


def _write_summary_notes(
    w: WorkbookWriter, ws: Worksheet, row: int, excluded_total: int, columns: int
) -> int:
    """The exclusion rule and the statistics used, below the table, each wrapped across the
    table's width so that nothing spills beside it; returns the next free row."""
    tr = w.tr
    notes = [
        tr(EXCLUSION_RULE)
        + " "
        + tr(_t("Values excluded in all: ", "共排除数值："))
        + str(excluded_total),
        *(tr(note) for note in _SUMMARY_NOTES),
    ]
    for note in notes:
        lines = 1 + text_width(note) // NOTE_CHARS_PER_LINE
        ws.set_row(row, 15 * lines)
        ws.merge_range(row, 0, row, columns - 1, note, w.wrap)
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


def _chart_decimals(by_key: dict[tuple[str, str], SummaryRow], code: str) -> int:
    return next((r.decimals for (c, _), r in by_key.items() if c == code), 1)


def _write_chart_data(
    w: WorkbookWriter,
    ws: Worksheet,
    row: int,
    by_key: dict[tuple[str, str], SummaryRow],
    options: ExportOptions,
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
                ws.write_number(row, c, item.mean, w.decimals(item.decimals))
    return header_row, row


def _insert_summary_charts(
    w: WorkbookWriter,
    ws: Worksheet,
    data_rows: tuple[int, int],
    by_key: dict[tuple[str, str], SummaryRow],
    options: ExportOptions,
) -> None:
    """A native line chart of each charted variable's mean by visit, side by side below
    the chart data (below every cell written, so no chart covers one)."""
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
                "data_labels": {
                    "value": True,
                    "num_format": decimal_format(_chart_decimals(by_key, code)),
                },
            }
        )
        chart.set_title({"name": tr(_t("Mean ", "平均 ")) + label})
        chart.set_x_axis({"name": tr(_t("Visit", "访视"))})
        chart.set_y_axis({"name": unit or label, "major_gridlines": {"visible": True}})
        chart.set_legend({"none": True})
        chart.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})
        ws.insert_chart(last + 2, 0, chart, {"x_offset": (i - 1) * (CHART_WIDTH + 16)})


def write_summary(
    w: WorkbookWriter, rows: Sequence[SummaryRow], options: ExportOptions, excluded_total: int
) -> None:
    """The paper-style efficacy table, its notes, the chart data and the charts; printed on
    at most two pages."""
    headers = _summary_headers(w.tr)
    table = [_summary_cells(row, w.language) for row in rows]
    cell_formats = [_summary_formats(w, row) for row in rows]
    by_key = {(r.variable, r.visit): r for r in rows}

    def after(ws: Worksheet, first: int) -> None:
        row = _write_summary_notes(w, ws, first, excluded_total, len(headers)) + 1
        data_rows = _write_chart_data(w, ws, row, by_key, options)
        _insert_summary_charts(w, ws, data_rows, by_key, options)

    ws = w.small_table(
        "Summary",
        headers,
        table,
        cell_formats=cell_formats,
        freeze_cols=3,
        after=after,
        max_width=SUMMARY_WIDTHS,
    )
    w.fit_pages(ws, tall=2)


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
    "overdue": _t("Visit overdue (subject in follow-up)", "访视逾期（受试者仍在随访）"),
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


def mark_after_end(w: WorkbookWriter, table: Table) -> None:
    """Shade, on the Wide sheet, the values of a visit flagged ``AFTEREND_<VISIT>`` = Yes
    (dated after death or transplantation): a conditional format per visit, so the cells
    keep their values and the flag column stays the data."""
    ws = w.book.get_worksheet_by_name(table.name)
    if ws is None or table.rows == 0:
        return
    names = [v.name for v in table.vars]
    yes = w.tr(YN.items[YN.codes.index("Y")].label)
    shade = w.book.add_format({"bg_color": "#FCE4D6", "italic": True})
    last = table.rows
    for visit in SCHEDULED_VISITS:
        flag = f"AFTEREND_{visit}"
        if flag not in names:
            continue
        columns = [i for i, n in enumerate(names) if n.endswith(f"_{visit}") and n != flag]
        if not columns:
            continue
        ranges = " ".join(xl_range(1, c, last, c) for c in columns)
        first = columns[0]
        ws.conditional_format(
            1,
            first,
            last,
            first,
            {
                "type": "formula",
                "criteria": f'=${xl_col_to_name(names.index(flag))}2="{yes}"',
                "format": shade,
                "multi_range": ranges,
            },
        )


def audit_table(data: StudyData) -> Table:
    assert data.audit is not None
    return Table(AUDIT_SHEET, data.audit, list(AUDIT_COLUMNS))
