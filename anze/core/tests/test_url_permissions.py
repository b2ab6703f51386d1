"""Every view declares the permission it needs (``@requires``) or is listed here as public."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from anze.core import catalogue

# Pages anyone may open: the landing page, the login pages, sign-out (which only ends a session) and the
# enterprise self-service pages added by the portal.
PUBLIC = {
    "landing",
    "insurer:login",
    "insurer:login_org",
    "enterprise:login",
    "service:login",
    "regulator:login",
    "platform:login",
    "insurer:logout",
    "enterprise:logout",
    "service:logout",
    "regulator:logout",
    "platform:logout",
    "enterprise:register",
    "enterprise:register_code",
    "enterprise:password_reset",
    "enterprise:password_reset_code",
    "healthz",  # process up (load balancer)
    "readyz",  # dependencies reachable: numbers only, no data
    "verify",  # 电子保单验真: number + code, rate-limited, masked answer
    # 帮助: the generated 操作手册 (demo data only), for anyone, signed in or not
    "manual:index",
    "manual:manual",
    "manual:figure",
    "manual:pdf",
}
# Django's and packages' own views that are not ours. django-ninja's serve the open API (/api/v1/): each of its
# operations authenticates with an API key and declares its scope (anze/api/tests/test_operations.py walks them).
IGNORED_MODULES = ("django.", "debug_toolbar", "ninja.")


def walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, object]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern):
            yield f"{prefix}{entry.name}", entry.callback


def test_it_finds_a_permission_on_every_view():
    missing, unknown, wrongly_public = [], [], []
    for name, view in walk(get_resolver().url_patterns):
        if getattr(getattr(view, "func", view), "__module__", "").startswith(IGNORED_MODULES):  # (a partial)
            continue
        if getattr(view, "is_public", False):
            if name not in PUBLIC:
                wrongly_public.append(name)
            continue
        code = getattr(view, "required_permission", None)
        if code is None:
            missing.append(name)
        elif not catalogue.exists(code):
            unknown.append((name, code))
    assert not missing, f"views without @requires(...): {missing}"
    assert not unknown, f"views requiring a permission missing from the catalogue: {unknown}"
    assert not wrongly_public, f"public views not listed in PUBLIC: {wrongly_public}"


def test_it_walks_a_non_trivial_url_tree():
    names = [name for name, _ in walk(get_resolver().url_patterns)]
    assert "insurer:system:user_list" in names and "platform:system:role_list" in names
    assert len(names) > 40


def test_it_resolves_every_menu_entry():
    from django.urls import reverse

    from anze.core.sides import side_namespace

    for side, entries in catalogue.MENUS.items():
        for entry in entries:
            items = entry.items if isinstance(entry, catalogue.MenuGroup) else (entry,)
            for item in items:
                assert catalogue.exists(item.permission), item
                reverse(f"{side_namespace(side)}:{item.url_name}")
