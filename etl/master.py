"""Municipality master: nation, prefectures, 1,741 municipalities, Osaka's wards; names as written and canonical."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl.boundaries import CITY, NAME, PREF

NATION, TOKYO, OSAKA_PREF = "00000", "13000", "27000"
_COUNTY = re.compile(r"^.+?郡(?=.)")
_ISLAND = re.compile(r"^.+?島(?=.+[町村]$)")


def check_digit(code5: str) -> str:
    """Check digit of the 6-digit local-government code (総務省 方式: weights 6..2, modulus 11)."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2)))
    return str((11 - total % 11) % 10)


def lg_code(code5: str) -> str:
    """6-digit local-government code with its check digit, as zero-padded text."""
    return code5 + check_digit(code5)


def kind_of(code: str, name: str, city: str | None, pref: str) -> str:
    """Designated city, special ward (Tokyo), city, town or village."""
    if city and city.endswith("市") and city == name:
        return "designated_city"
    if pref == "東京都" and name.endswith("区"):
        return "special_ward"
    return {"市": "city", "町": "town", "村": "village"}.get(name[-1:], "other")


def read_csv_dicts(path: Path) -> list[dict[str, str]]:
    """Small committed lists (names, exclusions): UTF-8 CSV as dicts, codes kept as text."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Resolver:
    """Resolves a (prefecture, municipality name as written) pair to a 5-digit code."""

    codes: set[str] = field(default_factory=set)
    by_name: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, pref: str, name: str, code: str) -> None:
        """Register a spelling; ambiguous spellings map to '' so they never resolve silently."""
        for key in {(pref, name), (pref, normalise(name))}:
            if self.by_name.get(key, code) != code:
                self.by_name[key] = ""
            else:
                self.by_name[key] = code

    def resolve(self, pref: str, name: str) -> str | None:
        """Code for a name as written, or None when unknown or ambiguous."""
        code = self.by_name.get((pref, name)) or self.by_name.get((pref, normalise(name)))
        return code or None


def normalise(name: str) -> str:
    """Canonical spelling: without the county (郡) or island prefix the sources sometimes add."""
    name = _COUNTY.sub("", name.strip())
    return _ISLAND.sub("", name)


def build_master(japan: pd.DataFrame, names_dir: Path) -> tuple[pd.DataFrame, Resolver]:
    """Master table rows and a name resolver, from the national boundary properties and the name lists."""
    prefs = {r["pref_code"]: r for r in read_csv_dicts(names_dir / "prefectures.csv")}
    osaka_en = {r["geo_code"]: r["name_en"] for r in read_csv_dicts(names_dir / "osaka_municipalities.csv")}
    rows = [_row(NATION, "nation", "日本", "Japan", None, None, "nation", None)]
    for code, pref in prefs.items():
        rows.append(_row(code + "000", "prefecture", pref["name_ja"], pref["name_en"], code, NATION, "prefecture", None))
    for rec in japan.itertuples():
        code, pref_name, city, name = rec.geo_code, getattr(rec, PREF), getattr(rec, CITY), getattr(rec, NAME)
        canonical = name or city
        county = city if city and city.endswith("郡") else None
        rows.append(_row(code, "municipality", canonical, osaka_en.get(code), code[:2], code[:2] + "000",
                         kind_of(code, canonical, city, pref_name), county))
    for ward in read_csv_dicts(names_dir / "osaka_wards.csv"):
        rows.append(_row(ward["geo_code"], "ward", ward["name_ja"], ward["name_en"], "27", ward["parent_code"],
                         "ward", None))
    master = pd.DataFrame(rows)
    master["pref_name_ja"] = master["pref_code"].map(lambda c: prefs[c]["name_ja"] if c in prefs else None)
    master["pref_name_en"] = master["pref_code"].map(lambda c: prefs[c]["name_en"] if c in prefs else None)
    master["is_osaka"] = master["pref_code"].eq("27")
    return master, resolver_of(master)


def resolver_of(master: pd.DataFrame) -> Resolver:
    """The name resolver of a master (built now, or read back from a database's `municipality` table)."""
    resolver = Resolver()
    munis = master[master.level == "municipality"]
    for code, pref_name, canonical, county in zip(munis.geo_code, munis.pref_name_ja, munis.name_ja, munis.county_ja):
        resolver.codes.add(code)
        resolver.add(pref_name, canonical, code)
        if isinstance(county, str) and county:
            resolver.add(pref_name, county + canonical, code)
    return resolver


def _row(code: str, level: str, name_ja: str, name_en: str | None, pref: str | None, parent: str | None,
         kind: str, county: str | None) -> dict:
    return {
        "geo_code": code,
        "lg_code": lg_code(code),
        "level": level,
        "name_ja": name_ja,
        "name_en": name_en,
        "pref_code": pref,
        "parent_code": parent,
        "kind": kind,
        "county_ja": county,
    }
