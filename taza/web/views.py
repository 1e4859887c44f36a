from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taza.bodies.models import Body
from taza.demo import facts
from taza.geo.models import District, Region


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {
            "regions": Region.objects.count(),
            "districts": District.objects.count(),
            "bodies": Body.objects.count(),
            "facts": facts,
        },
    )


def territories(request: HttpRequest) -> HttpResponse:
    regions = Region.objects.annotate(district_count=Count("districts")).prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("code"))
    )
    return render(request, "web/territories.html", {"regions": regions})
