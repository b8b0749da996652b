"""Shared fixtures: the real mirror, a full build made once per session, and mirror copies with bad files."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from common.settings import PROJECT_ROOT, load_settings

os.environ.setdefault("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture(autouse=True)
def fresh_caches():
    """Every test queries and renders afresh: one that patches a query or a figure must not see an earlier test's
    cached result (the app caches both per build)."""
    from smartcity import db, layouts
    db.clear_cache()
    layouts.clear()


def real_mirror() -> Path | None:
    """The open-data mirror the integration tests read (None when this machine has none)."""
    path = Path(os.environ.get("SMARTCITY_DATA_MIRROR", PROJECT_ROOT.parent / "shared" / "data" / "open"))
    return path if (path / "mynumbercard").is_dir() else None


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The real mirror; CI must have it (fails there), elsewhere the integration tests are skipped."""
    path = real_mirror()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("the open-data mirror is missing (../shared/data/open or $SMARTCITY_DATA_MIRROR)")
        pytest.skip("no open-data mirror on this machine")
    return path


def settings_for(tmp: Path, mirror: Path, **extra: str):
    """Settings for a build in a temporary folder, offline, with its own cache."""
    env = {"SMARTCITY_DB": str(tmp / "smartcity.duckdb"), "SMARTCITY_DATA_MIRROR": str(mirror),
           "SMARTCITY_RAW_CACHE": str(tmp / "raw"), "SMARTCITY_OFFLINE": "1", "SMARTCITY_AS_OF": "2026-11-22",
           "SMARTCITY_STATE_DIR": str(tmp / "state"), **extra}
    return load_settings(env)


@pytest.fixture(scope="session")
def built(tmp_path_factory, mirror):
    """A full build from the real mirror, made once for the session: (settings, summary, log lines)."""
    from etl.build import build
    tmp = tmp_path_factory.mktemp("build")
    settings = settings_for(tmp, mirror)
    lines: list[str] = []
    summary = build(settings, log=lines.append)
    return settings, summary, lines


@pytest.fixture(scope="session")
def full_db(built) -> Path:
    """Path of the session's full database (integration tests: real figures of the whole mirror)."""
    return built[0].db_path


@pytest.fixture(scope="session")
def db(fixture_db) -> Path:
    """The database of query, page and callback tests: the small build of the tiny fixture mirror (no ../shared)."""
    return fixture_db


def copy_mirror(real: Path, dest: Path) -> Path:
    """A mirror made of links to the real files and release folders, so single ones can be replaced by bad ones."""
    for top in real.iterdir():
        if not top.is_dir():
            continue
        (dest / top.name).mkdir(parents=True)
        for child in top.iterdir():
            (dest / top.name / child.name).symlink_to(child, target_is_directory=child.is_dir())
    return dest


def add_snapshot(mirror_copy: Path, real: Path, new: str = "20221031", base: str = "20220930") -> Path:
    """A new dated snapshot folder: the base snapshot with its dates rewritten (as a monthly release would be)."""
    folder = mirror_copy / "mynumbercard" / new
    folder.mkdir()
    old_date, new_date = f"{base[:4]}/{base[4:6]}/{base[6:]}", f"{new[:4]}/{new[4:6]}/{new[6:]}"
    for f in (real / "mynumbercard" / base).iterdir():
        text = f.read_text(encoding="utf-8-sig").replace(f'"{old_date}"', f'"{new_date}"')
        (folder / f.name).write_text("\ufeff" + text, encoding="utf-8")
    return folder


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the committed reference and name files, for tests that break one of them."""
    for sub in ("data/reference", "data/kpi", "data/names"):
        shutil.copytree(PROJECT_ROOT / sub, tmp_path / "project" / sub)
    return tmp_path / "project"


@pytest.fixture(scope="session")
def dash_app(db):
    """One app per test session (Dash hands module-level callbacks to the first app only), on the fixture database."""
    from app import create_app
    return create_app(db)


@pytest.fixture(scope="session")
def full_app(full_db):
    """A second app on the full database, for layout tests of real nation-wide figures (call layouts inside
    full_app.server.test_request_context(); callbacks stay registered with the first app)."""
    from app import create_app
    return create_app(full_db)


ALL_PAGES = {  # path -> (module in pages/, id of the element that shows the page has rendered)
    "/": ("overview", "ov-page"),
    "/kpi/muni_e_application_adoption": ("kpi", "kpi-page"),
    "/kpi/mynumber_card_issuance_rate?geo=27100": ("kpi", "kpi-page"),
    "/kpi/orden_municipalities": ("kpi", "kpi-page"),
    "/municipalities": ("municipalities", "muni-page"),
    "/municipality/27100": ("municipality", "mp-page"),
    "/municipality/27383": ("municipality", "mp-page"),
    "/procedures": ("procedures", "proc-page"),
    "/mynumber": ("mynumber", "mn-page"),
    "/partnerships": ("partnerships", "pp-page"),
    "/strategy": ("strategy", "st-page"),
    "/data": ("data", "data-page"),
    "/data?dataset=procedures&lang=en": ("data", "data-page"),
    "/kpi/dx_most_used_32_online_share?geo=27100": ("kpi", "kpi-page"),
    "/kpi/dx_mynumber_card_holding_rate?lang=en": ("kpi", "kpi-page"),
    "/municipalities?measure=proc:library_reservation&area=japan": ("municipalities", "muni-page"),
    "/municipalities?measure=dx:cio_appointed&lang=en": ("municipalities", "muni-page"),
    "/municipality/01100?lang=en": ("municipality", "mp-page"),
    "/procedures?group=childcare_elderly_26&lang=en": ("procedures", "proc-page"),
    "/compare": ("compare", "cmp-page"),
    "/compare?codes=27100,13101,01100&lang=en": ("compare", "cmp-page"),
}
PAGES = {path: marker for path, (module, marker) in ALL_PAGES.items()
         if (PROJECT_ROOT / "pages" / f"{module}.py").is_file()}


@pytest.fixture(scope="session")
def server_url(dash_app):
    """The session app served on a free loopback port in a thread."""
    import threading

    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, dash_app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def chrome(tmp_path):
    """Headless Debian Chromium with the browser and performance logs (for console errors and network requests);
    downloads land in `chrome.download_dir`."""
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    options.add_experimental_option("prefs", {"download.default_directory": str(tmp_path),
                                              "download.prompt_for_download": False})
    options.binary_location = os.environ["DASH_TEST_CHROMEPATH"]
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1366,768"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_WATCH})
    driver.download_dir = tmp_path
    yield driver
    try:
        violations = driver.execute_script(CSP_READ)
    finally:
        driver.quit()
    assert not violations, f"Content-Security-Policy violations: {violations}"


# Every page the test opened records the app's Content-Security-Policy violations in localStorage (kept across
# navigations on the app's origin); the chrome fixture fails the test if there are any.
CSP_WATCH = """document.addEventListener('securitypolicyviolation', e => {
  const seen = JSON.parse(localStorage.getItem('csp-violations') || '[]');
  seen.push([location.pathname, e.effectiveDirective, e.blockedURI, e.sourceFile, e.lineNumber, e.sample]);
  localStorage.setItem('csp-violations', JSON.stringify(seen));
});"""
CSP_READ = """try { return JSON.parse(localStorage.getItem('csp-violations') || '[]'); } catch (e) { return []; }"""


FIXTURE_MIRROR = FIXTURES / "mirror"
FIXTURE_MANIFEST = FIXTURES / "manifest.toml"


def fixture_settings(tmp: Path, mirror: Path = FIXTURE_MIRROR, **extra: str):
    """Settings for a build of the tiny hand-made mirror (tests/fixtures/mirror) with its own manifest."""
    return settings_for(tmp, mirror, **{"SMARTCITY_MANIFEST": str(FIXTURE_MANIFEST), **extra})


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    """A small database built from the tiny mirror: 54 municipalities, 3 My Number snapshots, one DX release.
    Query, page and callback tests run on it, without ../shared."""
    from etl.build import build
    settings = fixture_settings(tmp_path_factory.mktemp("fixture"))
    build(settings, log=lambda _: None)
    return settings.db_path
