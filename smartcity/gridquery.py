"""Translate AG Grid's infinite-model requests (rows, sortModel, filterModel) into catalog-checked filters and sorts.
Each column offers only the filter types translated here; anything else in a request is refused with a QueryError
(never silently dropped while the grid says a filter is on)."""
from __future__ import annotations

from smartcity.catalog import Column, Dataset
from smartcity.tablequery import Filter, QueryError

MAX_BLOCK = 1000  # rows in one grid request (the grid asks for 50 at a time)
MAX_ROW = 2 ** 62  # startRow and endRow (DuckDB's OFFSET takes a BIGINT)
COMPARISONS = {"equals": "eq", "notEqual": "ne", "lessThan": "lt", "lessThanOrEqual": "lte", "greaterThan": "gt",
               "greaterThanOrEqual": "gte"}
TEXT_OPS = {"contains": "contains", "notContains": "notcontains", "equals": "eq", "notEqual": "ne",
            "startsWith": "startswith", "endsWith": "endswith"}
BLANK = {"blank": True, "notBlank": False}
# filter type -> the options the server implements, in the order the grid's menu shows them
FILTER_OPTIONS = {
    "text": [*TEXT_OPS, *BLANK],
    "number": [*COMPARISONS, "inRange", *BLANK],
    "date": ["equals", "notEqual", "lessThan", "greaterThan", "inRange", *BLANK],
}
AG_FILTER = {"text": "agTextColumnFilter", "number": "agNumberColumnFilter", "date": "agDateColumnFilter"}


def kind_of(column: Column) -> str:
    """The grid filter of a column: 'number', 'date' or 'text'."""
    return "number" if column.type in ("integer", "number") else "date" if column.type == "date" else "text"


def column_filter(column: Column) -> dict:
    """The filter part of a column definition: the AG Grid filter and only the options filters_of() implements."""
    kind = kind_of(column)
    params = {"filterOptions": FILTER_OPTIONS[kind], "maxNumConditions": 1, "buttons": ["reset"]}
    if kind != "text":
        params["inRangeInclusive"] = True  # the server's inRange is inclusive (>= from, <= to)
    return {"filter": AG_FILTER[kind], **({"type": "numericColumn"} if kind == "number" else {}),
            "filterParams": params}


def rows_of(req: dict) -> tuple[int, int]:
    """(startRow, endRow) of a request: whole numbers ≥ 0, endRow ≥ startRow, at most MAX_BLOCK rows apart."""
    start, end = _row(req, "startRow", 0), _row(req, "endRow", 50)
    if end < start:
        raise QueryError(f"endRow {end} is before startRow {start}", ["endRow ≥ startRow"],
                         ja=f"endRow {end} が startRow {start} より前です")
    if end - start > MAX_BLOCK:
        raise QueryError(f"a grid request may ask for at most {MAX_BLOCK:,} rows, not {end - start:,}",
                         [f"endRow - startRow ≤ {MAX_BLOCK}"],
                         ja=f"表の 1 回の要求は {MAX_BLOCK:,} 行までです（{end - start:,} 行が要求されました）")
    return start, end


def _row(req: dict, key: str, default: int) -> int:
    value = req.get(key, default)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ROW:
        raise QueryError(f"{key} must be a whole number ≥ 0, not {str(value)[:20]!r}", [f"{key}=0"],
                         ja=f"{key} は 0 以上の整数でなければなりません（{str(value)[:20]!r}）")
    return value


def sort_of(ds: Dataset, sort_model: list[dict] | None) -> list[tuple[str, bool]]:
    """[(column, descending)] from AG Grid's sortModel; an unknown column or direction is refused."""
    if not isinstance(sort_model or [], list) or not all(isinstance(s, dict) for s in sort_model or []):
        raise QueryError("sortModel must be a list of {colId, sort}", [], ja="sortModel の形式が正しくありません")
    out = []
    for s in sort_model or []:
        if ds.column(s.get("colId")) is None or s.get("sort") not in ("asc", "desc"):
            raise QueryError(f"cannot sort by {str(s.get('colId'))[:40]!r} {str(s.get('sort'))[:10]!r}",
                             [c.name for c in ds.columns], ja=f"{str(s.get('colId'))[:40]!r} では並べ替えられません")
        out.append((s["colId"], s["sort"] == "desc"))
    return out


def filters_of(ds: Dataset, filter_model: dict | None) -> list[Filter]:
    """Filters from AG Grid's filterModel: one condition per column, of a type its column offers."""
    if not isinstance(filter_model or {}, dict):
        raise QueryError("filterModel must be an object", [], ja="filterModel の形式が正しくありません")
    out: list[Filter] = []
    for column, spec in (filter_model or {}).items():
        col = ds.column(column)
        if col is None:
            raise QueryError(f"unknown column {column!r}", [c.name for c in ds.columns],
                             ja=f"列 {column!r} はありません")
        out += _column_filters(column, kind_of(col), spec)
    return out


def _column_filters(column: str, kind: str, spec) -> list[Filter]:
    """The filters of one column's model, checked against what the column offers."""
    if not isinstance(spec, dict) or "conditions" in spec:
        raise QueryError(f"column {column!r}: one condition per column", [],
                         ja=f"列 {column} の絞り込みは 1 条件までです")
    if spec.get("filterType") != kind:
        raise QueryError(f"column {column!r} takes a {kind} filter, not {str(spec.get('filterType'))[:20]!r}",
                         [kind], ja=f"列 {column} の絞り込みは {kind} 型です（{str(spec.get('filterType'))[:20]!r} は不可）")
    op = spec.get("type")
    if op not in FILTER_OPTIONS[kind]:
        raise QueryError(f"column {column!r}: filter type {str(op)[:30]!r} is not available",
                         FILTER_OPTIONS[kind], ja=f"列 {column} に絞り込みの種類 {str(op)[:30]!r} はありません")
    if op in BLANK:
        return [Filter(column, "blank", BLANK[op])]
    low, high = ("dateFrom", "dateTo") if kind == "date" else ("filter", "filterTo")
    first = _value(column, kind, spec, low)
    if op == "inRange":
        return [Filter(column, "gte", first), Filter(column, "lte", _value(column, kind, spec, high))]
    return [Filter(column, (TEXT_OPS if kind == "text" else COMPARISONS)[op], first)]


def _value(column: str, kind: str, spec: dict, key: str):
    """A condition's value: present; a date filter's 'YYYY-MM-DD hh:mm:ss' is cut to its day."""
    value = spec.get(key)
    if value is None or value == "":
        raise QueryError(f"column {column!r}: the filter needs {key}", [key],
                         ja=f"列 {column} の絞り込みに {key} がありません")
    if kind == "date" and isinstance(value, str) and len(value) == 19 and value.endswith(" 00:00:00"):
        return value[:10]
    return value
