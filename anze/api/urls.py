"""系统管理 › 接口密钥, mounted in each side's ``system`` namespace where ``system.api_key`` exists (the insurer's)."""

from __future__ import annotations

from django.urls import URLPattern, path

from anze.core import catalogue

from . import views


def for_side(side: str) -> list[URLPattern]:
    if side not in catalogue.get("system.api_key").sides:
        return []
    return [
        path("api-keys/", views.key_list, name="api_key_list"),
        path("api-keys/add/", views.key_create, name="api_key_create"),
        path("api-keys/<uuid:key_uuid>/revoke/", views.key_revoke, name="api_key_revoke"),
    ]
