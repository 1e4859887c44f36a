"""The report life cycle: every transition, every refusal, deadlines and disputes."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from taza.audit.querysets import history_for
from taza.bodies.models import Body
from taza.reports.choices import PhotoKind, ReportState
from taza.reports.services import (
    TransitionError,
    allowed_actions,
    merge_reports,
    process_deadlines,
    split_report,
    submit_report,
    transition_report,
)
from taza.reports.tests.conftest import submission
from taza.reports.tests.images import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def astana(cast):
    return cast.astana_operator


def walk_to(report: Any, state: Any, operator: Any, proof: Any) -> Any:
    """Bring a report to a state by the regular path."""
    path = {
        ReportState.ACCEPTED: ["accept"],
        ReportState.IN_PROGRESS: ["accept", "start"],
        ReportState.RESOLVED: ["accept", "start", "resolve"],
    }[state]
    for action in path:
        report = transition_report(
            report,
            action=action,
            actor=operator,
            note="ok",
            proof=proof if action == "resolve" else None,
        )
    return report


def test_the_regular_path_from_new_to_closed(report, astana, proof):
    report = transition_report(report, action="accept", actor=astana)
    assert report.state == ReportState.ACCEPTED
    report = transition_report(report, action="start", actor=astana, note="Бригада выехала")
    assert report.state == ReportState.IN_PROGRESS
    report = transition_report(
        report, action="resolve", actor=astana, proof=proof, note="Вывезено 3 м³"
    )
    assert report.state == ReportState.RESOLVED and report.resolved_at is not None
    assert report.photos.filter(kind=PhotoKind.PROOF).count() == 1
    report = transition_report(report, action="confirm", reporter_token=report.reporter_token)
    assert report.state == ReportState.CLOSED and report.closed_at is not None
    actions = [e.changes.get("action", [None, None])[1] for e in history_for(report)]
    assert actions == [None, "accept", "start", "resolve", "confirm"]


def test_every_transition_is_recorded_with_who_when_and_why(report, astana):
    transition_report(report, action="reject", actor=astana, note="Частная территория")
    entry = history_for(report).last()
    assert entry.actor == astana and entry.reason == "Частная территория"
    assert entry.changes["state"] == ["new", "rejected"]
    assert entry.at is not None


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (ReportState.NEW, "start"),
        (ReportState.NEW, "resolve"),
        (ReportState.NEW, "confirm"),
        (ReportState.NEW, "reopen"),
        (ReportState.ACCEPTED, "accept"),
        (ReportState.IN_PROGRESS, "reject"),
        (ReportState.RESOLVED, "accept"),
        (ReportState.RESOLVED, "resolve"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(report, astana, proof, state, action):
    if state != ReportState.NEW:
        report = walk_to(report, state, astana, proof)
    with pytest.raises(TransitionError, match="cannot be given the action"):
        transition_report(
            report,
            action=action,
            actor=astana,
            note="x",
            proof=proof,
            reporter_token=report.reporter_token,
        )
    report.refresh_from_db()
    assert report.state == state


def test_an_unknown_action_is_refused(report, astana):
    with pytest.raises(TransitionError, match="Unknown action"):
        transition_report(report, action="teleport", actor=astana)


def test_resolving_needs_a_proof_photo_that_is_a_real_photo(report, astana):
    report = walk_to(report, ReportState.IN_PROGRESS, astana, None)
    with pytest.raises(TransitionError, match="photo proving the work"):
        transition_report(report, action="resolve", actor=astana)
    with pytest.raises(TransitionError, match="not a photo"):
        transition_report(report, action="resolve", actor=astana, proof=upload(b"fake", "a.jpg"))
    report.refresh_from_db()
    assert report.state == ReportState.IN_PROGRESS


@pytest.mark.parametrize("action", ["reject", "redirect", "dispute", "reopen", "uphold"])
def test_actions_that_need_a_reason_refuse_without_one(report, astana, proof, cast, action):
    if action in ("dispute", "reopen", "uphold"):
        report = walk_to(report, ReportState.RESOLVED, astana, proof)
    if action in ("reopen", "uphold"):
        report = transition_report(
            report, action="dispute", note="Мусор на месте", reporter_token=report.reporter_token
        )
    with pytest.raises(TransitionError, match="give a reason"):
        transition_report(
            report,
            action=action,
            actor=astana,
            reporter_token=report.reporter_token,
            target_body=Body.objects.get(code="AKIMAT-KZ71"),
        )


def test_an_operator_of_another_territory_cannot_touch_the_report(report, cast):
    for outsider in (
        cast.almaty_operator,
        cast.medeu_operator,
        cast.analyst,
        cast.citizen,
        cast.executor,
    ):
        with pytest.raises(TransitionError, match="may not"):
            transition_report(report, action="accept", actor=outsider)
    report.refresh_from_db()
    assert report.state == ReportState.NEW


def test_only_the_reporter_confirms_or_disputes(report, astana, proof, cast):
    report = walk_to(report, ReportState.RESOLVED, astana, proof)
    for stranger in (astana, cast.citizen, None):
        with pytest.raises(TransitionError, match="may not"):
            transition_report(report, action="confirm", actor=stranger, reporter_token="wrong")
    assert "confirm" in allowed_actions(report, None, reporter_token=report.reporter_token)
    assert "confirm" not in allowed_actions(report, astana)


def test_a_signed_in_reporter_confirms_without_the_token(cast, astana, proof):
    report = submit_report(submission(reporter=cast.citizen)).report
    report = walk_to(report, ReportState.RESOLVED, astana, proof)
    report = transition_report(report, action="confirm", actor=cast.citizen)
    assert report.state == ReportState.CLOSED


def test_a_dispute_is_counted_goes_to_the_region_and_can_reopen(report, astana, proof, cast):
    report = walk_to(report, ReportState.RESOLVED, astana, proof)
    report = transition_report(
        report,
        action="dispute",
        note="Убрали только половину",
        reporter_token=report.reporter_token,
    )
    assert report.state == ReportState.DISPUTED
    assert report.dispute_count == 1 and report.escalated_at is not None
    # The level above reviews it: the Astana city akimat, not the district akimat.
    district_operator = cast.admin.__class__.objects.create(username="district-op")
    from taza.accounts.models import Role
    from taza.accounts.services import assign_role
    from taza.core.actors import SYSTEM

    assign_role(
        actor=SYSTEM,
        user=district_operator,
        role=Role.OPERATOR,
        body=Body.objects.get(code="AKIMAT-KZ711410"),
    )
    with pytest.raises(TransitionError, match="may not"):
        transition_report(report, action="reopen", actor=district_operator, note="x")
    report = transition_report(report, action="reopen", actor=astana, note="Направить бригаду")
    assert report.state == ReportState.IN_PROGRESS and report.resolved_at is None


def test_a_dispute_after_the_window_is_refused(report, astana, proof):
    report = walk_to(report, ReportState.RESOLVED, astana, proof)
    late = report.deadline_at + timedelta(minutes=1)
    with pytest.raises(TransitionError, match="time to dispute"):
        transition_report(
            report, action="dispute", note="x", now=late, reporter_token=report.reporter_token
        )


def test_upholding_a_dispute_closes_the_report(report, astana, proof):
    report = walk_to(report, ReportState.RESOLVED, astana, proof)
    report = transition_report(
        report, action="dispute", note="x", reporter_token=report.reporter_token
    )
    report = transition_report(report, action="uphold", actor=astana, note="Фото подтверждает")
    assert report.state == ReportState.CLOSED


def test_redirect_sends_the_report_to_another_body(report, astana, cast):
    city = Body.objects.get(code="AKIMAT-KZ71")
    report = transition_report(
        report, action="redirect", actor=astana, target_body=city, note="Вопрос городского уровня"
    )
    assert (report.state, report.body) == (ReportState.NEW, city)
    with pytest.raises(TransitionError, match="Choose the body"):
        transition_report(report, action="redirect", actor=astana, target_body=city, note="x")


def test_an_executor_of_the_body_a_report_was_redirected_to_can_act(report, astana, cast):
    mepr = Body.objects.get(code="MEPR")
    report = transition_report(
        report, action="redirect", actor=astana, target_body=mepr, note="Экологическое нарушение"
    )
    report = transition_report(report, action="accept", actor=cast.executor)
    assert report.state == ReportState.ACCEPTED


def test_overdue_reports_are_flagged_and_escalated_once(report):
    later = report.deadline_at + timedelta(hours=1)
    assert process_deadlines(now=later).flagged_overdue == 1
    report.refresh_from_db()
    assert report.is_overdue and report.escalated_at == later
    assert process_deadlines(now=later + timedelta(hours=1)).flagged_overdue == 0
    entry = history_for(report).last()
    assert entry.actor_label == "system" and "escalated" in entry.reason


def test_acting_on_an_overdue_report_starts_a_new_deadline(report, astana):
    process_deadlines(now=report.deadline_at + timedelta(hours=1))
    report = transition_report(report, action="accept", actor=astana)
    assert not report.is_overdue and report.escalated_at is not None


def test_an_undisputed_resolution_closes_when_the_window_ends(report, astana, proof):
    report = walk_to(report, ReportState.RESOLVED, astana, proof)
    result = process_deadlines(now=report.deadline_at + timedelta(minutes=1))
    report.refresh_from_db()
    assert result.closed == 1 and report.state == ReportState.CLOSED


def test_nobody_can_use_the_system_close(report, astana, proof):
    report = walk_to(report, ReportState.RESOLVED, astana, proof)
    for actor in (None, astana):
        with pytest.raises(TransitionError, match="may not"):
            transition_report(report, action="close", actor=actor)


def test_the_reporter_is_emailed_in_their_language_on_each_change(astana):
    report = submit_report(submission(language="ru")).report
    mail.outbox.clear()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        transition_report(report, action="accept", actor=astana)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aigerim@example.kz"]
    assert report.public_id in message.subject and "принято" in message.subject
    assert f"/reports/{report.public_id}/" in message.body


def test_merge_and_split(report, astana, cast):
    other = submit_report(submission(lat=51.18, lon=71.45)).report
    merge_reports(other, into=report, actor=astana, note="Та же свалка")
    other.refresh_from_db()
    assert other.duplicate_of == report
    split_report(other, actor=astana)
    other.refresh_from_db()
    assert other.duplicate_of is None
    with pytest.raises(TransitionError):
        merge_reports(other, into=report, actor=cast.almaty_operator)
    with pytest.raises(Exception, match="itself"):
        merge_reports(report, into=report, actor=astana)


def test_allowed_actions_follow_state_and_role(report, astana, cast):
    assert allowed_actions(report, astana) == ["accept", "reject", "redirect"]
    assert allowed_actions(report, cast.almaty_operator) == []
    assert allowed_actions(report, cast.analyst) == []
    assert timezone.now() < report.deadline_at


def test_a_transition_locks_the_report_row_and_nothing_else(report, astana):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        transition_report(report, action="accept", actor=astana)
    locks = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        # Not the joined category row: other reports of the category must not wait.
        assert locks and all('FOR UPDATE OF "reports_report"' in sql for sql in locks)
    else:
        assert locks == []  # SQLite serialises writers on the whole file instead


def test_merges_never_form_a_cycle_and_a_split_of_a_non_duplicate_is_refused(report, astana):
    """A→B→C→A was possible, and each needless split wrote an empty audit entry (L3)."""
    from taza.audit.models import AuditEntry

    b = submit_report(submission(lat=51.18, lon=71.45)).report
    c = submit_report(submission(lat=51.19, lon=71.46)).report
    merge_reports(report, into=b, actor=astana)
    merge_reports(b, into=c, actor=astana)
    with pytest.raises(TransitionError, match="already a duplicate"):
        merge_reports(c, into=report, actor=astana)  # report → b → c: c would loop
    # A merge into a duplicate links to the first report of its chain.
    d = submit_report(submission(lat=51.20, lon=71.47)).report
    merge_reports(d, into=report, actor=astana)
    d.refresh_from_db()
    assert d.duplicate_of_id == c.pk
    entries = AuditEntry.objects.count()
    with pytest.raises(TransitionError, match="not marked as a duplicate"):
        split_report(c, actor=astana)
    assert AuditEntry.objects.count() == entries


def test_a_dispute_may_carry_a_photo_of_what_is_left(report, astana, proof):
    """A dispute could not carry a photo (#14)."""
    from taza.reports.services import TransitionError
    from taza.reports.tests.images import photo_bytes

    report = walk_to(report, ReportState.RESOLVED, astana, proof)
    with pytest.raises(TransitionError) as refused:
        transition_report(
            report,
            action="dispute",
            note="Мусор на месте",
            reporter_token=report.reporter_token,
            proof=upload(b"%PDF-1.4 not a photo", "akt.pdf"),
        )
    assert refused.value.field == "proof"
    report.refresh_from_db()
    assert report.state == ReportState.RESOLVED  # refused whole: nothing changed
    report = transition_report(
        report,
        action="dispute",
        note="Убрали только половину",
        reporter_token=report.reporter_token,
        proof=upload(photo_bytes(camera="Samsung", gps=(51.17, 71.45))),
    )
    shown = report.photos.get(kind=PhotoKind.DISPUTE)
    assert report.state == ReportState.DISPUTED and b"Samsung" not in shown.image.read()


def test_a_photo_sent_with_an_action_that_takes_none_is_ignored(report, astana):
    report = transition_report(report, action="accept", actor=astana, proof=upload(b"junk"))
    assert report.state == ReportState.ACCEPTED and report.photos.count() == 1


def test_a_resolution_after_the_deadline_in_force_is_counted_late(report, astana, proof, cast):
    report = walk_to(report, ReportState.IN_PROGRESS, astana, proof)
    on_time = transition_report(
        report, action="resolve", actor=astana, proof=proof, now=report.deadline_at
    )
    assert not on_time.resolved_late
    second = walk_to(submit_report(submission()).report, ReportState.IN_PROGRESS, astana, proof)
    late = transition_report(
        second,
        action="resolve",
        actor=astana,
        proof=proof,
        now=second.deadline_at + timedelta(minutes=1),
    )
    assert late.resolved_late
    from taza.programme.scorecard import _citizen_reports

    year = timezone.localdate(late.resolved_at).year
    assert _citizen_reports(year, timezone.localdate(late.resolved_at))[late.region_id] == (1, 2)
