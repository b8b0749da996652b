"""Source manifest and extraction: data/raw cache -> mirror -> canonical address, each file checksummed."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import tomllib

from etl import completeness
from etl.errors import EtlError, Problem
from common.settings import Settings

MANIFEST = Path(__file__).with_name("manifest.toml")
SNAPSHOT_DIR = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
SEEN_FILE = "checksums.seen.toml"


@dataclass(frozen=True)
class SourceFile:
    """One external file to load: its manifest entry, relative path, address and expected checksum."""

    source_id: str
    rel_path: str
    url: str
    sha256: str | None
    snapshot: str | None = None
    sha256_from: str = "the manifest"


@dataclass(frozen=True)
class LocalFile:
    """A source file available locally, with where it came from and its verified checksum."""

    spec: SourceFile
    path: Path
    origin: str
    sha256: str
    first_seen: bool = False  # no checksum was known: it is trusted (recorded) only once a build with it succeeds


FREQUENCIES = ("monthly", "annual", "irregular")  # how often a source publishes new data


def load_manifest(path: Path = MANIFEST) -> dict:
    """Read the source manifest (TOML): source id -> entry; every entry must name its kind."""
    with path.open("rb") as fh:
        sources = tomllib.load(fh)["sources"]
    problems = [Problem(str(path), None, f"sources.{sid}.kind", "every source must name its kind")
                for sid, entry in sources.items() if not entry.get("kind")]
    problems += [Problem(str(path), None, f"sources.{sid}.update_frequency",
                         f"{entry.get('update_frequency')!r} is not one of {', '.join(FREQUENCIES)}")
                 for sid, entry in sources.items() if entry.get("update_frequency", "irregular") not in FREQUENCIES]
    problems += completeness.manifest_problems(path, sources)
    if problems:
        raise EtlError(problems)
    return sources


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _mirror_sums(settings: Settings) -> dict[str, str]:
    """Checksums published beside the mirror (SHA256SUMS), keyed by relative path."""
    if settings.mirror is None or not (settings.mirror / "SHA256SUMS").is_file():
        return {}
    sums = {}
    for line in (settings.mirror / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, rel = line.split(None, 1)
            sums[rel.strip().removeprefix("./")] = digest
    return sums


def _seen_sums(settings: Settings) -> dict[str, str]:
    path = settings.raw_cache / SEEN_FILE
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Checksums:
    """Where a file's expected checksum can come from, in order: the manifest, the mirror, first load."""

    mirror: dict[str, str]
    seen: dict[str, str]
    seen_file: Path

    @classmethod
    def for_settings(cls, settings: Settings) -> Checksums:
        """The mirror's SHA256SUMS and the checksums recorded on first load."""
        return cls(_mirror_sums(settings), _seen_sums(settings), settings.raw_cache / SEEN_FILE)

    def expected(self, manifest_sums: dict[str, str], key: str, rel: str) -> tuple[str | None, str]:
        """(sha256 or None, where it comes from) for a file known as `key` in the manifest and `rel` in the mirror."""
        for sums, k, label in ((manifest_sums, key, "the manifest"), (self.mirror, rel, "the mirror's SHA256SUMS"),
                               (self.seen, rel, f"the checksum recorded on first load ({self.seen_file})")):
            if k in sums:
                return sums[k], label
        return None, "nothing"


def discover_dated(settings: Settings, folder: str, known: set[str]) -> list[str]:
    """Dated release folders (YYYYMMDD) found under `folder` in the cache and the mirror, plus those known."""
    dates = set(known)
    for base in (settings.raw_cache, settings.mirror):
        where = base / folder if base else None
        if where and where.is_dir():
            dates |= {p.name for p in where.iterdir() if p.is_dir() and SNAPSHOT_DIR.match(p.name)}
    return sorted(dates)


def dated_files(settings: Settings, source_id: str, entry: dict) -> list[SourceFile]:
    """Every file of every dated release of a source: entry folder, files, sha256 table, url or urls per date.

    A release found in the mirror that the manifest does not list is picked up with no code change; its checksum
    comes from the mirror's SHA256SUMS when listed there, else it is recorded once a build with it succeeds
    (record_trusted) and enforced later.
    """
    sums, known = entry.get("sha256", {}), Checksums.for_settings(settings)
    files = []
    for date in discover_dated(settings, entry["folder"], {k.split("/")[0] for k in sums}):
        template = entry.get("urls", {}).get(date, entry.get("url", ""))
        for name in entry["files"]:
            key = f"{date}/{name}"
            rel = f"{entry['folder']}/{key}"
            expected, origin = known.expected(sums, key, rel)
            url = template.format(date=date, file=urllib.parse.quote(name)) if template else ""
            files.append(SourceFile(source_id, rel, url, expected, date, origin))
    return files


def single_file(source_id: str, entry: dict) -> list[SourceFile]:
    """The one pinned file of a source with `path`, `url` and `sha256`."""
    return [SourceFile(source_id, entry["path"], entry["url"], entry["sha256"], None, "the manifest")]


def _download(url: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    with urllib.request.urlopen(url, timeout=30) as resp, tmp.open("wb") as out:  # noqa: S310 (pinned https)
        shutil.copyfileobj(resp, out)
    tmp.replace(dest)


def fetch(spec: SourceFile, settings: Settings) -> LocalFile | None:
    """Find a file in the cache, else the mirror, else download it into the cache; None when unavailable."""
    cached = settings.raw_cache / spec.rel_path
    candidates = [(cached, "cache")]
    if settings.mirror is not None:
        candidates.append((settings.mirror / spec.rel_path, "mirror"))
    for path, origin in candidates:
        if path.is_file():
            return _verified(spec, path, origin, settings)
    if not settings.allow_download or not spec.url:
        return None
    try:
        _download(spec.url, cached)
    except OSError:
        return None
    return _verified(spec, cached, "download", settings)


def _verified(spec: SourceFile, path: Path, origin: str, settings: Settings) -> LocalFile:
    digest = sha256_of(path)
    if spec.sha256 is not None and digest != spec.sha256:
        raise EtlError(Problem(str(path), None, None,
                               f"checksum mismatch: sha256 {digest} but {spec.sha256_from} expects {spec.sha256}"))
    return LocalFile(spec, path, origin, digest, first_seen=spec.sha256 is None)


def record_trusted(settings: Settings, files: list[LocalFile]) -> None:
    """Trust on first use, for releases published after the manifest: record the checksums of files seen for the first
    time, called only once the build that loaded them has passed every check and been swapped in (a file that failed
    is never trusted); later loads must match. Written whole and swapped, so a reader never sees half a file."""
    new = {f.spec.rel_path: f.sha256 for f in files if f.first_seen}
    if not new:
        return
    settings.raw_cache.mkdir(parents=True, exist_ok=True)
    path = settings.raw_cache / SEEN_FILE
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    tmp = path.with_name(f".{SEEN_FILE}.{os.getpid()}")
    tmp.write_text(old + "".join(f"{json.dumps(rel, ensure_ascii=False)} = \"{digest}\"\n"
                                 for rel, digest in new.items()), encoding="utf-8")
    os.replace(tmp, path)


def fetch_all(settings: Settings, planned: list[SourceFile]) -> list[LocalFile]:
    """Fetch every planned file; stop with one message naming all missing sources."""
    local, missing = [], []
    for spec in planned:
        got = fetch(spec, settings)
        if got is None:
            missing.append(spec)
        else:
            local.append(got)
    if missing:
        where = str(settings.mirror) if settings.mirror else "no mirror (SMARTCITY_DATA_MIRROR unset, ../shared/data/open absent)"
        raise EtlError([
            Problem(spec.rel_path, None, None,
                    f"source '{spec.source_id}' is missing: not in {settings.raw_cache}, not in the mirror ({where}), "
                    + (f"and it could not be downloaded from {spec.url}" if spec.url else
                       "and the manifest gives no address to download it from"))
            for spec in missing
        ])
    return local
