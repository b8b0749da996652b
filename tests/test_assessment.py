"""The KPI status rules (etl/assessment.py docstring) and the projection rule (common/trend.py) on hand-made series."""
import datetime as dt

import pytest

from common.trend import projection
from etl.assessment import Target, assess

D = dt.date
AS_OF = D(2026, 11, 22)
SOON = D(2024, 6, 30)  # shortly after the last observation of most series below: the data are current
MUNI = dict(unit="municipalities", unit_ja="市町村", lower_bound=0, upper_bound=43)
PCT = dict(unit="percent", unit_ja="％", lower_bound=0, upper_bound=100)
E_APP = [(D(2021, 3, 31), 8), (D(2022, 3, 31), 18), (D(2023, 3, 31), 32), (D(2024, 3, 31), 42)]  # fiscal 2020–23
E_PAY = [(D(2018, 12, 31), 46.5), (D(2022, 12, 31), 93.0)]  # % of municipalities
MY_NUMBER = [(D(2020, 10, 1), 22.2), (D(2021, 4, 1), 30.0), (D(2021, 10, 1), 39.8), (D(2022, 3, 1), 43.7),
             (D(2022, 8, 31), 48.3), (D(2022, 9, 30), 49.7)]  # accelerating, then slowing: Osaka's rate, %


def run(obs, target, direction="increase", frequency="annual", as_of=AS_OF, **unit):
    return assess(obs, target, direction, frequency, as_of, **unit)


def test_no_observation_is_not_assessable_and_keeps_the_target():
    a = run([], Target(43, D(2026, 3, 31)))
    assert (a.status, a.reason_en, a.target_value) == ("not_assessable", "no observation yet", 43)


def test_no_target_is_not_assessable():
    assert run([(D(2022, 1, 1), 5.0)], None).status == "not_assessable"


def test_achieved_with_units_in_the_reason():
    a = run([(D(2021, 3, 31), 30), (D(2022, 3, 31), 43)], Target(43, D(2026, 3, 31)), as_of=D(2022, 6, 1), **MUNI)
    assert a.status == "achieved"
    assert a.reason_ja == "最新値 43市町村（2022-03-31）が目標 43市町村 に達しています"
    assert a.reason_en == "the latest value, 43 municipalities on 2022-03-31, meets the target of 43 municipalities"


def test_on_track_says_when_the_target_is_reached_not_a_value_past_it():
    a = run([(D(2021, 3, 31), 18), (D(2022, 3, 31), 32), (D(2023, 3, 31), 36), (D(2024, 3, 31), 42)],
            Target(43, D(2026, 3, 31)), as_of=SOON, **MUNI)
    assert a.status == "on_track" and a.trend == "up" and a.latest_value == 42
    assert a.projected_value == 43  # clamped at the bound, never past it
    assert "2024年度中に目標 43市町村 に達する見込み" in a.reason_ja and "in FY2024" in a.reason_en


def test_e_application_never_projects_past_43_municipalities():
    a = run(E_APP, Target(43, D(2026, 3, 31)), as_of=SOON, **MUNI)
    assert a.status == "on_track" and a.projected_value == pytest.approx(43)
    assert a.slope_per_year == pytest.approx(12, abs=0.05)  # the last two years: 18, 32, 42
    assert "65.59" not in a.reason_ja and "65.6" not in a.reason_en
    assert "2024年度中" in a.reason_ja and "42市町村" in a.reason_ja


def test_e_payment_percentage_never_projects_past_100():
    a = run(E_PAY, Target(100, D(2030, 12, 31)), frequency="irregular", as_of=D(2023, 6, 30), **PCT)
    assert a.status == "on_track" and a.projected_value == pytest.approx(100)
    assert "186" not in a.reason_ja + a.reason_en
    assert "2023年8月に目標 100.0 % に達する見込み" in a.reason_ja and "in August 2023" in a.reason_en
    assert "93.0 %" in a.reason_ja


def test_my_number_projection_is_not_below_the_latest_observation():
    a = run(MY_NUMBER, Target(100, D(2023, 3, 31)), frequency="monthly", as_of=D(2022, 10, 15), **PCT)
    assert a.projected_value >= 49.7
    assert a.status == "off_track" and "49.7 %" in a.reason_ja and "100.0 %" in a.reason_ja
    # a fit over every observation since 2017 would put 2023-03 below the 2022-09 value; the rule never does


def test_the_slope_never_contradicts_the_latest_change():
    dip_then_rise = [(D(2022, 1, 1), 60.0), (D(2022, 7, 1), 40.0), (D(2023, 1, 1), 35.0), (D(2023, 7, 1), 38.0)]
    p = projection(dip_then_rise, lower_bound=0, upper_bound=100)
    assert p.slope_per_year == 0 and p.value_at(D(2025, 1, 1)) == 38.0  # the window falls, the last change rises


def test_projection_uses_the_last_two_years_anchored_at_the_latest_observation():
    p = projection(E_APP, lower_bound=0, upper_bound=43)
    assert p.window_start == D(2022, 3, 31) and p.n_window == 3
    assert (p.anchor_date, p.anchor_value) == (D(2024, 3, 31), 42)
    assert p.value_at(D(2024, 3, 31)) == 42 and p.value_at(D(2030, 1, 1)) == 43
    end = p.points(D(2026, 3, 31))[-1]
    assert end[1] == pytest.approx(43) and end[0] < D(2024, 6, 1)  # the drawn line stops at the bound


def test_off_track_when_projection_falls_short():
    a = run([(D(2020, 3, 31), 0), (D(2022, 3, 31), 2), (D(2024, 3, 31), 4)], Target(43, D(2026, 3, 31)), as_of=SOON,
            **MUNI)
    assert a.status == "off_track"
    assert a.projected_value == pytest.approx(6, abs=0.1)
    assert a.reason_ja == "最新値 4市町村（2024-03-31）から直近の趨勢を延ばしても 2026-03-31 に 6.0市町村 で、目標 43市町村 に届きません"


def test_at_risk_when_projection_covers_most_of_the_change():
    # 9 a year from 0 towards 100 in ten years: the projection reaches 90, i.e. 90 % of the change
    a = run([(D(2020, 1, 1), 0), (D(2022, 1, 1), 18), (D(2024, 1, 1), 36)], Target(100, D(2030, 1, 1)),
            as_of=D(2024, 3, 1), **PCT)
    assert a.projected_value == pytest.approx(90, abs=0.2)
    assert a.status == "at_risk" and "90.0 %" in a.reason_ja


def test_off_track_below_ninety_percent():
    a = run([(D(2020, 1, 1), 0), (D(2022, 1, 1), 16), (D(2024, 1, 1), 32)], Target(100, D(2030, 1, 1)),
            as_of=D(2024, 3, 1))
    assert a.status == "off_track"


def test_regressing_when_latest_is_worse():
    a = run([(D(2021, 1, 1), 10), (D(2022, 1, 1), 20), (D(2023, 1, 1), 15)], Target(43, D(2026, 3, 31)),
            as_of=D(2023, 3, 1), **MUNI)
    assert a.status == "regressing" and a.trend == "down"
    assert a.reason_ja == "最新値 15市町村（2023-01-01）が前回の 20市町村 より悪化しています"


def test_decrease_direction():
    a = run([(D(2021, 1, 1), 10), (D(2022, 1, 1), 8)], Target(2, D(2026, 1, 1)), direction="decrease",
            as_of=D(2022, 3, 1))
    assert a.status == "on_track"


def test_target_date_passed_with_an_observation_after_it():
    a = run([(D(2022, 1, 1), 10), (D(2024, 1, 1), 20)], Target(43, D(2023, 3, 31)), as_of=D(2024, 3, 1), **MUNI)
    assert a.status == "off_track" and "after the target date 2023-03-31" in a.reason_en
    assert "20市町村" in a.reason_ja


def test_target_date_passed_without_an_observation_awaits_new_data():
    a = run(E_APP, Target(43, D(2026, 3, 31)), **MUNI)  # on course in 2024, nothing observed since the deadline
    assert a.status == "awaiting_data" and a.reason_ja.startswith("データ更新待ち")
    assert a.reason_en.startswith("awaiting new data") and "42 municipalities on 2024-03-31" in a.reason_en
    assert a.projected_value == pytest.approx(43)  # still within the bound


def test_stale_data_await_new_data_instead_of_an_old_projection():
    a = run(E_PAY, Target(100, D(2030, 12, 31)), frequency="irregular", **PCT)
    assert a.is_stale and a.status == "awaiting_data"
    assert a.reason_ja == ("データ更新待ち：最新の観測値は 2022-12-31 の 93.0 % で、評価基準日 2026-11-22 には古いため、"
                           "新しいデータが入るまで判定しません")


def test_stale_shortfall_stays_off_track_and_says_the_data_end():
    a = run(MY_NUMBER, Target(100, D(2023, 3, 31)), frequency="monthly", **PCT)
    assert a.status == "off_track" and a.projected_value >= 49.7
    assert "目標期日以降の観測値はまだありません" in a.reason_ja and "no observation since the target date" in a.reason_en


def test_single_observation_without_baseline_has_no_trend():
    a = run([(D(2024, 3, 31), 39)], Target(43, D(2026, 3, 31)), as_of=SOON, **MUNI)
    assert a.status == "not_assessable" and a.latest_value == 39 and "39市町村" in a.reason_ja


def test_explicit_baseline_gives_a_trend_to_a_single_observation():
    a = run([(D(2024, 3, 31), 39)], Target(43, D(2026, 3, 31), baseline_value=8, baseline_date=D(2023, 3, 31)),
            as_of=SOON)
    assert a.status == "on_track"


def test_stale_flag_by_frequency():
    obs = [(D(2022, 9, 30), 49.0), (D(2022, 8, 31), 48.0)]
    assert run(obs, Target(100, D(2023, 3, 31)), frequency="monthly").is_stale
    assert not run(obs, Target(100, D(2023, 3, 31)), frequency="monthly", as_of=D(2022, 10, 15)).is_stale


def test_value_target_ratio():
    a = run([(D(2021, 1, 1), 10), (D(2022, 1, 1), 21.5)], Target(43, D(2026, 3, 31)))
    assert a.value_target_ratio == pytest.approx(0.5)
