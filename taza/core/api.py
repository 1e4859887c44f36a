"""Map domain errors to REST answers in one place, for every domain's API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from taza.core.errors import DomainError
from taza.core.params import ParamsInvalid

# A page holds at most this many rows, whatever ``limit`` asks; offsets stay far below
# what a database integer holds.
MAX_PAGE = 500
MAX_OFFSET = 10_000_000
MAX_JSON_DEPTH = 32


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer a domain error with its status and ``{detail, field, code}``; else as DRF does."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    return drf_exception_handler(exc, context)


class BoundedJSONParser(JSONParser):
    """Parse a JSON body, refusing one nested deeper than MAX_JSON_DEPTH with a 400.

    No request of the API nests more than a few levels; 5,000 levels made the standard
    parser run out of stack and the request end in a 500.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(_("The JSON is nested too deeply."))
        return data


def json_depth(data: Any) -> int:
    """Return how deeply lists and objects nest in parsed JSON, without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


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
