"""The system's URLs and, beside them, the bare page ``bench_page`` compares 订单管理 with."""

from django.urls import path

from config.urls import urlpatterns as system_urlpatterns

from .views import bare_order_list

urlpatterns = [
    path("bench/bare-orders/", bare_order_list, name="bench_bare_orders"),
    *system_urlpatterns,
]
