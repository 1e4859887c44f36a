"""Build display names of territories in Kazakh, Russian and English.

The boundary files carry short forms ("Abay", "Абайская") and a few typos; people
expect "Abai Region", "Абайская область", "Абай облысы". This module is the one place
that turns the files' attributes into those names.
"""

from __future__ import annotations

from dataclasses import dataclass

# Official names of the 20 first-level units, keyed by the files' ADM1_PCODE:
# (Kazakh, Russian, English, Russian genitive used in "Акимат ... области").
REGION_NAMES: dict[str, tuple[str, str, str, str]] = {
    "KZ10": ("Абай облысы", "Абайская область", "Abai Region", "Абайской области"),
    "KZ11": ("Ақмола облысы", "Акмолинская область", "Akmola Region", "Акмолинской области"),
    "KZ15": ("Ақтөбе облысы", "Актюбинская область", "Aktobe Region", "Актюбинской области"),
    "KZ19": ("Алматы облысы", "Алматинская область", "Almaty Region", "Алматинской области"),
    "KZ23": ("Атырау облысы", "Атырауская область", "Atyrau Region", "Атырауской области"),
    "KZ27": (
        "Батыс Қазақстан облысы",
        "Западно-Казахстанская область",
        "West Kazakhstan Region",
        "Западно-Казахстанской области",
    ),
    "KZ31": ("Жамбыл облысы", "Жамбылская область", "Jambyl Region", "Жамбылской области"),
    "KZ33": ("Жетісу облысы", "Область Жетісу", "Jetisu Region", "области Жетісу"),
    "KZ35": (
        "Қарағанды облысы",
        "Карагандинская область",
        "Karaganda Region",
        "Карагандинской области",
    ),
    "KZ39": ("Қостанай облысы", "Костанайская область", "Kostanay Region", "Костанайской области"),
    "KZ43": (
        "Қызылорда облысы",
        "Кызылординская область",
        "Kyzylorda Region",
        "Кызылординской области",
    ),
    "KZ47": (
        "Маңғыстау облысы",
        "Мангистауская область",
        "Mangystau Region",
        "Мангистауской области",
    ),
    "KZ55": ("Павлодар облысы", "Павлодарская область", "Pavlodar Region", "Павлодарской области"),
    "KZ59": (
        "Солтүстік Қазақстан облысы",
        "Северо-Казахстанская область",
        "North Kazakhstan Region",
        "Северо-Казахстанской области",
    ),
    "KZ61": (
        "Түркістан облысы",
        "Туркестанская область",
        "Turkistan Region",
        "Туркестанской области",
    ),
    "KZ62": ("Ұлытау облысы", "Область Ұлытау", "Ulytau Region", "области Ұлытау"),
    "KZ63": (
        "Шығыс Қазақстан облысы",
        "Восточно-Казахстанская область",
        "East Kazakhstan Region",
        "Восточно-Казахстанской области",
    ),
    "KZ71": ("Астана қаласы", "город Астана", "Astana", "города Астаны"),
    "KZ75": ("Алматы қаласы", "город Алматы", "Almaty", "города Алматы"),
    "KZ79": ("Шымкент қаласы", "город Шымкент", "Shymkent", "города Шымкента"),
}

CITY_REGIONS = frozenset({"KZ71", "KZ75", "KZ79"})

# Typos in the source names that SOURCE.md lists, corrected for display.
_NAME_FIXES = {
    "Zharasemey": "Zhanasemey",
    "Aршалинский": "Аршалинский",
    "Енбекшинскийский": "Енбекшинский",
    "Каратаускийский": "Каратауский",
    "Талдықорған": "Талдыкорган",
}

DISTRICT = "district"
CITY = "city"
URBAN_DISTRICT = "urban_district"


@dataclass(frozen=True)
class DistrictNames:
    kind: str
    name_kk: str
    name_ru: str
    name_en: str


def _fix(name: str) -> str:
    return _NAME_FIXES.get(name, name)


def _is_district_adjective(russian: str) -> bool:
    return russian.endswith(("ский", "цкий"))


def _genitive(adjective: str) -> str:
    """Decline a Russian masculine adjective into the genitive ("Абайский" -> "Абайского")."""
    for ending, replacement in (("ский", "ского"), ("цкий", "цкого"), ("ный", "ного")):
        if adjective.endswith(ending):
            return adjective[: -len(ending)] + replacement
    if adjective.endswith("ий"):
        return adjective[:-2] + "его"
    if adjective.endswith("ый"):
        return adjective[:-2] + "ого"
    return adjective


def district_names(region_pcode: str, kato: str, kk: str, ru: str, en: str) -> DistrictNames:
    """Return the kind and full display names of a second-level unit.

    In the three cities every unit is an urban district. Elsewhere KATO numbers cities
    of regional significance below 30 in its third and fourth digits ("Семей",
    "Рудный") and districts from 30 up; a Russian name like "Жанасемейский" is a
    district wherever it is numbered.
    """
    kk, ru, en = _fix(kk), _fix(ru), _fix(en)
    if region_pcode in CITY_REGIONS:
        return DistrictNames(URBAN_DISTRICT, f"{kk} ауданы", f"{ru} район", f"{en} District")
    if _is_district_adjective(ru):
        return DistrictNames(DISTRICT, f"{kk} ауданы", f"{ru} район", f"{en} District")
    if int(kato[2:4]) >= 30:
        # Districts named after people: "район Биржан сал".
        return DistrictNames(DISTRICT, f"{kk} ауданы", f"район {ru}", f"{en} District")
    return DistrictNames(CITY, f"{kk} қаласы", f"город {ru}", f"{en} City")


def district_akimat_names(
    region_pcode: str, kind: str, name_kk: str, name_ru: str, name_en: str
) -> tuple[str, str, str]:
    """Return the akimat's name of a second-level unit from its display names."""
    if kind == CITY:
        return (
            f"{name_kk}ның әкімдігі",
            f"Акимат {name_ru.replace('город', 'города', 1)}",
            (f"Akimat of {name_en}"),
        )
    if name_ru.startswith("район "):
        return f"{name_kk}ның әкімдігі", f"Акимат района {name_ru[6:]}", f"Akimat of {name_en}"
    adjective = name_ru.removesuffix(" район")
    if kind == URBAN_DISTRICT:
        city_kk, _ru, city_en, city_genitive = REGION_NAMES[region_pcode]
        return (
            f"{city_kk} {name_kk}ның әкімдігі",
            f"Акимат {_genitive(adjective)} района {city_genitive}",
            f"Akimat of {name_en}, {city_en}",
        )
    return f"{name_kk}ның әкімдігі", f"Акимат {_genitive(adjective)} района", f"Akimat of {name_en}"


def region_akimat_names(region_pcode: str) -> tuple[str, str, str]:
    """Return the akimat's name of a first-level unit in Kazakh, Russian and English."""
    kk, _ru, en, genitive = REGION_NAMES[region_pcode]
    return f"{kk}ның әкімдігі", f"Акимат {genitive}", f"Akimat of {en}"


# Russian "по ..." takes the dative: the same as the genitive for "...ской области",
# not for the three cities.
_CITY_DATIVE = {"KZ71": "городу Астане", "KZ75": "городу Алматы", "KZ79": "городу Шымкенту"}


def ecology_department_names(region_pcode: str) -> tuple[str, str, str]:
    """Return the name of the Ministry of Ecology's department in a region, kk/ru/en.

    The official form: "Департамент экологии по Атырауской области Комитета
    экологического регулирования и контроля МЭПР РК"; the committee is left to the
    body's parent, as the akimats' names leave out the republic.
    """
    kk, _ru, en, genitive = REGION_NAMES[region_pcode]
    dative = _CITY_DATIVE.get(region_pcode, genitive)
    return (
        f"{kk} бойынша экология департаменті",
        f"Департамент экологии по {dative}",
        f"Department of Ecology for {en}",
    )


def emergency_department_names(region_pcode: str) -> tuple[str, str, str]:
    """Return the name of the Ministry for Emergency Situations' department in a region.

    The official form: "Департамент по чрезвычайным ситуациям Абайской области",
    "Абай облысының Төтенше жағдайлар департаменті".
    """
    kk, _ru, en, genitive = REGION_NAMES[region_pcode]
    return (
        f"{kk}ның Төтенше жағдайлар департаменті",
        f"Департамент по чрезвычайным ситуациям {genitive}",
        f"Department of Emergency Situations of {en}",
    )
