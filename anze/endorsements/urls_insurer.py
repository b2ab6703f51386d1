"""批改管理 of the insurer, under /insurer/endorsements/ (namespace ``insurer:endorsements``); 发起批改 is reached
from 保单管理 › 保单详情 (``start/<申请编号>/``)."""

from django.urls import path

from anze.orders import urls_insurer  # noqa: F401 - registers the application_no converter

from . import views

app_name = "endorsements"

urlpatterns = [
    path("", views.insurer_list, name="list"),
    path("export/", views.insurer_export, name="export"),
    path("start/<application_no:application_no>/", views.insurer_start, name="start"),
    path("<uuid:endorsement_uuid>/", views.insurer_detail, name="detail"),
    path("<uuid:endorsement_uuid>/review/", views.insurer_review, name="review"),
    path("<uuid:endorsement_uuid>/adjust/", views.insurer_adjust, name="adjust"),
    path("<uuid:endorsement_uuid>/payment-notice/", views.insurer_payment_notice, name="payment_notice"),
    path("<uuid:endorsement_uuid>/payment-review/", views.insurer_payment_review, name="payment_review"),
    path("<uuid:endorsement_uuid>/issue/", views.insurer_issue, name="issue"),
    path(
        "<uuid:endorsement_uuid>/surrender-review/", views.insurer_surrender_review, name="surrender_review"
    ),
    path("<uuid:endorsement_uuid>/files/<uuid:document_uuid>/", views.insurer_file, name="file"),
]
