"""Download templates of an editable table: an Excel workbook (the data with codes and text as text, then a guide
sheet explaining every column and every check) and a CSV, both written by smartcity.export's writers."""
from __future__ import annotations

import io
import math

import pandas as pd
import xlsxwriter

from smartcity.edit.tables import EditableTable, records, text_value
from smartcity.edit.upload import MAX_KB
from smartcity.export import _Sheet, to_csv_bytes

DATA_SHEET = {"ja": "データ", "en": "Data"}  # upload.DATA_SHEETS reads either
GUIDE_SHEET = {"ja": "説明", "en": "Guide"}
TEXT_TYPES = ("text", "code", "date")  # written as text cells in Excel's text format '@'
_TYPES = {"text": ("文字列", "text"), "integer": ("整数", "integer"), "number": ("数値", "number"),
          "boolean": ("true か false", "true or false"), "year": ("年（西暦4桁）", "year (4 digits)"),
          "date": ("日付（YYYY、YYYY-MM、YYYY-MM-DD）", "date (YYYY, YYYY-MM or YYYY-MM-DD)"),
          "code": ("地域コード（5桁の文字列、先頭の0も）", "geographic code (5-digit text, leading zeros kept)")}
_GUIDE_HEAD = {"ja": ["列名", "項目（日本語）", "項目（英語）", "型", "必須", "許される値", "最小", "最大・範囲", "単位", "キー"],
               "en": ["Column", "Label (Japanese)", "Label (English)", "Type", "Required", "Allowed values", "Minimum",
                      "Maximum or bounds", "Unit", "Key"]}


def text_frame(table: EditableTable, frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell of a typed frame as text, columns in schema order."""
    rows = [[text_value(r[n]) for n in table.columns] for r in records(frame[table.columns])]
    return pd.DataFrame(rows, columns=table.columns, dtype=object)


def csv(table: EditableTable, frame: pd.DataFrame, encoding: str = "utf-8-sig") -> bytes:
    """The table as a CSV download (UTF-8 with BOM, or CP932): header = column names, text neutralised."""
    return to_csv_bytes(text_frame(table, frame), encoding)


def xlsx(table: EditableTable, frame: pd.DataFrame, lang: str = "ja") -> bytes:
    """The table as an Excel workbook: sheet 1 the data (header = column names, frozen), sheet 2 the guide."""
    lang = "en" if lang == "en" else "ja"
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        _data_sheet(_Sheet(book, DATA_SHEET[lang], table.columns), table, frame)
        _guide_sheet(_Sheet(book, GUIDE_SHEET[lang]), table, lang)
    return out.getvalue()


def _data_sheet(sheet: _Sheet, table: EditableTable, frame: pd.DataFrame) -> None:
    """Header in bold, then one row per record: codes, dates and text as text, years and counts as numbers."""
    sheet.cells.freeze_panes(1, 0)
    types = [table.column(n).type for n in table.columns]
    for c, (name, kind) in enumerate(zip(table.columns, types)):
        # text columns keep Excel's text format, so a code typed in later (01100) stays text with its zero
        sheet.cells.set_column(c, c, min(max(len(name) + 2, 10), 40),
                               sheet.formats[False, False] if kind in TEXT_TYPES else None)
        sheet.text(0, c, name, bold=True)
    for r, record in enumerate(records(frame[table.columns]), start=1):
        for c, (name, kind) in enumerate(zip(table.columns, types)):
            _cell(sheet, r, c, kind, record[name])


def _cell(sheet: _Sheet, row: int, col: int, kind: str, value) -> None:
    if value is None:
        return
    if kind == "boolean":
        sheet.cells.write_boolean(row, col, bool(value))
    elif kind in ("integer", "year", "number") and isinstance(value, (int, float)) and math.isfinite(value):
        sheet.cells.write_number(row, col, value)
    else:
        sheet.text(row, col, str(value))


def _guide_sheet(sheet: _Sheet, table: EditableTable, lang: str) -> None:
    """One row per column (labels, type, required, allowed values, minimum, maximum, unit, key), then the checks."""
    sheet.cells.set_column(0, 0, 28)
    sheet.cells.set_column(1, 9, 22)
    title = f"{table.title_ja} / {table.title_en}（{table.name}）"
    sheet.text(0, 0, title, bold=True)
    for c, head in enumerate(_GUIDE_HEAD[lang]):
        sheet.text(2, c, head, bold=True)
    row = 3
    for col in table.spec.columns:
        for c, value in enumerate(_column_row(table, col, lang)):
            sheet.value(row, c, value)
        row += 1
    row += 1
    sheet.text(row, 0, "ファイルのチェック内容" if lang == "ja" else "How the file is checked", bold=True)
    sheet.text(row, 1, "日本語", bold=True)
    sheet.text(row, 2, "English", bold=True)
    for n, (ja, en) in enumerate(checks(table), start=1):
        row += 1
        sheet.value(row, 0, n)
        sheet.text(row, 1, ja)
        sheet.text(row, 2, en)


def _column_row(table: EditableTable, col, lang: str) -> list:
    ja_type, en_type = _TYPES[col.type]
    if col.type == "year" and table.is_fiscal(col.name):
        ja_type, en_type = "年度（西暦4桁、4月〜3月）", "fiscal year (4 digits, April–March)"
    allowed = ", ".join(col.choices)
    if col.name in table.code_columns:
        allowed = "市町村マスタの地域コード / codes of the municipality master"
        if table.all_geographies:
            allowed += f"; {table.all_geographies} = 全地域 / all"
    if col.name == table.indicator_column:
        allowed = "data/kpi/indicators.csv の指標ID / indicator ids"
    bounds = [b.indicator or f"（{table.indicator_column}）" for b in table.bounds if b.column == col.name]
    maximum = table.maximum(col.name)
    limit = maximum if maximum is not None else (
        ("指標の範囲：" if lang == "ja" else "indicator bounds: ") + ", ".join(dict.fromkeys(bounds)) if bounds else None)
    required = ("必須" if lang == "ja" else "required") if col.required else ("任意" if lang == "ja" else "optional")
    key = ("キー" if lang == "ja" else "key") if col.name in table.key else None
    return [col.name, col.ja, col.en, ja_type if lang == "ja" else en_type, required, allowed or None,
            col.minimum, limit, col.unit, key]


def checks(table: EditableTable) -> list[tuple[str, str]]:
    """The checks an upload of this table passes, in Japanese and English (the guide sheet lists them)."""
    out = [
        (f".xlsx か .csv（UTF-8、BOM 付き UTF-8、CP932）、{MAX_KB:,} KB まで。数式・マクロ・外部参照は不可（数式は値として読みません）",
         f".xlsx or .csv (UTF-8, UTF-8 with BOM, CP932), up to {MAX_KB:,} KB; no formulas, macros or links "
         "(a formula is refused, never computed)"),
        ("ファイルは表全体を置き換えます：消した行は削除、加えた行は追加になります",
         "the file replaces the whole table: a row left out is removed, a new row is added"),
        ("1 行目の見出しは列名のとおり（列の追加・削除・名前の変更は不可。順序は自由）",
         "the header row holds the column names (no column added, removed or renamed; any order)"),
        ("各セルは型・必須・最小値・許される値のとおり", "every cell fits its type, required flag, minimum and allowed values"),
        (f"キー（{', '.join(table.key)}）が重複しない", f"no two rows share a key ({', '.join(table.key)})"),
        ("日付は実在する日付（2024-02-30 は不可）", "dates exist (2024-02-30 does not)"),
    ]
    if table.has_source:
        out.append(("出典：source_doc（資料のファイル名・文書名・http(s) の URL）と source_section（節）を記入"
                    + ("（引用の行のみ）" if table.source_when else ""),
                    "the source: source_doc (a seed file name, a document title or an http(s) URL) and source_section"
                    + (" (quoted rows)" if table.source_when else "")))
    if table.code_columns:
        out.append(("市町村に限られた編集者は、自分の市町村（と区）の行だけを変更できます",
                    "an editor limited to one municipality may change only that municipality's (and its wards') rows"))
    if table.observed:
        cols = ", ".join(table.observed)
        out.append((f"実績の時点（{cols}）は未来にできません：今日・今年・今年度まで",
                    f"periods of measured figures ({cols}) cannot lie ahead: up to today, this year or fiscal year"))
    for a, b in table.periods:
        out.append((f"{a} は {b} より後にできません", f"{a} cannot come after {b}"))
    for a, b in table.at_most:
        out.append((f"{a} は {b} 以下", f"{a} is at most {b}"))
    for s in table.sums:
        parts = " + ".join(s.parts)
        out.append((f"{s.by} = {s.total} の {s.column} は {parts} の和（{', '.join(s.group)} ごと、三つともあるとき）",
                    f"{s.column} of {s.by} = {s.total} equals {parts} (per {', '.join(s.group)}, "
                    "when all three are given)"))
    for k in table.cumulative:
        where = _where_text(k.where)
        out.append((f"{', '.join(k.columns)} は累計：{', '.join(k.group)} ごとに {k.order} が進んでも減りません"
                    + (f"（{where} の行）" if where else ""),
                    f"{', '.join(k.columns)} are cumulative: within each {', '.join(k.group)} they do not fall as "
                    f"{k.order} advances" + (f" (rows with {where})" if where else "")))
    for b in table.bounds:
        which = b.indicator or table.indicator_column
        where = _where_text(b.where)
        out.append((f"{b.column} は指標 {which} の下限・上限の範囲内" + (f"（{where} の行）" if where else ""),
                    f"{b.column} lies within the bounds of {which}" + (f" (rows with {where})" if where else "")))
    for name, maximum in table.maxima:
        out.append((f"{name} は {maximum:g} 以下", f"{name} is at most {maximum:g}"))
    if table.indicator_column:
        out.append((f"{table.indicator_column} は登録済みの指標", f"{table.indicator_column} is a known indicator"))
    return out


def _where_text(where) -> str:
    return "; ".join(f"{c} = {'/'.join(map(str, v))}" for c, v in where)
