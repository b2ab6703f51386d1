"""帮助 (/help/): the manuals of docs/manual/, public."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "manual"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>.pdf", views.pdf, name="pdf"),
    path("<slug:slug>/", views.manual, name="manual"),
    path("<slug:slug>/<str:name>", views.figure, name="figure"),
]
