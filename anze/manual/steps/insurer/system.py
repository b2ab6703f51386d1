"""Sections of the insurer manual: api_keys, webhooks, api_docs."""

from __future__ import annotations

from ...script import Section, Step
from ..common import (
    DIALOG,
    SUBMIT,
    menu,
)
from .data import (
    P,
)

api_keys = Section(
    "接口密钥",
    text="本公司的核心业务系统通过开放接口（/api/v1/）读取订单与保单、报价、上传付款通知书、支付审核、出函、补录保单与申请安全服务，办理批改、退保审核、理赔与冲正，"
    "与在页面上操作的效果相同。每个系统使用一个接口密钥，并只授予它需要的范围；密钥只在创建时显示一次，请立即保存到对方系统。"
    "不再使用或可能泄露的密钥请「停用」。",
    pages=("system:api_key_list", "system:api_key_create", "system:api_key_revoke"),
    steps=(
        Step(
            "密钥列表",
            "点击左侧菜单「系统管理」→「接口密钥」，点击「新增密钥」。",
            **menu(P, "系统管理", "接口密钥"),
            click='.toolbar a:has-text("新增密钥")',
            expect=DIALOG,
            caption="接口密钥列表",
        ),
        Step(
            "新增密钥",
            "填写密钥名称（如“核心业务系统”），勾选授权范围，点击「确定」。",
            fill=(("#anze-modal-content input[name=name]", "核心业务系统"),),
            check=("#anze-modal-content input[name=scopes] >> nth=0",),
            click=SUBMIT,
            expect='#anze-modal-content button:has-text("我已保存")',
            caption="新增接口密钥页面",
        ),
        Step(
            "保存密钥",
            "弹出的页面显示完整的密钥（只显示这一次），复制保存后点击「我已保存」。",
            click='#anze-modal-content button:has-text("我已保存")',
            caption="新密钥",
        ),
    ),
)

webhooks = Section(
    "接口推送",
    text="投保申请提交、报价确认、付款凭证上传等事件发生时，平台以签名的 POST 请求推送到本公司系统的地址；"
    "接收方不可用时自动重试，不会丢失，失败的推送可手工重发。签名密钥只在创建或重置时显示一次。",
    pages=("webhooks:list", "webhooks:create", "webhooks:edit", "webhooks:reset_secret", "webhooks:resend"),
    steps=(
        Step(
            "推送地址列表",
            "点击左侧菜单「系统管理」→「接口推送」，点击「新增推送地址」。",
            **menu(P, "系统管理", "接口推送"),
            click='.toolbar a:has-text("新增推送地址")',
            expect=DIALOG,
            caption="接口推送列表",
        ),
        Step(
            "新增推送地址",
            "填写名称、接收地址（https://…）并勾选要推送的事件，点击「确定」；保存后显示签名密钥。（本例不保存，点击「取消」。）",
            fill=(
                ("#anze-modal-content input[name=name]", "核心业务系统"),
                ("#anze-modal-content input[name=url]", "https://core.example.com/anze/webhook"),
            ),
            outline=SUBMIT,
            shot_after=True,
            caption="新增推送地址页面",
        ),
        Step(
            "取消",
            "点击「取消」。",
            click='#anze-modal-content button:has-text("取消")',
            capture=None,
            silent=True,
        ),
    ),
)

api_docs = Section(
    "开放接口文档",
    text="开放接口的说明（每个接口的地址、参数、返回与错误）在 /api/v1/docs，对接的开发人员按其中的说明以接口密钥调用；"
    "机器可读的 OpenAPI 描述在 /api/v1/openapi.json。",
    global_pages=("api:openapi-view", "api:openapi-json"),
    steps=(
        Step(
            "接口文档",
            "在浏览器中打开 /api/v1/docs。",
            goto="/api/v1/docs",
            expect=".swagger-ui .opblock-tag",
            capture="body",
            caption="开放接口文档页面",
        ),
    ),
)
