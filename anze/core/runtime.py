"""What a long-lived web worker does once it has started (``config/wsgi.py``; ``bench_orders`` likewise)."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def freeze_startup_objects() -> None:
    """Keep what start-up built (modules, models, URL patterns and the views they import) out of Python's
    cyclic garbage collector: those objects live as long as the worker, yet every full collection walks all
    of them — a pause every few dozen requests of the 订单管理 list, which made its p95 (figures in
    docs/BENCH.md, "Figures behind the code"). The usual remedy for pre-loaded Python servers (``gc.freeze``,
    Python 3.7+)."""
    _ = get_resolver().url_patterns  # imports every view module now rather than at the first request
    gc.collect()  # what is garbage already goes now, not frozen for ever
    gc.freeze()
