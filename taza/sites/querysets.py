"""Reusable reads of the waste-site registry, taking plain arguments."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from taza.accounts.permissions import scope_of, visible
from taza.sites.choices import SiteState
from taza.sites.models import WasteSite

# Sites nobody has confirmed: a satellite's candidate, or one found not to be a dump.
UNVERIFIED = (SiteState.CANDIDATE, SiteState.REJECTED)


def visible_sites(user: Any) -> QuerySet[WasteSite]:
    """Return the sites a person may see.

    Verified sites are public; candidates and rejections are for analysts and the akimat
    of the territory, who decide on them.
    """
    sites = WasteSite.objects.all()
    if scope_of(user).reads_all:
        return sites
    unverified = Q(state__in=UNVERIFIED)
    own = visible(user, sites.filter(unverified)).values("pk")
    return sites.filter(~unverified | Q(pk__in=own))


def verification_queue(user: Any) -> QuerySet[WasteSite]:
    """Return the candidates a person may verify, in their territory."""
    return visible(user, WasteSite.objects.filter(state=SiteState.CANDIDATE))
