"""The demo report opens in headless Chromium with every figure shown and no console errors."""

import json
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")
def test_demo_report_renders_in_chromium(demo_report, tmp_path):
    from playwright.sync_api import sync_playwright

    report = json.loads((demo_report / "report.json").read_text(encoding="utf-8"))
    figures = sorted(p.stem for p in demo_report.glob("*.png"))
    assert {"cv", "b_value", "dunn", "capacity", "ragone", "binding", "ledger"} <= set(figures)
    errors, requests = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto((demo_report / "report.html").resolve().as_uri())
        for key in figures:
            img = page.locator(f"#fig-{key} img")
            assert img.count() == 1, key
            # decoded, and shown at its stated width (the PNG has 1.5 times the pixels, for zoom)
            natural, shown = img.evaluate("i => [i.complete && i.naturalWidth, i.getBoundingClientRect().width]")
            assert natural >= 1.5 * shown > 500, (key, natural, shown)
            assert "(" in img.get_attribute("alt"), f"{key}: alt text without axis units"
        assert page.locator("figure.fig").count() == len(figures)
        assert report["verdict"]["verdict"] in page.inner_text(".verdict")
        assert "SIMULATED DATA" in page.inner_text(".banner")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert errors == []
    assert all(u.startswith(("file:", "data:", "blob:", "about:")) for u in requests), requests
    assert (tmp_path / "report.png").stat().st_size > 10_000
