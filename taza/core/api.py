"""Map domain errors to REST answers in one place, for every domain's API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from taza.core.errors import DomainError
from taza.core.params import ParamsInvalid

# A page holds at most this many rows, whatever ``limit`` asks; offsets stay far below
# what a database integer holds.
MAX_PAGE = 500
MAX_OFFSET = 10_000_000


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer a domain error with its status and ``{detail, field, code}``; else as DRF does."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    return drf_exception_handler(exc, context)


class Pages(LimitOffsetPagination):
    """Page every REST list: ``limit`` (at most MAX_PAGE) and ``offset``, bounded."""

    default_limit = 100
    max_limit = MAX_PAGE

    def get_offset(self, request: Request) -> int:
        """Read the offset, refusing one beyond any list's length rather than failing."""
        offset = super().get_offset(request)
        if offset > MAX_OFFSET:
            raise ParamsInvalid(
                {self.offset_query_param: [_("At most %(n)d.") % {"n": MAX_OFFSET}]}
            )
        return offset
