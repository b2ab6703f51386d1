"""账号管理 and 角色管理 of 系统管理, mounted under every side (/insurer/system/users/, /service/system/roles/, …)
in the ``system`` namespace, which ``config/urls.py`` shares with the logs of ``anze.audit.urls``."""

from django.urls import path

from . import views_system as views

urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/export/", views.user_export, name="user_export"),
    path("users/add/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/delete/", views.user_delete, name="user_delete"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/add/", views.role_create, name="role_create"),
    path("roles/<int:pk>/edit/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
]
