"""The enterprise portal under /enterprise/ (``config.urls`` mounts it without a namespace of its own):

- public: 注册 ``enterprise:register`` and 忘记密码 ``enterprise:password_reset``, each with its 获取验证码 URL;
- 企业认证 ``enterprise:verification`` (with its 获取验证码, 联系人手机验证 and 资料认证 URLs);
- 投保申请 ``enterprise:apply``;
- 我的订单 ``enterprise:orders:*`` (the workflow's messages link to ``enterprise:orders:detail``);
- 我的保单 ``enterprise:policies:list``.
"""

from __future__ import annotations

from django.urls import include, path

# The 申请编号 converter, registered by the insurer's URLs: 18 digits.
from anze.orders import urls_insurer  # noqa: F401

from . import views_orders, views_policies, views_public, views_verification

order_patterns = [
    path("", views_orders.order_list, name="list"),
    path("<application_no:application_no>/", views_orders.order_detail, name="detail"),
    path("<application_no:application_no>/edit/", views_orders.application_edit, name="edit"),
    path("<application_no:application_no>/submit/", views_orders.draft_submit, name="submit"),
    path("<application_no:application_no>/discard/", views_orders.draft_discard, name="discard"),
    path("<application_no:application_no>/confirm-quote/", views_orders.confirm_quote, name="confirm_quote"),
    path("<application_no:application_no>/reject-quote/", views_orders.reject_quote, name="reject_quote"),
    path(
        "<application_no:application_no>/payment-voucher/",
        views_orders.payment_voucher,
        name="payment_voucher",
    ),
    path("<application_no:application_no>/cancel/", views_orders.cancel, name="cancel"),
    path(
        "<application_no:application_no>/files/<uuid:document_uuid>/",
        views_orders.order_file,
        {"inline": True},
        name="file",
    ),
    path(
        "<application_no:application_no>/files/<uuid:document_uuid>/download/",
        views_orders.order_file,
        {"inline": False},
        name="file_download",
    ),
]

policy_patterns = [
    path("", views_policies.policy_list, name="list"),
]

urlpatterns = [
    path("register/", views_public.register, name="register"),
    path("register/code/", views_public.register_code, name="register_code"),
    path("password-reset/", views_public.password_reset, name="password_reset"),
    path("password-reset/code/", views_public.password_reset_code, name="password_reset_code"),
    path("verification/", views_verification.verification, name="verification"),
    path("verification/code/", views_verification.verification_code, name="verification_code"),
    path("verification/phone/", views_verification.verification_phone, name="verification_phone"),
    path(
        "verification/documents/",
        views_verification.verification_documents,
        name="verification_documents",
    ),
    path("apply/", views_orders.application_new, name="apply"),
    path("orders/", include((order_patterns, "orders"))),
    path("policies/", include((policy_patterns, "policies"))),
]
