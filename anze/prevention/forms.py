"""Forms of the service organisations' and enterprises' screens. Formats are checked here; the rules (dates
inside the policy period, staff certificates, contracted items, states) live in ``workflow`` / ``services``
and come back as ``Refused`` beside their field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.models import ServiceItem
from anze.core.formatting import money
from anze.core.forms import SearchForm, StyledFormMixin
from anze.documents.forms import DocumentField
from anze.policies.models import Policy, ServiceStatus

from . import selectors
from .attachments import Uploads
from .models import HazardLevel, ServiceRecord, Staff
from .records import RecordData
from .services import CertificateData, InspectionData, PlanData, StaffData

DATE = {"type": "date"}


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), **kwargs)


def _amount(label: str, placeholder: str, *, required: bool = True) -> forms.DecimalField:
    """An amount in 元: a number here; its rules (not negative, 2 places, within the column) are the
    workflow's, next to the field."""
    name = label.split("（")[0]
    return forms.DecimalField(
        label=label,
        required=required,
        error_messages={"required": f"请输入{name}", "invalid": f"{name}须为数字（单位：元）"},
        widget=forms.TextInput(attrs={"placeholder": placeholder, "inputmode": "decimal"}),
    )


def _text(
    label: str, max_length: int, placeholder: str, *, rows: int = 0, required: bool = True
) -> forms.CharField:
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": rows, "placeholder": placeholder})
        if rows
        else forms.TextInput(attrs={"placeholder": placeholder})
    )
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        error_messages={"required": f"请填写{label}", "max_length": f"{label}不能超过{max_length}个字"},
    )


@dataclass
class StaffOption:
    """A roster entry as the staff picker shows it: chosen or not, and why it cannot be chosen."""

    staff: Staff
    checked: bool
    problem: str  # "" when selectable


class StaffField(forms.ModelMultipleChoiceField):
    """The organisation's staff in post. Those with an expired certificate are shown, greyed out with the
    reason, and refused by the workflow if posted anyway."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "服务人员")
        kwargs.setdefault(
            "error_messages", {"required": "请选择服务人员", "invalid_choice": "请从本机构人员中选择"}
        )
        super().__init__(queryset=Staff.objects.none(), widget=forms.CheckboxSelectMultiple, **kwargs)


class StaffPickerMixin:
    """Forms with a ``staff`` field: the roster of ``user``'s organisation, and ``staff_options`` for the
    template (expired certificates flagged, not selectable)."""

    def setup_staff(self, user: User) -> None:
        field = self.fields["staff"]  # type: ignore[attr-defined]
        field.queryset = Staff.objects.filter(
            organisation_id=user.organisation_id, is_active=True
        ).prefetch_related("certificates")

    def staff_options(self) -> list[StaffOption]:
        today = timezone.localdate()
        bound = self["staff"]  # type: ignore[index]
        chosen = {str(v) for v in (bound.value() or [])}
        options = []
        for staff in self.fields["staff"].queryset:  # type: ignore[attr-defined]
            expired = [c for c in staff.certificates.all() if c.expires_on < today]
            problem = f"证书“{expired[0].name}”已于{expired[0].expires_on:%Y-%m-%d}过期" if expired else ""
            options.append(StaffOption(staff, str(staff.pk) in chosen, problem))
        return options


class ItemField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="服务项目",
            queryset=ServiceItem.objects.none(),
            empty_label="请选择服务项目",
            error_messages={
                "required": "请选择服务项目",
                "invalid_choice": "该服务项目不在保单约定的服务项目中",
            },
            **kwargs,
        )


# --- 服务订单 ---------------------------------------------------------------------------------------------------
class ServiceOrderSearchForm(SearchForm):
    policy_no = forms.CharField(
        label="保单编号", widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )
    name = forms.CharField(
        label="投保企业", widget=forms.TextInput(attrs={"placeholder": "请输入企业或项目名称"})
    )


class ReasonForm(StyledFormMixin, forms.Form):
    reason = _text("原因", 500, "请输入原因", rows=3)

    def __init__(self, *args: Any, label: str = "原因", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = f"请填写{label}"
        self.fields["reason"].widget.attrs["placeholder"] = f"请输入{label}"
        self.fields["reason"].widget.attrs["autofocus"] = True


class PlanForm(StaffPickerMixin, StyledFormMixin, forms.Form):
    item = ItemField()
    planned_on = _date("计划日期")
    staff = StaffField()
    content = _text("服务内容", 500, "请输入计划的服务内容", rows=3)

    def __init__(self, *args: Any, user: User, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ServiceItem.objects.filter(
            pk__in=[i.pk for i in selectors.contracted_items(policy)]
        )
        self.setup_staff(user)
        self.fields[
            "planned_on"
        ].help_text = f"保险期间：{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}"

    def data_object(self) -> PlanData:
        d = self.cleaned_data
        return PlanData(
            item=d["item"], planned_on=d["planned_on"], staff=list(d["staff"]), content=d["content"]
        )


class RecordForm(StaffPickerMixin, StyledFormMixin, forms.Form):
    item = ItemField()
    served_on = _date("服务日期")
    place = _text("服务地点", 200, "请输入服务地点")
    staff = StaffField()
    content = _text("服务内容", 2000, "请输入本次服务的内容", rows=4)
    hazards_found = _text(
        "发现的隐患", 2000, "请输入本次服务发现的事故隐患（没有可不填）", rows=3, required=False
    )
    follow_up = _text("整改建议及跟踪", 2000, "请输入整改建议及后续跟踪安排", rows=3, required=False)
    cost = _amount("服务费用（元）", "不填按服务项目单价计", required=False)
    report = DocumentField(label="服务报告", accept={"pdf"}, required=False)
    photo = DocumentField(label="现场照片", accept={"image"}, required=False)
    video = DocumentField(label="现场视频", accept={"video"}, required=False)

    def __init__(
        self, *args: Any, user: User, policy: Policy, fixed_item: ServiceItem | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        items = [fixed_item] if fixed_item else selectors.contracted_items(policy)
        self.fields["item"].queryset = ServiceItem.objects.filter(pk__in=[i.pk for i in items])
        if fixed_item is not None:
            self.fields["item"].initial = fixed_item.pk
            self.fields["item"].disabled = True
            self.fields["item"].help_text = "更正记录的服务项目与原记录相同"
        self.setup_staff(user)
        self.fields[
            "served_on"
        ].help_text = (
            f"须在保险期间内（{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}），且不晚于今天"
        )
        prices = "；".join(f"{i.name} {money(i.unit_price)} 元/次" for i in items)
        self.fields["cost"].help_text = (
            f"企业确认后计入本保单的事故预防服务费。不填按单价：{prices}"
            if prices
            else "企业确认后计入本保单的事故预防服务费"
        )

    @classmethod
    def initial_for(cls, record: ServiceRecord) -> dict[str, Any]:
        return {
            "item": record.item_id,
            "served_on": record.served_on,
            "place": record.place,
            "staff": [s.pk for s in record.staff.all()],
            "content": record.content,
            "hazards_found": record.hazards_found,
            "follow_up": record.follow_up,
            "cost": record.cost,
        }

    def data_object(self) -> RecordData:
        d = self.cleaned_data
        return RecordData(
            item=d["item"],
            served_on=d["served_on"],
            place=d["place"],
            staff=list(d["staff"]),
            content=d["content"],
            hazards_found=d["hazards_found"],
            follow_up=d["follow_up"],
            uploads=Uploads(report=d["report"], photo=d["photo"], video=d["video"]),
            cost=d["cost"],
        )


class AttachmentForm(StyledFormMixin, forms.Form):
    file = DocumentField(label="附件", accept={"pdf", "image", "video"})
    caption = forms.CharField(
        label="说明",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：培训签到表"}),
    )


class RecordSearchForm(SearchForm):
    policy_no = forms.CharField(
        label="保单编号", widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )
    item = forms.ModelChoiceField(label="服务项目", queryset=ServiceItem.objects.all(), empty_label="全部")
    start = _date("开始日期")
    end = _date("结束日期")

    date_ranges = (("服务日期", "start", "end"),)
    keep_params = ("status",)


# --- 检查管理 ---------------------------------------------------------------------------------------------------
class PolicyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Policy) -> str:
        return f"{obj.order.applicant_name}（保单 {obj.policy_no}）"


class InspectionForm(StaffPickerMixin, StyledFormMixin, forms.Form):
    policy = PolicyChoice(
        label="受检企业",
        queryset=Policy.objects.none(),
        empty_label="请选择服务中的保单",
        error_messages={"required": "请选择受检企业", "invalid_choice": "请选择服务中的保单"},
    )
    inspected_on = _date("检查日期")
    place = _text("检查地点", 200, "请输入检查地点")
    staff = StaffField(label="检查人员")
    summary = _text("检查内容", 2000, "请输入检查范围与内容", rows=4)
    photo = DocumentField(label="现场照片", accept={"image"}, required=False)
    video = DocumentField(label="现场视频", accept={"video"}, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = (
            selectors.assigned_policies(user=user)
            .filter(service_status=ServiceStatus.IN_SERVICE)
            .select_related("order")
            .order_by("-issued_at")
        )
        self.setup_staff(user)

    def data_object(self) -> InspectionData:
        d = self.cleaned_data
        return InspectionData(
            inspected_on=d["inspected_on"],
            place=d["place"],
            staff=list(d["staff"]),
            summary=d["summary"],
            uploads=Uploads(photo=d["photo"], video=d["video"]),
        )


class InspectionSearchForm(SearchForm):
    policy_no = forms.CharField(
        label="保单编号", widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )
    name = forms.CharField(label="受检企业", widget=forms.TextInput(attrs={"placeholder": "请输入企业名称"}))
    start = _date("开始日期")
    end = _date("结束日期")

    date_ranges = (("检查日期", "start", "end"),)


class HazardForm(StyledFormMixin, forms.Form):
    level = forms.ChoiceField(
        label="隐患等级", choices=HazardLevel.choices, widget=forms.RadioSelect, initial=HazardLevel.GENERAL
    )
    description = _text("隐患描述", 500, "请描述隐患情况", rows=3)
    location = _text("隐患部位", 100, "如：二号车间配电箱", required=False)
    deadline = _date("整改期限")
    photo = DocumentField(label="隐患照片", accept={"image"}, required=False)


class RectifyForm(StyledFormMixin, forms.Form):
    rectification = _text("整改情况", 500, "请输入整改措施及完成情况", rows=3)
    photo = DocumentField(label="整改照片", accept={"image"}, required=False)


class VerifyForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(
        label="复查结论",
        choices=[("pass", "复查通过"), ("fail", "复查不通过")],
        widget=forms.RadioSelect,
        initial="pass",
    )
    opinion = _text("复查意见", 500, "请输入复查意见；不通过时请写明需继续整改的内容", rows=3)


# --- 现场视频 ---------------------------------------------------------------------------------------------------
class VideoForm(StyledFormMixin, forms.Form):
    target = forms.ChoiceField(
        label="关联对象", error_messages={"required": "请选择视频关联的服务记录或检查"}
    )
    video = DocumentField(label="现场视频", accept={"video"})
    caption = forms.CharField(
        label="说明",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：消防演练全程"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        records = selectors.records_for(user=user).exclude(status="confirmed").order_by("-served_on")[:200]
        inspections = (
            selectors.inspections_for(user=user)
            .filter(policy__service_status=ServiceStatus.IN_SERVICE)
            .order_by("-inspected_on")[:200]
        )
        self.fields["target"].choices = [
            ("", "请选择"),
            (
                "服务记录（未确认）",
                [
                    (
                        f"record:{r.uuid}",
                        f"{r.served_on:%Y-%m-%d} {r.item.name} · {r.policy.order.applicant_name}",
                    )
                    for r in records
                ],
            ),
            (
                "隐患排查",
                [
                    (
                        f"inspection:{i.uuid}",
                        f"{i.inspected_on:%Y-%m-%d} {i.place} · {i.policy.order.applicant_name}",
                    )
                    for i in inspections
                ],
            ),
        ]


# --- 综合人事管理 -------------------------------------------------------------------------------------------------
class StaffSearchForm(SearchForm):
    name = forms.CharField(label="姓名", widget=forms.TextInput(attrs={"placeholder": "请输入姓名"}))
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), ("1", "在职"), ("0", "离职")])
    expired = forms.ChoiceField(label="证书", choices=[("", "全部"), ("1", "有过期证书")])


class StaffForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="姓名",
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "请输入姓名", "autofocus": True}),
    )
    mobile = forms.CharField(
        label="手机号码", max_length=11, widget=forms.TextInput(attrs={"placeholder": "请输入11位手机号码"})
    )
    title = forms.CharField(
        label="职务/职称",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：安全工程师"}),
    )


class CertificateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="证书名称",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：注册安全工程师"}),
    )
    number = forms.CharField(
        label="证书编号",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "请输入证书编号"}),
    )
    expires_on = _date("有效期至", required=False)


CertificateFormSet = forms.formset_factory(CertificateForm, extra=2, max_num=10)


class StaffWithCertificatesForm(StaffForm):
    """A person and their certificates (the ``certificates`` formset, bound with the same data): one form to
    the view, valid when both are."""

    def __init__(self, *args: Any, certificates: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.certificates = CertificateFormSet(
            self.data if self.is_bound else None, initial=certificates or [], prefix="cert"
        )

    def is_valid(self) -> bool:
        own = super().is_valid()
        return self.certificates.is_valid() and own

    def data_object(self) -> StaffData:
        return StaffData(
            name=self.cleaned_data["name"],
            mobile=self.cleaned_data["mobile"],
            title=self.cleaned_data["title"],
            certificates=[
                CertificateData(c.get("name", ""), c.get("number", ""), c.get("expires_on"))
                for c in self.certificates.cleaned_data
            ],
        )


# --- 投诉 -------------------------------------------------------------------------------------------------------
class ComplaintForm(StyledFormMixin, forms.Form):
    record = forms.ModelChoiceField(
        label="涉及的服务记录",
        queryset=ServiceRecord.objects.none(),
        required=False,
        empty_label="不涉及具体记录",
    )
    content = _text("投诉内容", 1000, "请描述投诉的事项、经过和诉求", rows=5)

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["record"]
        field.queryset = policy.service_records.select_related("item").order_by("-served_on")
        field.label_from_instance = lambda r: (
            f"{r.served_on:%Y-%m-%d} {r.item.name}（{r.get_status_display()}）"
        )


class OverrunForm(StyledFormMixin, forms.Form):
    """批准超支: an amount beyond the prevention fee and why (its rules are ``ledger.overrun_grant``'s)."""

    amount = _amount("批准超支金额（元）", "请输入允许超出服务费的金额")
    reason = _text("批准理由", 500, "如：企业新增危化品仓储，增加一次专项隐患排查", rows=3)


class AnswerForm(StyledFormMixin, forms.Form):
    answer = _text("答复内容", 2000, "请输入核实情况及处理结果", rows=5)


class ComplaintSearchForm(SearchForm):
    policy_no = forms.CharField(
        label="保单编号", widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )

    keep_params = ("status",)
