"""People and the roles they hold in the programme."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import Body


class User(AbstractUser):
    """A person who signs in. Name, e-mail and phone are personal data, never public."""

    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Kept out of the audit trail: it records that they changed, never their values.
    audit_personal = frozenset({"first_name", "last_name", "email", "phone"})
    preferred_language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Role(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    OPERATOR = "operator", _("akimat operator")
    EXECUTOR = "executor", _("executor")
    ANALYST = "analyst", _("monitoring analyst")
    ADMIN = "admin", _("administrator")


ROLES_WITH_BODY = (Role.OPERATOR, Role.EXECUTOR)


class RoleAssignment(models.Model):
    """Give a person a role, on behalf of a body where the role needs one."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("body"),
    )
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "body"],
                condition=models.Q(body__isnull=False),
                name="unique_role_per_body",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(body__isnull=True),
                name="unique_role_without_body",
            ),
            models.CheckConstraint(
                name="role_body_required",
                condition=~models.Q(role__in=ROLES_WITH_BODY) | models.Q(body__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        role = Role(self.role).label
        return f"{self.user.get_username()}: {role}" + (f" ({self.body})" if self.body_id else "")

    def clean(self) -> None:
        if self.role in ROLES_WITH_BODY and self.body_id is None:
            raise ValidationError({"body": _("This role is held on behalf of a body.")})
        if self.role not in ROLES_WITH_BODY and self.body_id is not None:
            raise ValidationError({"body": _("This role is not tied to a body.")})
        if self.role == Role.OPERATOR and self.body is not None and not self.body.has_operators:
            raise ValidationError(
                {
                    "body": _(
                        "An operator works for an akimat, an emergency department or a "
                        "protected area's institution."
                    )
                }
            )


class WorkList(models.TextChoices):
    """The work lists a person may keep filters for, by their page's URL name."""

    REPORTS = "reports:console", _("reports console")
    EVENTS = "campaigns:console", _("organiser's events")
    RESULTS = "campaigns:review", _("clean-up results to review")
    PLAN_REPORTS = "programme:reporting", _("reporting desk")
    CANDIDATES = "sites:queue", _("waste sites to verify")
    SCANS = "sites:scans", _("satellite scans")


class SavedFilter(models.Model):
    """A person's named set of filters on one work list, to open it in one click."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_filters")
    work_list = models.CharField(_("list"), max_length=40, choices=WorkList.choices)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "work_list", "name"], name="one_saved_filter_per_name"
            )
        ]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")

    def __str__(self) -> str:
        return self.name


class Crew(models.Model):
    """A named group of a body's staff (a field team) that work can be given to as one."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="crews", verbose_name=_("body")
    )
    name = models.CharField(_("name"), max_length=80)
    members = models.ManyToManyField(User, related_name="crews", verbose_name=_("members"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="one_crew_name_per_body")
        ]
        verbose_name = _("crew")
        verbose_name_plural = _("crews")

    def __str__(self) -> str:
        return self.name
