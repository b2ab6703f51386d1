"""机构管理, mounted under the platform side: /platform/orgs/insurers/, /platform/orgs/enterprises/, …

One set of views serves the four kinds; each kind has its own URLs (and names, ``orgs:insurer_list``) so that
the sidebar can link and highlight each list, and an organisation is only reachable under its own kind.
"""

from django.urls import URLPattern, path

from . import views, views_claims
from .kinds import KIND_SLUGS

app_name = "orgs"

urlpatterns: list[URLPattern] = []
for kind, slug in KIND_SLUGS.items():
    kw = {"kind": kind}
    urlpatterns += [
        path(f"{slug}/", views.org_list, kw, name=f"{kind}_list"),
        path(f"{slug}/export/", views.org_export, kw, name=f"{kind}_export"),
        path(f"{slug}/add/", views.org_create, kw, name=f"{kind}_create"),
        path(f"{slug}/<int:pk>/", views.org_detail, kw, name=f"{kind}_detail"),
        path(f"{slug}/<int:pk>/edit/", views.org_edit, kw, name=f"{kind}_edit"),
        path(f"{slug}/<int:pk>/active/", views.org_set_active, kw, name=f"{kind}_set_active"),
        path(
            f"{slug}/<int:pk>/accounts/<int:user_pk>/reset-password/",
            views.admin_password_reset,
            kw,
            name=f"{kind}_password_reset",
        ),
    ]

# 企业认证 (/platform/orgs/claims/): the claims of enterprises that registered themselves.
urlpatterns += [
    path("claims/", views_claims.claim_list, name="claim_list"),
    path("claims/<int:pk>/", views_claims.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/approve/", views_claims.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/reject/", views_claims.claim_reject, name="claim_reject"),
    path("claims/<int:pk>/files/<uuid:document_uuid>/", views_claims.claim_file, name="claim_file"),
]
