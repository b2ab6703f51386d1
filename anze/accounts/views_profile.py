"""个人中心: one's own name, phone and password."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from anze.core import catalogue
from anze.core.access import requires
from anze.core.sides import side_namespace
from anze.core.views import action_view

from . import services
from .forms import PasswordChangeForm, ProfileForm
from .throttle import password_confirm


@requires(catalogue.SIGNED_IN)
def profile(request: HttpRequest) -> HttpResponse:
    """Two forms on one page, each an action of its own: 基本信息 and 修改密码 (``form`` says which was sent)."""
    user = request.user
    here = reverse(f"{side_namespace(request.side)}:profile")
    profile_kwargs = {"initial": {"name": user.name, "mobile": user.mobile}, "user": user}
    roles = [role.name for role in user.roles.all()]
    if request.method == "POST" and request.POST.get("form") == "password":

        def change_password(form: PasswordChangeForm) -> None:
            data = form.cleaned_data
            # Counted like a sign-in, before the comparison: 原密码 cannot be guessed without limit.
            password_confirm(request, user=user, password=data["old_password"], field="old_password")
            services.password_change(
                user=user, old_password=data["old_password"], new_password=data["new_password"]
            )
            update_session_auth_hash(request, user)  # stay signed in with the new password

        return action_view(
            request,
            form_class=PasswordChangeForm,
            form_name="password_form",
            call=change_password,
            success="密码修改成功",
            redirect_to=here,
            template="accounts/profile.html",
            context={"profile_form": ProfileForm(**profile_kwargs), "roles": roles, "active_tab": "password"},
            page=True,
        )

    def update_profile(form: ProfileForm) -> None:
        data = form.cleaned_data
        if form.mobile_changes:
            password_confirm(request, user=user, password=data["password"], field="password")
        services.profile_update(
            user=user, name=data["name"], mobile=data["mobile"], password=data["password"]
        )

    return action_view(
        request,
        form_class=ProfileForm,
        form_kwargs=profile_kwargs,
        form_name="profile_form",
        call=update_profile,
        success="个人信息已保存",
        redirect_to=here,
        template="accounts/profile.html",
        context={"password_form": PasswordChangeForm(), "roles": roles, "active_tab": "profile"},
        page=True,
    )
