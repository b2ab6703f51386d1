"""The list's parts and the shell's parts written in Python (core.listparts, core.shell): the markup their
templates wrote, and every value that can come from a user (the query string, a field's value, a name) escaped."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory

from anze.core import listparts, shell
from anze.core.menu import Link
from anze.core.pagination import Page
from anze.orders.forms import OrderSearchForm

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"

# The templates these parts replace, as they were (orders/order_list.html's tabs, core/partials/pagination.html).
TABS = """<nav class="status-tabs" aria-label="订单状态">
      {% for value, label, count in tabs %}
        <a href="{{ request.path }}{% if value %}{% querystring tab=value page=None %}{% else %}{% querystring tab=None page=None %}{% endif %}"
           class="{% if value == active %}active{% endif %}" data-tab="{{ value|default:'all' }}">{{ label }}{% if count is not None %}<span class="count">({{ count }})</span>{% endif %}</a>
      {% endfor %}
    </nav>"""
PAGER = """<nav class="pager" aria-label="分页">
  <span>{% if page.estimated %}约 {{ page.total }} 条{% elif page.more %}共 {{ page.total }}+ 条{% else %}共 {{ page.total }} 条{% endif %}</span>
  <form method="get" class="d-inline">
    {% for key, values in request.GET.lists %}{% if key != "size" and key != "page" %}{% for v in values %}<input type="hidden" name="{{ key }}" value="{{ v }}">{% endfor %}{% endif %}{% endfor %}
    <select name="size" class="form-select" data-autosubmit aria-label="每页条数">
      {% for s in page.sizes %}<option value="{{ s }}"{% if s == page.size %} selected{% endif %}>{{ s }}条/页</option>{% endfor %}
    </select>
  </form>
  <ul class="pages">
    <li>{% if page.has_previous %}<a href="{% querystring page=page.number|add:'-1' %}" aria-label="上一页"><i class="ti ti-chevron-left"></i></a>{% else %}<span class="disabled"><i class="ti ti-chevron-left"></i></span>{% endif %}</li>
    {% for n in page.page_range %}
      <li>{% if n is None %}<span class="disabled">…</span>{% elif n == page.number %}<span class="current" aria-current="page">{{ n }}</span>{% else %}<a href="{% querystring page=n %}">{{ n }}</a>{% endif %}</li>
    {% endfor %}
    <li>{% if page.has_next %}<a href="{% querystring page=page.number|add:'1' %}" aria-label="下一页"><i class="ti ti-chevron-right"></i></a>{% else %}<span class="disabled"><i class="ti ti-chevron-right"></i></span>{% endif %}</li>
  </ul>
  <form method="get" class="jump">
    {% for key, values in request.GET.lists %}{% if key != "page" %}{% for v in values %}<input type="hidden" name="{{ key }}" value="{{ v }}">{% endfor %}{% endif %}{% endfor %}
    前往 <input type="number" name="page" min="1" max="{{ page.num_pages }}" value="{{ page.number }}" aria-label="页码"> 页
  </form>
</nav>
"""
TOOLBAR = """<div class="toolbar">
  {% if add_url %}<a class="btn btn-primary btn-sm" href="{{ add_url }}"{% if not add_page %} hx-get="{{ add_url }}" hx-target="#anze-modal-content"{% endif %}><i class="ti ti-{{ add_icon|default:'plus' }} me-1"></i>{{ add_label|default:"新增" }}</a>{% endif %}
  {% if import_url %}<a class="btn btn-plain-success btn-sm" href="{{ import_url }}" data-action="import"><i class="ti ti-upload me-1"></i>{{ import_label|default:"导入" }}</a>{% endif %}
  {% if export_url %}<a class="btn btn-plain-warning btn-sm" href="{{ export_url }}?{{ request.GET.urlencode }}" hx-get="{{ export_url }}?{{ request.GET.urlencode }}" hx-target="#anze-modal-content"><i class="ti ti-download me-1"></i>导出</a>{% endif %}
  {% if note %}<span class="muted ms-2">{{ note }}</span>{% endif %}
</div>"""
QUERIES = [
    "",
    "page=3",
    "tab=issued&page=2&size=20",
    f"name={SCRIPT}&tab=x%22y&size=50",
    "a=1&a=2&page=7&sort=submitted",
    "page=",
    "name=%E5%85%AC+%E5%8F%B8&x=%26%3D&page=2&tab=",
]


def same(html: str) -> str:
    """Markup without the whitespace between tags, which a browser does not show."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def context(req, **values):
    """A template context with the request, as ``{% querystring %}`` reads it."""
    made = Context({"request": req, **values})
    made.request = req
    return made


def request(query: str):
    return RequestFactory().get(f"/insurer/orders/?{query}" if query else "/insurer/orders/")


@pytest.mark.parametrize("query", QUERIES)
def test_querystring_is_djangos_tag(query):
    get = QueryDict(query)
    for changes in (
        {},
        {"page": None},
        {"page": 4},
        {"tab": "issued", "page": None},
        {"tab": None, "page": None},
    ):
        tag = "{% querystring " + " ".join(f"{key}=v_{key}" for key in changes) + " %}"
        values = {f"v_{key}": value for key, value in changes.items()}
        assert Template("{% autoescape off %}" + tag + "{% endautoescape %}").render(
            context(request(query), **values)
        ) == (listparts.querystring(get, **changes))


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(
    "page",
    [
        Page(rows=[], number=1, size=10, total=0),
        Page(rows=[], number=3, size=20, total=55),
        Page(rows=[], number=50, size=10, total=100_000, more=True),
        Page(rows=[], number=1, size=50, total=1234, estimated=True),
    ],
)
def test_the_pager_writes_what_its_template_wrote(query, page):
    req = request(query)
    expected = Template(PAGER).render(context(req, page=page))
    assert same(listparts.pager(page, req)) == same(expected)


@pytest.mark.parametrize("query", QUERIES)
def test_the_tabs_write_what_their_template_wrote(query):
    req = request(query)
    tabs = [("", "全部", 12), ("issued", "已出函", None), (f'a"{SCRIPT}', SCRIPT, "10000+")]
    for active in ("", "issued"):
        expected = Template(TABS).render(context(req, tabs=tabs, active=active))
        assert same(listparts.status_tabs(req, tabs, active, label="订单状态")) == same(expected)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"add_url": "/a/", "export_url": "/e/", "note": "提示"},
        {
            "add_url": "/a/",
            "add_page": True,
            "add_icon": "upload",
            "add_label": "新增区县",
            "import_url": "/i/",
        },
        {"import_url": "/i/", "import_label": "批量导入", "export_url": "/e/"},
    ],
)
def test_the_toolbar_writes_what_its_template_wrote(query, options):
    req = request(query)
    expected = Template(TOOLBAR).render(context(req, **options))
    assert same(listparts.toolbar(req, options)) == same(expected)


def test_user_input_is_escaped_in_the_search_form_the_tabs_and_the_pager():
    query = f"name={SCRIPT}&tab={SCRIPT}&sort={SCRIPT}&size={SCRIPT}&start=2026-13-45"
    req = request(query)
    search = OrderSearchForm(req.GET)
    search.is_valid()
    html = listparts.search_form(search, req)
    html += listparts.status_tabs(req, [(SCRIPT, SCRIPT, 1)], "", label=SCRIPT)
    html += listparts.pager(Page(rows=[], number=2, size=10, total=100), req)
    html += listparts.toolbar(
        req, {"export_url": "/e/", "note": SCRIPT, "add_url": "/a/", "add_label": SCRIPT}
    )
    assert "<script>" not in html
    assert 'name="name" value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html  # the field
    assert 'name="tab" value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html  # a kept parameter
    assert 'name="size" value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "sf-error" in html  # the bad date's message under its field


def test_user_input_is_escaped_in_the_breadcrumbs_and_the_help_link():
    crumbs = [Link(SCRIPT, f"/x/?a={SCRIPT}", "", True), Link(SCRIPT, "", "", True)]
    html = shell.breadcrumbs(f"/home/{SCRIPT}", crumbs, SCRIPT) + shell.help_link(SCRIPT, SCRIPT)
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 5  # home, a crumb's link and label, the last crumb, the css
    assert "?page=%3Cscript%3Ealert%281%29%3C/script%3E" in html  # the view's name, quoted


def test_the_shell_escapes_the_names_it_prints(insurer):
    insurer.org.name = insurer.org.short_name = f"公司{SCRIPT}"
    insurer.org.save()
    insurer.admin.name = f"{SCRIPT}管理员"
    insurer.admin.save()
    html = insurer.client(insurer.admin).get(f"/insurer/orders/?name={SCRIPT}").content.decode()
    assert "<script>alert" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # brand, org, user, the search field


# --- the search forms drawn once per path and query string ----------------------------------------------------------
def _bound(query: str, path: str = "/insurer/orders/"):
    req = RequestFactory().get(f"{path}?{query}" if query else path)
    search = OrderSearchForm(req.GET)
    search.values()  # as the list does: the errors are the query string's
    return search, req


DRAW = listparts._search_form  # the form drawn, never kept


@pytest.fixture
def drawn(monkeypatch):
    """Every search form actually drawn (not taken from the per-process markup), as (path, query string)."""
    listparts._KEPT.clear()
    calls: list[tuple[str, str]] = []

    def counting(search, req):
        calls.append((req.path, req.META.get("QUERY_STRING", "")))
        return DRAW(search, req)

    monkeypatch.setattr(listparts, "_search_form", counting)
    yield calls
    listparts._KEPT.clear()


def test_a_search_form_is_drawn_once_per_path_and_query_string_and_each_keeps_its_own(drawn):
    queries = ["", "name=泉州", f"name={SCRIPT}&start=2026-13-45", "tab=issued&size=20", "name=泉州", ""]
    for query in queries + queries[::-1]:
        search, req = _bound(query)
        fresh, _ = _bound(query)
        key = ("search_form", OrderSearchForm, req.path, req.META["QUERY_STRING"])
        assert listparts.search_form(search, req) == listparts._KEPT[key] == DRAW(fresh, req)
    assert len(drawn) == len(set(queries)) == len(listparts._KEPT)
    # the same query string on another path: 重置 links to that path
    search, req = _bound("name=泉州", "/regulator/orders/")
    assert 'href="/regulator/orders/"' in listparts.search_form(search, req)
    assert drawn[-1] == ("/regulator/orders/", req.META["QUERY_STRING"])


class _ReadsTheDatabase(OrderSearchForm):
    markup_from_query = False  # as a form whose choices came from the database or the user would say


def test_a_search_form_is_drawn_every_time_unless_its_markup_is_the_query_strings(drawn):
    req = RequestFactory().get("/insurer/orders/?name=甲")
    for _ in range(2):
        listparts.search_form(_ReadsTheDatabase(req.GET), req)  # not its class's to keep
        listparts.search_form(OrderSearchForm(req.GET.copy()), req)  # bound to other data than the request's
        listparts.search_form(OrderSearchForm(req.GET, initial={"name": "乙"}), req)  # initial values
    assert len(drawn) == 6
    assert not listparts._KEPT


def test_the_forms_kept_by_query_string_read_no_choices_from_the_database():
    from django import forms as django_forms

    from anze.core.forms import SearchForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    kept = [form for form in subclasses(SearchForm) if form.markup_from_query]
    assert OrderSearchForm in kept
    for form in kept:
        for name, field in form.base_fields.items():
            assert not isinstance(field, django_forms.ModelChoiceField), (form, name)
            assert not callable(getattr(field, "_choices", None)), (form, name)
        assert "__init__" not in vars(form), form  # nothing set per instance (SearchForm's own is the same)


def test_the_search_form_of_one_user_is_not_another_users(insurer):
    first = insurer.client(insurer.admin).get("/insurer/orders/?name=甲方公司").content.decode()
    other = insurer.client(insurer.other_org_admin)
    assert 'name="name" value="甲方公司"' in first
    for query, value in (("", None), ("?name=乙方公司", "乙方公司")):
        html = other.get(f"/insurer/orders/{query}").content.decode()
        assert "甲方公司" not in html
        assert (f'name="name" value="{value}"' in html) if value else 'name="name" placeholder' in html


def test_the_tabs_and_the_pager_are_kept_by_everything_they_print(monkeypatch):
    listparts._KEPT.clear()
    drawn = []
    for name in ("_status_tabs", "_pager"):
        draw = getattr(listparts, name)
        monkeypatch.setattr(
            listparts, name, lambda *a, _d=draw, _n=name, **k: drawn.append(_n) or _d(*a, **k)
        )
    req = request("name=甲&page=2")
    for _ in range(2):  # the second time from what the first kept
        tabs = listparts.status_tabs(req, [("", "全部", 12), ("issued", "已出函", 3)], "", label="订单状态")
        pager = listparts.pager(Page(rows=[], number=2, size=10, total=100), req)
    assert drawn == ["_status_tabs", "_pager"]
    assert '<span class="count">(12)</span>' in tabs and "共 100 条" in pager
    # another count, page, size, estimate, path or query string is drawn again, never the kept one
    assert "(13)" in listparts.status_tabs(
        req, [("", "全部", 13), ("issued", "已出函", 3)], "", label="订单状态"
    )
    assert 'class="active" data-tab="issued"' in listparts.status_tabs(
        req, [("", "全部", 12), ("issued", "已出函", 3)], "issued", label="订单状态"
    )
    assert "共 101 条" in listparts.pager(Page(rows=[], number=2, size=10, total=101), req)
    assert "约 100 条" in listparts.pager(Page(rows=[], number=2, size=10, total=100, estimated=True), req)
    assert "共 100+ 条" in listparts.pager(Page(rows=[], number=2, size=10, total=100, more=True), req)
    assert 'aria-current="page">3<' in listparts.pager(Page(rows=[], number=3, size=10, total=100), req)
    assert 'max="5"' in listparts.pager(Page(rows=[], number=2, size=20, total=100), req)
    assert 'max="3"' in listparts.pager(Page(rows=[], number=2, size=10, total=100, reachable=30), req)
    other = request("name=乙&page=2")
    assert "name=%E4%B9%99" in listparts.pager(Page(rows=[], number=2, size=10, total=100), other)
    assert "甲" not in listparts.status_tabs(other, [("", "全部", 12)], "", label="订单状态")
    elsewhere = RequestFactory().get("/regulator/orders/?name=甲&page=2")
    assert 'href="/regulator/orders/?name=' in listparts.status_tabs(
        elsewhere, [("", "全部", 12)], "", label="订单状态"
    )
    assert len(drawn) == 13  # each of the eleven above drawn
    listparts._KEPT.clear()


def test_the_help_link_is_drawn_once_per_page_name(monkeypatch):
    first = shell.help_link("help-link", "insurer:orders:list")
    monkeypatch.setattr(shell, "format_html", None)  # drawing it again would fail
    monkeypatch.setattr(shell, "reverse", None)
    assert shell.help_link("help-link", "insurer:orders:list") == first
    assert 'href="/help/?page=insurer%3Aorders%3Alist"' in first
