"""Parse request bodies for the REST API, within bounds.

This module is named in REST_FRAMEWORK's settings, which DRF reads while it defines its
own APIView: it must not import ``rest_framework.views`` (as ``core.api`` does), or the
first module to import DRF's views would find this one half-loaded.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


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
