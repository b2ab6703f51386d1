"""保单管理, mounted under the insurer side: /insurer/policies/…"""

from django.urls import path

from . import views, views_reversal

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("export/", views.policy_export, name="export"),
    path("<str:application_no>/", views.policy_detail, name="detail"),
    path("<str:application_no>/pdf/", views.policy_pdf, name="pdf"),
    path("<str:application_no>/assign/", views.policy_assign, name="assign"),
    path("<str:application_no>/reversal/", views_reversal.reversal_request, name="reversal_request"),
    path("<str:application_no>/files/<uuid:document_uuid>/", views.policy_file, name="file"),
    path("<str:application_no>/records/<uuid:record_uuid>/", views.policy_record, name="record"),
]
