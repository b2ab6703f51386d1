"""个人中心: one's own name, phone and password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from anze.core.errors import Refused
from anze.core.forms import apply_refusal
from anze.core.sides import side_namespace
from anze.core.views import INVALID

from . import catalogue, services
from .access import requires
from .forms import PasswordChangeForm, ProfileForm
from .throttle import password_confirm


@requires(catalogue.SIGNED_IN)
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    here = reverse(f"{side_namespace(request.side)}:profile")
    profile_form = ProfileForm(initial={"name": user.name, "mobile": user.mobile}, user=user)
    password_form = PasswordChangeForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "password":
            password_form = PasswordChangeForm(request.POST)
            if password_form.is_valid():
                data = password_form.cleaned_data
                try:
                    # Counted like a sign-in, before the comparison: 原密码 cannot be guessed without limit.
                    password_confirm(request, user=user, password=data["old_password"], field="old_password")
                    services.password_change(
                        user=user, old_password=data["old_password"], new_password=data["new_password"]
                    )
                except Refused as exc:
                    apply_refusal(password_form, exc)
                else:
                    update_session_auth_hash(request, user)  # stay signed in with the new password
                    messages.success(request, "密码修改成功")
                    return redirect(here)
        else:
            profile_form = ProfileForm(request.POST, user=user)
            if profile_form.is_valid():
                data = profile_form.cleaned_data
                try:
                    if profile_form.mobile_changes:
                        password_confirm(request, user=user, password=data["password"], field="password")
                    services.profile_update(
                        user=user, name=data["name"], mobile=data["mobile"], password=data["password"]
                    )
                except Refused as exc:
                    apply_refusal(profile_form, exc)
                else:
                    messages.success(request, "个人信息已保存")
                    return redirect(here)
        status = INVALID
    roles = [role.name for role in user.roles.all()]
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form,
            "password_form": password_form,
            "roles": roles,
            "active_tab": "password" if request.POST.get("form") == "password" else "profile",
        },
        status=status,
    )
