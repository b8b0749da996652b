"""Completeness rules, checked on every file of every build before the new database can be swapped in:

- coverage: each dated file holds a row for every municipality (or prefecture) of the master, less the codes its
  source is declared to lack (`exempt_codes`, each with its reason); a quarantined row still counts as present when
  it can be told whose it is, since its reason is kept;
- quarantine: at most `max_quarantined_share` of a file's rows are quarantined;
- published vs computed: a published rate that differs from the rate computed from the same row's counts by more than
  the rounding of the published figure is flagged (the row stays, the flag is stored in `rate_flag` and listed by
  `python -m etl status`); a file where more than `max_flagged_share` of its rates disagree is refused.

The thresholds are set once here (DEFAULTS) and a source may override them in the manifest:

    [sources.<id>.checks]
    max_quarantined_share = 0.02
    [sources.<id>.checks.exempt_codes]
    "40305" = "merged into 40231 on 2018-10-01"
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl.csvio import rounding_tolerance
from etl.errors import EtlError, FileReport, Problem

DEFAULTS = {
    # A broken line or two in 1,741 is a publisher's slip, kept with its reason; more than 1 % means the file is
    # broken or its layout changed (the boundary file's ten documented exclusions are 0.6 %).
    "max_quarantined_share": 0.01,
    # Isolated disagreements are the publisher's own slips (four of 210 type totals in the real files): kept and
    # listed. When most of a file disagrees with itself, its columns are misread or were redefined, and every rate
    # computed from them would be wrong. Measured per file: the type-total files have only four or five rows.
    "max_flagged_share": 0.5,
}
FLOAT_SLACK = 1e-9  # 12.35 rounded to 12.3 differs by 0.05000000000000071 in binary floating point
SHOWN = 5  # missing codes or problems quoted in a message


@dataclass(frozen=True)
class Rules:
    """The completeness rules of one source."""

    max_quarantined_share: float
    max_flagged_share: float
    exempt_codes: dict[str, str]


def rules_for(entry: dict) -> Rules:
    """The defaults, overridden by the source's own `checks` table in the manifest."""
    checks = entry.get("checks", {})
    return Rules(*(float(checks.get(k, v)) for k, v in DEFAULTS.items()), dict(checks.get("exempt_codes", {})))


def manifest_problems(path: Path, sources: dict) -> list[Problem]:
    """Every `checks` table of the manifest is well formed: known keys, shares in [0, 1], codes with reasons."""
    problems = []
    for sid, entry in sources.items():
        checks = entry.get("checks", {})
        where = f"sources.{sid}.checks"
        if not isinstance(checks, dict):
            problems.append(Problem(str(path), None, where, "must be a table"))
            continue
        for key, value in checks.items():
            if key in DEFAULTS:
                if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                    problems.append(Problem(str(path), None, f"{where}.{key}", f"{value!r} is not a share in [0, 1]"))
            elif key == "exempt_codes":
                problems += _exempt_problems(path, f"{where}.{key}", value)
            else:
                problems.append(Problem(str(path), None, f"{where}.{key}",
                                        f"unknown check (known: {', '.join([*DEFAULTS, 'exempt_codes'])})"))
    return problems


def _exempt_problems(path: Path, where: str, value) -> list[Problem]:
    if not isinstance(value, dict):
        return [Problem(str(path), None, where, "must be a table of code = reason")]
    return [Problem(str(path), None, f"{where}.{code}", "a 5-digit code with its reason (non-empty text)")
            for code, reason in value.items()
            if not (len(code) == 5 and code.isdigit() and isinstance(reason, str) and reason.strip())]


def check_rates(report: FileReport, rows, columns, subjects, published_texts, published, numerators,
                denominators, formula: str) -> None:
    """Compare each published percentage with 100 × numerator / denominator of the same row (arrays, one item per
    row; columns: one column name for all, or one per row); flag those that differ by more than the rounding of the
    published figure, or whose denominator is 0."""
    report.rates_checked += len(rows)
    if not len(rows):
        return
    codes, uniques = pd.factorize(pd.Series(published_texts, dtype=object))  # once per distinct text
    tolerance = np.array([rounding_tolerance(t) for t in uniques])[codes]
    pub, num, den = (np.asarray(a, dtype=np.float64) for a in (published, numerators, denominators))
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = 100 * num / den
    for i in np.flatnonzero((den == 0) | (np.abs(pub - computed) > tolerance + FLOAT_SLACK)):
        column = columns if isinstance(columns, str) else columns[i]
        if den[i] == 0:
            report.flag(int(rows[i]), column, subjects[i], pub[i], None, tolerance[i],
                        f"published rate {pub[i]:g} % but {formula} cannot be computed: the denominator is 0")
        else:
            report.flag(int(rows[i]), column, subjects[i], pub[i], computed[i], tolerance[i],
                        f"published rate {pub[i]:g} % differs from {formula} = {computed[i]:.3f} % by more than the "
                        f"rounding of the published figure (±{tolerance[i]:g})")


def check(reports: list[FileReport], manifest: dict, names: dict[str, str]) -> None:
    """Apply every rule to every file; one EtlError lists all the failures (names: geo code -> name, for messages)."""
    problems = []
    for report in reports:
        rules = rules_for(manifest[report.source_id])
        problems += _quarantine(report, rules) + _coverage(report, rules, names) + _flags(report, rules)
    if problems:
        raise EtlError(problems)


def _quarantine(report: FileReport, rules: Rules) -> list[Problem]:
    share = report.rows_quarantined / report.rows_read if report.rows_read else 0.0
    if share <= rules.max_quarantined_share:
        return []
    first = "; ".join(_where(r.problem) for r in report.rejected[:3])
    return [Problem(report.file, None, None,
                    f"{report.rows_quarantined} of {report.rows_read} rows quarantined ({share:.1%}, "
                    f"{report.rows_loaded} loaded), more than the {rules.max_quarantined_share:.1%} allowed "
                    f"(max_quarantined_share): the file is broken or its layout changed; first: {first}")]


def _coverage(report: FileReport, rules: Rules, names: dict[str, str]) -> list[Problem]:
    cov = report.coverage
    if cov is None:
        return []
    expected = cov.expected - rules.exempt_codes.keys()
    missing = sorted(expected - cov.present)
    if not missing:
        return []
    shown = ", ".join(f"{code} {names.get(code, '')}".strip() for code in missing[:SHOWN])
    exempt = f" (less {len(cov.expected) - len(expected)} exempt)" if len(expected) < len(cov.expected) else ""
    more = ", …" if len(missing) > SHOWN else ""
    return [Problem(report.file, None, None,
                    f"incomplete: has rows for {len(expected) - len(missing)} of the {len(expected)} {cov.what} "
                    f"of the master{exempt}; {len(missing)} missing (first: {shown}{more}); a code the source "
                    f"legitimately lacks is declared, with its reason, under "
                    f"[sources.{report.source_id}.checks.exempt_codes] in the manifest")]


def _flags(report: FileReport, rules: Rules) -> list[Problem]:
    if not report.rates_checked:
        return []
    share = len(report.flagged) / report.rates_checked
    if share <= rules.max_flagged_share:
        return []
    first = "; ".join(_where(f.problem) for f in report.flagged[:3])
    return [Problem(report.file, None, report.flagged[0].problem.column,
                    f"{len(report.flagged)} of {report.rates_checked} published rates ({share:.0%}) differ from the "
                    f"rate computed from the same row's counts, more than the {rules.max_flagged_share:.0%} allowed "
                    f"(max_flagged_share): the columns are misread or no longer mean what they did; first: {first}")]


def _where(problem: Problem) -> str:
    return str(problem).removeprefix(f"{problem.file}, ")
