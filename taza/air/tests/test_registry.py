"""The registry of posts from a file: every cell checked, all or nothing, twice is nothing."""

import io

import pytest
from openpyxl import Workbook

from taza.air.models import Post, Sensor
from taza.air.services import PostsRefused, import_posts
from taza.air.views import TEMPLATE_CSV
from taza.audit.models import AuditEntry

GOOD = TEMPLATE_CSV.encode()


def test_the_template_imports_and_twice_changes_nothing(cast):
    assert import_posts("posts.csv", GOOD, actor=cast.analyst) == (1, 0)
    post = Post.objects.get(code="almaty-31")
    assert post.city.slug == "almaty" and post.district is not None
    assert {(s.parameter, s.unit) for s in post.sensors.all()} == {
        ("pm25", "ug/m3"),
        ("pm10", "ug/m3"),
        ("no2", "ppb"),
        ("co", "mg/m3"),
    }
    entries = AuditEntry.objects.count()
    assert import_posts("posts.csv", GOOD, actor=cast.analyst) == (0, 0)
    assert AuditEntry.objects.count() == entries
    changed = GOOD.replace(b"akimat", b"enterprise")
    assert import_posts("posts.csv", changed, actor=cast.analyst) == (0, 1)
    assert Post.objects.get(code="almaty-31").owner_kind == "enterprise"


def test_every_bad_cell_is_named_and_nothing_saved(cast):
    bad = (
        b"code,name_kk,name_ru,name_en,city,lat,lon,kind,owner_kind,sensors\n"
        b"ok-1,a,a,a,almaty,43.24,76.91,automatic,akimat,pm25\n"
        b"bad-2,a,a,a,atlantis,43.24,76.91,automatic,akimat,pm25\n"
        b"bad-3,a,a,a,almaty,north,76.91,automatic,akimat,pm25\n"
        b"bad-4,a,a,a,almaty,43.24,76.91,robotic,akimat,pm25\n"
        b"bad-5,a,a,a,almaty,43.24,76.91,automatic,akimat,pm25:ppb\n"
        b"ok-1,a,a,a,almaty,43.24,76.91,automatic,akimat,pm25\n"
        b",a,a,a,almaty,43.24,76.91,automatic,akimat,\n"
        b"bad-8,a,a,a,almaty,10.0,76.91,automatic,akimat,\n"
    )
    with pytest.raises(PostsRefused) as refused:
        import_posts("posts.csv", bad, actor=cast.analyst)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {
        (3, "city"),
        (4, "lat"),
        (5, "kind"),
        (6, "sensors"),
        (7, "code"),
        (8, "code"),
        (9, "lat"),
    }
    assert Post.objects.count() == 0 and Sensor.objects.count() == 0


def test_xlsx_and_unreadable_files(cast):
    book = Workbook()
    sheet = book.active
    for line in TEMPLATE_CSV.strip().split("\r\n"):
        import csv

        sheet.append(next(csv.reader([line])))
    raw = io.BytesIO()
    book.save(raw)
    assert import_posts("posts.xlsx", raw.getvalue(), actor=cast.analyst) == (1, 0)
    with pytest.raises(PostsRefused):
        import_posts("posts.xlsx", b"not a workbook", actor=cast.analyst)
    with pytest.raises(PostsRefused):
        import_posts("posts.csv", b"\xff\xfe\x00bad", actor=cast.analyst)


def test_only_analysts_import(client, cast):
    from taza.core.errors import Forbidden

    with pytest.raises(Forbidden):
        import_posts("posts.csv", GOOD, actor=cast.citizen)
    client.force_login(cast.citizen)
    assert client.get("/air/import/").status_code == 403
    client.force_login(cast.analyst)
    assert client.get("/air/import/").status_code == 200
    assert client.get("/air/import/?template=csv").content == GOOD
    upload = io.BytesIO(GOOD)
    upload.name = "posts.csv"
    page = client.post("/air/import/", {"file": upload})
    assert page.status_code == 200 and 'id="import-done"' in page.content.decode()
    bad = io.BytesIO(b"code\nx\n")
    bad.name = "posts.csv"
    page = client.post("/air/import/", {"file": bad}, HTTP_ACCEPT_LANGUAGE="kk")
    assert page.status_code == 400 and 'id="import-errors"' in page.content.decode()


def test_an_administrator_issues_a_token_shown_once(client, cast):
    import_posts("posts.csv", GOOD, actor=cast.analyst)
    post = Post.objects.get(code="almaty-31")
    client.force_login(cast.admin)
    answer = client.post(
        "/admin/air/post/",
        {"action": "issue_tokens", "_selected_action": [post.pk]},
        follow=True,
    )
    assert answer.status_code == 200
    shown = [str(m) for m in answer.context["messages"]]
    token = shown[0].split(": ", 1)[1].split(" ")[0]
    from taza.air.services import post_for_token

    assert post_for_token(token) == post
    assert token not in str(
        AuditEntry.objects.filter(object_id=str(post.pk)).values_list("changes")
    )
