"""The policies app's screens on an order, mounted by ``config.urls`` among the insurer's order URLs
(namespace ``insurer:orders``, after ``anze.orders.urls_insurer`` whose 申请编号 converter they use)."""

from django.urls import path

from anze.orders import urls_insurer  # noqa: F401 - registers the application_no converter

from . import views_issue

urlpatterns = [
    path("<application_no:application_no>/issue/", views_issue.order_issue, name="issue"),
]
