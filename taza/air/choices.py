from django.db import models
from django.utils.translation import gettext_lazy as _


class PostKind(models.TextChoices):
    AUTOMATIC = "automatic", _("automatic")
    MANUAL = "manual", _("manual sampling")


class OwnerKind(models.TextChoices):
    KAZHYDROMET = "kazhydromet", _("Kazhydromet")
    AKIMAT = "akimat", _("akimat")
    ENTERPRISE = "enterprise", _("enterprise (industrial monitoring)")
    COMMUNITY = "community", _("citizens' or NGO sensor network")


class SensorGrade(models.TextChoices):
    REFERENCE = "reference", _("reference")
    INDICATIVE = "indicative", _("indicative (low-cost)")


class Unit(models.TextChoices):
    UG_M3 = "ug/m3", "µg/m³"
    MG_M3 = "mg/m3", "mg/m³"
    PPB = "ppb", "ppb"
    PPM = "ppm", "ppm"


class Flag(models.TextChoices):
    """Why a reading is doubtful. The first three keep it out of every figure."""

    NEGATIVE = "negative", _("negative")
    OUT_OF_RANGE = "out_of_range", _("outside the instrument's range")
    STUCK = "stuck", _("stuck: the same value eight times running")
    SPIKE = "spike", _("spike: a sudden jump, kept but marked")


INVALIDATING = frozenset({Flag.NEGATIVE, Flag.OUT_OF_RANGE, Flag.STUCK})


class AqiBand(models.TextChoices):
    GOOD = "good", _("Good")
    MODERATE = "moderate", _("Moderate")
    SENSITIVE = "sensitive", _("Unhealthy for sensitive groups")
    UNHEALTHY = "unhealthy", _("Unhealthy")
    VERY_UNHEALTHY = "very_unhealthy", _("Very unhealthy")
    HAZARDOUS = "hazardous", _("Hazardous")


class PollutionGrade(models.TextChoices):
    LOW = "low", _("low")
    ELEVATED = "elevated", _("elevated")
    HIGH = "high", _("high")
    VERY_HIGH = "very_high", _("very high")


class NmuDegree(models.IntegerChoices):
    FIRST = 1, _("first degree")
    SECOND = 2, _("second degree")
    THIRD = 3, _("third degree")


# What people should do in each band, after the US EPA's advice for the AQI categories.
ADVICE = {
    AqiBand.GOOD: _("Air quality is good. Enjoy being outdoors."),
    AqiBand.MODERATE: _(
        "Air quality is acceptable. People unusually sensitive to air pollution should "
        "consider shorter and lighter activity outdoors."
    ),
    AqiBand.SENSITIVE: _(
        "Children, older people and people with heart or lung disease, asthma included, "
        "should cut down long or heavy activity outdoors. Keep quick-relief medicine at hand."
    ),
    AqiBand.UNHEALTHY: _(
        "Everyone should cut down long or heavy activity outdoors; sensitive groups should "
        "avoid it and move activities indoors. Keep windows closed."
    ),
    AqiBand.VERY_UNHEALTHY: _(
        "Everyone should avoid long or heavy activity outdoors; sensitive groups should stay "
        "indoors with windows closed, using an air purifier if they have one."
    ),
    AqiBand.HAZARDOUS: _(
        "Everyone should stay indoors and keep activity light. Sensitive groups should follow "
        "their doctor's advice; follow the instructions of the emergency services."
    ),
}

# What the population is asked during НМУ (Kazhydromet's warnings): the degree sets
# what enterprises must cut; people are asked the same in every degree.
NMU_ADVICE = _(
    "Pollutants do not disperse: limit time outdoors, especially with children, and do not "
    "burn rubbish or leaves. Enterprises must cut their emissions as the warning's degree "
    "requires."
)
