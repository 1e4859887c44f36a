from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taza.bodies.models import Body
from taza.campaigns.totals import totals
from taza.geo.models import District, Region
from taza.programme import official
from taza.reports.stats import overall_figures
from taza.sites.indicators import indicators

# The registry's and the campaigns' figures on the home page are read from their tables
# at most once this often; a change shows on the home page within this many seconds
# (their own pages, /sites/indicators/ and /campaigns/results/, always compute afresh).
HOME_FIGURES_SECONDS = 60


def home(request: HttpRequest) -> HttpResponse:
    """Show Taza's own figures, computed from its data, apart from the published ones."""
    return render(
        request,
        "web/home.html",
        {
            "regions": Region.objects.count(),
            "districts": District.objects.count(),
            "bodies": Body.objects.count(),
            "reports": overall_figures(),
            "sites": cache.get_or_set(
                "taza:home:sites", lambda: indicators().overall, HOME_FIGURES_SECONDS
            ),
            "campaigns": cache.get_or_set(
                "taza:home:campaigns", lambda: totals().figures, HOME_FIGURES_SECONDS
            ),
            "official": official.HEADLINE,
        },
    )


def territories(request: HttpRequest) -> HttpResponse:
    regions = Region.objects.annotate(district_count=Count("districts")).prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("code"))
    )
    return render(request, "web/territories.html", {"regions": regions})
