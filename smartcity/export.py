"""CSV and Excel export shared by every download: UTF-8 with a BOM by default (Excel on Japanese Windows), CP932 on
request (characters it lacks written in their CP932 forms and reported), codes kept as zero-padded text, and text
cells that could run as a formula in Excel neutralised (after Unicode NFKC normalisation). Query results stream
through Arrow's CSV writer; Excel workbooks are written by XlsxWriter. Also the file names of the downloads (an ASCII
stem saying what the file holds, and the date of its data)."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

ENCODINGS = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "cp932": "cp932"}
FORMULA_START = ("=", "+", "-", "@")  # after NFKC (so also ＝＋－＠) and leading spaces, tabs and line breaks
CONTROL_START = ("\t", "\r")  # a raw cell starting with these is neutralised too (OWASP's list)
LEADING_SPACE = " \t\r\n"
SAFE_START = r"^(?:$|[A-Za-z0-9\p{Han}\p{Hiragana}\p{Katakana}])"  # empty, or a first character NFKC keeps
SOURCE_SHEET = "出典・Source"  # Excel forbids "/" in a sheet's name
STEM_LENGTH = 60  # characters of the title kept in a file name (whole words)
XLSX_MAX_ROWS = 100_000  # data rows of an Excel download (Excel's own limit is 1,048,576); CSV has no limit
# Characters CP932 lacks -> the CP932 character written for them. Others fall back to their NFKC form, then to the
# letter without its accent, then to '?'; every replacement is reported (cp932_note, the X-CP932-Replaced header).
# Characters Python's cp932 codec already writes as a CP932 code (− U+2212, 〜 U+301C, ‖ U+2016) are not replaced.
CP932_FORMS = {"\u2013": "-", "\u2011": "-", "\u2012": "-", "\u2043": "-", "\u2014": "―", "\u2022": "・",
               "\u00b7": "・", "\u2219": "・", "\u00a0": " ", "\u00a6": "￤", "\u00ab": "≪", "\u00bb": "≫",
               "\u00ad": "", "\u200b": "", "\ufeff": ""}
CP932_ERRORS = "smartcity-cp932"
REPLACED_HEADER = "X-CP932-Replaced"  # on CP932 CSV responses: "none" or "U+2013=U+002D, U+2022=U+30FB"


# --- formula neutralisation -------------------------------------------------------------------------------------------


def formula_like(value: str) -> bool:
    """True for text Excel could run as a formula: its NFKC form, after leading spaces, tabs and line breaks,
    starts with = + - @ (so full-width ＝＋－＠ too), or it starts with a tab or carriage return."""
    return value.startswith(CONTROL_START) or \
        unicodedata.normalize("NFKC", value).lstrip(LEADING_SPACE).startswith(FORMULA_START)


def neutralise(value):
    """A formula-like text cell gets a leading apostrophe (CSV); numbers and other values pass unchanged."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def formula_mask(values: pa.Array) -> np.ndarray:
    """formula_like() over an Arrow string array (False for NULL), computed by Arrow (no Python loop over the
    rows). Only cells that are not empty and do not start with an ASCII letter or digit, a kanji or a kana are
    normalised: NFKC keeps those first characters, so such cells cannot become formula-like."""
    mask = np.zeros(len(values), dtype=bool)
    maybe = pc.fill_null(pc.invert(pc.match_substring_regex(values, SAFE_START)), False)
    rows = pc.indices_nonzero(maybe)
    if len(rows):
        picked = values.take(rows)
        stripped = pc.utf8_ltrim(pc.utf8_normalize(picked, form="NFKC"), characters=LEADING_SPACE)
        risky = pc.or_(pc.match_substring_regex(stripped, r"^[=+\-@]"),
                       pc.match_substring_regex(picked, r"^[\t\r]"))
        mask[pc.filter(rows, risky).to_numpy()] = True
    return mask


def neutralise_array(values: pa.Array) -> pa.Array:
    """neutralise() over an Arrow string array."""
    mask = formula_mask(values)
    if not mask.any():
        return values
    return pc.if_else(pa.array(mask), pc.binary_join_element_wise("'", values, ""), values)


# --- CP932 --------------------------------------------------------------------------------------------------------


def cp932_form(char: str) -> str:
    """What a character CP932 lacks is written as: the table, its NFKC form, the letter without accents, or '?'."""
    if char in CP932_FORMS:
        return CP932_FORMS[char]
    for form in (unicodedata.normalize("NFKC", char),
                 "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))):
        if form and form != char and _encodable(form):
            return form
    return "?"


def _encodable(text: str) -> bool:
    try:
        text.encode("cp932")
        return True
    except UnicodeEncodeError:
        return False


_found = threading.local()  # the replacements of the encode() running in this thread


def _cp932_error(exc: UnicodeEncodeError) -> tuple[str, int]:
    chars = exc.object[exc.start:exc.end]
    record = getattr(_found, "replaced", None)
    if record is not None:
        record.update((c, cp932_form(c)) for c in chars)
    return "".join(cp932_form(c) for c in chars), exc.end


codecs.register_error(CP932_ERRORS, _cp932_error)


def encode(text: str, encoding: str, replaced: dict | None = None) -> bytes:
    """Text in a download encoding (the BOM is not added here); for CP932 the characters it lacks are written in
    their CP932 forms and recorded in `replaced` ({character: written as})."""
    codec = "utf-8" if encoding == "utf-8-sig" else ENCODINGS[encoding]
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        pass
    _found.replaced = replaced if replaced is not None else {}
    try:
        return text.encode(codec, errors=CP932_ERRORS)
    finally:
        _found.replaced = None


def replaced_header(replaced: dict) -> str:
    """The X-CP932-Replaced header value (ASCII): 'none' or 'U+2013=U+002D, U+2022=U+30FB' (U+003F is '?')."""
    def code(text: str) -> str:
        return "+".join(f"U+{ord(c):04X}" for c in text) or "(removed)"
    return ", ".join(f"{code(c)}={code(r)}" for c, r in sorted(replaced.items())) or "none"


def cp932_note(replaced: dict) -> tuple[str, str] | None:
    """(Japanese, English) note that characters were replaced in a CP932 download, or None."""
    if not replaced:
        return None
    pairs = ", ".join(f"{c} → {r or '(削除 / removed)'}" for c, r in sorted(replaced.items()))
    return (f"CP932（Shift_JIS）にない文字を置き換えました：{pairs}。元の文字は UTF-8 版にあります。",
            f"Characters CP932 (Shift_JIS) lacks were replaced: {pairs}. The UTF-8 download keeps them.")


def _check(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; valid: {', '.join(ENCODINGS)}")


# --- CSV --------------------------------------------------------------------------------------------------------------


def to_csv_report(frame: pd.DataFrame, encoding: str = "utf-8-sig") -> tuple[bytes, dict]:
    """CSV bytes of a DataFrame, and the characters CP932 lacked ({character: written as}); text columns
    neutralised."""
    _check(encoding)
    safe = frame.copy()
    for name in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[name]):
            safe[name] = safe[name].map(neutralise)
    replaced: dict = {}
    data = encode(safe.to_csv(index=False, lineterminator="\r\n"), encoding, replaced)
    return (b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b"") + data, replaced


def to_csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8-sig") -> bytes:
    """CSV bytes of a DataFrame; text columns neutralised, characters CP932 lacks in their CP932 forms."""
    return to_csv_report(frame, encoding)[0]


def csv_stream(batches: Iterable[pa.RecordBatch], names: list[str], encoding: str = "utf-8-sig",
               replaced: dict | None = None) -> Iterator[bytes]:
    """Stream CSV bytes of Arrow record batches (a DuckDB result): the header (after the BOM for utf-8-sig), then
    each batch written by Arrow: text neutralised, dates ISO, booleans true/false, NULL empty, strings quoted."""
    _check(encoding)
    head = io.StringIO()
    csv.writer(head, lineterminator="\r\n").writerow([neutralise(n) for n in names])
    yield (b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b"") + encode(head.getvalue(), encoding, replaced)
    options = pacsv.WriteOptions(include_header=False, eol="\r\n", batch_size=8192)
    for batch in batches:
        if not batch.num_rows:
            continue
        out = io.BytesIO()
        pacsv.write_csv(pa.RecordBatch.from_arrays([_csv_column(c) for c in batch.columns], names=names), out,
                        options)
        data = out.getvalue()
        yield data if encoding != "cp932" else encode(data.decode("utf-8"), encoding, replaced)


def _csv_column(values: pa.Array) -> pa.Array:
    """A column as CSV writes it: strings neutralised, timestamps ISO 8601 ('2024-04-01T09:00:00.123456')."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type) or \
            pa.types.is_string_view(values.type):
        return neutralise_array(values.cast(pa.string()) if pa.types.is_string_view(values.type) else values)
    if pa.types.is_timestamp(values.type):
        return iso_times(values)
    return values


def iso_times(values: pa.Array) -> pa.Array:
    """Timestamps as ISO 8601 text like Python's isoformat(): '2024-04-01T09:00:00', '…:00.123456' when there are
    fractions of a second."""
    unit = pa.timestamp("s", values.type.tz)
    seconds = values.cast(unit, safe=False)
    whole = pc.all(pc.equal(seconds.cast(values.type), values)).as_py() is not False
    return pc.strftime(seconds if whole else values.cast(pa.timestamp("us", values.type.tz), safe=False),
                       format="%Y-%m-%dT%H:%M:%S")


# --- Excel ------------------------------------------------------------------------------------------------------------
# Written by XlsxWriter in constant_memory mode: each row goes to a temporary file as soon as the next one starts, so
# memory stays flat for the largest table (92,000 rows). Columns are prepared by Arrow a batch at a time, and cells
# written by type (write_string, write_number, write_boolean; never write(), which reads '=1' as a formula). Text is
# a string cell in Excel's text format '@' (a code like 01100 stays text when edited); formula-like text keeps its
# value and gets Excel's quote prefix; numbers are numbers; NULL and NaN are no cell.

XLSX_TEXT_LIMIT = 32_767  # characters (UTF-16 units) Excel holds in one cell; XlsxWriter checks it
XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"  # control characters, shown as U+FFFD (RE2, for Arrow)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # the same for Python


class ExcelLimit(ValueError):
    """A view Excel cannot hold: too many rows, or a cell longer than Excel's limit; `ja` and `en` say which."""

    def __init__(self, ja: str, en: str):
        super().__init__(en)
        self.ja, self.en = ja, en


class _Sheet:
    """A worksheet, the cell formats of its workbook (text '@', with Excel's quote prefix, bold) and the names of its
    columns (for messages)."""

    def __init__(self, book: xlsxwriter.Workbook, name: str, columns: list[str] | None = None):
        self.cells, self.columns = book.add_worksheet(name), columns
        self.formats = {(quoted, bold): book.add_format({"num_format": "@", "bold": bold, "quote_prefix": quoted})
                        for quoted in (False, True) for bold in (False, True)}

    def string(self, row: int, col: int, value: str, cell_format) -> None:
        """A text cell, refused (ExcelLimit) above Excel's 32,767 UTF-16 units, which XlsxWriter would cut."""
        if value.startswith("<r>") and value.endswith("</r>"):
            # XlsxWriter takes such text for its own rich-string XML and writes it unescaped (a cell could carry a
            # formula): as a rich string of plain pieces (it needs three) it is escaped and stays this text.
            error = self.cells.write_rich_string(row, col, value[:1], value[1:2], value[2:], cell_format)
        else:
            error = self.cells.write_string(row, col, value, cell_format)
        if error == -2:
            raise _too_long(f"列 {self.columns[col]} / column {self.columns[col]!r}" if self.columns and row
                            else f"{self.cells.name}!{xl_rowcol_to_cell(row, col)}")

    def text(self, row: int, col: int, value: str, bold: bool = False) -> None:
        """One text cell typed one at a time (header, source sheet, mixed columns): control characters as U+FFFD,
        the quote prefix when it is formula-like."""
        self.string(row, col, _XML_ILLEGAL.sub("\ufffd", value), self.formats[formula_like(value), bold])

    def value(self, row: int, col: int, value, _format=None) -> None:
        """One cell of any Python value, typed by its own type: number, true/false, text; None and NaN no cell."""
        value = _plain(value)
        if isinstance(value, bool):
            self.cells.write_boolean(row, col, value)
        elif isinstance(value, (int, float)):
            if math.isfinite(value):
                self.cells.write_number(row, col, value)
        elif value is not None:
            self.text(row, col, str(value))


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data", about: list[tuple[str, object]] | None = None) -> bytes:
    """An Excel workbook of a DataFrame: numbers stay numbers, text (codes too) is text, never a formula; `about`
    adds a second sheet 「出典・Source」 of (label, value) rows: title, source, dates. ExcelLimit above XLSX_MAX_ROWS
    rows or XLSX_TEXT_LIMIT characters in a cell."""
    columns = [_frame_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return _workbook([columns] if columns else [], [str(c) for c in frame.columns], sheet, about)


def xlsx_bytes(batches: Iterable[pa.RecordBatch], names: list[str], sheet: str = "data",
               about: list[tuple[str, object]] | None = None) -> bytes:
    """An Excel workbook of Arrow record batches (a DuckDB result), as to_xlsx_bytes; a batch at a time."""
    return _workbook((batch.columns for batch in batches if batch.num_rows), names, sheet, about)


def _workbook(chunks: Iterable[list], names: list[str], sheet: str, about: list[tuple[str, object]] | None) -> bytes:
    """The workbook of chunks of columns (Arrow arrays, or lists of a DataFrame's mixed columns): the data sheet
    with a frozen bold header row, then the source sheet when `about` is given."""
    out = io.BytesIO()
    # The book is closed (its row files too) even when a limit stops it; the directory goes after it.
    with tempfile.TemporaryDirectory(prefix="smartcity-xlsx-") as tmp, \
            xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tmp}) as book:
        data = _Sheet(book, _sheet_name(sheet), names)
        data.cells.freeze_panes(1, 0)
        for col, name in enumerate(names):
            data.text(0, col, name, bold=True)
        row = 1
        for columns in chunks:
            rows = len(columns[0])
            if row - 1 + rows > XLSX_MAX_ROWS:
                raise ExcelLimit(f"Excel のダウンロードは {XLSX_MAX_ROWS:,} 行までです",
                                 f"an Excel download holds at most {XLSX_MAX_ROWS:,} rows")
            _write_rows(data, [_column(data, c) for c in columns], row, rows)
            row += rows
        if about:
            _source_sheet(_Sheet(book, SOURCE_SHEET), about)
    return out.getvalue()


def _write_rows(sheet: _Sheet, columns: list[tuple], first: int, rows: int) -> None:
    """Rows in order (constant_memory writes a row out when the next begins), cells left to right."""
    for offset in range(rows):
        row = first + offset
        for col, (write, values, formats) in enumerate(columns):
            value = values[offset]
            if value is not None:
                write(row, col, value, formats[offset])


def _source_sheet(sheet: _Sheet, about: list[tuple[str, object]]) -> None:
    """The 「出典・Source」 sheet: a (label, value) row each, labels in a 34-wide column, values in a 90-wide one."""
    sheet.cells.set_column(0, 0, 34)
    sheet.cells.set_column(1, 1, 90)
    for row, (label, value) in enumerate(about):
        sheet.text(row, 0, str(label))
        sheet.value(row, 1, value)


def _frame_column(series: pd.Series) -> pa.Array | list:
    """A DataFrame column as an Arrow array, or as its list of values when its types are mixed."""
    try:
        return pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return series.tolist()


def _column(sheet: _Sheet, values: pa.Array | list) -> tuple:
    """(writer, values, formats) of one column's cells, a None value for no cell: numbers and booleans as they
    are (NaN none), text with control characters shown as U+FFFD and the quote prefix where formula_mask says."""
    if isinstance(values, list):  # a mixed DataFrame column: typed cell by cell
        return sheet.value, values, [None] * len(values)
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    kind = values.type
    if pa.types.is_boolean(kind):
        return sheet.cells.write_boolean, values.to_pylist(), [None] * len(values)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        numbers = values.cast(pa.float64()) if pa.types.is_decimal(kind) else values
        if not pa.types.is_integer(kind):
            numbers = pc.if_else(pc.is_finite(numbers), numbers, None)
        return sheet.cells.write_number, numbers.to_pylist(), [None] * len(values)
    text = _text_of(values)
    plain, quoted = sheet.formats[False, False], sheet.formats[True, False]
    formats = [plain] * len(text)
    for i in np.flatnonzero(formula_mask(text)):
        formats[i] = quoted
    return sheet.string, pc.replace_substring_regex(text, XML_ILLEGAL, "\ufffd").to_pylist(), formats


def _too_long(where: str) -> ExcelLimit:
    return ExcelLimit(f"{where} に Excel の上限 {XLSX_TEXT_LIMIT:,} 文字を超えるセルがあります",
                      f"{where} holds a cell longer than Excel's {XLSX_TEXT_LIMIT:,} characters")


def _plain(value):
    """A Python scalar for one cell: None for missing, Python numbers, ISO text for dates."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar -> Python
        value = value.item()
    if hasattr(value, "isoformat") and not isinstance(value, (int, float)):
        return value.isoformat()
    return value


def _text_of(values: pa.Array) -> pa.Array:
    """Any other column as text: strings as they are, dates and date-times in ISO 8601."""
    if pa.types.is_timestamp(values.type):
        return iso_times(values)
    return values if pa.types.is_string(values.type) else values.cast(pa.string())


def _sheet_name(name: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\, no apostrophe at either end."""
    return re.sub(r"[\[\]:*?/\\]", "・", name)[:31].strip("'") or "data"


# --- file names -------------------------------------------------------------------------------------------------------


def slug(text: str | None, length: int = STEM_LENGTH) -> str:
    """An ASCII file-name stem of a title: lower case words joined by '_', whole words up to `length` characters
    ("My Number card issuance rate" -> "my_number_card_issuance_rate"); '' when nothing ASCII is left."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    kept: list[str] = []
    for word in words:
        if kept and len("_".join([*kept, word])) > length:
            while len(kept) > 1 and kept[-1].isdigit():  # a cut "0.5x" must not leave a bare "0"
                kept.pop()
            break
        kept.append(word[:length])
    return "_".join(kept)


def iso_day(value) -> str | None:
    """YYYY-MM-DD of a date, datetime, Timestamp or ISO text; None when it is not a date."""
    if value is None or isinstance(value, (int, float)) or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()[:10]
    match = re.match(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})", str(value))
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def file_stem(title_en: str | None, as_of=None, filename: str | None = None, fallback: str = "table") -> str:
    """The stem of a download's file name: `filename` when given (made ASCII-safe), else the English title's slug,
    then `_YYYY-MM-DD` of the data's date when known ("mynumber_issuance_osaka_2022-09-30")."""
    stem = _safe(filename) if filename else slug(title_en)
    stem = stem or slug(fallback) or "table"
    day = iso_day(as_of)
    return f"{stem}_{day}" if day and not stem.endswith(day) else stem


def _safe(name: str) -> str:
    """A given stem kept as written, but ASCII letters, digits, '_' and '-' only (no path, no spaces)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_-]", "_", ascii_name)).strip("_-")[:120]
