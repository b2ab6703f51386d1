"""投诉管理 on the insurer side, mounted under /insurer/ by ``config.urls``."""

from django.urls import include, path

from .urls_service import complaint_patterns

urlpatterns = [path("complaints/", include((complaint_patterns, "complaints")))]
