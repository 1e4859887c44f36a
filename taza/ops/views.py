from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from taza.ops.health import NOT_CONFIGURED, OK, run_checks


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Answer 200 when every configured part works, 503 otherwise, for load balancers."""
    checks = run_checks()
    healthy = all(value in (OK, NOT_CONFIGURED) for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
