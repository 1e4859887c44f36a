"""The base pages, through Django's test client."""

import pytest
from django.urls import reverse

from taza.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "region"),
    [
        ("kk", "Taza: таза Қазақстан үшін бірыңғай жүйе", "Абай облысы"),
        ("ru", "Taza: единая система для чистого Казахстана", "Абайская область"),
        ("en", "Taza: one system for a clean Kazakhstan", "Abai Region"),
    ],
)
def test_pages_speak_the_chosen_language(client, language, heading, region):
    client.cookies["django_language"] = language
    home = client.get(reverse("home")).content.decode()
    assert heading in home
    assert f'<html lang="{language}">' in home
    assert region in client.get(reverse("territories")).content.decode()


def test_kazakh_is_the_default_language():
    from django.test import Client

    assert "таза Қазақстан үшін" in Client().get(reverse("home")).content.decode()


def test_the_language_switcher_remembers_the_choice(client):
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/territories/"})
    assert response.status_code == 302 and response["Location"] == "/territories/"
    assert "Территории" in client.get(reverse("territories")).content.decode()


def test_an_unknown_language_falls_back_to_kazakh():
    from django.test import Client

    client = Client()
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert "таза Қазақстан үшін" in client.get(reverse("home")).content.decode()


def test_the_territories_page_lists_every_region_and_district(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        page = client.get(reverse("territories")).content.decode()
    assert page.count('class="region"') == 20
    assert page.count("data-code=") == 224


@pytest.mark.parametrize(
    ("language", "appeals", "source"),
    [
        ("kk", "26\xa0137", "04.02.2026"),
        ("ru", "26\xa0137", "04.02.2026"),
        ("en", "26,137", "04.02.2026"),
    ],
)
def test_the_home_page_quotes_published_figures_with_their_source(
    client, language, appeals, source
):
    client.cookies["django_language"] = language
    page = client.get(reverse("home")).content.decode()
    official = page[page.index('id="official-figures"') :]
    assert appeals in official and source in official
    # Every published figure names its source; none is presented as Taza's own count.
    assert official.count('class="source"') == 6


def test_the_home_page_computes_taza_figures_from_its_data(client):
    from taza.reports.services import submit_report
    from taza.reports.tests.conftest import submission

    client.cookies["django_language"] = "en"
    empty = client.get(reverse("home")).content.decode()
    ours = empty[empty.index('id="taza-figures"') : empty.index('id="official-figures"')]
    assert "<strong>0</strong>" in ours and "— resolved" in ours
    for n in range(3):
        submit_report(submission(description=f"Свалка номер {n} у дороги"))
    page = client.get(reverse("home")).content.decode()
    ours = page[page.index('id="taza-figures"') : page.index('id="official-figures"')]
    assert "<strong>3</strong>" in ours and "0% resolved" in ours
    assert "20 regions" in page and "224 districts" in page


def test_logging_in_and_out(client, cast):
    client.cookies["django_language"] = "en"
    bad = client.post(reverse("login"), {"username": "citizen", "password": "wrong"})
    assert "The username or password is wrong" in bad.content.decode()
    response = client.post(reverse("login"), {"username": "citizen", "password": PASSWORD})
    assert response.status_code == 302
    assert "citizen" in client.get(reverse("home")).content.decode()
    client.post(reverse("logout"))
    assert "Log in" in client.get(reverse("home")).content.decode()


def test_no_personal_data_appears_on_public_pages(client, cast):
    for url in (reverse("home"), reverse("territories")):
        page = client.get(url).content.decode()
        assert "@example.kz" not in page and "555 0101" not in page


def test_no_template_holds_inline_script_style_or_event_handlers():
    """The Content-Security-Policy forbids them; a new one would silently not work (L9)."""
    import re
    from pathlib import Path

    import taza

    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\son[a-z]+=\"|\sstyle=\"", re.I)
    found = [
        f"{path}: {match.group(0)}"
        for path in Path(taza.__file__).parent.rglob("templates/**/*.html")
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_page_carries_the_policy_headers(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


def test_the_console_link_is_shown_only_to_those_it_serves(client, cast):
    """The header showed "Console" to citizens, which led to a 403 (#14)."""
    from taza.conftest import PASSWORD

    client.login(username=cast.citizen.username, password=PASSWORD)
    assert 'href="/console/"' not in client.get("/").content.decode()
    client.login(username=cast.astana_operator.username, password=PASSWORD)
    assert 'href="/console/"' in client.get("/").content.decode()
