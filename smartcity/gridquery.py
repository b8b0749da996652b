"""Translate AG Grid's infinite-model requests (sortModel, filterModel) into catalog-checked filters and sorts."""
from __future__ import annotations

from smartcity.catalog import Dataset
from smartcity.tablequery import Filter, QueryError

TEXT_OPS = {"equals": "eq", "notEqual": "ne", "contains": "contains", "startsWith": "startswith"}
NUMBER_OPS = {"equals": "eq", "notEqual": "ne", "lessThan": "lt", "lessThanOrEqual": "lte", "greaterThan": "gt",
              "greaterThanOrEqual": "gte"}


def sort_of(ds: Dataset, sort_model: list[dict] | None) -> list[tuple[str, bool]]:
    """[(column, descending)] from AG Grid's sortModel."""
    return [(s["colId"], s.get("sort") == "desc") for s in (sort_model or []) if ds.column(s.get("colId", ""))]


def filters_of(ds: Dataset, filter_model: dict | None) -> list[Filter]:
    """Filters from AG Grid's filterModel (text, number and date filters; simple conditions)."""
    out = []
    for column, spec in (filter_model or {}).items():
        if ds.column(column) is None:
            raise QueryError(f"unknown column {column!r}", [c.name for c in ds.columns])
        kind, op = spec.get("filterType"), spec.get("type")
        if kind == "text" and op in TEXT_OPS and spec.get("filter") not in (None, ""):
            out.append(Filter(column, TEXT_OPS[op], spec["filter"]))
        elif kind == "number" and op == "inRange":
            out += [Filter(column, "gte", spec["filter"]), Filter(column, "lte", spec["filterTo"])]
        elif kind == "number" and op in NUMBER_OPS and spec.get("filter") is not None:
            out.append(Filter(column, NUMBER_OPS[op], spec["filter"]))
        elif kind == "date" and spec.get("dateFrom"):
            day = spec["dateFrom"][:10]
            if op == "inRange" and spec.get("dateTo"):
                out += [Filter(column, "gte", day), Filter(column, "lte", spec["dateTo"][:10])]
            elif op in NUMBER_OPS:
                out.append(Filter(column, NUMBER_OPS[op], day))
    return out
