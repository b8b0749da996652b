"""SELECT statements over published datasets, built only from whitelisted identifiers and bound values. Every filter
value is checked against its column's type here, so the API, the /data grid and its downloads refuse a bad value
with the same message before any SQL runs."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import duckdb

from smartcity.catalog import Dataset

OPS = {"eq": "=", "gte": ">=", "lte": "<=", "gt": ">", "lt": "<", "ne": "<>", "contains": "contains",
       "notcontains": "contains", "startswith": "starts_with", "endswith": "ends_with", "in": "in", "blank": "blank"}
TEXT_OPS = ("contains", "notcontains", "startswith", "endswith")  # compare the column's text form
MAX_VALUE_LENGTH = 200  # characters of one filter value (no code, name or date is longer)
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class QueryError(ValueError):
    """A request that names something the dataset does not have, or a value its column cannot hold; carries what
    would be valid. `message` is "日本語 / English" (the API's `error`); `ja` and `en` are the two halves."""

    def __init__(self, message: str, valid: list[str] | None = None, status: int = 400, ja: str | None = None):
        self.en, self.ja = message, ja or message
        self.message = f"{ja} / {message}" if ja else message
        super().__init__(self.message)
        self.valid, self.status = valid or [], status


@dataclass(frozen=True)
class Filter:
    """column OP value; for 'in' the value is a list, for 'blank' true (is empty) or false (is not empty)."""

    column: str
    op: str
    value: object


def _quoted(ds: Dataset, name: str) -> str:
    if not isinstance(name, str) or ds.column(name) is None:
        raise QueryError(f"unknown column {name!r} in dataset {ds.id!r}", [c.name for c in ds.columns],
                         ja=f"データセット {ds.id} に列 {name!r} はありません")
    return f'"{name}"'  # safe: the name is one of the dataset's own columns


def _bad_value(column: str, value, expected_ja: str, expected_en: str, valid: list[str]) -> QueryError:
    shown = str(value)[:40]
    return QueryError(f"{shown!r} does not fit column {column!r}, which holds {expected_en}", valid,
                      ja=f"{shown!r} は列 {column} に合いません（{expected_ja}の列です）")


def typed(ds: Dataset, column: str, value) -> tuple[object, str]:
    """(value as a Python object of the column's type, the SQL type it binds as); QueryError naming the column,
    the value and the type expected when it does not fit (a date that is not a day, text on a number column)."""
    db_type = ds.column(column).db_type
    if db_type == "VARCHAR":
        return _text(column, value), "VARCHAR"  # compared as written, spaces included
    text = _text(column, value if not isinstance(value, bool) else str(value).lower()).strip()
    if db_type in INTEGER_TYPES or db_type in ("DOUBLE", "FLOAT", "REAL") or db_type.startswith("DECIMAL"):
        return _number(column, value, text)
    if db_type == "DATE":
        return _day(column, text), "DATE"
    if db_type.startswith("TIMESTAMP"):
        try:
            return dt.datetime.fromisoformat(text), "TIMESTAMP"
        except ValueError:
            raise _bad_value(column, text, "日時（YYYY-MM-DDTHH:MM:SS）", "date-times (YYYY-MM-DDTHH:MM:SS)",
                             ["2024-04-01T09:00:00"]) from None
    if db_type == "BOOLEAN":
        if text.lower() not in BOOLEANS:
            raise _bad_value(column, text, "真偽値（true / false）", "true or false", ["true", "false"])
        return BOOLEANS[text.lower()], "BOOLEAN"
    return text, db_type  # another type (from the database's own catalog): DuckDB converts, execute() reports


def _number(column: str, value, text: str) -> tuple[object, str]:
    """A finite number in ASCII digits (no '²', '１', 'nan', 'inf'); an integer binds exactly, others as DOUBLE."""
    if isinstance(value, bool) or not NUMBER.fullmatch(text):
        raise _bad_value(column, text, "数値", "numbers", ["12", "-3.5", "1e3"])
    number = float(text)
    if not math.isfinite(number):
        raise _bad_value(column, text, "有限の数値", "finite numbers", ["12", "-3.5"])
    if re.fullmatch(r"[+-]?\d+", text) and abs(int(text)) < 2 ** 63:
        return int(text), "BIGINT"
    return number, "DOUBLE"


def _day(column: str, text: str) -> dt.date:
    """A calendar day written YYYY-MM-DD (2024-02-30 is refused)."""
    try:
        if DAY.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise _bad_value(column, text, "日付（YYYY-MM-DD）", "dates (YYYY-MM-DD)", ["2022-09-30"])


def _condition(ds: Dataset, f: Filter, params: list) -> str:
    col = _quoted(ds, f.column)
    if f.op not in OPS:
        raise QueryError(f"unknown operator {f.op!r}", list(OPS), ja=f"演算子 {f.op!r} はありません")
    if f.op == "in":
        values = [typed(ds, f.column, v) for v in f.value]
        params.extend(v for v, _ in values)
        return f"{col} IN ({', '.join(f'CAST(? AS {sql_type})' for _, sql_type in values)})"
    if f.op == "blank":
        return _blank(ds, f, col)
    if f.op in TEXT_OPS:
        params.append(_text(f.column, f.value))
        sql = f"{OPS[f.op]}(CAST({col} AS VARCHAR), ?)"
        return f"NOT {sql}" if f.op == "notcontains" else sql  # like ne, a negation leaves out empty cells
    value, sql_type = typed(ds, f.column, f.value)
    params.append(value)
    return f"{col} {OPS[f.op]} CAST(? AS {sql_type})"  # sql_type is one of typed()'s fixed names


def _text(column: str, value) -> str:
    """A filter value as text: present, single and at most MAX_VALUE_LENGTH characters."""
    if value is None or isinstance(value, (list, dict, tuple)) or str(value) == "":
        raise QueryError(f"the filter of column {column!r} needs a value", [],
                         ja=f"列 {column} の絞り込みに値がありません")
    if len(str(value)) > MAX_VALUE_LENGTH:
        raise QueryError(f"a filter value of column {column!r} is longer than {MAX_VALUE_LENGTH} characters",
                         [f"≤ {MAX_VALUE_LENGTH}"], ja=f"列 {column} の絞り込みの値が {MAX_VALUE_LENGTH} 文字を超えています")
    return str(value)


def _blank(ds: Dataset, f: Filter, col: str) -> str:
    """Empty (NULL, and '' for text) when the value is true; not empty when false."""
    wanted = f.value if isinstance(f.value, bool) else BOOLEANS.get(str(f.value).strip().lower())
    if wanted is None:
        raise _bad_value(f.column, f.value, "空欄かどうか（true / false）", "blank=true or blank=false", ["true", "false"])
    empty = f"({col} IS NULL OR {col} = '')" if ds.column(f.column).db_type == "VARCHAR" else f"{col} IS NULL"
    return empty if wanted else f"NOT {empty}"


def where(ds: Dataset, filters: list[Filter]) -> tuple[str, list]:
    """WHERE clause (or '') and its parameters."""
    params: list = []
    conds = [_condition(ds, f, params) for f in filters]
    return (" WHERE " + " AND ".join(conds) if conds else ""), params


def select(ds: Dataset, filters: list[Filter] = (), sort: list[tuple[str, bool]] = (), limit: int | None = None,
           offset: int = 0, columns: list[str] | None = None) -> tuple[str, list]:
    """SELECT … FROM dataset WHERE … ORDER BY … LIMIT … OFFSET … with bound parameters; sort = [(column, desc)]."""
    cols = ", ".join(_quoted(ds, c) for c in columns) if columns else ", ".join(f'"{c.name}"' for c in ds.columns)
    clause, params = where(ds, list(filters))
    keys = [f"{_quoted(ds, c)} {'DESC' if desc else 'ASC'}" for c, desc in sort]
    keys += [f'"{k}" ASC' for k in ds.primary_key if k not in {c for c, _ in sort}]  # stable paging
    order = " ORDER BY " + ", ".join(keys) if keys else ""
    sql = f'SELECT {cols} FROM "{ds.id}"{clause}{order}'
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return sql, params


def count(ds: Dataset, filters: list[Filter] = ()) -> tuple[str, list]:
    """SELECT count(*) with the same filters."""
    clause, params = where(ds, list(filters))
    return f'SELECT count(*) FROM "{ds.id}"{clause}', params


DUCKDB_VALUE_ERRORS = (duckdb.ConversionException, duckdb.InvalidInputException, duckdb.BinderException,
                      duckdb.OutOfRangeException)


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: list):
    """Run a statement of this module; a value DuckDB still cannot convert becomes a QueryError, not a 500."""
    try:
        return con.execute(sql, params)
    except DUCKDB_VALUE_ERRORS as exc:
        raise _value_error(exc) from exc


def arrow_reader(con: duckdb.DuckDBPyConnection, sql: str, params: list, batch_rows: int):
    """A pyarrow RecordBatchReader over a statement's rows, `batch_rows` at a time, without a copy of the rows
    (errors as in execute())."""
    con.abort()  # a request's shared cursor may hold an earlier query's unread rows: drop them, as execute() does
    try:
        return con.sql(sql, params=params).to_arrow_reader(batch_rows)
    except DUCKDB_VALUE_ERRORS as exc:
        raise _value_error(exc) from exc


def _value_error(exc: Exception) -> QueryError:
    return QueryError(f"a filter value does not fit its column's type: {str(exc).splitlines()[0]}",
                      ja="絞り込みの値が列の型に合いません")
