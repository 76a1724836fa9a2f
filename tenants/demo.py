"""Realistic sample data for the demo workspace, written through the real services (one write path)."""

from __future__ import annotations

import random
from decimal import Decimal

from core.customization.pipelines import NEW_BUSINESS
from core.records import services
from core.records.models import Account
from core.users.models import User
from core.users.roles import Role

DEMO_PASSWORD = "guanxi-demo-2026"

COMPANIES = [
    ("杭州示例科技有限公司", "浙江省", "杭州市", "西湖区", "软件", "A"),
    ("上海华东精密机械股份有限公司", "上海市", "上海市", "浦东新区", "制造业", "A"),
    ("北京远景教育科技有限公司", "北京市", "北京市", "海淀区", "教育培训", "B"),
    ("深圳海纳电子有限公司", "广东省", "深圳市", "南山区", "电子", "A"),
    ("成都天府食品有限公司", "四川省", "成都市", "武侯区", "食品", "B"),
    ("武汉江城物流有限公司", "湖北省", "武汉市", "江汉区", "物流", "C"),
    ("南京紫金医疗器械有限公司", "江苏省", "南京市", "玄武区", "医疗器械", "B"),
    ("苏州工业园区新材料有限公司", "江苏省", "苏州市", "工业园区", "新材料", "A"),
    ("广州岭南服饰贸易有限公司", "广东省", "广州市", "天河区", "零售", "C"),
    ("Harbour Trading Co., Ltd.", "香港特别行政区", "香港", "中西区", "Trading", "B"),
    ("Nordic Design Studio GmbH", "", "Berlin", "", "Design", "C"),
    ("西安秦川汽车配件有限公司", "陕西省", "西安市", "雁塔区", "汽车配件", "B"),
]
PEOPLE = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵丽", "黄强", "周婷", "吴杰", "Emma Schulz", "David Chan"]
TITLES = ["总经理", "采购经理", "技术总监", "财务主管", "Operations Manager", "IT 主管"]
PRODUCTS = [("CRM 标准版 (年)", "GX-STD-Y", "588.00"), ("CRM 专业版 (年)", "GX-PRO-Y", "1188.00"),
            ("实施服务 (人天)", "GX-SVC-D", "2000.00"), ("培训课程", "GX-TRN", "3000.00")]


def seed_demo(*, owner: User) -> dict[str, int]:
    """Fill an empty workspace: a sales team, products, accounts across provinces, contacts, deals."""
    if Account.objects.exists():
        return {}
    rng = random.Random(2026)
    from core.users.services import user_create

    sales = [user_create(actor=owner, email=f"sales{i}@demo.guanxi.localhost", name=name, role=Role.MEMBER,
                         password=DEMO_PASSWORD) for i, name in enumerate(["销售 小李", "销售 小陈"], start=1)]
    manager = user_create(actor=owner, email="manager@demo.guanxi.localhost", name="销售经理 老赵",
                          role=Role.MANAGER, password=DEMO_PASSWORD)
    from core.access.services import team_save

    team_save(actor=owner, name="华东销售团队", manager_id=manager.pk, member_ids=[u.pk for u in sales])
    for role, name in [(Role.SUPPORT, "客服 小周"), (Role.FINANCE, "财务 小吴")]:
        user_create(actor=owner, email=f"{role}@demo.guanxi.localhost", name=name, role=role, password=DEMO_PASSWORD)
    products = [services.product_create(actor=owner, data={"name": n, "sku": s, "unit_price": p})
                for n, s, p in PRODUCTS]
    counts = {"accounts": 0, "contacts": 0, "deals": 0, "products": len(products), "tickets": 0, "activities": 0,
              "tasks": 0}
    support = User.objects.get(email="support@demo.guanxi.localhost")
    from datetime import timedelta

    from django.utils import timezone

    from core.activities import services as activity_services
    from core.service import services as ticket_services

    now = timezone.now()
    stages = [stage.key for stage in NEW_BUSINESS.stages]
    for index, (name, province, city, district, industry, level) in enumerate(COMPANIES):
        owner_user = None if index % 6 == 5 else [*sales, owner][index % 3]
        account = services.account_create(actor=owner, data={
            "name": name, "province": province, "city": city, "district": district, "industry": industry,
            "level": level, "status": "active" if level == "A" else "prospect", "source": rng.choice(
                ["展会", "官网", "转介绍", "电话营销"]),
            "phones": [f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"],
            "emails": [f"info{index}@example.com"], "tags": [industry],
            "owner": owner_user.pk if owner_user else None})
        counts["accounts"] += 1
        contact = services.contact_create(actor=owner, data={
            "name": PEOPLE[index % len(PEOPLE)], "title": TITLES[index % len(TITLES)], "account": account.pk,
            "phones": [f"139{rng.randint(10000000, 99999999)}"], "emails": [f"contact{index}@example.com"],
            "purchase_role": "decision_maker" if index % 2 == 0 else "influencer",
            "owner": owner_user.pk if owner_user else None})
        counts["contacts"] += 1
        activity_services.activity_create(actor=owner, data={
            "kind": ["call", "visit", "wechat", "meeting", "email"][index % 5],
            "subject": ["首次电话沟通需求", "上门拜访，演示产品", "微信发送报价单", "方案评审会议", "邮件确认合同条款"][index % 5],
            "occurred_at": (now - timedelta(days=index * 3, hours=index)).isoformat(), "account": account.pk,
            "contact": contact.pk, "author": (owner_user or owner).pk})
        counts["activities"] += 1
        if index % 3 == 0:
            ticket_services.ticket_create(actor=owner, data={
                "account": account.pk, "contact": contact.pk, "channel": "phone",
                "subject": ["系统登录缓慢", "发票抬头需要修改", "数据导入失败", "培训预约"][index % 4],
                "priority": ["urgent", "normal", "high", "low"][index % 4], "assignee": support.pk})
            counts["tickets"] += 1
        if owner_user is None:
            continue
        activity_services.task_create(actor=owner, data={
            "title": f"回访 {name[:6]}", "account": account.pk, "assignee": owner_user.pk,
            "due_at": (now + timedelta(days=index - 4)).isoformat()})
        counts["tasks"] += 1
        stage = stages[counts["deals"] % len(stages)]
        services.deal_create(actor=owner, data={
            "name": f"{name[:8]} · {products[index % len(products)].name}", "account": account.pk,
            "contact": contact.pk, "amount": str(Decimal(rng.randint(20, 500)) * 1000), "stage": stage,
            "owner": owner_user.pk})
        counts["deals"] += 1
    from core.campaigns import services as campaign_services
    from core.leads import services as lead_services

    for i, (company, person) in enumerate([("宁波港湾贸易", "孙丽"), ("青岛海岸食品", "马超"), ("厦门鹭岛科技", "林燕")]):
        lead_services.lead_create(actor=owner, data={
            "company": company, "name": person, "phones": [f"137{rng.randint(10000000, 99999999)}"],
            "source": "展会", "grade": "ABC"[i], "score": 80 - i * 20, "owner": sales[i % 2].pk})
    counts["leads"] = 3
    campaign_services.campaign_create(actor=owner, data={
        "name": "2026 华东制造业展会", "channel": "exhibition", "start_date": (now - timedelta(days=30)).date(),
        "end_date": (now + timedelta(days=30)).date(), "budget": "50000", "currency": "CNY", "status": "active"})
    counts["campaigns"] = 1
    return counts
