"""Figures from the seed documents that shape the demo data set.

Every number here is quoted from shared/seeds/ unless marked as an estimate.
"""

from __future__ import annotations

from taza.programme import official

# Appeals to @TazaQazBot by region, from the 2024 progress note in the action plan
# (seed 003, measure 44): "Алматы (2014), Астана (1587), Карагандинской (757) и
# Костанайской областях (623) ... Ұлытау (70), Абай (105), Актюбинской (126) и
# Атырауской областях (117)", of "свыше 10 тыс. заявок".
APPEALS_BY_REGION_QUOTED: dict[str, int] = {
    "KZ75": 2014,  # Almaty city
    "KZ71": 1587,  # Astana
    "KZ35": 757,  # Karaganda
    "KZ39": 623,  # Kostanay
    "KZ62": 70,  # Ulytau
    "KZ10": 105,  # Abai
    "KZ15": 126,  # Aktobe
    "KZ23": 117,  # Atyrau
}

# Estimate: the other twelve regions share the remaining ~4,600 of 10,000 appeals, in
# rough proportion to their urban population, each between the smallest and the
# largest quoted figure, as the seed implies.
APPEALS_BY_REGION_ESTIMATED: dict[str, int] = {
    "KZ79": 520,  # Shymkent
    "KZ61": 480,  # Turkistan
    "KZ19": 470,  # Almaty Region
    "KZ55": 430,  # Pavlodar
    "KZ63": 420,  # East Kazakhstan
    "KZ31": 380,  # Jambyl
    "KZ11": 370,  # Akmola
    "KZ59": 330,  # North Kazakhstan
    "KZ27": 320,  # West Kazakhstan
    "KZ47": 310,  # Mangystau
    "KZ43": 300,  # Kyzylorda
    "KZ33": 271,  # Jetisu
}

APPEALS_BY_REGION: dict[str, int] = APPEALS_BY_REGION_QUOTED | APPEALS_BY_REGION_ESTIMATED

# Appeals in 2025 (seed 002) and in January–July 2025 (press figures in issue 3).
APPEALS_2025 = official.APPEALS_2025.value
APPEALS_JAN_JUL_2025 = 11_966
EXECUTED_SHARE_JAN_JUL_2025 = 0.935
OVERDUE_JAN_JUL_2025 = 41
DISPUTED_CLOSURES_JAN_JUL_2025 = 530

# Category counts, January–July 2025: territory cleaning 3,493; household-waste removal
# 842; street landscaping 829. The rest is spread over the other categories.
CATEGORY_COUNTS_JAN_JUL_2025: dict[str, int] = {
    "territory_cleaning": 3493,
    "household_waste_removal": 842,
    "street_improvement": 829,
}

# Waste sites (seed 003, measure 44; seeds 000/001).
DUMPS_FOUND_2018 = 8_700
DUMPS_LIQUIDATED_SHARE_2018 = 0.57
DUMPS_FOUND_2024 = 4_886
DUMPS_LIQUIDATED_2024 = 4_335
SATELLITE_DUMPS_2025 = official.SATELLITE_DUMPS_2025.value

# Campaigns in 2025 (seeds 001/002).
CAMPAIGN_EVENTS = official.CAMPAIGN_EVENTS.value
WASTE_COLLECTED_TONNES_2025 = official.WASTE_COLLECTED_TONNES_2025.value
AREA_CLEANED_HA_2025 = 1_100_000
TREES_PLANTED_2025 = official.TREES_PLANTED.value
PARTICIPANTS_2025 = official.PARTICIPANTS_2025.value


def region_weights() -> dict[str, float]:
    """Return each region's share of citizens' appeals, summing to 1."""
    total = sum(APPEALS_BY_REGION.values())
    return {code: count / total for code, count in APPEALS_BY_REGION.items()}
