"""Fast bulk data for benchmarks and load tests: PostgreSQL COPY, values shaped like real ones.

This bypasses the write path on purpose (no audit, no history, no events): it fills a workspace
with volume, it is not a way to enter business data. Encryption and search tokens are still
computed exactly as the services compute them, so queries behave as in production.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from core.crypto.cipher import encrypt
from core.customization.pipelines import NEW_BUSINESS
from core.entities.normalize import company_key
from core.entities.search import record_tokens

from .models import Account, Contact, Deal

PROVINCES = [("浙江省", "杭州市"), ("上海市", "上海市"), ("北京市", "北京市"), ("广东省", "深圳市"),
             ("广东省", "广州市"), ("四川省", "成都市"), ("江苏省", "南京市"), ("湖北省", "武汉市")]
PREFIXES = ["杭州", "上海", "北京", "深圳", "广州", "成都", "南京", "武汉", "苏州", "西安"]
WORDS = ["示例", "华东", "远景", "海纳", "天府", "江城", "紫金", "新材", "岭南", "秦川", "星辰", "晨光", "瑞丰", "恒达"]
TRADES = ["科技", "机械", "电子", "食品", "物流", "医疗", "教育", "贸易", "材料", "服饰"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "娜", "敏", "洋", "静", "磊", "丽", "强", "婷", "杰", "军", "燕", "超", "霞"]


def _pg_array(values: Iterable[str]) -> str:
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def _copy(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    with connection.cursor() as cursor, cursor.connection.cursor().copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _phone(rng: random.Random) -> str:
    return f"+861{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def seed(*, accounts: int, contacts: int, deals: int, owner_ids: list[int], seed_value: int = 7,
         progress: Callable[[str], None] = print,
         deal_custom: Callable[[int], Mapping[str, Any]] | None = None) -> dict[str, int]:
    """Insert the given numbers of rows in the current workspace schema; returns what was inserted.

    `deal_custom(i)`, when given, is the `custom` value of the i-th new deal, as stored: values already
    cleaned (and sensitive ones encrypted) by the caller, nothing is validated here. Without it deals
    have no custom values.
    """
    rng = random.Random(seed_value)
    now = timezone.now()
    account_ctx = f"{Account._meta.label_lower}.phones"
    contact_ctx = f"{Contact._meta.label_lower}.phones"
    import json

    start_id = (Account.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

    def account_rows():
        for i in range(accounts):
            name = f"{rng.choice(PREFIXES)}{rng.choice(WORDS)}{rng.choice(TRADES)}{i}有限公司"
            phones = [_phone(rng)]
            emails = [f"info{start_id + i}@example.com"]
            province, city = rng.choice(PROVINCES)
            owner = None if i % 20 == 0 else rng.choice(owner_ids)
            yield (start_id + i, name, company_key(name), "company", rng.choice("ABC"), rng.choice(TRADES), "展会",
                   "active", "{}", encrypt(json.dumps(phones), account_ctx), _pg_array(emails), province, city, "",
                   "", "", "", "", "", "", owner, None, now, now, "{}",
                   _pg_array(record_tokens(texts=[name, *emails], phones=phones)))
            if i and i % 20000 == 0:
                progress(f"  accounts: {i}")

    _copy("records_account", ["id", "name", "name_key", "kind", "level", "industry", "source", "status", "tags",
                              "phones", "emails", "province", "city", "district", "address", "website",
                              "description", "billing_name", "tax_number", "bank_account", "owner_id",
                              "created_by_id", "created_at", "updated_at", "custom", "search_tokens"],
          account_rows())
    account_ids = list(range(start_id, start_id + accounts))
    contact_start = (Contact.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

    def contact_rows():
        for i in range(contacts):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
            phones = [_phone(rng)]
            emails = [f"c{contact_start + i}@example.com"]
            account_id = rng.choice(account_ids) if account_ids else None
            yield (contact_start + i, account_id, name, "经理", encrypt(json.dumps(phones), contact_ctx),
                   _pg_array(emails), "", None, "other", rng.choice(owner_ids), None, now, now, "{}",
                   _pg_array(record_tokens(texts=[name, *emails], phones=phones)), None)

    _copy("records_contact", ["id", "account_id", "name", "title", "phones", "emails", "wechat_id", "birthday",
                              "purchase_role", "owner_id", "created_by_id", "created_at", "updated_at", "custom",
                              "search_tokens", "merged_into_id"], contact_rows())
    stages = NEW_BUSINESS.stages
    deal_start = (Deal.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

    def deal_rows():
        for i in range(deals):
            stage = rng.choice(stages)
            closed = now - timedelta(days=rng.randint(0, 300)) if stage.kind != "open" else None
            yield (deal_start + i, f"商机 {deal_start + i}", rng.choice(account_ids), None,
                   Decimal(rng.randint(1, 500)) * 1000, "CNY", None, "new_business", stage.key, stage.kind,
                   stage.probability, "", closed, now, rng.choice(owner_ids), None, now, now,
                   json.dumps(deal_custom(i), ensure_ascii=False) if deal_custom is not None else "{}", "{}")

    _copy("records_deal", ["id", "name", "account_id", "contact_id", "amount", "currency", "expected_close_date",
                           "pipeline", "stage", "stage_kind", "probability", "won_lost_reason", "closed_at",
                           "stage_entered_at", "owner_id", "created_by_id", "created_at", "updated_at", "custom",
                           "search_tokens"], deal_rows())
    with connection.cursor() as cursor:
        for table in ("records_account", "records_contact", "records_deal"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (fixed names)
                           f"COALESCE((SELECT MAX(id) FROM {table}), 1))")
            cursor.execute(f"ANALYZE {table}")
    return {"accounts": accounts, "contacts": contacts, "deals": deals}
