"""What a workspace configuration costs: validating custom values, lists by a custom field, accepting changes.

    .venv/bin/python bench/config.py                  (full size: 1M deals for the list, 100k for the changes)
    .venv/bin/python bench/config.py --scale 0.1      (a tenth: the `make bench` run)
    .venv/bin/python bench/config.py --scale 0.01     (quick)

What it does, start to finish:

1. Its own state, as bench/signup.py and bench/api.py (whose helpers it uses): a fresh GUANXI_DATA_DIR
   under /tmp with the embedded PostgreSQL, or the database `guanxi_bench` when DATABASE_URL is set;
   `guanxi migrate`.
2. Validation cost per write, in the workspace `benchcfg` (in-process, the real services). Deals have
   no custom fields (version 0), then 50 (a mix of every common type, four required, one
   `required_when`, one regex, one sensitive, a user and a link field). For each: µs per
   `CompiledFields.clean` of a typical create payload (values for 47 of the fields, as a client sends
   them), µs per `clean_custom` (the same plus its database checks: the account the conditions may
   read, the user and the linked record), and ms per `deal_create` (the whole service: validation, the
   deal, its stage entry, field history, audit, event), p50/p95 over N runs each.
3. Accepting configuration changes on the same workspace once it holds 100k deals (× --scale), all
   seeded with values for the 50 fields: `config_save` wall time, with where it went (JSON Schema,
   semantic checks, checks against the stored data, rewriting the data, audit), for
   (a) adding a field, (b) changing `quantity` from integer to decimal (every deal has a value, all
   convert and are rewritten), (c) removing the stage `negotiation` with its deals moved to `proposal`,
   (d) marking `budget` indexed and building its index (`indexes.sync_indexes`), (e) making
   `contract_no` unique — and the validation and deal_create costs again at that size, before and after
   (e), since a `unique` field is checked against the stored deals on every write.
4. A filtered and sorted list on 1M deals (× --scale) in the workspace `bench` (the users of
   bench/api.py): the deals are seeded with COPY (core.records.seeding, with the same 50-field values),
   the request is timed once in-process and EXPLAINed without an index, then `budget` is marked
   `indexed` through config_save and its index built with indexes.sync_indexes (timed), EXPLAINed again
   before and after VACUUM ANALYZE, and
     GET /api/v1/deals?custom.budget__gte=X&ordering=-custom.budget     (first page, 50 deals)
     GET /api/v1/deals?custom.budget__gte=X&ordering=custom.budget      (the same, ascending from X)
   are measured through gunicorn (2 sync workers, clients as in bench/api.py) as the
   owner and as a member (scoped), at concurrency 1 and 8; p50/p95 nearest rank against the target
   p95 ≤ 50 ms. EXPLAIN (ANALYZE, BUFFERS) of the statement Django sends, captured in-process, shows
   whether the index `cfx_records_deal_budget` is used.
5. Prints markdown tables and writes everything to bench/results/config-<time>.json. Timings are
   reported, never asserted.

Everything is bounded in time (--deadline) and every process it started is stopped on exit.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from api import (
    HOST,
    Case,
    CpuMeter,
    KeepAliveClient,
    api_call,
    create_workspace,
    postmaster_pid,
    timed_run,
    vacuum_analyze,
)
from signup import (
    PASSWORD,
    REPO,
    RESULTS_DIR,
    BenchError,
    Server,
    Stopwatch,
    cleanup,
    database_version,
    log,
    machine_description,
    percentile,
    prepare_environment,
    run_migrate,
    source_revision,
    start_bounded_run,
    use_this_checkout,
)

CONFIG_WORKSPACE = "benchcfg"
FULL_SIZE = {"list_deals": 1_000_000, "change_deals": 100_000}
DEALS_PER_ACCOUNT = 100
INDEXED_KEY = "budget"
CONVERTED_KEY = "quantity"
UNIQUE_KEY = "contract_no"
REMOVED_STAGE, MOVED_TO = "new_business.negotiation", "new_business.proposal"
TARGET_P95_MS = 50.0
THRESHOLDS = [100_000, 500_000, 1_000_000, 1_500_000, 1_900_000]  # budget__gte values; budgets are 1k–2M
LIST_VARIANTS = [("desc", "-custom.budget", "gte X, ordering=-custom.budget"),
                 ("asc", "custom.budget", "gte X, ordering=custom.budget")]
ROLES = {"owner": "owner", "member": "member1"}
SERIALS = {"none": 1_000_000, "fifty": 2_000_000, "size": 3_000_000, "unique": 4_000_000}


# --- the 50 deal fields and a typical payload -------------------------------------------------------

def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh, "en": en}


def _options(*pairs: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"key": key, "label": _label(zh, en)} for key, zh, en in pairs]


def _field(key: str, kind: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": kind, "label": _label(zh, en), **extra}


SEGMENTS = _options(("manufacturing", "制造业", "Manufacturing"), ("retail", "零售", "Retail"),
                    ("finance", "金融", "Finance"), ("education", "教育", "Education"),
                    ("healthcare", "医疗", "Healthcare"), ("logistics", "物流", "Logistics"),
                    ("government", "政府", "Government"), ("energy", "能源", "Energy"))
PRODUCTS = _options(("erp", "ERP", "ERP"), ("crm", "CRM", "CRM"), ("mes", "MES", "MES"), ("wms", "仓储", "WMS"),
                    ("bi", "报表", "BI"), ("iot", "物联网", "IoT"))
CHANNELS = _options(("direct", "直销", "Direct"), ("partner", "代理", "Partner"), ("online", "线上", "Online"),
                    ("tender", "招标", "Tender"))
COMPETITORS = _options(("none", "无", "None"), ("kingdee", "金蝶", "Kingdee"), ("yonyou", "用友", "Yonyou"),
                       ("sap", "SAP", "SAP"), ("oracle", "甲骨文", "Oracle"))
TERMS = _options(("prepaid", "预付", "Prepaid"), ("net30", "30天", "Net 30"), ("net60", "60天", "Net 60"),
                 ("milestone", "按里程碑", "Milestones"))
LEVELS = _options(("low", "低", "Low"), ("medium", "中", "Medium"), ("high", "高", "High"))
METHODS = _options(("open_tender", "公开招标", "Open tender"), ("invited", "邀请招标", "Invited tender"),
                   ("single", "单一来源", "Single source"), ("inquiry", "询价", "Inquiry"))
QUARTERS = _options(("q1", "一季度", "Q1"), ("q2", "二季度", "Q2"), ("q3", "三季度", "Q3"), ("q4", "四季度", "Q4"))


def deal_field_specs() -> list[dict[str, Any]]:
    money_places = {"decimal_places": 2}
    return [
        _field("contract_no", "text", "合同编号", "Contract no.", required=True,
               regex={"pattern": r"^HT-\d{4}-\d{6,8}$", "message": _label("格式如 HT-2026-000123",
                                                                          "Like HT-2026-000123")}),
        _field("project_name", "text", "项目名称", "Project name", required=True, max_length=100),
        _field("industry_segment", "select", "行业", "Industry segment", required=True, options=SEGMENTS),
        _field("sign_date", "date", "预计签约日", "Expected signing date", required=True),
        _field("budget", "decimal", "客户预算", "Customer budget", min=0, **money_places),
        _field("quantity", "integer", "数量", "Quantity", min=0),
        _field("annual_fee", "money", "年费", "Annual fee", **money_places),
        _field("implementation_fee", "money", "实施费", "Implementation fee", **money_places),
        _field("freight", "money", "运费", "Freight", **money_places),
        _field("discount", "percent", "折扣", "Discount"),
        _field("gross_margin", "percent", "毛利率", "Gross margin", decimal_places=1),
        _field("tax_rate", "percent", "税率", "Tax rate"),
        _field("product_lines", "multi_select", "产品线", "Product lines", options=PRODUCTS, max_length=4),
        _field("channels", "multi_select", "渠道", "Channels", options=CHANNELS),
        _field("competitor", "select", "竞争对手", "Competitor", options=COMPETITORS),
        _field("payment_terms", "select", "付款方式", "Payment terms", options=TERMS),
        _field("priority", "select", "优先级", "Priority", options=LEVELS),
        _field("risk_level", "select", "风险等级", "Risk level", options=LEVELS),
        _field("procurement_method", "select", "采购方式", "Procurement method", options=METHODS),
        _field("sign_quarter", "select", "签约季度", "Signing quarter", options=QUARTERS),
        _field("delivery_date", "date", "交付日期", "Delivery date"),
        _field("go_live_date", "date", "上线日期", "Go-live date", min="2020-01-01"),
        _field("kickoff_at", "datetime", "启动会时间", "Kick-off meeting"),
        _field("is_renewal", "boolean", "续约", "Renewal"),
        _field("needs_install", "boolean", "需要安装", "Needs installation"),
        _field("has_competitor", "boolean", "有竞争", "Competitive"),
        _field("budget_approved", "boolean", "预算已批", "Budget approved"),
        _field("contact_email", "email", "联系人邮箱", "Contact email"),
        _field("invoice_email", "email", "发票邮箱", "Invoice email"),
        _field("contact_phone", "phone", "联系人手机", "Contact mobile"),
        _field("office_phone", "phone", "办公电话", "Office phone"),
        _field("tender_url", "url", "招标公告", "Tender notice"),
        _field("portal_url", "url", "客户门户", "Customer portal"),
        _field("delivery_region", "region", "交付地区", "Delivery region"),
        _field("deal_tags", "tags", "标签", "Tags"),
        _field("risk_tags", "tags", "风险标签", "Risk tags"),
        _field("solution_engineer", "user", "售前工程师", "Solution engineer"),
        _field("partner_account", "link", "合作伙伴", "Partner", link_entity="account"),
        _field("warranty_months", "integer", "质保月数", "Warranty (months)", min=0, max=120),
        _field("contract_years", "integer", "合同年限", "Contract years", min=1, max=10),
        _field("site_count", "integer", "站点数", "Sites"),
        _field("decision_maker", "text", "决策人", "Decision maker"),
        _field("invoice_title", "text", "发票抬头", "Invoice title"),
        _field("customer_po", "text", "客户订单号", "Customer PO", max_length=50),
        _field("campaign_code", "text", "活动编号", "Campaign code"),
        _field("installation_address", "text", "安装地址", "Installation address"),
        _field("notes", "long_text", "备注", "Notes"),
        _field("review_notes", "long_text", "评审意见", "Review notes"),
        _field("approval_ref", "text", "大单审批号", "Large-deal approval no.",
               required_when={"field": "amount", "op": "gte", "value": 500000}),
        _field("payment_account", "text", "付款账号", "Paying account", sensitive=True),
    ]


PROVINCES = [("浙江省", "杭州市", "西湖区"), ("上海市", "上海市", "浦东新区"), ("广东省", "深圳市", "南山区"),
             ("四川省", "成都市", "高新区"), ("江苏省", "南京市", "")]


def raw_payload(rng: random.Random, n: int, account_ids: list[int], user_ids: list[int]) -> dict[str, Any]:
    """What a client sends for a new deal: 47 of the 50 fields, in the forms people type them."""
    from core.records.seeding import PREFIXES, SURNAMES, TRADES, WORDS

    company = f"{rng.choice(PREFIXES)}{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司"
    province, city, district = rng.choice(PROVINCES)
    return {
        "contract_no": f"HT-2026-{n:07d}",
        "project_name": f"{rng.choice(WORDS)}数字化项目 {n}",
        "industry_segment": rng.choice(SEGMENTS)["key"],
        "sign_date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "budget": f"{rng.randint(1000, 2_000_000)}.{rng.randint(0, 99):02d}",
        "quantity": rng.randint(1, 500),
        "annual_fee": {"amount": str(rng.randint(10, 900) * 1000), "currency": "CNY"},
        "implementation_fee": f"{rng.randint(5, 200) * 1000}",
        "freight": {"amount": f"{rng.randint(100, 5000)}.50", "currency": rng.choice(["CNY", "USD"])},
        "discount": str(rng.randint(0, 30)),
        "gross_margin": f"{rng.randint(10, 60)}.5",
        "tax_rate": "13",
        "product_lines": [o["key"] for o in rng.sample(PRODUCTS, rng.randint(1, 3))],
        "channels": [rng.choice(CHANNELS)["key"]],
        "competitor": rng.choice(COMPETITORS)["key"],
        "payment_terms": rng.choice(TERMS)["key"],
        "priority": rng.choice(LEVELS)["key"],
        "risk_level": rng.choice(LEVELS)["key"],
        "procurement_method": rng.choice(METHODS)["key"],
        "sign_quarter": rng.choice(QUARTERS)["key"],
        "delivery_date": f"2026-{rng.randint(1, 12):02d}-15",
        "go_live_date": f"2027-{rng.randint(1, 12):02d}-01",
        "kickoff_at": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 09:30",
        "is_renewal": rng.random() < 0.3,
        "needs_install": rng.choice(["是", "否"]),
        "has_competitor": rng.random() < 0.5,
        "budget_approved": "yes",
        "contact_email": f"buyer{n}@example.com",
        "invoice_email": f"Finance{n}@Example.com ",
        "contact_phone": f"13{rng.choice('5689')} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        "office_phone": f"021 6{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "tender_url": f"www.ccgp.gov.cn/cggg/{n}.html",
        "portal_url": "https://portal.example.com/login",
        "delivery_region": [province, city, district],
        "deal_tags": ["重点客户", rng.choice(WORDS), "2026"],
        "risk_tags": [rng.choice(["价格敏感", "决策链长", "预算未定"])],
        "solution_engineer": rng.choice(user_ids),
        "partner_account": rng.choice(account_ids),
        "warranty_months": rng.choice([12, 24, 36]),
        "contract_years": rng.randint(1, 5),
        "site_count": rng.randint(1, 40),
        "decision_maker": rng.choice(SURNAMES) + "总",
        "invoice_title": company,
        "customer_po": f"PO{n:08d}",
        "campaign_code": "CMP-2026-Q1",
        "installation_address": f"{province}{city}{district}科技园 {rng.randint(1, 99)} 号楼",
        "notes": f"客户关注上线周期与本地化服务。\n第二次拜访：{rng.choice(WORDS)}，需补充方案细节。",
        "payment_account": f"6222 0212 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} 123",
    }


def next_ids(model: Any, count: int) -> list[int]:
    """The ids core.records.seeding.seed gives the next `count` rows of `model` (max id + 1 onwards)."""
    last = model.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return list(range(last + 1, last + 1 + count))


def stored_pool(size: int, account_ids: list[int], user_ids: list[int], seed_value: int) -> list[dict[str, Any]]:
    """`size` typical payloads as the write path stores them (cleaned, sensitive values encrypted)."""
    from core.customization.current import current_config
    from core.customization.records import encrypt_value

    fields = current_config().fields("deal")
    rng = random.Random(seed_value)
    pool = []
    for n in range(size):
        values, errors = fields.clean(raw_payload(rng, n, account_ids, user_ids), existing=None, role="owner",
                                      creating=True, resolve_builtin=lambda _path: None)
        if errors:
            raise BenchError(f"the typical payload does not validate: {errors}")
        pool.append({k: encrypt_value(v) if k in fields.sensitive_keys else v for k, v in values.items()})
    return pool


def custom_generator(pool: list[dict[str, Any]], seed_value: int, total: int) -> Callable[[int], dict[str, Any]]:
    """Per deal: a pooled payload with its own contract number, budget and quantity."""
    rng = random.Random(seed_value)
    step = max(100_000, total // 5)

    def make(i: int) -> dict[str, Any]:
        custom = dict(pool[i % len(pool)])
        custom[UNIQUE_KEY] = f"HT-2025-{i:07d}"
        custom[INDEXED_KEY] = f"{rng.randint(1000, 2_000_000)}.{rng.randint(0, 99):02d}"
        custom[CONVERTED_KEY] = rng.randint(1, 500)
        if i and i % step == 0:
            log(f"  deals: {i}")
        return custom

    return make


# --- statistics --------------------------------------------------------------------------------------

def stats(values: list[float], digits: int = 1) -> dict[str, float]:
    return {"n": len(values), "p50": round(percentile(values, 0.5), digits),
            "p95": round(percentile(values, 0.95), digits), "mean": round(sum(values) / len(values), digits),
            "max": round(max(values), digits)}


def load() -> float:
    return round(os.getloadavg()[0], 2)


# --- 1. validation cost per write ------------------------------------------------------------------

def statements(captured: Any) -> int:
    return sum(1 for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith("SET "))


def validation_costs(owner: Any, account_ids: list[int], user_ids: list[int], *, cleans: int, db_cleans: int,
                     creates: int, tag: str) -> dict[str, Any]:
    """µs per CompiledFields.clean and clean_custom, ms per deal_create, with the configuration in force."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.customization.current import current_config
    from core.customization.records import clean_custom
    from core.records.models import Deal
    from core.records.services import deal_create

    fields = current_config().fields("deal")
    rng = random.Random(f"payloads-{tag}")
    count = max(cleans, db_cleans, creates) + 1
    serial = SERIALS[tag]  # contract numbers of different runs never meet (one of them makes them unique)
    payloads = [raw_payload(rng, serial + k, account_ids, user_ids) if len(fields) else {} for k in range(count)]
    builtin = {"name": "压测商机", "account": account_ids[0], "amount": Decimal("88000"), "owner": owner.pk,
               "pipeline": "new_business", "stage": "initial_contact"}

    def resolve(path: str) -> Any:
        return builtin.get(path)

    values, errors = fields.clean(payloads[0], existing=None, role="owner", creating=True, resolve_builtin=resolve)
    if errors:
        raise BenchError(f"the typical payload does not validate: {errors}")
    for payload in payloads[:50]:  # warm-up
        fields.clean(payload, existing=None, role="owner", creating=True, resolve_builtin=resolve)
    clean_us = []
    for payload in payloads[:cleans]:
        started = time.perf_counter_ns()
        fields.clean(payload, existing=None, role="owner", creating=True, resolve_builtin=resolve)
        clean_us.append((time.perf_counter_ns() - started) / 1000)
    per_type: dict[str, float] = {}
    for field in fields:  # where the µs go: the median of one field's clean, summed by type
        raw = payloads[0].get(field.key)
        if raw is None:
            continue
        samples = []
        for payload in payloads[:200]:
            started = time.perf_counter_ns()
            field.type.clean(payload.get(field.key, raw))
            samples.append((time.perf_counter_ns() - started) / 1000)
        per_type[field.type.name] = per_type.get(field.type.name, 0.0) + percentile(samples, 0.5)

    with CaptureQueriesContext(connection) as captured:
        _custom, errors = clean_custom(entity="deal", actor=owner, instance=Deal(), payload=payloads[0] or None,
                                       creating=True, builtin=builtin)
    if errors:
        raise BenchError(f"clean_custom refused the typical payload: {errors}")
    clean_custom_queries = statements(captured)
    db_us = []
    cpu_started = time.process_time()
    for k in range(db_cleans):
        builtin["account"] = account_ids[k % len(account_ids)]
        started = time.perf_counter_ns()
        clean_custom(entity="deal", actor=owner, instance=Deal(), payload=payloads[k] or None, creating=True,
                     builtin=builtin)
        db_us.append((time.perf_counter_ns() - started) / 1000)
    clean_custom_cpu_us = (time.process_time() - cpu_started) * 1e6 / max(1, db_cleans)

    def data(k: int) -> dict[str, Any]:
        body = {"name": f"配置压测 {tag} {k}", "account": account_ids[k % len(account_ids)], "amount": "88000"}
        return body | ({"custom": payloads[k]} if payloads[k] else {})

    with CaptureQueriesContext(connection) as captured:
        deal_create(actor=owner, data=data(0))
    create_queries = statements(captured)
    create_ms = []
    cpu_started = time.process_time()
    for k in range(1, creates + 1):
        started = time.perf_counter()
        deal_create(actor=owner, data=data(k % count))
        create_ms.append((time.perf_counter() - started) * 1000)
    create_cpu_ms = (time.process_time() - cpu_started) * 1000 / max(1, creates)
    return {
        "fields": len(fields), "payload_values": len(payloads[0]), "stored_values": len(values),
        "stored_json_bytes": len(json.dumps(values, ensure_ascii=False).encode()),
        "compiled_clean_us": stats(clean_us), "clean_custom_us": stats(db_us),
        "clean_custom_queries": clean_custom_queries, "deal_create_ms": stats(create_ms, 2),
        # CPU of this (Python) process per call, mean: what the latencies are, less the waits for the
        # database and for a CPU on a busy machine
        "clean_custom_cpu_us": round(clean_custom_cpu_us, 1), "deal_create_cpu_ms": round(create_cpu_ms, 2),
        "deal_create_queries": create_queries,
        "clean_us_by_type": {k: round(v, 1) for k, v in sorted(per_type.items(), key=lambda kv: -kv[1])},
        "load_average_1min": load(),
    }


# --- 3. accepting configuration changes -------------------------------------------------------------

def timed_save(owner: Any, document: dict[str, Any], note: str, moves: Mapping[str, str] | None = None,
               ) -> dict[str, Any]:
    """config_save once, with the time of each step (Stopwatch wraps the functions it calls)."""
    from django.db.models import QuerySet

    from core.customization import migrate_data, semantic, services
    from core.customization.current import current_version

    watch, inner = Stopwatch(), Stopwatch()
    watch.wrap(services, "structural_errors", "structure (JSON Schema)")
    watch.wrap(semantic, "document_errors", "semantic checks of the document")
    watch.wrap(semantic, "data_errors", "checks against stored data")
    watch.wrap(migrate_data, "apply_data_changes", "rewriting stored data")
    watch.wrap(services, "audit_record", "audit entry")
    # inside "rewriting stored data": the statements themselves (building them in Python included)
    inner.wrap(QuerySet, "bulk_update", "bulk_update")
    inner.wrap(QuerySet, "update", "update (bulk_update's too)")
    inner.wrap(QuerySet, "bulk_create", "bulk_create")
    base = current_version()
    cpu_started = time.process_time()
    started = time.perf_counter()
    try:
        version = services.config_save(actor=owner, document=document, base_version=base, note=note,
                                       moves=moves)
    finally:
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        inner.restore()
        watch.restore()
    steps = {label: round(total, 3) for label, total in watch.totals.items()}
    steps["rest (version row, commit)"] = round(seconds - sum(watch.totals.values()), 3)
    return {"seconds": round(seconds, 3), "python_cpu_s": round(cpu, 3), "version": version.number,
            "steps_s": steps, "inside_rewriting_s": {label: round(total, 3) for label, total in inner.totals.items()},
            "statements_inside_rewriting": {label: len(calls) for label, calls in inner.calls.items()},
            "load_average_1min": load()}


def current_document() -> dict[str, Any]:
    from core.customization.current import current_config

    return copy.deepcopy(dict(current_config().document))


def deal_field(document: dict[str, Any], key: str) -> dict[str, Any]:
    return next(spec for spec in document["custom_fields"]["deal"] if spec["key"] == key)


def scalar(sql: str, params: list[Any] | None = None) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def sync_index(schema: str, name: str | None = None) -> dict[str, Any]:
    """Build the indexes the configuration asks for, as the Celery task does after a save."""
    from core.customization.indexes import index_name, sync_indexes

    started = time.perf_counter()
    built = sync_indexes()
    seconds = time.perf_counter() - started
    name = name or index_name("records_deal", INDEXED_KEY)
    size = scalar("SELECT pg_relation_size(%s::regclass)", [f'"{schema}"."{name}"'])
    return {"seconds": round(seconds, 2), "built": built, "index": name, "index_mb": round(size / 2**20, 1),
            "load_average_1min": load()}


def config_changes(owner: Any, schema: str, deals: int, args: argparse.Namespace,
                   account_ids: list[int], user_ids: list[int]) -> dict[str, Any]:
    """Seed `deals` deals with values for the 50 fields, then time each change of the configuration."""
    from core.customization.current import current_config
    from core.records.models import Account, Deal
    from core.records.seeding import seed

    accounts = max(20, deals // DEALS_PER_ACCOUNT)
    new_accounts = next_ids(Account, accounts)
    pool = stored_pool(500, new_accounts, user_ids, seed_value=3)
    log(f"seeding {deals} deals with values for {len(current_config().fields('deal'))} fields "
        f"under {accounts} accounts ...")
    started = time.perf_counter()
    seed(accounts=accounts, contacts=0, deals=deals, owner_ids=user_ids, seed_value=5,
         progress=lambda _m: None, deal_custom=custom_generator(pool, 9, deals))
    seed_seconds = time.perf_counter() - started
    vacuum_seconds = vacuum_analyze(schema)
    size = scalar("SELECT pg_table_size('records_deal')")
    log(f"  seeded in {seed_seconds:.0f} s, VACUUM ANALYZE {vacuum_seconds:.0f} s, "
        f"records_deal {size / 2**20:.0f} MB")
    result: dict[str, Any] = {"deals": scalar("SELECT count(*) FROM records_deal"),
                              "seed_seconds": round(seed_seconds, 1), "vacuum_analyze_seconds": round(vacuum_seconds, 1),
                              "records_deal_mb": round(size / 2**20, 1), "changes": {}}
    writes = {"cleans": args.cleans // 4, "db_cleans": args.db_cleans // 2, "creates": args.creates // 2}
    result["validation_at_size"] = validation_costs(owner, account_ids, user_ids, tag="size", **writes)
    log(f"  at {result['deals']} deals: clean_custom p50 {result['validation_at_size']['clean_custom_us']['p50']} µs, "
        f"deal_create p50 {result['validation_at_size']['deal_create_ms']['p50']} ms")
    changes = result["changes"]

    document = current_document()
    document["custom_fields"]["deal"].append(_field("renewal_score", "decimal", "续约评分", "Renewal score",
                                                    decimal_places=1, min=0, max=10))
    changes["add_field"] = timed_save(owner, document, "bench: add a field") | {"rows_rewritten": 0}
    log(f"  (a) add a field: {changes['add_field']['seconds']:.2f} s")

    document = current_document()
    spec = deal_field(document, CONVERTED_KEY)
    spec["type"] = "decimal"
    spec["decimal_places"] = 2
    holding = scalar("SELECT count(*) FROM records_deal WHERE custom ? %s", [CONVERTED_KEY])
    changes["type_change"] = timed_save(owner, document, "bench: quantity integer → decimal")
    converted = scalar("SELECT count(*) FROM records_deal WHERE jsonb_typeof(custom -> %s) = 'string'",
                       [CONVERTED_KEY])
    changes["type_change"] |= {"rows_rewritten": converted, "rows_with_value": holding}
    log(f"  (b) integer → decimal ({converted} of {holding} values converted): "
        f"{changes['type_change']['seconds']:.2f} s")

    document = current_document()
    pipeline_key, stage_key = REMOVED_STAGE.split(".")
    pipeline = next(p for p in document["pipelines"] if p["key"] == pipeline_key)
    pipeline["stages"] = [s for s in pipeline["stages"] if s["key"] != stage_key]
    moving = Deal.objects.filter(pipeline=pipeline_key, stage=stage_key).count()
    changes["stage_removal"] = timed_save(owner, document, "bench: remove a stage",
                                          moves={REMOVED_STAGE: MOVED_TO}) | {"rows_rewritten": moving}
    log(f"  (c) remove a stage holding {moving} deals: {changes['stage_removal']['seconds']:.2f} s")

    document = current_document()
    deal_field(document, INDEXED_KEY)["indexed"] = True
    changes["mark_indexed"] = timed_save(owner, document, "bench: index budget") | {"rows_rewritten": 0}
    changes["mark_indexed"]["index_build"] = sync_index(schema)
    log(f"  (d) mark indexed: {changes['mark_indexed']['seconds']:.2f} s, index build "
        f"{changes['mark_indexed']['index_build']['seconds']:.2f} s")

    document = current_document()
    deal_field(document, UNIQUE_KEY)["unique"] = True
    changes["make_unique"] = timed_save(owner, document, "bench: contract_no unique") | {"rows_rewritten": 0}
    log(f"  (e) make unique: {changes['make_unique']['seconds']:.2f} s")
    from core.customization.indexes import index_name

    changes["make_unique"]["index_build"] = sync_index(schema, index_name("records_deal", UNIQUE_KEY, "__eq"))
    log(f"  its equality index: {changes['make_unique']['index_build']['seconds']:.2f} s")
    result["unique_check"] = unique_check_plan(schema)
    log(f"  the unique check of one value: {result['unique_check']['execution_ms']} ms in PostgreSQL "
        f"({result['unique_check']['plan'][-3].strip() if len(result['unique_check']['plan']) > 2 else ''})")
    few = {"cleans": writes["cleans"], "db_cleans": min(30, writes["db_cleans"]),
           "creates": min(30, writes["creates"])}  # each check reads every deal: fewer runs
    result["validation_with_unique"] = validation_costs(owner, account_ids, user_ids, tag="unique", **few)
    log(f"  with a unique field: clean_custom p50 {result['validation_with_unique']['clean_custom_us']['p50']} µs, "
        f"deal_create p50 {result['validation_with_unique']['deal_create_ms']['p50']} ms")
    return result


def unique_check_plan(schema: str) -> dict[str, Any]:
    """EXPLAIN ANALYZE of the statement clean_custom (and lock_unique) run for a `unique` value."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.customization.records import _taken
    from core.records.models import Deal

    with CaptureQueriesContext(connection) as captured:
        _taken("deal", Deal(), UNIQUE_KEY, "HT-2026-0000000")
    sql = next(q["sql"] for q in captured.captured_queries if "records_deal" in q["sql"])
    return {"sql": sql, **explain(schema, sql)}


# --- 2. the list on 1M deals -------------------------------------------------------------------------

def list_path(variant: str, threshold: int) -> str:
    ordering = dict((key, order) for key, order, _what in LIST_VARIANTS)[variant]
    return f"/api/v1/deals?custom.{INDEXED_KEY}__gte={threshold}&ordering={ordering}"


def in_process_tokens(users: dict[str, Any]) -> dict[str, str]:
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    tokens = {}
    for name in ROLES.values():
        response = client.post("/api/v1/auth/token", data=json.dumps(
            {"email": users[name]["email"], "password": PASSWORD, "name": "bench"}), content_type="application/json")
        if response.status_code != 201:
            raise BenchError(f"token for {users[name]['email']}: HTTP {response.status_code}")
        tokens[name] = response.json()["token"]
    return tokens


def capture_list(path: str, token: str) -> dict[str, Any]:
    """One request in-process: its time, rows, statements, and the deal list statement itself."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise BenchError(f"GET {path}: HTTP {response.status_code} {response.content[:300]!r}")
    statements_sql = [q["sql"] for q in captured.captured_queries]
    main = next((s for s in statements_sql if 'FROM "records_deal"' in s and "ORDER BY" in s), None)
    if main is None:
        raise BenchError(f"GET {path}: no deal list statement among {len(statements_sql)}")
    return {"ms": round(ms, 1), "rows": len(response.json()["results"]), "statements": statements_sql,
            "sql": main}


def explain(schema: str, sql: str) -> dict[str, Any]:
    import psycopg

    from core.customization.indexes import index_name

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f'SET search_path = "{schema}", public')
        plan = [row[0] for row in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall()]
    found = re.search(r"Execution Time: ([\d.]+) ms", "\n".join(plan))
    return {"execution_ms": float(found.group(1)) if found else None,
            "index_used": index_name("records_deal", INDEXED_KEY) in "\n".join(plan), "plan": plan}


def list_benchmark(data_dir: Any, deals: int, args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connections
    from django_tenants.utils import schema_context

    from core.records.models import Account
    from core.records.seeding import seed
    from core.users.models import User

    workspace = create_workspace()
    schema, users = workspace["schema"], workspace["users"]
    user_ids = [u["id"] for u in users.values()]
    result: dict[str, Any] = {"workspace": "bench", "schema": schema}
    with schema_context(schema):
        owner = User.objects.get(pk=users["owner"]["id"])
        result["config_save_50_fields"] = timed_save(owner, fields_document(), "bench: 50 deal fields")
        accounts = max(20, deals // DEALS_PER_ACCOUNT)
        pool = stored_pool(500, next_ids(Account, accounts), user_ids, seed_value=4)
        log(f"seeding {deals} deals with values for 50 fields under {accounts} accounts (COPY) ...")
        started = time.perf_counter()
        seed(accounts=accounts, contacts=0, deals=deals, owner_ids=user_ids, seed_value=8,
             progress=lambda _m: None, deal_custom=custom_generator(pool, 10, deals))
        result["seed_seconds"] = round(time.perf_counter() - started, 1)
        result["vacuum_analyze_seconds"] = round(vacuum_analyze(schema), 1)
        result["deals"] = scalar("SELECT count(*) FROM records_deal")
        result["records_deal_mb"] = round(scalar("SELECT pg_table_size('records_deal')") / 2**20, 1)
        log(f"  {result['deals']} deals in {result['seed_seconds']:.0f} s (+ VACUUM ANALYZE "
            f"{result['vacuum_analyze_seconds']:.0f} s), records_deal {result['records_deal_mb']:.0f} MB")
        tokens = in_process_tokens(users)
        owner_token = tokens[ROLES["owner"]]
        probe = list_path("desc", THRESHOLDS[1])
        before = capture_list(probe, owner_token)
        result["without_index"] = {"path": probe, "in_process_ms": before["ms"],
                                   "explain": explain(schema, before["sql"])}
        log(f"  without an index: {before['ms']:.0f} ms in-process, "
            f"{result['without_index']['explain']['execution_ms']} ms in PostgreSQL")

        document = current_document()
        deal_field(document, INDEXED_KEY)["indexed"] = True
        result["config_save_indexed"] = timed_save(owner, document, "bench: index budget")
        result["index_build"] = sync_index(schema)
        log(f"  config_save (indexed) {result['config_save_indexed']['seconds']:.2f} s; "
            f"index built in {result['index_build']['seconds']:.1f} s ({result['index_build']['index_mb']} MB)")
        result["after_build_before_analyze"] = explain(schema, before["sql"])
        started = time.perf_counter()
        connection_analyze(schema)
        result["analyze_seconds"] = round(time.perf_counter() - started, 1)
        cases: dict[tuple[str, str], list[Case]] = {}
        result["explain"] = {}
        for variant, _order, _what in LIST_VARIANTS:
            for role, name in ROLES.items():
                batch = [Case(user=name, token=tokens[name], method="GET", path=list_path(variant, x))
                         for x in THRESHOLDS]
                captured = capture_list(batch[1].path, tokens[name])
                result["explain"][f"{variant}/{role}"] = {
                    "path": batch[1].path, "in_process_ms": captured["ms"], "rows": captured["rows"],
                    "statements_per_request": len(captured["statements"]), "sql": captured["sql"],
                    **explain(schema, captured["sql"])}
                cases[(variant, role)] = batch
    connections.close_all()

    server = Server(data_dir, args.workers)
    server.command += ["--threads", str(args.threads), "--keep-alive", "5"]
    result["server"] = (f"gunicorn guanxi.wsgi --workers {args.workers} --threads {args.threads} "
                        f"({'gthread' if args.threads > 1 else 'sync'})")
    try:
        server.start(timeout=90)
        log(f"gunicorn ready on 127.0.0.1:{server.port}")
        roots = {"app": server.process.pid}
        if (postmaster := postmaster_pid(data_dir)) is not None:
            roots["db"] = postmaster
        meter = CpuMeter(roots)
        rows = []
        for variant, _order, what in LIST_VARIANTS:
            for role in ROLES:
                for concurrency in args.concurrency:
                    measured = timed_run(lambda: KeepAliveClient(server.port), api_call, cases[(variant, role)],
                                         concurrency, args.duration, args.warmup, meter)
                    rows.append({"variant": variant, "what": what, "role": role, "concurrency": concurrency,
                                 "api": measured, "target_p95_ms": TARGET_P95_MS,
                                 "verdict": "ok" if measured["p95"] <= TARGET_P95_MS else "MISS",
                                 "index_used": result["explain"][f"{variant}/{role}"]["index_used"]})
                    log(f"  {variant:4} {role:6} c={concurrency}: p50 {measured['p50']:6.1f} p95 "
                        f"{measured['p95']:6.1f} ms, {measured['rps']:.0f} req/s, errors {measured['errors']}, "
                        f"load {measured['load_average_1min']}")
        result["api"] = rows
    finally:
        server.stop()
    return result


def connection_analyze(schema: str) -> None:
    """ANALYZE of the deals: statistics for the new expression index (what autovacuum does soon after)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f'ANALYZE "{schema}"."records_deal"')


def fields_document() -> dict[str, Any]:
    from core.customization.current import default_document

    document = default_document()
    document["custom_fields"] = {"deal": deal_field_specs()}
    return document


# --- the workspace of parts 1 and 3 -------------------------------------------------------------------

def create_config_workspace() -> dict[str, Any]:
    from django.db import connections
    from django_tenants.utils import schema_context

    from core.users.roles import Role
    from core.users.services import user_create
    from tenants.services import tenant_signup

    result = tenant_signup(company_name="配置压测有限公司", workspace=CONFIG_WORKSPACE, name="Config Owner",
                           email="owner@benchcfg.test", password=PASSWORD, language="zh-hans")
    with schema_context(result.tenant.schema_name):
        member = user_create(actor=result.owner, email="sales@benchcfg.test", name="售前", role=Role.MEMBER,
                             password=PASSWORD)
    connections.close_all()
    return {"schema": result.tenant.schema_name, "owner_id": result.owner.pk, "user_ids": [result.owner.pk, member.pk]}


def validation_and_changes(change_deals: int, args: argparse.Namespace) -> dict[str, Any]:
    from django_tenants.utils import schema_context

    from core.records.seeding import seed
    from core.users.models import User

    workspace = create_config_workspace()
    schema, user_ids = workspace["schema"], workspace["user_ids"]
    result: dict[str, Any] = {"workspace": CONFIG_WORKSPACE, "schema": schema}
    with schema_context(schema):
        owner = User.objects.get(pk=workspace["owner_id"])
        seed(accounts=20, contacts=0, deals=0, owner_ids=user_ids, progress=lambda _m: None)
        from core.records.models import Account

        account_ids = list(Account.objects.values_list("id", flat=True))
        writes = {"cleans": args.cleans, "db_cleans": args.db_cleans, "creates": args.creates}
        result["no_fields"] = validation_costs(owner, account_ids, user_ids, tag="none", **writes)
        log(f"0 fields: clean {result['no_fields']['compiled_clean_us']['p50']} µs, clean_custom "
            f"{result['no_fields']['clean_custom_us']['p50']} µs, deal_create "
            f"{result['no_fields']['deal_create_ms']['p50']} ms (p50)")
        result["config_save_50_fields"] = timed_save(owner, fields_document(), "bench: 50 deal fields")
        result["fifty_fields"] = validation_costs(owner, account_ids, user_ids, tag="fifty", **writes)
        log(f"50 fields: clean {result['fifty_fields']['compiled_clean_us']['p50']} µs, clean_custom "
            f"{result['fifty_fields']['clean_custom_us']['p50']} µs, deal_create "
            f"{result['fifty_fields']['deal_create_ms']['p50']} ms (p50)")
        result["changes_on_size"] = config_changes(owner, schema, change_deals, args, account_ids, user_ids)
    return result


# --- output -------------------------------------------------------------------------------------------

def print_validation(part: dict[str, Any]) -> None:
    none, fifty = part["no_fields"], part["fifty_fields"]
    size = part["changes_on_size"]
    at, unique = size["validation_at_size"], size["validation_with_unique"]
    n = size["deals"]
    print(f"1. Validation per deal write (p50 / p95; 50 fields: {fifty['payload_values']} values sent, "
          f"{fifty['stored_values']} stored, {fifty['stored_json_bytes']} bytes of JSON)")
    print()
    print(f"| measured | 0 fields | 50 fields | 50 fields, {n:,} deals | + `unique` field, {n:,} deals |")
    print("|---|--:|--:|--:|--:|")

    def cell(m: dict[str, Any], key: str, unit: str, queries: str | None = None) -> str:
        text = f"{m[key]['p50']} / {m[key]['p95']} {unit}"
        return text + (f" ({m[queries]} q)" if queries else "")

    print("| `CompiledFields.clean` | " + " | ".join(cell(m, "compiled_clean_us", "µs")
                                                   for m in (none, fifty, at, unique)) + " |")
    print("| `clean_custom` (incl. DB checks) | " + " | ".join(cell(m, "clean_custom_us", "µs", "clean_custom_queries")
                                                             for m in (none, fifty, at, unique)) + " |")
    print("| `deal_create` service | " + " | ".join(cell(m, "deal_create_ms", "ms", "deal_create_queries")
                                                   for m in (none, fifty, at, unique)) + " |")
    print("| Python CPU per call (mean): clean_custom; deal_create | " + " | ".join(
        f"{m['clean_custom_cpu_us']:.0f} µs; {m['deal_create_cpu_ms']:.2f} ms" for m in (none, fifty, at, unique)) + " |")
    print()
    print("   CompiledFields.clean by field type (median µs per field, summed per type): "
          + ", ".join(f"{k} {v}" for k, v in fifty["clean_us_by_type"].items()))


def steps(change: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in sorted(change["steps_s"].items(), key=lambda kv: -kv[1])
                     if v >= 0.005)


def print_changes(size: dict[str, Any]) -> None:
    print(f"3. Accepting a configuration change, {size['deals']:,} deals with 50 fields "
          f"(records_deal {size['records_deal_mb']} MB; seeded in {size['seed_seconds']} s)")
    print()
    print("| change | deals changed | config_save | Python CPU | where the time went (s) | of which statements (s) |")
    print("|---|--:|--:|--:|---|---|")
    labels = {"add_field": "(a) add a decimal field", "type_change": "(b) `quantity` integer → decimal",
              "stage_removal": f"(c) remove stage `{REMOVED_STAGE}`, deals → `{MOVED_TO}`",
              "mark_indexed": "(d) mark `budget` indexed", "make_unique": "(e) make `contract_no` unique"}
    for key, label in labels.items():
        change = size["changes"][key]
        inside = ", ".join(f"{k} ×{change['statements_inside_rewriting'][k]} {v:.2f}"
                           for k, v in change["inside_rewriting_s"].items()) or "—"
        print(f"| {label} | {change['rows_rewritten']:,} | {change['seconds']:.2f} s | {change['python_cpu_s']:.2f} s "
              f"| {steps(change)} | {inside} |")
    build = size["changes"]["mark_indexed"]["index_build"]
    check = size["unique_check"]
    print()
    print(f"   the `unique` check of one value (clean_custom, again in lock_unique): {check['execution_ms']} ms "
          f"in PostgreSQL, plan: {' / '.join(line.strip() for line in check['plan'][:3])}")
    print(f"   index build (sync_indexes, CREATE INDEX CONCURRENTLY) on {size['deals']:,} deals: "
          f"{build['seconds']} s, {build['index_mb']} MB")


def print_list(part: dict[str, Any]) -> None:
    print(f"2. Deal list filtered and sorted by the indexed custom field `{INDEXED_KEY}`, "
          f"{part['deals']:,} deals (records_deal {part['records_deal_mb']} MB), through {part['server']}")
    print()
    without = part["without_index"]
    print(f"   without the index: {without['in_process_ms']} ms in-process, "
          f"{without['explain']['execution_ms']} ms in PostgreSQL; config_save (indexed) "
          f"{part['config_save_indexed']['seconds']} s ({steps(part['config_save_indexed'])}); "
          f"index build {part['index_build']['seconds']} s "
          f"({part['index_build']['index_mb']} MB); right after the build (before ANALYZE): "
          f"{part['after_build_before_analyze']['execution_ms']} ms, index used: "
          f"{'yes' if part['after_build_before_analyze']['index_used'] else 'no'}")
    print()
    print("| request | as | c | req/s | p50 ms | p95 ms | CPU ms/req app + db | SQL (EXPLAIN ANALYZE) "
          "| index used | load | target p95 | |")
    print("|---|---|--:|--:|--:|--:|--:|--:|---|--:|--:|---|")
    for row in part["api"]:
        plan = part["explain"][f"{row['variant']}/{row['role']}"]
        api = row["api"]
        cpu = api.get("cpu_ms_per_request", {})
        cpu_text = " + ".join(f"{cpu[k]:.1f}" for k in ("app", "db") if k in cpu) or "—"
        print(f"| {row['what']} | {row['role']} | {row['concurrency']} | {api['rps']:.0f} | {api['p50']:.1f} "
              f"| {api['p95']:.1f} | {cpu_text} | {plan['execution_ms']} ms | {'yes' if row['index_used'] else 'no'} "
              f"| {max(api['load_average_1min']):.1f} | ≤ {TARGET_P95_MS:.0f} ms | {row['verdict']} |")
    print()
    print("   plan (desc, owner):")
    for line in part["explain"]["desc/owner"]["plan"][:12]:
        print("     " + line)


# --- main -----------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of 1M deals (list) and 100k deals (changes) (default 1)")
    parser.add_argument("--cleans", type=int, default=2000, help="CompiledFields.clean calls timed (default 2000)")
    parser.add_argument("--db-cleans", type=int, default=400, help="clean_custom calls timed (default 400)")
    parser.add_argument("--creates", type=int, default=200, help="deal_create calls timed (default 200)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per API measurement (default 8)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unrecorded seconds before each measurement")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated client threads (default 1,8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (default 1: sync workers; more: gthread)")
    parser.add_argument("--skip-list", action="store_true", help="only parts 1 and 3 (no 1M-deal list)")
    parser.add_argument("--deadline", type=int, default=3600, help="give up after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the data folder / bench database")
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]
    sizes = {what: max(100, round(n * args.scale)) for what, n in FULL_SIZE.items()}

    data_dir = start_bounded_run(args.deadline, "guanxi-bench-config-")
    external_db = bool(os.environ.get("DATABASE_URL"))
    started_at = datetime.now(UTC)
    run_started = time.perf_counter()
    try:
        database_kind = prepare_environment(data_dir)
        os.environ["LOG_LEVEL"] = "ERROR"
        log(f"data folder {data_dir}; database: {database_kind}; scale {args.scale}: {sizes}")
        use_this_checkout()
        import django

        django.setup()
        pg_version = database_version()
        migrate_seconds = run_migrate(timeout=600)
        log(f"PostgreSQL {pg_version}; `guanxi migrate` took {migrate_seconds:.1f}s; load {load()}")

        part13 = validation_and_changes(sizes["change_deals"], args)
        part2 = None if args.skip_list else list_benchmark(data_dir, sizes["list_deals"], args)

        machine = {**machine_description(), "postgresql": pg_version}
        result = {
            "benchmark": "workspace configuration: custom field validation, lists by an indexed custom field, "
                         "accepting configuration changes",
            "started_at": started_at.isoformat(timespec="seconds"),
            "source": source_revision(),
            "machine": machine,
            "database": database_kind,
            "scale": args.scale,
            "sizes": sizes,
            "deal_fields": deal_field_specs(),
            "percentiles": "nearest rank",
            "validation_and_changes": part13,
            "list": part2,
            "total_seconds": round(time.perf_counter() - run_started, 1),
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"config-{started_at.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}.json"
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")

        print()
        print("Guanxi workspace configuration benchmark (p50/p95 nearest rank)")
        print(f"source: {result['source']}; scale {args.scale}: {sizes['list_deals']:,} deals for the list, "
              f"{sizes['change_deals']:,} for the changes")
        print(f"machine: {machine['nproc']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
              f"Python {machine['python']}, PostgreSQL {pg_version} ({database_kind}); "
              f"load average now {load()}")
        print()
        print_validation(part13)
        print()
        if part2 is not None:
            print_list(part2)
            print()
        print_changes(part13["changes_on_size"])
        print()
        if part2 is not None:
            misses = [r for r in part2["api"] if r["verdict"] == "MISS"]
            print(f"target p95 ≤ {TARGET_P95_MS:.0f} ms for the list: {len(part2['api']) - len(misses)} met, "
                  f"{len(misses)} missed" + (": " + ", ".join(f"{r['variant']}/{r['role']}/c={r['concurrency']}"
                                                               for r in misses) if misses else ""))
        print(f"results: {out.relative_to(REPO)}; {result['total_seconds']:.0f} s in all")
        return 0
    except (BenchError, subprocess.TimeoutExpired) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        cleanup(data_dir, external_db=external_db, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
