"""End to end in a real headless browser (Debian's chromium + chromium-driver, Selenium):
the bundled corpus ingested, a search, the first hit's page image and number, a correction
in the review inbox that flips a criterion on the board, the pack downloaded as a ZIP.

Skips cleanly only where chromium or its driver cannot be found (``make test`` installs
them). ``EVIDENCE_SCREENSHOTS=DIR`` also saves a PNG of each screen (``make screenshots``).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("selenium")
pytest.importorskip("uvicorn")


REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
SHOTS = os.environ.get("EVIDENCE_SCREENSHOTS")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium and chromium-driver are not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(corpus_store: Path) -> Iterator[tuple[str, Path]]:
    import uvicorn
    from evidence.web.app import create_app

    home = corpus_store
    port = _free_port()
    config = uvicorn.Config(create_app(home), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", home
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1366,768",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    driver.downloads = downloads  # type: ignore[attr-defined]
    yield driver
    driver.quit()


def _shot(driver: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


def _status_of(driver: Any, code: str) -> str:
    from selenium.webdriver.common.by import By

    crit = driver.find_element(By.XPATH, f"//details[.//span[@class='code' and text()='{code}']]")
    return crit.get_attribute("class").split()[-1]


def _fits_the_screen(driver: Any) -> None:
    """The 1366×768 window shows the page without a horizontal scroll bar."""
    width = driver.execute_script("return document.documentElement.scrollWidth")
    inner = driver.execute_script("return window.innerWidth")
    assert width <= inner, (driver.current_url, width, inner)


def test_officer_flow(server: tuple[str, Path], browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base, _home = server
    wait = WebDriverWait(browser, 20)

    # search "ISO 9001" with the keyboard ("/" focuses the box), open the first hit
    assert browser.get_window_size()["width"] == 1366
    browser.get(f"{base}/search")
    browser.execute_script("document.activeElement.blur()")  # the box loses the focus
    ActionChains(browser).send_keys("/").perform()
    box = browser.switch_to.active_element
    assert box.get_attribute("id") == "q"
    box.send_keys("ISO 9001", Keys.ENTER)
    first = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a.sym")))
    assert first.text == "245/QĐ-UBND"
    # the facet counts load after the results (htmx); one of them filters the search
    facet = wait.until(ec.element_to_be_clickable(
        (By.XPATH, "//aside[@class='facets']//a[normalize-space()='QĐ']")))
    facet.click()
    wait.until(ec.presence_of_element_located(
        (By.XPATH, "//aside[@class='facets']//a[@class='on' and normalize-space()='✕ QĐ']")))
    first = browser.find_element(By.CSS_SELECTOR, "a.sym")
    assert first.text == "245/QĐ-UBND" and "type=Q" in browser.current_url
    _fits_the_screen(browser)
    _shot(browser, "1-tim-kiem")
    first.click()

    # the document beside its page image; selecting a field marks it on the page
    img = wait.until(ec.presence_of_element_located((By.ID, "pageimg")))
    wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img))
    assert "245/QĐ-UBND" in browser.find_element(By.TAG_NAME, "h1").text
    fields = browser.find_elements(By.CSS_SELECTOR, "button.field")
    assert fields, "no field can be shown on the page"
    # the page image and the fields side by side on the laptop screen
    pages, facts = (browser.find_element(By.CSS_SELECTOR, c).rect
                    for c in ("section.pages", "section.fields"))
    assert pages["x"] + pages["width"] <= facts["x"] and facts["x"] + facts["width"] <= 1366
    _fits_the_screen(browser)
    fields[0].click()
    mark = browser.find_element(By.ID, "mark")
    wait.until(lambda d: mark.is_displayed())
    _shot(browser, "2-van-ban")

    # the board before: criterion 3.7 is partial (the survey report lacks its signer)
    browser.get(f"{base}/board")
    assert _status_of(browser, "3.7") == "partial"
    _fits_the_screen(browser)
    _shot(browser, "4-tieu-chi")

    # the review inbox: the survey report, its signer entered in the form
    browser.get(f"{base}/review")
    _fits_the_screen(browser)
    _shot(browser, "3-can-ra-soat")
    queue = browser.find_elements(By.CSS_SELECTOR, "ol.queue a")
    target = next(a for a in queue if "612/BC-UBND" in a.text)
    target.click()
    signer = wait.until(ec.presence_of_element_located((By.NAME, "signer")))
    signer.clear()
    signer.send_keys("Trần Hoài Đức")
    browser.find_element(By.CSS_SELECTOR, "form.fixform button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "p.flash")))
    assert "Đã lưu chỉnh sửa" in browser.find_element(By.CSS_SELECTOR, "p.flash").text

    # the board after: 3.7 is met
    browser.get(f"{base}/board")
    assert _status_of(browser, "3.7") == "met"

    # the evidence pack, downloaded as a ZIP
    browser.find_element(By.LINK_TEXT, "Hồ sơ kiểm chứng (ZIP)").click()
    target_zip = Path(browser.downloads) / "ho-so-kiem-chung.zip"
    for _ in range(200):
        if target_zip.exists() and not list(Path(browser.downloads).glob("*.crdownload")):
            break
        time.sleep(0.1)
    assert target_zip.exists(), list(Path(browser.downloads).iterdir())
    names = zipfile.ZipFile(target_zip).namelist()
    assert any(n.endswith("manifest.csv") for n in names)

    browser.get(f"{base}/ingest")
    _shot(browser, "5-nap-tai-lieu")
