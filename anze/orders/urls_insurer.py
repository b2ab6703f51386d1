"""订单管理 of the insurer back office, under /insurer/orders/ (namespace ``insurer:orders``).

出函 (``<申请编号>/issue/``, ``insurer:orders:issue``) is the policies app's (``anze.policies.urls_orders``);
``config.urls`` mounts both lists in this namespace."""

from __future__ import annotations

from django.urls import path, register_converter

from . import views_insurer as views


class ApplicationNoConverter:
    """申请编号: 18 digits — so that "export" or "offline" can never be taken for one."""

    regex = r"\d{18}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ApplicationNoConverter, "application_no")

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("export/", views.order_export, name="export"),
    path("offline/add/", views.order_create_offline, name="create_offline"),
    path("<application_no:application_no>/", views.order_detail, name="detail"),
    path("<application_no:application_no>/quote/", views.order_quote, name="quote"),
    path(
        "<application_no:application_no>/payment-notice/", views.order_payment_notice, name="payment_notice"
    ),
    path(
        "<application_no:application_no>/payment-review/", views.order_payment_review, name="payment_review"
    ),
    path("<application_no:application_no>/cancel/", views.order_cancel, name="cancel"),
    path("<application_no:application_no>/policy/", views.order_policy, name="policy"),
    path(
        "<application_no:application_no>/files/<uuid:document_uuid>/",
        views.order_file,
        {"inline": True},
        name="file",
    ),
    path(
        "<application_no:application_no>/files/<uuid:document_uuid>/download/",
        views.order_file,
        {"inline": False},
        name="file_download",
    ),
]
