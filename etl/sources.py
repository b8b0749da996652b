"""Source manifest and extraction: data/raw cache -> mirror -> canonical address, each file checksummed."""
from __future__ import annotations

import hashlib
import re
import shutil
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import tomllib

from etl.errors import EtlError, Problem
from etl.settings import Settings

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


def load_manifest(path: Path = MANIFEST) -> dict:
    """Read the source manifest (TOML)."""
    with path.open("rb") as fh:
        return tomllib.load(fh)["sources"]


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


def discover_snapshots(settings: Settings, manifest: dict) -> list[str]:
    """Snapshot dates (YYYYMMDD) found in the cache and the mirror, plus those the manifest knows."""
    entry = manifest["mynumbercard"]
    dates = {key.split("/")[0] for key in entry.get("sha256", {})}
    for base in (settings.raw_cache, settings.mirror):
        folder = base / entry["folder"] if base else None
        if folder and folder.is_dir():
            dates |= {p.name for p in folder.iterdir() if p.is_dir() and SNAPSHOT_DIR.match(p.name)}
    return sorted(dates)


def planned_files(settings: Settings, manifest: dict | None = None) -> list[SourceFile]:
    """Every file the build needs, in load order."""
    manifest = manifest or load_manifest()
    mirror_sums, seen = _mirror_sums(settings), _seen_sums(settings)
    files = [
        SourceFile(sid, entry["path"], entry["url"], entry["sha256"], None, "the manifest")
        for sid, entry in manifest.items()
        if entry["kind"] == "geojson"
    ]
    entry = manifest["mynumbercard"]
    for date in discover_snapshots(settings, manifest):
        for name in entry["files"]:
            key = f"{date}/{name}"
            rel = f"{entry['folder']}/{key}"
            known, origin = next(((sums[k], label) for sums, k, label in (
                (entry.get("sha256", {}), key, "the manifest"), (mirror_sums, rel, "the mirror's SHA256SUMS"),
                (seen, rel, f"the checksum recorded on first load ({settings.raw_cache / SEEN_FILE})"))
                if k in sums), (None, "nothing"))
            files.append(SourceFile("mynumbercard", rel, entry["url"].format(date=date, file=name), known, date,
                                    origin))
    return files


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
    if not settings.allow_download:
        return None
    try:
        _download(spec.url, cached)
    except OSError:
        return None
    return _verified(spec, cached, "download", settings)


def _verified(spec: SourceFile, path: Path, origin: str, settings: Settings) -> LocalFile:
    digest = sha256_of(path)
    if spec.sha256 is None:
        _record_seen(settings, spec.rel_path, digest)
    elif digest != spec.sha256:
        raise EtlError(Problem(str(path), None, None,
                               f"checksum mismatch: sha256 {digest} but {spec.sha256_from} expects {spec.sha256}"))
    return LocalFile(spec, path, origin, digest)


def _record_seen(settings: Settings, rel: str, digest: str) -> None:
    # Trust on first use for snapshots published after the manifest: later loads must match.
    settings.raw_cache.mkdir(parents=True, exist_ok=True)
    with (settings.raw_cache / SEEN_FILE).open("a", encoding="utf-8") as fh:
        fh.write(f'"{rel}" = "{digest}"\n')


def fetch_all(settings: Settings) -> list[LocalFile]:
    """Fetch every planned file; stop with one message naming all missing sources."""
    local, missing = [], []
    for spec in planned_files(settings):
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
                    f"and it could not be downloaded from {spec.url}")
            for spec in missing
        ])
    return local
