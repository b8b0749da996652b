"""Decoding and number parsing of Japanese CSV files."""
import pytest

from etl.csvio import decode, parse_float, parse_int, read_rows
from etl.errors import EtlError

TEXT = '"都道府県名","交付枚数"\n"大阪府","4,377,050"\n'


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("cp932"), "cp932"),
])
def test_decode_accepts_utf8_with_or_without_bom_and_cp932(data, encoding):
    text, found = decode(data, "x.csv")
    assert found == encoding
    assert "大阪府" in text and not text.startswith("\ufeff")


def test_decode_names_the_bad_byte_and_line():
    data = TEXT.encode("utf-8") + b'"\x80\xff",1\n'
    with pytest.raises(EtlError) as err:
        decode(data, "bad.csv")
    assert "bad.csv, row 3: cannot decode: neither UTF-8 nor CP932" in str(err.value)


def test_decode_rejects_utf16_with_advice():
    with pytest.raises(EtlError, match="UTF-16 .* save it as UTF-8 or CP932"):
        decode(TEXT.encode("utf-16"), "u16.csv")


def test_empty_file_is_an_error():
    with pytest.raises(EtlError, match="e.csv: the file is empty"):
        decode(b"  \n", "e.csv")


@pytest.mark.parametrize("text, value", [("4,377,050", 4377050), ("４２", 42), ("-3", -3)])
def test_parse_int(text, value):
    assert parse_int(text) == value


@pytest.mark.parametrize("text, reason", [("－", "dash"), ("ー", "dash"), ("", "empty"), ("12.5", "not an integer")])
def test_parse_int_reasons(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_int(text)


def test_parse_float_full_width():
    assert parse_float("９９．８") == 99.8


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "nan", "NaN", "1e309", "-1e400"])
def test_parse_float_refuses_non_finite_values(text):
    with pytest.raises(ValueError, match=f"not a finite number .*{text!r}"):
        parse_float(text)


def test_parse_float_keeps_large_finite_values():
    assert parse_float("1e308") == 1e308 and parse_float("-1.5e-300") == -1.5e-300


def test_parse_int_refuses_a_number_too_long_to_store_with_its_length():
    assert parse_int("9" * 30) == int("9" * 30)  # the range is the caller's to check (a count, a BIGINT)
    with pytest.raises(ValueError, match="integer too long to store: 5,000 digits"):
        parse_int("9" * 5000)


def test_read_rows_reports_missing_columns(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('"都道府県名"\n"大阪府"\n', encoding="utf-8")
    with pytest.raises(EtlError) as err:
        read_rows(path, ["都道府県名", "交付枚数"], "a.csv")
    assert "a.csv, row 1, column '交付枚数': required column is missing" in str(err.value)


def test_read_rows_keeps_line_numbers_and_field_counts(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('"a","b"\n"1","2"\n\n※注記\n', encoding="utf-8")
    rows, header = read_rows(path, ["a", "b"])
    assert header == ["a", "b"]
    assert [(r.line, r.n_fields) for r in rows] == [(2, 2), (4, 1)]
