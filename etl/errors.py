"""Problems found in input files: a fatal error, a rejected row, a flagged row, and each file's report."""
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
class Flagged:
    """A row kept but flagged: a figure it publishes differs from the one computed from its own counts."""

    source_id: str
    problem: Problem
    subject: str  # the geo code (or category) the row is about
    published: float
    computed: float | None
    tolerance: float


@dataclass
class Coverage:
    """What a file must hold (codes, or labels such as 全国) and what it does hold, loaded or quarantined."""

    what: str  # "municipalities", "prefectures", "national total"
    expected: frozenset[str]
    present: set[str] = field(default_factory=set)


@dataclass
class FileReport:
    """Reconciliation for one input file: rows read = rows loaded + rows quarantined; flags; coverage."""

    source_id: str
    file: str
    sha256: str
    origin: str
    rows_read: int = 0
    rows_loaded: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    flagged: list[Flagged] = field(default_factory=list)
    rates_checked: int = 0  # published rates compared with the rate computed from the same row
    coverage: Coverage | None = None

    @property
    def rows_quarantined(self) -> int:
        """Number of rows set aside with a reason."""
        return len(self.rejected)

    def reject(self, row: int | None, column: str | None, reason: str, raw: str) -> None:
        """Record a rejected row."""
        self.rejected.append(Rejected(self.source_id, Problem(self.file, row, column, reason), raw))

    def flag(self, row: int | None, column: str, subject: str, published: float, computed: float | None,
             tolerance: float, reason: str) -> None:
        """Record a published figure that disagrees with the computed one (the row stays loaded)."""
        self.flagged.append(Flagged(self.source_id, Problem(self.file, row, column, reason), subject, published,
                                    computed, tolerance))
