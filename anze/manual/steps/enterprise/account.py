"""Sections of the enterprise manual: account."""

from __future__ import annotations

from ...script import Section, Step
from ..common import (
    LOGIN_ERRORS,
    sign_in_steps,
    switch_account,
)
from .data import LOGIN

account = Section(
    "登录",
    text="打开浏览器输入系统地址，进入【安全生产责任保险监管平台综合页面】，点击「企业端」进入企业端登录页面。"
    "可使用登录账号或统一社会信用代码登录。还没有账号的企业点击「企业注册」；忘记密码点击「忘记密码」通过手机验证码重置。",
    pages=("login", "logout"),
    steps=(
        Step(
            "平台综合页面",
            "在平台综合页面点击「企业端」。",
            goto="/",
            click='a.entry-card:has-text("企业端")',
            capture=".auth-bg",
            caption="安全生产责任保险监管平台综合页面",
        ),
        *sign_in_steps("hongsheng", login_page=None, intro="进入企业端登录页面，"),
        Step(
            "退出登录",
            "使用完毕后，点击右上角的姓名，再点击「退出登录」。",
            prepare=(".anze-topbar .user-menu",),
            click='.dropdown-menu.show button:has-text("退出登录")',
            capture=".anze-topbar",
            caption="退出登录",
        ),
    ),
    errors=LOGIN_ERRORS,
    children=(
        Section(
            "企业注册",
            text="在企业端登录页面点击「企业注册」。填写统一社会信用代码、企业名称、所在区县、行业、联系人、手机号码和登录密码，"
            "点击「获取验证码」，输入短信中的验证码后点击「注 册」。注册后即可登录，但须完成「企业认证」后才能投保和查看订单。",
            pages=("register", "register_code"),
            steps=(
                Step(
                    "点击企业注册",
                    "在企业端登录页面点击「企业注册」。",
                    goto=LOGIN,
                    click='#register-link:has-text("企业注册")',
                    caption="企业端登录页面",
                ),
                Step(
                    "填写注册信息",
                    "填写注册信息，点击「获取验证码」；验证码发送到填写的手机号码，页面显示发送结果，60秒后可重新获取。",
                    fill=(
                        ("#register-form input[name=credit_code]", "91350502MA31H8T2PM"),
                        ("#register-form input[name=name]", "泉州市鲤城区安顺建筑劳务有限公司"),
                        ("#register-form input[name=contact_name]", "林安顺"),
                        ("#register-form input[name=phone]", "13905950001"),
                        ("#register-form input[name=address]", "泉州市鲤城区江南街道紫华路18号"),
                        ("#register-form input[name=password]", "Anshun2026x"),
                        ("#register-form input[name=password2]", "Anshun2026x"),
                    ),
                    select=(
                        ("#register-form select[name=region]", "鲤城区"),
                        ("#register-form select[name=industry]", "建筑施工"),
                    ),
                    click='#send-code:has-text("获取验证码")',
                    expect="#code-status :text-matches('.+')",
                    caption="企业注册页面",
                ),
            ),
            errors=(
                ("统一社会信用代码不正确", "请对照营业执照核对18位信用代码。"),
                ("验证码错误或已过期", "验证码5分钟内有效，请重新获取。"),
                ("获取验证码过于频繁，请稍后再试", "同一手机号60秒内只能获取一次，请稍候。"),
            ),
        ),
        Section(
            "忘记密码",
            text="在企业端登录页面点击「忘记密码」，输入登录账号或统一社会信用代码以及账号绑定的手机号码，获取验证码后设置新密码。",
            pages=("password_reset", "password_reset_code"),
            steps=(
                Step(
                    "重置密码",
                    "填写登录账号（或信用代码）和手机号码，点击「获取验证码」，输入验证码与新密码后点击「重置密码」。",
                    goto=LOGIN,
                    prepare=('a:has-text("忘记密码")',),
                    fill=(
                        ("#password-reset-form input[name=identifier]", "hongsheng"),
                        ("#password-reset-form input[name=phone]", "13860710001"),
                    ),
                    outline='#password-reset-form button:has-text("重置密码")',
                    shot_after=True,
                    caption="忘记密码页面",
                ),
            ),
        ),
        Section(
            "企业认证",
            text="注册只证明注册人的手机号。为防止他人冒用企业名义，注册后须完成企业认证：平台上已有该信用代码的订单时，"
            "可向订单登记的投保联系人手机发送验证码即时认证（页面只显示打码的号码）；否则上传营业执照和授权书，由平台审核，"
            "审核结果以短信通知。认证通过前只能打开企业认证页、个人中心和退出登录。",
            pages=("verification", "verification_code", "verification_phone", "verification_documents"),
            steps=(
                *switch_account(LOGIN, "wanan")[1:],
                Step(
                    "企业认证页面",
                    "认证未通过的账号登录后进入企业认证页面。已上传资料的，页面显示“待平台审核”；被驳回的显示驳回原因，可重新上传。",
                    goto="/enterprise/verification/",
                    caption="企业认证页面（待平台审核）",
                ),
                *switch_account(LOGIN, "hongsheng"),
            ),
            statuses=(
                ("待认证", "已注册，尚未认证：只能打开企业认证页。"),
                ("待平台审核", "已上传营业执照和授权书，等待平台审核。"),
                ("已认证", "认证通过：获得企业管理员角色，并关联该信用代码下的全部订单和保单。"),
                ("已驳回", "资料不符合要求，按驳回原因修改后重新上传。"),
            ),
        ),
    ),
)
