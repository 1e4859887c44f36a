"""Map domain errors to REST answers in one place, for every domain's API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
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


class ErrorSerializer(serializers.Serializer[dict[str, Any]]):
    """Describe every refusal of the API: one sentence, the field at fault, a code."""

    detail = serializers.CharField(help_text="What is wrong, in the request's language.")
    field = serializers.CharField(required=False, allow_null=True)
    code = serializers.CharField(required=False)
    errors = serializers.DictField(  # type: ignore[assignment]  # the API field is "errors"
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Every field's problems, when the request had several.",
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every refusal as ``{detail, field, code[, errors]}``, whatever raised it.

    Domain errors carry their own status. DRF's field validation answers with the same
    shape: its first message as ``detail`` and all of them under ``errors``.
    """
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        errors = _flatten(exc.detail)
        field, messages = next(iter(errors.items()), ("", [""]))
        response.data = {
            "detail": f"{field}: {messages[0]}" if field != NON_FIELD else messages[0],
            "field": None if field == NON_FIELD else field,
            "code": "invalid",
            "errors": errors,
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(exc, "default_code", "error")
        response.data = {"detail": str(response.data["detail"]), "field": None, "code": code}
    return response


NON_FIELD = "non_field_errors"


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into {"field.sub": [messages]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat |= _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return flat
    if isinstance(detail, list) and detail and all(not isinstance(d, dict | list) for d in detail):
        return {prefix or NON_FIELD: [str(d) for d in detail]}
    if isinstance(detail, list):
        flat = {}
        for index, value in enumerate(detail):
            flat |= _flatten(value, f"{prefix}.{index}" if prefix else str(index))
        return flat
    return {prefix or NON_FIELD: [str(detail)]}


class Pages(LimitOffsetPagination):
    """Page every REST list: ``limit`` (1 to MAX_PAGE) and ``offset`` (up to MAX_OFFSET).

    A value outside those bounds, or not a whole number, is refused with a 400 rather
    than quietly replaced, so a client never mistakes a default page for the one it asked.
    """

    default_limit = 100
    max_limit = MAX_PAGE

    def get_limit(self, request: Request) -> int:
        """Read the page size, refusing one that is not between 1 and MAX_PAGE."""
        return _bounded(request, self.limit_query_param, self.default_limit, 1, MAX_PAGE)

    def get_offset(self, request: Request) -> int:
        """Read the offset, refusing one beyond any list's length rather than failing."""
        return _bounded(request, self.offset_query_param, 0, 0, MAX_OFFSET)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """Describe limit and offset with their bounds."""
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: (1, MAX_PAGE),
            self.offset_query_param: (0, MAX_OFFSET),
        }
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"] |= {"minimum": low, "maximum": high}
        return parameters


def _bounded(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12 and low <= int(raw) <= high):
        raise ParamsInvalid(
            {name: [_("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]}
        )
    return int(raw)
