"""Problems found in input files: one type for a fatal error, one for a rejected row."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """Where and why: file, 1-based row (line in the file), column name, reason."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.reason}"


class EtlError(Exception):
    """A fatal input problem: the build stops and the previous database stays in place."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Rejected:
    """A row kept out of the main tables, with its reason, stored in the quarantine table."""

    source_id: str
    problem: Problem
    raw: str


@dataclass
class FileReport:
    """Reconciliation for one input file: rows read = rows loaded + rows quarantined."""

    source_id: str
    file: str
    sha256: str
    origin: str
    rows_read: int = 0
    rows_loaded: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def rows_quarantined(self) -> int:
        """Number of rows set aside with a reason."""
        return len(self.rejected)

    def reject(self, row: int | None, column: str | None, reason: str, raw: str) -> None:
        """Record a rejected row."""
        self.rejected.append(Rejected(self.source_id, Problem(self.file, row, column, reason), raw))
