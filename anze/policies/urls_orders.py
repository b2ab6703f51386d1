"""The policies app's screens on an order, mounted by ``config.urls`` among the insurer's order URLs
(namespace ``insurer:orders``, after ``anze.orders.urls_insurer`` whose 申请编号 converter they use)."""

from django.urls import path

from anze.orders import urls_insurer  # noqa: F401 - registers the application_no converter

from . import views_import, views_issue

urlpatterns = [
    path("<application_no:application_no>/issue/", views_issue.order_issue, name="issue"),
    # 线下订单批量导入
    path("import/", views_import.import_upload, name="import"),
    path("import/template/", views_import.import_template, name="import_template"),
    path("import/<uuid:uuid>/", views_import.import_detail, name="import_detail"),
    path("import/<uuid:uuid>/errors/", views_import.import_errors, name="import_errors"),
]
