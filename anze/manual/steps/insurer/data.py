"""The demo data the insurer manual finds its way by, and what its tables say."""

from __future__ import annotations

P = "insurer"
COMPANY = "中国人民财产保险股份有限公司泉州市分公司"
# Demo orders of PICC by state (anze/orders/demo.py PROJECTS).
TO_QUOTE = "丰泽区东海街道安置房二期工程"
TO_NOTICE = "泉港石化园区储运罐区"
TO_REVIEW = "惠安县海丰渔业崇武远洋捕捞船队"
TO_ISSUE = "洛江区万安街道市政道路提升工程"
TO_BACKFILL = "泉州市洛江区万安建材有限公司"
TO_CANCEL = "南安市金磊石材官桥矿山"
ISSUED = "鲤城区江南片区老旧小区改造工程"
NEW_OFFLINE = "泉州市丰泽区海晟物流仓储项目"
REVERSE = "晋江市华泰鞋业安海物流仓储中心"
ENDORSE = "南安市金磊石材英都采石场"  # issued, no request open: may be endorsed  # issued, no service, no claim: may be reversed
REVERSAL_PENDING = "泉州鸿盛建筑工程有限公司"  # its 冲正 waits (anze/policies/demo.py), asked by picc_clerk
IN_SERVICE_POLICY = "PICC20263505SV0001"  # 鸿盛's, issued months ago (anze/prevention/demo.py)

ORDER_STATUSES = (
    ("待报价", "投保企业已提交投保申请，等待保险公司报价。"),
    ("待确认报价", "已报价，等待投保企业确认或拒绝报价；企业拒绝后回到待报价，并显示拒绝原因。"),
    ("待上传付款通知书", "企业已确认报价，等待保险公司上传付款通知书。"),
    ("待支付", "已上传付款通知书，等待企业付款并上传付款凭证；支付审核驳回后也回到此状态。"),
    ("待支付审核", "企业已上传付款凭证，等待保险公司审核。"),
    ("待出函", "支付审核通过（线下订单：录入后），等待保险公司出函或补录保单信息。"),
    ("已出函", "保单已生效，可在保单管理中申请第三方安全服务。"),
    ("已取消", "订单已取消，显示取消原因，不能恢复。"),
)

SCHEME = (
    ("#anze-modal-content input[name=aggregate_limit]", "5000000"),
    ("#anze-modal-content input[name=per_accident_limit]", "1000000"),
    ("#anze-modal-content input[name=per_person_medical_limit]", "50000"),
    ("#anze-modal-content input[name=premium]", "26000"),
    ("#anze-modal-content input[name=prevention_fee]", "5200"),
    ("#service-counts input >> nth=0", "2"),
)
