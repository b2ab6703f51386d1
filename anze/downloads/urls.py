"""下载中心, mounted under every side by ``config.urls.side_urls`` (/<side>/downloads/, namespace ``downloads``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.export_list, name="list"),
    path("<uuid:export_uuid>/file/", views.export_download, name="download"),
    path("<uuid:export_uuid>/delete/", views.export_delete, name="delete"),
]
