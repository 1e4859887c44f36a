"""WCAG 2.1 AA on the citizen pages, checked by axe-core in the browser, in three languages.

axe-core comes from npm (package.json's devDependencies; ``script/build-assets`` runs
``npm ci``) and is evaluated over the DevTools protocol, so the pages' own
Content-Security-Policy stays as strict as in production.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from taza.reports.tests.test_browser import site  # noqa: F401 (territories, bodies, categories)
from taza.web.tests.test_browser import browser  # noqa: F401 (the shared browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
RULES = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
CITIZEN_PAGES = [
    "/",
    "/reports/new/",
    "/map/",
    "/statistics/",
    "/campaigns/",
    "/campaigns/results/",
    "/sites/",
    "/programme/",
    "/data/",
    "/login/",
    "/signup/",
    "/territories/",
    "/air/",
    "/air/almaty/",
    "/air/posts/almaty-1/",
    "/air/methodology/",
    "/hazards/",
    "/hazards/fires/",
    "/hazards/floods/",
    "/hazards/areas/",
]


@pytest.fixture(scope="module")
def axe() -> str:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is missing; script/build-assets installs it with npm ci")
        pytest.skip("axe-core is not installed (run script/build-assets)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Any, axe: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    page.evaluate(axe)
    where = "v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')"
    found = page.evaluate(
        f"axe.run(document, {RULES}).then(r => r.violations.map(v => "
        f"v.impact + ' ' + v.id + ': ' + {where}))"
    )
    return list(found)


@pytest.mark.parametrize("locale", ["kk-KZ", "ru-RU", "en-US"])
def test_the_citizen_pages_have_no_wcag_violation(browser, site, axe, locale):  # noqa: F811
    from taza.air.services import load_cities
    from taza.air.tests.test_browser import _post, _readings
    from taza.hazards.firms import parse
    from taza.hazards.services import ingest
    from taza.hazards.tests.test_fires import VIIRS, viirs
    from taza.reports.services import Submission, submit_report

    load_cities()
    _readings(_post(), 40.0, 12)
    fire = ingest(parse(VIIRS + viirs()).hotspots, source="test").events_new[0]
    report = submit_report(
        Submission(
            channel="web", category_code="illegal_dump", description="Свалка", lat=51.17, lon=71.45
        )
    ).report
    page = browser.new_context(base_url=site, locale=locale).new_page()
    found = {}
    for url in [*CITIZEN_PAGES, f"/reports/{report.public_id}/", f"/hazards/fires/{fire}/"]:
        page.goto(url)
        if problems := violations(page, axe):
            found[url] = problems
    # The form as a person sees it after a mistake: the error summary and the marked fields.
    page.goto("/reports/new/")
    page.locator("form.report-form button[type=submit]").click()
    page.locator("#form-errors").wait_for()
    if problems := violations(page, axe):
        found["/reports/new/ (after a mistake)"] = problems
    assert found == {}
    page.context.close()
