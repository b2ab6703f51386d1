"""保单管理 › 冲正审核, mounted under the insurer side: /insurer/reversals/… (namespace ``insurer:reversals``).
申请冲正 itself is on the policy (``insurer:policies:reversal_request``)."""

from django.urls import path

from . import views_reversal

app_name = "reversals"

urlpatterns = [
    path("", views_reversal.reversal_list, name="list"),
    path("export/", views_reversal.reversal_export, name="export"),
    path("<uuid:reversal_uuid>/approve/", views_reversal.reversal_approve, name="approve"),
    path("<uuid:reversal_uuid>/reject/", views_reversal.reversal_reject, name="reject"),
]
