"""我的批改 of the enterprise, under /enterprise/endorsements/ (namespace ``enterprise:endorsements``); 申请批改 and
申请退保 are reached from 我的保单 (``apply/<申请编号>/``, ``surrender/<申请编号>/``)."""

from django.urls import path

from anze.orders import urls_insurer  # noqa: F401 - registers the application_no converter

from . import views

app_name = "endorsements"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export/", views.enterprise_export, name="export"),
    path("apply/<application_no:application_no>/", views.enterprise_apply, name="apply"),
    path("surrender/<application_no:application_no>/", views.enterprise_surrender, name="surrender"),
    path("<uuid:endorsement_uuid>/", views.enterprise_detail, name="detail"),
    path("<uuid:endorsement_uuid>/voucher/", views.enterprise_voucher, name="voucher"),
    path("<uuid:endorsement_uuid>/withdraw/", views.enterprise_withdraw, name="withdraw"),
    path(
        "<uuid:endorsement_uuid>/surrender-withdraw/",
        views.enterprise_surrender_withdraw,
        name="surrender_withdraw",
    ),
    path("<uuid:endorsement_uuid>/files/<uuid:document_uuid>/", views.enterprise_file, name="file"),
]
