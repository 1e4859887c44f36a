"""The environmental data bank: what other systems report, checked and kept with history.

It holds the state waste cadastre (per region, year and waste type, the tonnes
generated, collected, recycled, otherwise recovered and disposed of), the register of
facilities with their pollutant releases, and the carbon cadastre (each installation's
greenhouse gases, in tonnes and in CO2-equivalent). A correction never overwrites: the
corrected record stays, marked as no longer current and pointing to the one that
replaced it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import Body
from taza.geo.models import District, Region

# The first year the data bank takes reports for.
FIRST_YEAR = 2000


def tonnes(label: object) -> models.DecimalField:  # type: ignore[type-arg]
    """Make a field of tonnes: up to a hundred billion, to the kilogram."""
    return models.DecimalField(label, max_digits=14, decimal_places=3)  # type: ignore[arg-type]


class ImportKind(models.TextChoices):
    WASTE = "waste", _("waste cadastre")
    FACILITIES = "facilities", _("facilities")
    RELEASES = "releases", _("pollutant releases")
    CARBON = "carbon", _("carbon cadastre")
    CONTROL = "control", _("industrial environmental control")
    TRANSFERS = "transfers", _("transfers of waste")
    PERMITS = "permits", _("permitted releases")


class ImportBatch(models.Model):
    """One file taken in: what it was, who sent it, how many rows it added or corrected."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    corrections = models.PositiveIntegerField(_("corrections"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("taken in at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="one_import_per_file")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"


class WasteRecord(models.Model):
    """One region's waste of one type in one year, as the waste cadastre reports it."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    waste_code = models.CharField(_("waste code"), max_length=8)
    municipal = models.BooleanField(_("municipal waste"))
    generated = tonnes(_("generated, t"))
    collected = tonnes(_("collected, t"))
    recycled = tonnes(_("recycled, t"))
    recovered = tonnes(_("otherwise recovered, t"))
    disposed = tonnes(_("disposed of, t"))
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        related_name="waste_records",
        verbose_name=_("import"),
    )
    current = models.BooleanField(_("current"), default=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced",
        verbose_name=_("corrected by"),
    )

    class Meta:
        ordering = ["year", "region__code", "waste_code"]
        verbose_name = _("waste cadastre record")
        verbose_name_plural = _("waste cadastre records")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "waste_code"],
                condition=Q(current=True),
                name="one_current_waste_record",
            )
        ]
        indexes = [models.Index(fields=["year", "municipal", "current"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.waste_code}"


class Category(models.TextChoices):
    """The facility's environmental category under the Environmental Code (article 12)."""

    I = "I", _("category I (significant impact)")  # noqa: E741
    II = "II", _("category II (moderate impact)")
    III = "III", _("category III (minor impact)")
    IV = "IV", _("category IV (minimal impact)")


class Sector(models.TextChoices):
    OIL_GAS = "oil_gas", _("oil and gas")
    METALLURGY = "metallurgy", _("metallurgy")
    POWER = "power", _("power and heat")
    MINING = "mining", _("mining")
    CHEMICALS = "chemicals", _("chemicals")
    WASTE = "waste", _("waste management")
    OTHER = "other", _("other")


class Facility(models.Model):
    """A natural-resource user's facility, as the register of operators lists it."""

    code = models.CharField(_("register number"), max_length=32, unique=True)
    bin = models.CharField(_("business identification number"), max_length=12)
    name = models.CharField(_("facility"), max_length=300)
    operator = models.CharField(_("operator"), max_length=300)
    # An individual entrepreneur's name is a person's name: never public.
    operator_is_person = models.BooleanField(_("individual entrepreneur"), default=False)
    category = models.CharField(_("category"), max_length=3, choices=Category.choices)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    # The akimat of the district (of the region where the point is in no district, as in
    # the cities of republican significance): who answers locally for the facility.
    akimat = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("responsible akimat"),
    )
    # The Ministry of Ecology's department in the facility's region: it issues the
    # permits of categories II–IV and inspects the facility.
    department = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspected_facilities",
        verbose_name=_("territorial department of ecology"),
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # Every environmental permit the facility holds, their numbers separated by "; ".
    permit = models.CharField(_("environmental permits"), max_length=500, blank=True)
    # Where reminders to report go; never public (an entrepreneur's address is personal).
    email = models.EmailField(_("reporting e-mail"), blank=True)

    audit_personal = frozenset({"operator", "email"})

    class Meta:
        ordering = ["code"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def permits(self) -> list[str]:
        """List the numbers of the environmental permits the facility holds."""
        return [number.strip() for number in self.permit.split(";") if number.strip()]

    @property
    def public_operator(self) -> str:
        """Name the operator on public pages: an individual entrepreneur is not named."""
        return str(_("individual entrepreneur")) if self.operator_is_person else self.operator


class Medium(models.TextChoices):
    AIR = "air", _("air")
    WATER = "water", _("water")
    LAND = "land", _("land")


class Method(models.TextChoices):
    MEASURED = "M", _("measured")
    CALCULATED = "C", _("calculated")
    ESTIMATED = "E", _("estimated")


class Release(models.Model):
    """A facility's release of one pollutant to one medium in one year, as reported."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="releases", verbose_name=_("facility")
    )
    pollutant = models.CharField(_("pollutant"), max_length=16)
    year = models.PositiveSmallIntegerField(_("year"))
    medium = models.CharField(_("released to"), max_length=8, choices=Medium.choices)
    tonnes = tonnes(_("amount, t"))
    method = models.CharField(_("method"), max_length=1, choices=Method.choices)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="releases", verbose_name=_("import")
    )
    current = models.BooleanField(_("current"), default=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced"
    )

    class Meta:
        ordering = ["year", "facility_id", "pollutant", "medium"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "pollutant", "year", "medium"],
                condition=Q(current=True),
                name="one_current_release",
            )
        ]
        indexes = [
            models.Index(fields=["year", "pollutant", "current"]),
            # The top emitters: one pollutant, year and medium, largest first, current
            # reports only (a facility has one such report, so no sum is needed).
            models.Index(
                fields=["pollutant", "year", "medium", "-tonnes"],
                condition=Q(current=True),
                name="release_top",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.pollutant} {self.year} {self.medium}"


class ReleaseTotal(models.Model):
    """Keep a year's current releases of a pollutant to a medium, summed by region and sector.

    Derived, never edited: rewritten for the years and pollutants an import touches (and
    for a facility that moves region or sector), so the rankings and pollutant pages
    add up twenty regions and seven sectors instead of every facility's release
    (bench/databank.py: the ranking at 20,000 facilities).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    pollutant = models.CharField(_("pollutant"), max_length=16)
    medium = models.CharField(_("released to"), max_length=8, choices=Medium.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, verbose_name=_("region"))
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    tonnes = tonnes(_("amount, t"))
    facilities = models.PositiveIntegerField(_("facilities"))

    class Meta:
        verbose_name = _("releases' total")
        verbose_name_plural = _("releases' totals")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "pollutant", "medium", "region", "sector"],
                name="one_release_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.pollutant} {self.medium} {self.region_id} {self.sector}"


class GreenhouseEmission(models.Model):
    """Keep an installation's emission of one greenhouse gas in one year, as reported.

    The CO2-equivalent is kept with the potential it was computed with, so that a later
    change of potentials does not rewrite what was reported.
    """

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="greenhouse", verbose_name=_("facility")
    )
    installation = models.CharField(_("installation"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    gas = models.CharField(_("gas"), max_length=16)
    gwp = models.PositiveIntegerField(_("global-warming potential"))
    co2e = tonnes(_("CO2-equivalent, t"))  # before the field named tonnes hides the helper
    tonnes = tonnes(_("amount of the gas, t"))
    method = models.CharField(_("method"), max_length=1, choices=Method.choices)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="greenhouse", verbose_name=_("import")
    )
    current = models.BooleanField(_("current"), default=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced"
    )

    class Meta:
        ordering = ["year", "facility_id", "installation", "gas"]
        verbose_name = _("greenhouse-gas emission")
        verbose_name_plural = _("greenhouse-gas emissions")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "installation", "year", "gas"],
                condition=Q(current=True),
                name="one_current_greenhouse_emission",
            )
        ]
        indexes = [models.Index(fields=["year", "current"])]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.installation} {self.year} {self.gas}"


class Treatment(models.TextChoices):
    RECOVERY = "R", _("recovery")
    DISPOSAL = "D", _("disposal")


class Transfer(models.Model):
    """Keep a facility's transfer of waste off site in a year, as the register reports it.

    The register's second half (E-PRTR article 5(1)(b)): the tonnes of hazardous or
    non-hazardous waste sent off site for recovery (R) or disposal (D), in the country
    or abroad (the receiving country's ISO code).
    """

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("facility")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    hazardous = models.BooleanField(_("hazardous waste"))
    treatment = models.CharField(_("treatment"), max_length=1, choices=Treatment.choices)
    country = models.CharField(_("receiving country"), max_length=2, default="KZ")
    tonnes = tonnes(_("amount, t"))
    method = models.CharField(_("method"), max_length=1, choices=Method.choices)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("import")
    )
    current = models.BooleanField(_("current"), default=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced"
    )

    class Meta:
        ordering = ["year", "facility_id", "hazardous", "treatment", "country"]
        verbose_name = _("transfer of waste")
        verbose_name_plural = _("transfers of waste")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "year", "hazardous", "treatment", "country"],
                condition=Q(current=True),
                name="one_current_transfer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.year} {self.treatment} {self.country}"

    @property
    def above_threshold(self) -> bool:
        """Say whether the register's threshold (2 t hazardous, 2,000 t other) is passed."""
        threshold = TRANSFER_THRESHOLD_HAZARDOUS if self.hazardous else TRANSFER_THRESHOLD
        return bool(self.tonnes > threshold)


# E-PRTR article 5(1)(b): off-site transfers above these tonnes a year must be reported.
TRANSFER_THRESHOLD_HAZARDOUS = 2
TRANSFER_THRESHOLD = 2000


class ControlPoint(models.TextChoices):
    SOURCE = "source", _("emission source")
    BOUNDARY = "boundary", _("boundary of the sanitary protection zone")


class ControlMeasurement(models.Model):
    """Keep an operator's own measurement of a pollutant at a source or at its boundary.

    Industrial environmental control: the operator measures what its permit limits, at
    the sources (g/s or mg/m³) and at the boundary of its sanitary protection zone (mg/m³),
    and reports the value with the limit it is held to; above the limit is an exceedance.
    """

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="control", verbose_name=_("facility")
    )
    point = models.CharField(_("point"), max_length=100)
    kind = models.CharField(_("where"), max_length=8, choices=ControlPoint.choices)
    pollutant = models.CharField(_("pollutant"), max_length=16)
    measured_on = models.DateField(_("measured on"))
    unit = models.CharField(_("unit"), max_length=8)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    limit = models.DecimalField(_("permitted limit"), max_digits=14, decimal_places=4)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="control", verbose_name=_("import")
    )
    current = models.BooleanField(_("current"), default=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced"
    )

    class Meta:
        ordering = ["-measured_on", "facility_id", "point", "pollutant"]
        verbose_name = _("control measurement")
        verbose_name_plural = _("control measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "point", "pollutant", "measured_on"],
                condition=Q(current=True),
                name="one_current_control_measurement",
            ),
            models.CheckConstraint(condition=Q(limit__gt=0), name="control_limit_positive"),
        ]
        indexes = [models.Index(fields=["measured_on", "current"])]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.point} {self.pollutant} {self.measured_on}"

    @property
    def exceeds(self) -> bool:
        """Say whether the value is above the permitted limit (equal is within it)."""
        return self.value > self.limit

    @property
    def ratio(self) -> float:
        """Return the value as a multiple of the limit (1.5 is half as much again)."""
        return float(self.value / self.limit)


class ReminderKind(models.TextChoices):
    RELEASES = "releases", _("pollutant releases")
    CARBON = "carbon", _("carbon cadastre")


def report_deadline(year: int, deadline: str) -> date:
    """Return the day a year's reports are due: ``deadline`` ("MM-DD") of the next year.

    Operators report a year's releases to the register by 1 April of the next year
    (the default of settings.TAZA_REPORT_DEADLINE); a deployment sets another date
    there if the rules change.
    """
    month, day = (int(part) for part in deadline.split("-"))
    return date(year + 1, month, day)


class OperatorReminder(models.Model):
    """Keep that an operator was reminded of a missing report, so it is reminded once.

    Made by an analyst's request, sent by the task queue; ``delivered_at`` is set when the
    mail went out, so a retried task does not send it again.
    """

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("facility")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("report"), max_length=16, choices=ReminderKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("reminder to report")
        verbose_name_plural = _("reminders to report")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "year", "kind"], name="one_reminder_per_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.kind} {self.year}"


class PermitState(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    EXPIRING = "expiring", _("expires within 90 days")
    EXPIRED = "expired", _("expired")
    NOT_YET = "not_yet", _("not yet in force")


# A permit is renewed ahead of its end: the analysts see those ending within this many days.
EXPIRING_DAYS = 90


def permit_state(issued_on: date, valid_until: date, today: date) -> PermitState:
    """Say whether a permit is in force on a day, ends within 90 days, has ended or not begun."""
    if today < issued_on:
        return PermitState.NOT_YET
    if today > valid_until:
        return PermitState.EXPIRED
    if (valid_until - today).days <= EXPIRING_DAYS:
        return PermitState.EXPIRING
    return PermitState.IN_FORCE


class PermitKind(models.TextChoices):
    # The Environmental Code: an integrated permit for category I, a permit for
    # emissions for category II; categories III and IV declare their emissions.
    INTEGRATED = "integrated", _("integrated environmental permit")
    EMISSIONS = "emissions", _("permit for emissions")


class PermitLimit(models.Model):
    """Keep what a permit allows a facility to release of one pollutant to one medium a year.

    A permit (its number, kind and dates) is the set of its limits; the limit that
    applies to a year's release is the one of a permit in force during that year.
    """

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="limits", verbose_name=_("facility")
    )
    permit = models.CharField(_("permit number"), max_length=40)
    kind = models.CharField(_("kind of permit"), max_length=12, choices=PermitKind.choices)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    pollutant = models.CharField(_("pollutant"), max_length=16)
    medium = models.CharField(_("released to"), max_length=8, choices=Medium.choices)
    tonnes = tonnes(_("permitted a year, t"))
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="limits", verbose_name=_("import")
    )
    current = models.BooleanField(_("current"), default=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced"
    )

    class Meta:
        ordering = ["facility_id", "-issued_on", "permit", "pollutant", "medium"]
        verbose_name = _("permitted release")
        verbose_name_plural = _("permitted releases")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "permit", "pollutant", "medium"],
                condition=Q(current=True),
                name="one_current_permit_limit",
            ),
            models.CheckConstraint(
                name="permit_ends_after_it_starts", condition=Q(valid_until__gte=F("issued_on"))
            ),
        ]
        indexes = [models.Index(fields=["valid_until", "current"])]

    def __str__(self) -> str:
        return f"{self.permit} {self.pollutant} {self.medium}"

    def in_force_during(self, year: int) -> bool:
        """Say whether the permit was in force on some day of the year."""
        return self.issued_on.year <= year <= self.valid_until.year
