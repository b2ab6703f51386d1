"""The production settings (``config.settings``, read from the same environment) with the bench's URLs: the
system's own, plus the bare page (``anze.orders.bench.urls``). Only ``bench_page``'s gunicorn loads this."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "anze.orders.bench.urls"
