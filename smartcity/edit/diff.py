"""The difference between the published table and an upload, row by key: added, removed, and changed cells with
their value before and after. Both frames are typed first (smartcity.edit.tables.typed); a missing value is one
value however it is spelled (None, NaN, NA), and 3 equals 3.0."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from smartcity.edit.tables import records

Key = tuple


@dataclass(frozen=True)
class Diff:
    """Rows added and removed (frames), and changed rows as (key, {column: (before, after)})."""

    added: pd.DataFrame
    removed: pd.DataFrame
    changed: list[tuple[Key, dict[str, tuple]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether the upload changes nothing."""
        return self.added.empty and self.removed.empty and not self.changed

    def summary(self) -> dict[str, int]:
        """Counts of rows added, changed and removed."""
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}


def diff(published: pd.DataFrame, uploaded: pd.DataFrame, key: list[str] | tuple[str, ...]) -> Diff:
    """Rows of `uploaded` not in `published` by key, rows gone, and cells changed (columns both frames have)."""
    key = list(key)
    before, after = records(published), records(uploaded)
    old = _by_key(before, key)
    new = _by_key(after, key)
    columns = [c for c in uploaded.columns if c in set(published.columns)]
    changed = []
    for k, i in new.items():
        if k in old:
            cells = {c: (before[old[k]][c], after[i][c]) for c in columns
                     if not same(before[old[k]][c], after[i][c])}
            if cells:
                changed.append((k, cells))
    added = [i for k, i in new.items() if k not in old]
    removed = [i for k, i in old.items() if k not in new]
    return Diff(uploaded.iloc[added].reset_index(drop=True), published.iloc[removed].reset_index(drop=True), changed)


def _by_key(rows: list[dict], key: list[str]) -> dict[Key, int]:
    """Row position by key (the first row of a repeated key: validation reports the others)."""
    out: dict[Key, int] = {}
    for i, row in enumerate(rows):
        out.setdefault(tuple(row[c] for c in key), i)
    return out


def same(a, b) -> bool:
    """Whether two plain cell values are equal (None only equals None; numbers by value, text exactly)."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b
