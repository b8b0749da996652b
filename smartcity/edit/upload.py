"""Read an uploaded .xlsx or .csv safely into text cells with the row numbers Excel shows, or refuse it with a
reason in Japanese and English. Nothing is evaluated: a formula is reported as written, never computed; workbook XML
holding a DTD or entity declaration is refused before openpyxl sees it (and openpyxl parses through defusedxml);
zip bombs are refused from the archive's directory before anything is decompressed."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import warnings
import zipfile
from dataclasses import dataclass, field

from etl.csvio import decode
from etl.errors import EtlError
from smartcity.export import formula_like

MAX_KB = 1024  # default of SMARTCITY_UPLOAD_MAX_KB: a 1,000-row workbook is about 60 KB, its CSV about 250 KB
MAX_UNCOMPRESSED = 50 * 2**20  # bytes of all members of an xlsx archive together
MAX_RATIO = 100  # uncompressed / compressed size of one member (above 1 MiB); Excel's own XML stays under ~30
MAX_MEMBERS = 1000
MAX_ROWS = 50_000  # non-blank rows of data read from a sheet or a CSV (50 times the 1,000-row benchmark)
MAX_COLUMN = 16_384  # Excel's last column (XFD): a cell past it was not written by a spreadsheet
MAX_ROW_NUMBER = 1_048_576  # Excel's last row
MAX_STRAY = 100  # non-empty cells outside the header's columns: each is a problem of the report, which stays small
MAX_CELLS = 2_000_000  # sheet positions read, blank ones included (a gap left of a cell is read as blanks)
# XML elements of a workbook, counted before openpyxl parses it (~10-40 µs each): bounds the time reading takes
# even where openpyxl reads a whole part at once (a sheet without <dimension> is parsed twice; styles and shared
# strings are read whole). A 1 MB workbook written by XlsxWriter holds ~300,000 cells in ~650,000 elements.
MAX_ELEMENTS = 1_000_000
MAX_STYLE_ELEMENTS = 100_000  # of xl/styles.xml: Excel itself allows 64,000 cell formats
DATA_SHEETS = ("データ", "Data", "data")  # the template's data sheet; otherwise the first sheet is read
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Markup that declares entities: no part of a workbook Excel writes has any. Checked in UTF-8 and UTF-16 forms.
_DTD_MARKS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
                   for enc in ("utf-8", "utf-16-le", "utf-16-be"))
_SCAN_CHUNK = 1 << 20


class Refused(ValueError):
    """An upload refused as a whole: `ja` and `en` say why."""

    def __init__(self, ja: str, en: str):
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en


@dataclass(frozen=True)
class CellNote:
    """A cell read but not accepted as a value: a formula, an Excel error (#N/A…) or a value outside the header's
    columns. `column` is the header name, or the sheet's column letter (CSV: 列 N) outside the header."""

    row: int
    column: str
    kind: str  # formula | error | outside
    text: str


@dataclass(frozen=True)
class Uploaded:
    """The cells of an upload as text: the sheet read (None for CSV), the header, each non-blank row as (row number
    as Excel shows it, {column: text}), the file's SHA-256, and the cells noted while reading."""

    sheet: str | None
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    sha256: str
    file_name: str = ""
    kind: str = "csv"  # csv | xlsx
    header_row: int = 1
    notes: list[CellNote] = field(default_factory=list)
    encoding: str | None = None  # of a CSV: utf-8, utf-8-sig or cp932


def max_bytes() -> int:
    """The upload size limit in bytes (SMARTCITY_UPLOAD_MAX_KB, default 1024)."""
    return int(os.environ.get("SMARTCITY_UPLOAD_MAX_KB", MAX_KB)) * 1024


def read(file_name: str, data: bytes, limit: int | None = None) -> Uploaded:
    """The cells of an uploaded .xlsx or .csv (checked by name and by content), or Refused saying why."""
    limit = max_bytes() if limit is None else limit
    if not data:
        raise Refused("ファイルが空です", "the file is empty")
    if len(data) > limit:
        raise Refused(f"ファイルが大きすぎます（{len(data) / 1024:,.0f} KB、上限 {limit / 1024:,.0f} KB）",
                      f"the file is too large ({len(data) / 1024:,.0f} KB; the limit is {limit / 1024:,.0f} KB)")
    ext = os.path.splitext(file_name or "")[1].lower()
    sha = hashlib.sha256(data).hexdigest()
    if ext == ".xlsx":
        if data.startswith(_OLE):
            raise Refused("パスワード付きのブック、または古い .xls 形式です。パスワードを外し .xlsx で保存してください",
                          "a password-protected workbook or an old .xls file: remove the password and save as .xlsx")
        if not data.startswith(_ZIP):
            raise Refused("拡張子は .xlsx ですが、中身が Excel ブック（.xlsx）ではありません",
                          "the name ends in .xlsx but the content is not an Excel workbook")
        check_zip(data)
        return _read_xlsx(file_name, data, sha)
    if ext == ".csv":
        if data.startswith((_ZIP, _OLE)):
            raise Refused("拡張子は .csv ですが、中身は Excel ブックです。CSV で保存するか .xlsx として送ってください",
                          "the name ends in .csv but the content is an Excel workbook: save it as CSV or send it "
                          "as .xlsx")
        return _read_csv(file_name, data, sha)
    raise Refused(f"受け付けるのは .xlsx と .csv のファイルだけです（{ext or '拡張子なし'}）",
                  f"only .xlsx and .csv files are accepted (got {ext or 'no extension'})")


# --- xlsx -------------------------------------------------------------------------------------------------------------


def check_zip(data: bytes) -> None:
    """Refuse an archive that is not a plain workbook, or could expand too far, from its directory alone; then
    refuse any XML part that declares a DTD or entities (decompressing a member at a time, in chunks)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise Refused("Excel ブック（.xlsx）として開けません：zip 形式が壊れています",
                      "cannot open the Excel workbook: the zip archive is damaged") from None
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if len(members) > MAX_MEMBERS:
            raise Refused("ブックの部品が多すぎます", f"the workbook has too many parts ({len(members)})")
        if not all(p in names for p in XLSX_PARTS) or not any(n.startswith("xl/worksheets/") for n in names):
            raise Refused("zip ファイルですが Excel ブック（.xlsx）の構成ではありません",
                          "a zip archive, but not the parts of an Excel workbook (.xlsx)")
        if any(m.flag_bits & 0x1 for m in members):
            raise Refused("暗号化された部品があります", "the workbook has encrypted parts")
        if "xl/vbaProject.bin" in names:
            raise Refused("マクロを含むブックは受け付けません", "workbooks with macros are not accepted")
        _check_sizes(members)
        elements = 0
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")) or "." not in member.filename.rsplit("/", 1)[-1]:
                elements += _scan_xml(archive, member)
        if elements > MAX_ELEMENTS:
            raise Refused(f"ブックの XML 要素（セル・文字列・書式）が多すぎます（{elements:,} 個、上限 {MAX_ELEMENTS:,} 個）"
                          "：表を分けるか、余分な書式・セルを消して保存し直してください",
                          f"the workbook holds too many XML elements (cells, strings, formats: {elements:,}; the "
                          f"limit is {MAX_ELEMENTS:,}): split the table or clear stray cells and formats, then save")


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise Refused(f"展開後の大きさが上限を超えます（{total / 2**20:,.0f} MB、上限 {MAX_UNCOMPRESSED / 2**20:,.0f} MB）"
                      "：zip 爆弾の疑いがあります",
                      f"the workbook would expand to {total / 2**20:,.0f} MB "
                      f"(limit {MAX_UNCOMPRESSED / 2**20:,.0f} MB): "
                      "a possible zip bomb")
    for m in members:
        if m.file_size > 2**20 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise Refused(f"部品 {m.filename} の圧縮率が異常です（{m.file_size / max(m.compress_size, 1):,.0f} 倍）"
                          "：zip 爆弾の疑いがあります",
                          f"part {m.filename} is compressed {m.file_size / max(m.compress_size, 1):,.0f} times: "
                          "a possible zip bomb")


def _scan_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """The number of elements of an XML part (what parsing it costs), refusing a part that declares a DTD or entities
    (billion laughs, external entities) or a style sheet with more formats than Excel allows. Chunks overlap so a
    mark split between two is still seen; the archive's own size checks bound what is read."""
    overlap = max(len(m) for m in _DTD_MARKS)
    tail, elements = b"", 0
    try:
        with archive.open(member) as fh:
            while chunk := fh.read(_SCAN_CHUNK):
                window = tail + chunk
                if any(mark in window for mark in _DTD_MARKS):
                    raise Refused(f"ブックの XML（{member.filename}）に DTD・実体宣言があります。安全のため読み込みません",
                                  f"the workbook's XML ({member.filename}) declares a DTD or entities "
                                  "(entity expansion): refused for safety")
                # start tags: every '<' but end tags, comments and declarations ('<' is escaped in text)
                elements += chunk.count(b"<") - chunk.count(b"</") - chunk.count(b"<!") - chunk.count(b"<?")
                tail = window[-overlap:]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        raise Refused(f"ブックの部品 {member.filename} が壊れています", f"part {member.filename} is damaged") from None
    if member.filename == "xl/styles.xml" and elements > MAX_STYLE_ELEMENTS:  # openpyxl builds an object of each
        raise Refused(f"ブックの書式が多すぎます（{elements:,} 要素、上限 {MAX_STYLE_ELEMENTS:,}）",
                      f"the workbook has too many formats ({elements:,} elements; the limit is {MAX_STYLE_ELEMENTS:,})")
    return elements


def _read_xlsx(file_name: str, data: bytes, sha: str) -> Uploaded:
    """The data sheet's cells through openpyxl in read-only mode, formulas kept as written (never evaluated)."""
    import openpyxl
    from defusedxml import DefusedXmlException
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops (data validation, styles)
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False,
                                          keep_vba=False, rich_text=False)
            try:
                sheet = _data_sheet(book)
                sheet.reset_dimensions()  # the <dimension> a tool wrote may be wrong: read every row
                cells = _sheet_rows(sheet)
                title = sheet.title
            finally:
                book.close()
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure of a foreign file is a refusal, not a 500
        if _caused_by(exc, DefusedXmlException):  # openpyxl wraps what its parser raised in a ValueError
            raise Refused("ブックの XML に実体宣言（DTD）があります。安全のため読み込みません",
                          "the workbook's XML declares entities (DTD): refused for safety") from None
        raise Refused(f"Excel ブックとして読めません（{type(exc).__name__}）",
                      f"cannot read the Excel workbook ({type(exc).__name__}: {exc})"[:300]) from None
    return _table(file_name, cells, sha, "xlsx", title, None)


def _caused_by(exc: BaseException | None, kind: type) -> bool:
    """Whether an exception or one it was raised from or during is of `kind`."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _data_sheet(book):
    for name in DATA_SHEETS:
        if name in book.sheetnames:
            return book[name]
    return book.worksheets[0]


def _sheet_rows(sheet) -> list[tuple[int, list[tuple[int, str, str]]]]:
    """Non-empty rows as (row number, [(column number, text, kind)]); kind '' for a value, formula or error.
    Reading stops at the first limit passed (_Bounds), before the rest of the sheet is turned into cells."""
    out, bounds = [], _Bounds("xlsx")
    for number, row in enumerate(sheet.iter_rows(), start=1):
        bounds.position(number, len(row))
        cells = []
        for cell in row:
            value = getattr(cell, "value", None)
            if value is None:
                continue
            kind = {"f": "formula", "e": "error"}.get(cell.data_type, "")
            text = (getattr(value, "text", None) or str(value)) if kind == "formula" else cell_text(value)
            if text != "" or kind:
                cells.append((cell.column, text, kind))
        if cells:
            bounds.row(number, cells)
            out.append((number, cells))
    return out


def cell_text(value) -> str:
    """A cell's value as text exactly: integers without '.0', other numbers as Excel shows them (15 significant
    digits), dates ISO (YYYY-MM-DD when there is no time), true/false."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# --- CSV --------------------------------------------------------------------------------------------------------------


def _read_csv(file_name: str, data: bytes, sha: str) -> Uploaded:
    """Records of a CSV in UTF-8 (BOM optional) or CP932, numbered as Excel shows them (blank lines count)."""
    try:
        text, encoding = decode(data, file_name)
    except EtlError as exc:
        raise _decode_refusal(str(exc.problems[0].reason), exc.problems[0].row) from None
    if "\x00" in text:
        raise Refused("テキストの CSV ではありません（NUL 文字を含みます）", "not a text CSV file (it holds NUL characters)")
    rows, bounds = [], _Bounds("csv")
    try:
        for number, fields in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            cells = [(i + 1, _unneutralise(f), "formula" if f.lstrip().startswith("=") else "")
                     for i, f in enumerate(fields) if f.strip()]
            if cells:
                bounds.row(number, cells)
                rows.append((number, cells))
    except csv.Error as exc:
        raise Refused(f"CSV として読めません：{exc}", f"cannot read the CSV: {exc}") from None
    return _table(file_name, rows, sha, "csv", None, encoding)


def _unneutralise(text: str) -> str:
    """A cell our CSV downloads prefixed with an apostrophe (smartcity.export.neutralise) gets its text back."""
    return text[1:] if text.startswith("'") and formula_like(text[1:]) else text


def _decode_refusal(reason: str, line: int | None) -> Refused:
    if "empty" in reason:
        return Refused("ファイルが空です", "the file is empty")
    if "UTF-16" in reason:
        return Refused("UTF-16（Excel の「Unicode テキスト」）の CSV です。UTF-8 か CP932 の CSV で保存してください",
                       "the CSV is UTF-16 (Excel's 'Unicode text'): save it as UTF-8 or CP932 CSV")
    return Refused(f"文字コードを読めません：UTF-8（BOM 付き可）でも CP932（Shift_JIS）でもありません（{line} 行目）",
                   f"cannot decode the CSV: neither UTF-8 (with or without BOM) nor CP932 (Shift_JIS) ({reason})")


# --- both -------------------------------------------------------------------------------------------------------------


class _Bounds:
    """The limits of one sheet or CSV, checked row by row as it is read so that reading stops at the first one
    passed: Excel's last row and column, the rows of data, the cells outside the header (each would be a problem
    of the report) and, for a workbook, every position read (blank cells cost time too)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.header: set[int] | None = None  # the header's columns, once its row (the first non-blank) is read
        self.rows = self.stray = self.positions = 0

    def position(self, number: int, width: int) -> None:
        """A sheet row read (blank or not) with `width` positions."""
        self.positions += width
        if number > MAX_ROW_NUMBER:
            raise Refused(f"シートの行番号が Excel の上限（{MAX_ROW_NUMBER:,} 行）を超えています",
                          f"the sheet has rows past Excel's last row ({MAX_ROW_NUMBER:,})")
        if width > MAX_COLUMN:
            raise Refused(f"{number} 行目に Excel の最後の列（XFD、{MAX_COLUMN:,} 列目）より右のセルがあります",
                          f"row {number} has a cell right of Excel's last column (XFD, column {MAX_COLUMN:,})")
        if self.positions > MAX_CELLS:
            raise Refused(f"シートのセル（空のセルを含む）が多すぎます（上限 {MAX_CELLS:,} 個）。"
                          "データの範囲だけを残して保存し直してください",
                          f"the sheet has too many cells, blank ones included (limit {MAX_CELLS:,}): keep only the "
                          "data's range and save it again")

    def row(self, number: int, cells: list[tuple[int, str, str]]) -> None:
        """A non-blank row read: refused past the last column, the row limit or the limit of stray cells."""
        last = cells[-1][0]
        if last > MAX_COLUMN:
            where = _column_name(last, self.kind)
            raise Refused(f"{number} 行目に Excel の最後の列（{MAX_COLUMN:,} 列目）より右の値があります（{where}）",
                          f"row {number} has a value right of Excel's last column ({MAX_COLUMN:,}): {where}")
        if self.header is None:
            self.header = {col for col, text, _ in cells if text.strip()}
            return
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise Refused(f"行が多すぎます（上限 {MAX_ROWS:,} 行）。表を分けてアップロードしてください",
                          f"too many rows (limit {MAX_ROWS:,}): split the table into several uploads")
        self.stray += sum(col not in self.header for col, _, _ in cells)
        if self.stray > MAX_STRAY:
            raise Refused(f"見出しのない列に値のあるセルが多すぎます（{number} 行目までで {self.stray:,} 個、"
                          f"上限 {MAX_STRAY:,} 個）。表の右側の余分なセルを消してから保存してください",
                          f"too many values in columns without a header ({self.stray:,} up to row {number}; "
                          f"the limit is {MAX_STRAY:,}): delete the stray cells right of the table and save again")


def _column_name(number: int, kind: str) -> str:
    if kind == "csv":
        return f"列 {number}"
    from openpyxl.utils import get_column_letter
    return get_column_letter(number)


def _table(file_name: str, rows: list[tuple[int, list[tuple[int, str, str]]]], sha: str, kind: str,
           sheet: str | None, encoding: str | None) -> Uploaded:
    """Header (the first non-blank row) and rows keyed by its names; values outside it, formulas and errors noted."""
    if not rows:
        raise Refused("データがありません（見出し行もありません）", "there is no data (not even a header row)")
    header_row, head = rows[0]
    names = {col: text.strip() for col, text, _ in head if text.strip()}
    header = [names[c] for c in sorted(names)]
    notes, records = [], []
    for number, cells in rows[1:]:
        values = {}
        for col, text, note in cells:
            name = names.get(col)
            if name is None:
                notes.append(CellNote(number, _column_name(col, kind), "outside", text))
                continue
            values[name] = text
            if note:
                notes.append(CellNote(number, name, note, text))
        if values:
            records.append((number, values))
    return Uploaded(sheet, header, records, sha, file_name, kind, header_row, notes, encoding)
