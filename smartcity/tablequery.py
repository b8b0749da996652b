"""SELECT statements over published datasets, built only from whitelisted identifiers and bound values."""
from __future__ import annotations

from dataclasses import dataclass

from smartcity.catalog import Dataset

OPS = {"eq": "=", "gte": ">=", "lte": "<=", "gt": ">", "lt": "<", "ne": "<>", "contains": "contains",
       "startswith": "starts_with", "in": "in"}


class QueryError(ValueError):
    """A request that names something the dataset does not have; carries what would be valid."""

    def __init__(self, message: str, valid: list[str] | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.valid, self.status = message, valid or [], status


@dataclass(frozen=True)
class Filter:
    """column OP value; for 'in' the value is a list."""

    column: str
    op: str
    value: object


def _quoted(ds: Dataset, name: str) -> str:
    if ds.column(name) is None:
        raise QueryError(f"unknown column {name!r} in dataset {ds.id!r}", [c.name for c in ds.columns])
    return f'"{name}"'  # safe: the name is one of the dataset's own columns


def _condition(ds: Dataset, f: Filter, params: list) -> str:
    col = _quoted(ds, f.column)
    if f.op not in OPS:
        raise QueryError(f"unknown operator {f.op!r}", list(OPS))
    db_type = ds.column(f.column).db_type
    if f.op == "in":
        values = list(f.value)
        params.extend(str(v) for v in values)
        return f"{col} IN ({', '.join(f'CAST(? AS {db_type})' for _ in values)})"
    params.append(str(f.value))
    if f.op in ("contains", "startswith"):
        return f"{OPS[f.op]}(CAST({col} AS VARCHAR), ?)"
    return f"{col} {OPS[f.op]} CAST(? AS {db_type})"  # db_type comes from the database's own catalog


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
