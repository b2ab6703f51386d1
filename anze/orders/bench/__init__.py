"""What ``manage.py bench_page`` serves besides the system itself: a bare page to measure 订单管理 against.

Loaded only by the bench's own server (``DJANGO_SETTINGS_MODULE=anze.orders.bench.settings``); the system's
settings and URLs never import it, so the bare page is not reachable in production."""
