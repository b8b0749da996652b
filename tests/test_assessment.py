"""The KPI status rules (etl/assessment.py docstring) on hand-made series."""
import datetime as dt

import pytest

from etl.assessment import Target, assess

D = dt.date
AS_OF = D(2026, 11, 22)


def run(obs, target, direction="increase", frequency="annual", as_of=AS_OF):
    return assess(obs, target, direction, frequency, as_of)


def test_no_observation_is_not_assessable_and_keeps_the_target():
    a = run([], Target(43, D(2026, 3, 31)))
    assert (a.status, a.reason_en, a.target_value) == ("not_assessable", "no observation yet", 43)


def test_no_target_is_not_assessable():
    assert run([(D(2022, 1, 1), 5.0)], None).status == "not_assessable"


def test_achieved():
    assert run([(D(2021, 3, 31), 30), (D(2022, 3, 31), 43)], Target(43, D(2026, 3, 31))).status == "achieved"


def test_on_track_projects_past_target():
    a = run([(D(2021, 3, 31), 18), (D(2022, 3, 31), 32), (D(2023, 3, 31), 36), (D(2024, 3, 31), 42)],
            Target(43, D(2026, 3, 31)))
    assert a.status == "on_track"
    assert a.projected_value > 43 and a.trend == "up" and a.latest_value == 42


def test_off_track_when_projection_falls_short():
    a = run([(D(2020, 3, 31), 0), (D(2022, 3, 31), 2), (D(2024, 3, 31), 4)], Target(43, D(2026, 3, 31)))
    assert a.status == "off_track"
    assert a.projected_value == pytest.approx(6, abs=0.1)


def test_at_risk_when_projection_covers_most_of_the_change():
    # 9 a year from 0 towards 100 in ten years: the projection reaches 90, i.e. 90 % of the change
    a = run([(D(2020, 1, 1), 0), (D(2022, 1, 1), 18), (D(2024, 1, 1), 36)], Target(100, D(2030, 1, 1)))
    assert a.projected_value == pytest.approx(90, abs=0.2)
    assert a.status == "at_risk"


def test_off_track_below_ninety_percent():
    a = run([(D(2020, 1, 1), 0), (D(2022, 1, 1), 16), (D(2024, 1, 1), 32)], Target(100, D(2030, 1, 1)))
    assert a.status == "off_track"


def test_regressing_when_latest_is_worse():
    a = run([(D(2021, 1, 1), 10), (D(2022, 1, 1), 20), (D(2023, 1, 1), 15)], Target(43, D(2026, 3, 31)))
    assert a.status == "regressing" and a.trend == "down"


def test_decrease_direction():
    a = run([(D(2021, 1, 1), 10), (D(2022, 1, 1), 8)], Target(2, D(2026, 1, 1)), direction="decrease")
    assert a.status == "on_track"


def test_target_date_passed_without_reaching():
    a = run([(D(2022, 1, 1), 10), (D(2024, 1, 1), 20)], Target(43, D(2023, 3, 31)))
    assert a.status == "off_track" and "has passed" in a.reason_en


def test_single_observation_without_baseline_has_no_trend():
    a = run([(D(2024, 3, 31), 39)], Target(43, D(2026, 3, 31)))
    assert a.status == "not_assessable" and a.latest_value == 39


def test_explicit_baseline_gives_a_trend_to_a_single_observation():
    a = run([(D(2024, 3, 31), 39)], Target(43, D(2026, 3, 31), baseline_value=8, baseline_date=D(2023, 3, 31)))
    assert a.status == "on_track"


def test_stale_flag_by_frequency():
    obs = [(D(2022, 9, 30), 49.0), (D(2022, 8, 31), 48.0)]
    assert run(obs, Target(100, D(2023, 3, 31)), frequency="monthly").is_stale
    assert not run(obs, Target(100, D(2023, 3, 31)), frequency="monthly", as_of=D(2022, 10, 15)).is_stale


def test_value_target_ratio():
    a = run([(D(2021, 1, 1), 10), (D(2022, 1, 1), 21.5)], Target(43, D(2026, 3, 31)))
    assert a.value_target_ratio == pytest.approx(0.5)
