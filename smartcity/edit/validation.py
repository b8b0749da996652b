"""Check an upload as a whole, like a Frictionless report: every problem with its sheet, row (as in the file),
column, code and reason in Japanese and English, never stopping at the first. Cells are typed by the ETL's own
rules (etl.reference._cell), so what passes here loads in a build; the table's `edit` rules in schema.toml add the
checks a build cannot make (bounds of the indicators, periods ahead, counts that fall, sums, sources, the editor's
municipality)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl.csvio import parse_date
from etl.reference import _cell
from smartcity.edit.diff import diff
from smartcity.edit.tables import EditableTable, matches, plain, published, records, text_value, typed
from smartcity.edit.upload import Uploaded
from smartcity.export import to_csv_bytes

SOURCE_COLUMNS = ("source_doc", "source_section")
_URL = re.compile(r"(?i)^https?://[^\s<>\"']+$")
_BAD_SCHEME = re.compile(r"(?i)^(?:javascript|vbscript|data|file|ftp):|://")
PROBLEM_COLUMNS = ["sheet", "row", "column", "code", "reason_ja", "reason_en"]
MAX_PROBLEMS = 1000  # listed in a report (then one "and N more"): the page and its CSV stay small
MAX_CELL_CHARS = 2000  # per cell; the longest transcribed cell has ~650, and XlsxWriter refuses above 32,767
INT64 = 2**63 - 1  # an integer column is BIGINT (pandas Int64): beyond it a value cannot be stored
SHOWN_CHARS = 60  # of a cell's text quoted in a reason


@dataclass(frozen=True)
class Problem:
    """One problem of an upload: where (sheet, row as in the file, column) and why (code, Japanese, English)."""

    sheet: str | None
    row: int | None
    column: str | None
    code: str
    reason_ja: str
    reason_en: str


@dataclass(frozen=True)
class Indicator:
    """An indicator's bounds (data/kpi/indicators.csv lower_bound, upper_bound; None: open) and names."""

    lower: float | None
    upper: float | None
    name_ja: str = ""
    name_en: str = ""


@dataclass
class Context:
    """What an upload is checked against: the geography master ({code: (name_ja, parent code)}), the indicators,
    the published table, today, and the municipality an editor is limited to (None: not limited)."""

    geo: dict[str, tuple[str, str | None]]
    indicators: dict[str, Indicator]
    published: pd.DataFrame | None = None
    today: dt.date = field(default_factory=dt.date.today)
    municipality: str | None = None
    geo_codes: set[str] = field(init=False, repr=False)

    def __post_init__(self):
        self.geo_codes = set(self.geo)  # etl.reference._cell looks codes up in a set

    def allowed_codes(self) -> set[str]:
        """The limited editor's municipality and its wards."""
        m = self.municipality
        return {m} | {code for code, (_, parent) in self.geo.items() if parent == m}


@dataclass
class Report:
    """The validation report: problems (empty when ok), and the typed table when ok (columns in schema order)."""

    table: str
    problems: list[Problem]
    frame: pd.DataFrame | None
    rows: int

    @property
    def ok(self) -> bool:
        """Whether the upload has no problem."""
        return not self.problems

    def problem_frame(self) -> pd.DataFrame:
        """The problems as a frame (sheet, row, column, code, reason_ja, reason_en)."""
        return pd.DataFrame([[p.sheet, p.row, p.column, p.code, p.reason_ja, p.reason_en] for p in self.problems],
                            columns=PROBLEM_COLUMNS).astype({"row": "Int64"})

    def to_csv(self, encoding: str = "utf-8-sig") -> bytes:
        """The problems as a CSV download (UTF-8 with BOM by default, CP932 on request)."""
        return to_csv_bytes(self.problem_frame(), encoding)

    def as_dict(self) -> dict:
        """A JSON-ready summary: table, rows, ok and the problems."""
        return {"table": self.table, "rows": self.rows, "ok": self.ok,
                "problems": [p.__dict__ for p in self.problems]}


def fiscal_year(day: dt.date) -> int:
    """The Japanese fiscal year (April–March) a day falls in."""
    return day.year if day.month >= 4 else day.year - 1


def context_from_db(db: duckdb.DuckDBPyConnection | Path | str, table: EditableTable | None = None,
                    today: dt.date | None = None, municipality: str | None = None) -> Context:
    """A Context read from the built database: the municipality master, the indicators and the published table."""
    own = not isinstance(db, duckdb.DuckDBPyConnection)
    con = duckdb.connect(str(db), read_only=True) if own else db
    try:
        geo = {c: (n, p) for c, n, p in
               con.execute("SELECT geo_code, name_ja, parent_code FROM municipality").fetchall()}
        indicators = {i: Indicator(lo, hi, ja, en) for i, ja, en, lo, hi in con.execute(
            "SELECT indicator_id, name_ja, name_en, lower_bound, upper_bound FROM indicator").fetchall()}
        frame = published(con, table) if table is not None else None
    finally:
        if own:
            con.close()
    return Context(geo, indicators, frame, today or dt.date.today(), municipality)


def canonical_csv(table: EditableTable, frame: pd.DataFrame) -> str:
    """The typed table as the ETL's reference CSV (UTF-8, header = schema columns, '\\n' line ends, quoted only when
    needed, no formula neutralisation): etl.reference.load_table reads back the same table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in frame[table.columns].itertuples(index=False, name=None):
        writer.writerow([text_value(plain(v)) for v in row])
    return out.getvalue()


def validate(table: EditableTable, uploaded: Uploaded, context: Context) -> Report:
    """Every problem of an upload of `table`; the typed frame when there is none."""
    check = _Check(table, uploaded, context)
    check.header()
    check.notes()
    rows = check.cells()
    if not uploaded.rows:
        check.add(uploaded.header_row + 1, None, "no_rows", "データ行がありません（表が空になります）",
                  "there are no data rows (the table would be empty)")
    check.rows(rows)
    check.sums(rows)
    check.cumulative(rows)
    frame = typed(table, pd.DataFrame.from_records([r for _, r in rows], columns=table.columns))
    check.municipality(rows, frame)
    problems = check.listed()
    return Report(table.name, problems, None if problems else frame, len(rows))


class _Check:
    """The checks of one upload, collecting problems."""

    def __init__(self, table: EditableTable, uploaded: Uploaded, context: Context):
        self.table, self.up, self.ctx = table, uploaded, context
        self.problems: list[Problem] = []
        self.unlisted = 0  # problems found beyond the first MAX_PROBLEMS
        self.present: list[str] = []
        self.noted = {(n.row, n.column) for n in uploaded.notes}
        self.rank = {c: i for i, c in enumerate(table.columns)}

    def add(self, row: int | None, column: str | None, code: str, ja: str, en: str) -> None:
        """Record a problem (only the first MAX_PROBLEMS in the report's order are kept; the others are counted)."""
        column = None if column is None else _short(column)  # a header name can be a whole cell long
        self.problems.append(Problem(self.up.sheet, row, column, code, ja, en))
        if len(self.problems) >= 2 * MAX_PROBLEMS:  # trimmed now and then: memory stays bounded, the cost linear
            self._trim()

    def _trim(self) -> None:
        self.problems.sort(key=lambda p: (p.row or 0, self.rank.get(p.column, len(self.rank)), p.code))
        self.unlisted += max(len(self.problems) - MAX_PROBLEMS, 0)
        del self.problems[MAX_PROBLEMS:]

    def listed(self) -> list[Problem]:
        """The problems in the report's order (row, column, code), the last saying how many more were found."""
        self._trim()
        if not self.unlisted:
            return self.problems
        more = Problem(self.up.sheet, None, None, "more_problems",
                       f"…ほか {self.unlisted:,} 件の問題があります（最初の {MAX_PROBLEMS:,} 件だけを表示しています。"
                       "これらを直して再度アップロードしてください）",
                       f"… and {self.unlisted:,} more problems (only the first {MAX_PROBLEMS:,} are listed: fix "
                       "them and upload again)")
        return self.problems + [more]

    # --- header and cells ---------------------------------------------------------------------------------------

    def header(self) -> None:
        """Columns missing, added, renamed or repeated."""
        t, head, row = self.table, self.up.header, self.up.header_row
        for name in sorted(h for h, n in Counter(head).items() if n > 1):
            self.add(row, name, "duplicate_column", f"列「{_short(name)}」が見出しに2回以上あります",
                     f"column {_short(name)!r} appears more than once in the header")
        missing = [c for c in t.columns if c not in head]
        extra = [h for h in dict.fromkeys(head) if h not in t.columns]
        for name in list(extra):
            renamed = _renamed(t, name, missing, head)
            if renamed:
                missing.remove(renamed)
                extra.remove(name)
                self.add(row, renamed, "renamed_column",
                         f"列「{_short(name)}」は「{renamed}」の名前を変えたものと見られます。"
                         f"見出しを {renamed} に戻してください",
                         f"column {_short(name)!r} looks like {renamed!r} renamed: put back the name {renamed}")
        for name in missing:
            self.add(row, name, "missing_column", f"列「{name}」（{t.column(name).ja}）がありません",
                     f"column {name!r} ({t.column(name).en}) is missing")
        for name in extra:
            self.add(row, name, "extra_column", f"列「{_short(name)}」はこの表の列ではありません（列は追加できません）",
                     f"column {_short(name)!r} is not a column of this table (columns cannot be added)")
        self.present = [c for c in t.columns if c in head]

    def notes(self) -> None:
        """Formulas, Excel errors and values outside the header's columns noted while reading."""
        for n in self.up.notes:
            text = _short(n.text)
            if n.kind == "formula":
                self.add(n.row, n.column, "formula", f"数式は受け付けません（{text}）。値を入力してください",
                         f"formulas are not accepted ({text}): enter the value")
            elif n.kind == "error":
                self.add(n.row, n.column, "excel_error", f"Excel のエラー値です（{text}）",
                         f"an Excel error value ({text})")
            else:
                self.add(n.row, n.column, "outside_header", f"見出しのない列に値があります（{text}）",
                         f"a value in a column without a header ({text})")

    def cells(self) -> list[tuple[int, dict]]:
        """Each row typed by etl.reference._cell (a cell that does not type is None, with its problem)."""
        out = []
        for number, values in self.up.rows:
            record = dict.fromkeys(self.table.columns)
            for name in self.present:
                if (number, name) not in self.noted:
                    record[name] = self.cell(number, name, values.get(name, "").strip())
            out.append((number, record))
        return out

    def cell(self, number: int, name: str, text: str):
        """One typed cell, or None with the problem recorded."""
        col = self.table.column(name)
        if text == "" and name in SOURCE_COLUMNS and self.table.has_source:
            return None  # the source rule says what is missing
        if len(text) > MAX_CELL_CHARS:  # a cell the .xlsx template could not hold again, or a page too long to read
            self.add(number, name, "too_long",
                     f"セルの文字数が多すぎます（{len(text):,} 文字、上限 {MAX_CELL_CHARS:,} 文字）：{_short(text)}",
                     f"the cell is too long ({len(text):,} characters; the limit is {MAX_CELL_CHARS:,}): "
                     f"{_short(text)}")
            return None
        try:
            value = _cell(col, text, self.ctx.geo_codes)
        except ValueError as exc:
            code, ja, en = _translate(col, text, str(exc), self.ctx.geo_codes)
            self.add(number, name, code, ja, en)
            return None
        if value is None:
            return None
        if col.type == "integer" and not -INT64 <= value <= INT64:
            digits = len(str(abs(value)))
            self.add(number, name, "out_of_range",
                     f"整数が大きすぎます（{digits} 桁）：{_short(text)}。扱えるのは ±{INT64:,} までです",
                     f"the integer is too large ({digits} digits): {_short(text)}; the range is ±{INT64:,}")
            return None
        if col.type == "date" and not _real_date(value):
            self.add(number, name, "no_such_date", f"存在しない日付です：{value}", f"no such date: {value}")
            return None
        maximum = self.table.maximum(name)
        if maximum is not None and value > maximum:
            self.add(number, name, "above_maximum", f"{value:g} は最大値 {maximum:g} を超えています",
                     f"{value:g} is above the maximum {maximum:g}")
        if name in self.table.code_columns and col.type != "code" and value != self.table.all_geographies \
                and value not in self.ctx.geo_codes:
            self.add(number, name, "unknown_code", f"市町村マスタにない地域コードです：{value}",
                     f"unknown geographic code {value!r} (not in the municipality master)")
        return value

    # --- rows ----------------------------------------------------------------------------------------------------

    def rows(self, rows: list[tuple[int, dict]]) -> None:
        """Checks within each row, and repeated keys."""
        first: dict[tuple, int] = {}
        key = self.table.key
        for number, record in rows:
            k = tuple(record[c] for c in key)
            if all(v is not None for v in k) and set(key) <= set(self.present):
                if k in first:
                    self.add(number, ",".join(key), "duplicate_key",
                             f"キー（{', '.join(map(str, k))}）が {first[k]} 行目と重複しています",
                             f"duplicate key ({', '.join(map(str, k))}): the same as row {first[k]}")
                first.setdefault(k, number)
            self.source(number, record)
            self.indicator(number, record)
            self.future(number, record)
            self.order(number, record)

    def source(self, number: int, record: dict) -> None:
        """The row cites its source: source_doc (a file name, document title or http(s) URL) and its section."""
        t = self.table
        if not t.has_source or not set(SOURCE_COLUMNS) <= set(self.present):
            return
        if t.source_when is not None and not matches(record, t.source_when):
            return
        doc, section = record["source_doc"], record["source_section"]
        if not doc:
            self.add(number, "source_doc", "missing_source",
                     "出典がありません：source_doc に資料のファイル名、文書名または http(s) の URL を記入してください",
                     "no source: give source_doc (a seed file name, a document title or an http(s) URL)")
        elif _BAD_SCHEME.search(doc) and not _URL.match(doc):
            self.add(number, "source_doc", "bad_source", f"出典の URL は http:// か https:// で始まるものだけです：{doc}",
                     f"a source address must start with http:// or https://: {doc}")
        if not section and (not doc or not _URL.match(doc) or t.column("source_section").required):
            self.add(number, "source_section", "missing_source",
                     "出典の節（source_section）がありません：資料のどこにある数値かを記入してください",
                     "no source section: say where in the document the figure stands")

    def indicator(self, number: int, record: dict) -> None:
        """The row's indicator exists, and bounded values lie within their indicator's bounds."""
        t, known = self.table, self.ctx.indicators
        own = record.get(t.indicator_column) if t.indicator_column else None
        if own is not None and own not in known:
            self.add(number, t.indicator_column, "unknown_indicator", f"登録されていない指標IDです：{own}",
                     f"unknown indicator id {own!r} (not in data/kpi/indicators.csv)")
        for bound in t.bounds:
            value, ind_id = record.get(bound.column), bound.indicator or own
            ind = known.get(ind_id)
            if value is None or ind is None or not matches(record, bound.where):
                continue
            if (ind.lower is not None and value < ind.lower) or (ind.upper is not None and value > ind.upper):
                span = f"{_fmt(ind.lower)}〜{_fmt(ind.upper)}"
                self.add(number, bound.column, "out_of_bounds",
                         f"{_fmt(value)} は指標「{ind.name_ja or ind_id}」の範囲（{span}）の外です",
                         f"{_fmt(value)} is outside the bounds of indicator {ind_id} ({span})")

    def future(self, number: int, record: dict) -> None:
        """Periods of measured figures do not lie ahead (years: this year; fiscal years: this fiscal year)."""
        today = self.ctx.today
        for name in self.table.observed:
            value = record.get(name)
            if value is None:
                continue
            col = self.table.column(name)
            if col.type == "year":
                fiscal = self.table.is_fiscal(name)
                limit = fiscal_year(today) if fiscal else today.year
                if value > limit:
                    kind_ja, kind_en = ("年度", "fiscal year") if fiscal else ("年", "year")
                    self.add(number, name, "future_period",
                             f"{value}{kind_ja}はまだ来ていません（実績は{limit}{kind_ja}まで）",
                             f"{kind_en} {value} has not come yet (actual figures up to {limit})")
            elif col.type == "date" and _period_start(value) > today:
                self.add(number, name, "future_period", f"{value} はまだ来ていません（実績の日付は今日 {today} まで）",
                         f"{value} has not come yet (actual figures up to today, {today})")

    def order(self, number: int, record: dict) -> None:
        """Starts not after ends (baseline not after target), and parts not above their whole."""
        t = self.table
        for a, b in t.periods:
            va, vb = record.get(a), record.get(b)
            if va is not None and vb is not None and _after(va, vb):
                self.add(number, b, "period_order", f"{b}（{vb}）が {a}（{va}）より前です",
                         f"{b} ({vb}) comes before {a} ({va})")
        for a, b in t.at_most:
            va, vb = record.get(a), record.get(b)
            if va is not None and vb is not None and va > vb:
                self.add(number, a, "above_whole",
                         f"{t.column(a).ja}（{_fmt(va)}）が{t.column(b).ja}（{_fmt(vb)}）を超えています（分子は分母以下）",
                         f"{a} ({_fmt(va)}) is above {b} ({_fmt(vb)}): a numerator cannot exceed its denominator")

    # --- the whole table ------------------------------------------------------------------------------------------

    def sums(self, rows: list[tuple[int, dict]]) -> None:
        """In each group, the total row equals the sum of its parts when all of them are given."""
        for s in self.table.sums:
            groups: dict[tuple, dict] = {}
            for number, r in rows:
                groups.setdefault(tuple(r[c] for c in s.group), {}).setdefault(r[s.by], (number, r[s.column]))
            for members in groups.values():
                total, parts = members.get(s.total), [members.get(p) for p in s.parts]
                if total is None or total[1] is None or any(p is None or p[1] is None for p in parts):
                    continue
                expected = sum(p[1] for p in parts)
                if total[1] != expected:
                    shown = " + ".join(f"{_fmt(p[1])}" for p in parts)
                    self.add(total[0], s.column, "sum_mismatch",
                             f"{s.total} の {s.column}（{_fmt(total[1])}）が {' + '.join(s.parts)}（{shown} = "
                             f"{_fmt(expected)}）と一致しません",
                             f"{s.column} of {s.total} ({_fmt(total[1])}) is not {' + '.join(s.parts)} ({shown} = "
                             f"{_fmt(expected)})")

    def cumulative(self, rows: list[tuple[int, dict]]) -> None:
        """Cumulative counts do not fall as the order column advances within a group."""
        for k in self.table.cumulative:
            groups: dict[tuple, list] = {}
            for number, r in rows:
                if r[k.order] is not None and matches(r, k.where):
                    groups.setdefault(tuple(r[c] for c in k.group), []).append((r[k.order], number, r))
            for members in groups.values():
                members.sort(key=lambda m: (m[0], m[1]))  # by period, then by row
                for name in k.columns:
                    self._not_falling(k.order, name, members)

    def _not_falling(self, order: str, name: str, members: list) -> None:
        last = None
        for when, number, r in members:
            value = r[name]
            if value is None:
                continue
            if last is not None and value < last[2]:
                self.add(number, name, "count_decreased",
                         f"累計の {name} が減っています：{last[0]}（{last[1]} 行目）の {_fmt(last[2])} から {when} の "
                         f"{_fmt(value)} へ",
                         f"cumulative {name} falls from {_fmt(last[2])} at {order} {last[0]} (row {last[1]}) to "
                         f"{_fmt(value)} at {when}")
            last = (when, number, value)

    def municipality(self, rows: list[tuple[int, dict]], frame: pd.DataFrame) -> None:
        """An editor limited to a municipality changes only its rows (and its wards'), compared with what is
        published: a row added, changed (before or after) or removed must carry only the editor's codes."""
        m, published = self.ctx.municipality, self.ctx.published
        key = list(self.table.key)
        if not m or published is None or not set(key) <= set(self.present):
            return
        change = diff(published, frame, key)
        number = {tuple(r[c] for c in key): n for n, r in rows}
        new = {tuple(r[c] for c in key): r for _, r in rows}
        old = {tuple(r[c] for c in key): r for r in records(published)}
        touched = [new[tuple(r[c] for c in key)] for r in records(change.added)]
        touched += [r for k, _ in change.changed for r in (old[k], new[k])]
        touched += [old[tuple(r[c] for c in key)] for r in records(change.removed)]
        allowed, codes = self.ctx.allowed_codes(), self.table.code_columns
        name = self.ctx.geo.get(m, (m, None))[0]
        reported = set()
        for record in touched:
            k = tuple(record[c] for c in key)
            values = [record[c] for c in codes if record[c] is not None]
            if (values and all(v in allowed for v in values)) or k in reported:
                continue
            reported.add(k)
            shown = ", ".join(map(str, k))
            self.add(number.get(k), ",".join(codes) or ",".join(key), "other_municipality",
                     f"{name}（{m}）の編集者は、ほかの地域の行（{shown}）を追加・変更・削除できません"
                     + ("" if codes else "（この表には市町村の列がありません）"),
                     f"an editor for {m} cannot add, change or remove another area's row ({shown})"
                     + ("" if codes else " (this table has no municipality column)"))


def _renamed(table: EditableTable, name: str, missing: list[str], head: list[str]) -> str | None:
    """The missing column a header name stands for: its Japanese or English label, or the same place."""
    folded = name.strip().casefold()
    for col in missing:
        c = table.column(col)
        if folded in (c.ja.casefold(), c.en.casefold(), col.casefold().replace("_", " ")):
            return col
    if len(head) == len(table.columns) and table.columns[head.index(name)] in missing:
        return table.columns[head.index(name)]
    return None


_MESSAGES = [  # etl.reference._cell's English reasons -> code, Japanese
    (r"required value is empty", "missing_value", "必須の値が空です"),
    (r"not a plausible year", "bad_year", "年として正しくありません（西暦4桁、1900〜2100）"),
    (r"is a dash", "dash", "「－」などのダッシュは数値ではありません（該当なしは空欄にしてください）"),
    (r"not an integer", "not_integer", "整数ではありません"),
    (r"integer too long", "out_of_range", f"整数が大きすぎます（扱えるのは ±{INT64:,} まで）"),
    (r"not a finite number", "not_finite", "有限の数値ではありません（inf・nan や桁あふれする値は使えません）"),
    (r"not a number", "not_number", "数値ではありません"),
    (r"not true/false", "not_boolean", "true か false を入力してください"),
    (r"not an ISO date", "bad_date", "日付は YYYY、YYYY-MM、YYYY-MM-DD の形で入力してください"),
    (r"unknown geographic code", "unknown_code", "市町村マスタにない地域コードです"),
    (r"below the minimum", "below_minimum", "最小値を下回っています"),
    (r"is not one of", "not_allowed", "許される値ではありません"),
]


def _translate(col, text: str, reason: str, geo_codes: set[str]) -> tuple[str, str, str]:
    """Code, Japanese and English of a reason etl.reference._cell gave."""
    for pattern, code, ja in _MESSAGES:
        if re.search(pattern, reason):
            break
    else:
        code, ja = "bad_value", "値が正しくありません"
    detail = {"below_minimum": f"（最小 {_fmt(col.minimum)}）", "not_allowed": f"（{', '.join(col.choices)}）"}.get(code, "")
    ja = f"{ja}{detail}：{_short(text)}" if text else ja
    reason = reason.replace(repr(text), repr(_short(text)))  # the ETL's reason quotes the whole cell
    if code == "unknown_code" and text.isdigit() and len(text) < 5 and text.zfill(5) in geo_codes:
        ja += f"（先頭の 0 が落ちています：{text.zfill(5)} ではありませんか。セルを文字列にして入力してください）"
        reason += f" (leading zeros lost: {text.zfill(5)}? enter the code as text)"
    return code, ja, reason


def _real_date(text: str) -> bool:
    """Whether an ISO date (YYYY, YYYY-MM, YYYY-MM-DD) names a period on the calendar."""
    try:
        _period_start(text)
        return True
    except ValueError:
        return False


def _period_start(text: str) -> dt.date:
    """The first day of the period an ISO date names (ValueError when there is no such day)."""
    if len(text) == 4:
        return dt.date(int(text), 1, 1)
    return parse_date(text if len(text) == 10 else f"{text}-01")


def _after(a, b) -> bool:
    """Whether period a comes after period b (years by number; ISO dates compared at their common precision)."""
    if isinstance(a, str) and isinstance(b, str):
        n = min(len(a), len(b))
        return a[:n] > b[:n]
    return a > b


def _fmt(value) -> str:
    """A number as written (no '.0' for whole numbers); None as an open bound."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _short(text: str) -> str:
    """A cell's text as quoted in a reason: at most SHOWN_CHARS characters, then '…'."""
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
