"""Local-government codes, kinds and name resolution."""
import pytest

from etl.master import Resolver, check_digit, kind_of, lg_code, normalise


@pytest.mark.parametrize("code5, code6", [("27100", "271004"), ("01100", "011002"), ("13101", "131016"),
                                          ("27301", "273015"), ("27383", "273830"), ("13381", "133817")])
def test_lg_code_check_digit(code5, code6):
    assert lg_code(code5) == code6


def test_check_digit_wraps_eleven_to_one_and_ten_to_zero():
    # weights 6..2, remainder 0 -> 11 -> 1; remainder 1 -> 10 -> 0
    assert check_digit("00000") == "1"
    assert check_digit("20000") == "0"


@pytest.mark.parametrize("written, canonical", [("三島郡島本町", "島本町"), ("三宅島三宅村", "三宅村"),
                                                ("八丈島八丈町", "八丈町"), ("福島町", "福島町"), ("大島町", "大島町"),
                                                ("島本町", "島本町")])
def test_normalise(written, canonical):
    assert normalise(written) == canonical


def test_kind_of():
    assert kind_of("27100", "大阪市", "大阪市", "大阪府") == "designated_city"
    assert kind_of("13101", "千代田区", None, "東京都") == "special_ward"
    assert kind_of("27301", "島本町", "三島郡", "大阪府") == "town"
    assert kind_of("27383", "千早赤阪村", "南河内郡", "大阪府") == "village"


def test_resolver_resolves_written_names_and_refuses_ambiguity():
    r = Resolver()
    r.add("東京都", "三宅村", "13381")
    r.add("奈良県", "三宅町", "29362")
    assert r.resolve("東京都", "三宅村") == "13381"
    assert r.resolve("東京都", "三宅島三宅村") == "13381"
    assert r.resolve("東京都", "八丈町") is None
    r.add("北海道", "泊村", "01403")
    r.add("北海道", "泊村", "01696")
    assert r.resolve("北海道", "泊村") is None
