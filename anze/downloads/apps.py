from __future__ import annotations

from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "anze.downloads"
    verbose_name = "下载中心"
