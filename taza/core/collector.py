"""Keep a web worker's long-lived objects out of Python's full garbage collections.

A worker holds some 300,000 objects that live as long as it does (modules, compiled
templates, URL patterns, translations). Python's full collection walks all of them
whenever enough short-lived objects have piled up — every few dozen requests, 200 to
350 ms each on the benchmark's machine (bench/README.md, "Work queues"), which was the
whole tail of the staff's lists. ``gc.freeze()`` moves the objects alive at that moment
out of the collector's sight for good; frozen after the worker's 1st, 10th, 100th and
1000th request, they include what the first requests load lazily, and a later full
collection walks only what the requests since then left behind.

What it costs: an object frozen and later dropped (a replaced cache entry) is never
collected; four collections in a worker's life, each after a response has been sent.
"""

from __future__ import annotations

import gc
from typing import Any

from django.core.signals import request_finished

FREEZE_AFTER_REQUESTS = frozenset({1, 10, 100, 1000})

_served = 0


def _freeze_after_warm_up(sender: Any, **kwargs: Any) -> None:
    """Collect, then freeze what survives, after a worker's 1st, 10th, 100th, 1000th request."""
    global _served
    _served += 1
    if _served in FREEZE_AFTER_REQUESTS:
        gc.collect()
        gc.freeze()


def freeze_long_lived_objects() -> None:
    """Freeze the objects of a web worker as it warms up (called by ``taza.wsgi`` only).

    Tests and management commands do not call it: they are not long-lived servers, and a
    test run would keep every frozen test's objects.
    """
    request_finished.connect(_freeze_after_warm_up, dispatch_uid="taza.core.collector")
