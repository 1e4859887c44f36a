from django.db import models
from django.utils.translation import gettext_lazy as _


class Dropped(models.TextChoices):
    """Why a detection is kept out of fire events (empty: it is in one)."""

    LOW_CONFIDENCE = "low_confidence", _("low confidence")
    HEAT_SOURCE = "heat_source", _("a known industrial heat source")
    OUTSIDE = "outside", _("outside Kazakhstan and its buffer")


class FireState(models.TextChoices):
    NEW = "new", _("new, not yet checked")
    CONFIRMED = "confirmed", _("confirmed on the ground")
    FALSE_ALARM = "false_alarm", _("false alarm")
    EXTINGUISHED = "extinguished", _("extinguished")
    MERGED = "merged", _("merged into another fire")


OPEN_FIRE_STATES = (FireState.NEW, FireState.CONFIRMED)
# The states a fire counts in: a merged fire lives on in the one it joined.
COUNTED_FIRE_STATES = (
    FireState.NEW,
    FireState.CONFIRMED,
    FireState.FALSE_ALARM,
    FireState.EXTINGUISHED,
)
# The steps a responder may take from each state.
FIRE_STEPS = {
    FireState.NEW: (FireState.CONFIRMED, FireState.FALSE_ALARM),
    FireState.CONFIRMED: (FireState.EXTINGUISHED,),
}


class HeatSourceKind(models.TextChoices):
    STATIC = "static", _("listed (gas flare, plant)")
    PERSISTENT = "persistent", _("learned: the same place burning on many days")


class WarningLevel(models.TextChoices):
    """A gauge's state, from its level against its marks and the level's trend."""

    NORMAL = "normal", _("normal")
    RISING = "rising", _("rising")
    APPROACHING = "approaching", _("approaching the danger mark")
    DANGER = "danger", _("at or above the danger mark")
    CRITICAL = "critical", _("at or above the critical mark")


# Levels in order, lowest first; a change upwards to APPROACHING or above is alerted.
LEVEL_ORDER = [
    WarningLevel.NORMAL,
    WarningLevel.RISING,
    WarningLevel.APPROACHING,
    WarningLevel.DANGER,
    WarningLevel.CRITICAL,
]
ALERTED_LEVELS = frozenset({WarningLevel.APPROACHING, WarningLevel.DANGER, WarningLevel.CRITICAL})


class ForecastMethod(models.TextChoices):
    TREND = "trend", _("the gauge's own trend")
    UPSTREAM = "upstream", _("with the upstream gauge's rise")


class Ice(models.TextChoices):
    NONE = "", _("no ice")
    COVER = "cover", _("ice cover")
    DRIFT = "drift", _("ice drift")
    JAM = "jam", _("ice jam")


class RiskStatus(models.TextChoices):
    PRESENT = "present", _("risk present")
    REDUCED = "reduced", _("risk reduced")
    ELIMINATED = "eliminated", _("risk eliminated")


# What a person near a confirmed fire should do, sent with the alert. From the emergency
# service's public guidance; the emergency number 112 works from any phone.
FIRE_ADVICE = _(
    "Do not go towards the fire or the smoke. Keep away from the forest and dry grass, "
    "close windows if smoke reaches you, and follow the instructions of the emergency "
    "service and the akimat. Call 112 if you see fire or are in danger."
)

# What residents of a settlement should do at each alerted level of its governing gauge.
FLOOD_ADVICE = {
    WarningLevel.APPROACHING: _(
        "The water is rising towards the danger mark. Check your settlement's evacuation "
        "point, keep documents, medicines, water and a phone charger ready, and follow the "
        "akimat's notices."
    ),
    WarningLevel.DANGER: _(
        "The water is at the danger mark. Be ready to leave at the akimat's or the "
        "emergency service's word; move valuables and livestock to higher ground; switch "
        "off gas and electricity if water reaches the house. Call 112 in danger."
    ),
    WarningLevel.CRITICAL: _(
        "The water is above the critical mark. Leave for the evacuation point or higher "
        "ground now if told to, take documents and medicines, and help neighbours who "
        "need it. Call 112 in danger."
    ),
}


class AreaKind(models.TextChoices):
    """Kinds of specially protected natural areas and forest land (Law on ООПТ)."""

    RESERVE = "reserve", _("state nature reserve (zapovednik)")
    NATIONAL_PARK = "national_park", _("national nature park")
    NATURE_RESERVE = "nature_reserve", _("state nature reserve area (rezervat)")
    FOREST = "forest", _("state forest fund land")
    OTHER = "other", _("other protected area")
