"""Finish the OpenAPI description so that it says what the API really answers.

Views describe their own successes. The refusals every operation can give are the same
everywhere and are added here, once: a malformed parameter or body (400), a token that
is not valid (401), a step not allowed (403), a record that does not exist (404), and a
database briefly out of reach (503). Optional query parameters may be sent empty, as
HTML forms send them, and then count as absent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DatabaseError

from taza.core.api import MAX_OFFSET, MAX_PAGE
from taza.core.params import MAX_PARAM_LENGTH
from taza.geo.models import Region
from taza.geo.places import MAX_QUERY
from taza.programme.models import FIRST_YEAR, LAST_YEAR, Measure
from taza.reports.choices import ReportState
from taza.reports.models import ServiceCategory

ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What is wrong, in the request's language."},
        "field": {"type": "string", "nullable": True},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
METHODS = ("get", "post", "put", "patch", "delete")


def _refusal(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _constraints() -> dict[str, Callable[[], dict[str, Any]]]:
    """Say, per parameter name, which values the API accepts: read from the data itself."""
    return {
        "region": lambda: {
            "type": "string",
            "enum": list(Region.objects.order_by("code").values_list("code", flat=True)),
        },
        "category": lambda: {
            "type": "string",
            "enum": list(
                ServiceCategory.objects.filter(is_active=True)
                .order_by("code")
                .values_list("code", flat=True)
            ),
        },
        "code": lambda: {
            "type": "string",
            "enum": list(ServiceCategory.objects.order_by("code").values_list("code", flat=True)),
        },
        "number": lambda: {
            "type": "integer",
            "enum": list(Measure.objects.order_by("number").values_list("number", flat=True)),
        },
        "state": lambda: {
            "type": "string",
            "enum": ["open", "closed", *ReportState.values],
        },
        "ids": lambda: {
            "type": "array",
            "items": {"type": "string", "pattern": "^[0-9]{8}$"},
            "maxItems": 100,
            "description": "report numbers, comma-separated",
        },
        "text": lambda: {"type": "string", "maxLength": MAX_PARAM_LENGTH, "pattern": "^[^\\x00]*$"},
        "q": lambda: {"type": "string", "minLength": 1, "maxLength": MAX_QUERY},
        "year": lambda: {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
        "zoom": lambda: {"type": "integer", "minimum": 0, "maximum": 22},
        "limit": lambda: {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "offset": lambda: {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        "public_id": lambda: {"type": "string", "pattern": "^[0-9]{8}$"},
        "lat": lambda: {"type": "number", "minimum": -90, "maximum": 90},
        "lon": lambda: {"type": "number", "minimum": -180, "maximum": 180},
        "bbox": lambda: {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 4,
            "maxItems": 4,
            "description": "west,south,east,north in degrees; clipped to the globe",
        },
    }


def _known(
    known: dict[str, dict[str, Any]],
    constraints: dict[str, Callable[[], dict[str, Any]]],
    name: str,
) -> dict[str, Any]:
    """Return a parameter's constraint, read once per schema; none while tables are missing."""
    if name not in known:
        try:
            known[name] = constraints[name]()
        except DatabaseError:  # `manage.py spectacular` before `migrate`: describe types only
            known[name] = {}
    return known[name]


def add_refusals(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """Add the shared refusals, value constraints and empty-value rules to every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    constraints = _constraints()
    known: dict[str, dict[str, Any]] = {}
    for component in schemas.values():
        properties = component.get("properties", {})
        if "service_code" in properties and not properties["service_code"].get("readOnly"):
            properties["service_code"] |= _known(known, constraints, "category")
    for item in result.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                name = parameter.get("name", "")
                if name in constraints and parameter.get("in") in ("query", "path"):
                    rule = _known(known, constraints, name)
                    declared = parameter.get("schema", {})
                    parameter["schema"] = {**declared, **rule}
                    for own in ("enum", "minimum", "maximum"):
                        # A filter's own choices (a site's state) or bounds (the data
                        # bank's years, older than the programme's) win.
                        if own in declared:
                            parameter["schema"][own] = declared[own]
                    if rule.get("type") == "array":  # sent as one comma-separated value
                        parameter |= {"style": "form", "explode": False}
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
            responses = operation.setdefault("responses", {})
            anonymous = {} in operation.get("security", [{}])
            refusals = {
                "400": parameters or "requestBody" in operation,
                "401": True,
                "403": method != "get" or not anonymous,
                "404": any(p.get("in") == "path" for p in parameters),
                "503": True,
            }
            texts = {
                "400": "The request is malformed; nothing was changed.",
                "401": "The token or session is not valid.",
                "403": "This role may not take this step.",
                "404": "No such record.",
                "503": "The database is briefly out of reach; see Retry-After.",
            }
            for code, applies in refusals.items():
                if applies and code not in responses:
                    responses[code] = _refusal(texts[code])
    return result
