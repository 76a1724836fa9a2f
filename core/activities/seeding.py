"""Fast bulk activities for benchmarks and load tests: PostgreSQL COPY, like core.records.seeding.

This bypasses the write path on purpose (no audit, no events): it gives account timelines volume,
it is not a way to enter business data. Each activity hangs under one of the given accounts and is
mostly written by that account's owner (the realistic case for the member scope); some name one of
the account's contacts or deals. Times are spread over the last two years.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from .models import Activity

TABLE = Activity._meta.db_table
COLUMNS = ["id", "account_id", "contact_id", "deal_id", "lead_id", "ticket_id", "created_by_id", "created_at",
           "updated_at", "kind", "subject", "body", "occurred_at", "duration_minutes", "outcome", "author_id", "custom"]
SUBJECTS = {
    "call": ["电话沟通报价", "电话回访", "电话确认需求", "电话跟进付款", "Follow-up call"],
    "meeting": ["方案评审会", "季度业务回顾", "合同条款讨论", "Kick-off meeting"],
    "visit": ["上门拜访", "现场产品演示", "工厂参观", "Site visit"],
    "email": ["发送报价单", "发送合同草稿", "发送产品资料", "Sent the proposal"],
    "wechat": ["微信沟通交期", "微信发送样品照片", "微信确认发票信息"],
    "note": ["客户反馈记录", "竞品情况备注", "采购流程说明"],
}
# calls and WeChat messages are everyday work, visits rarer
KIND_WEIGHTS = {"call": 35, "wechat": 25, "email": 15, "meeting": 10, "visit": 8, "note": 7}
TIMED_KINDS = {"call": (2, 30), "meeting": (30, 120), "visit": (60, 240)}
BODIES = ["", "", "客户对价格比较敏感，需要再确认折扣。", "对方采购负责人下周出差，约定月底再联系。",
          "演示效果不错，客户希望试用一个月。", "已把需求转给技术部评估。", "Asked for a revised quote."]
OUTCOMES = ["", "待跟进", "客户有意向", "需要再报价", "已确认", "暂无需求"]
SPREAD = timedelta(days=730)
KEY_ACCOUNT_SHARE = 0.01  # 1 % of the accounts ("key accounts") …
KEY_ACTIVITY_SHARE = 0.10  # … get 10 % of the activities, so some timelines are long


def _by_account(sql: str, account_ids: list[int]) -> dict[int, list[int]]:
    """{account id: [row ids]} for contacts or deals under the given accounts (one query)."""
    grouped: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [account_ids])
        for row_id, account_id in cursor.fetchall():
            grouped.setdefault(account_id, []).append(row_id)
    return grouped


def seed_activities(*, count: int, account_ids: list[int], owner_ids: list[int], seed_value: int = 7,
                    progress: Callable[[str], None] = print) -> int:
    """Insert `count` activities under `account_ids` in the current workspace schema; returns `count`.

    Authors are the accounts' owners (85 %) or any of `owner_ids`; 40 % of the activities name one of
    the account's contacts and 20 % one of its deals, when it has some.
    """
    if count <= 0:
        return 0
    if not account_ids or not owner_ids:
        raise ValueError("Activities need accounts to hang under and users to write them.")
    rng = random.Random(seed_value)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, owner_id FROM records_account WHERE id = ANY(%s)", [account_ids])
        owners: dict[int, int | None] = dict(cursor.fetchall())
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {TABLE}")  # noqa: S608 (fixed name)
        start_id = cursor.fetchone()[0]
    account_ids = sorted(owners)  # the ones that exist
    if not account_ids:
        raise ValueError("None of the given accounts exists in this workspace.")
    contacts = _by_account("SELECT id, account_id FROM records_contact WHERE account_id = ANY(%s)", account_ids)
    deals = _by_account("SELECT id, account_id FROM records_deal WHERE account_id = ANY(%s)", account_ids)
    key_accounts = rng.sample(account_ids, max(1, int(len(account_ids) * KEY_ACCOUNT_SHARE)))
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())

    def rows():
        for i in range(count):
            account_id = rng.choice(key_accounts if rng.random() < KEY_ACTIVITY_SHARE else account_ids)
            owner = owners.get(account_id)
            author = owner if owner is not None and rng.random() < 0.85 else rng.choice(owner_ids)
            kind = rng.choices(kinds, weights)[0]
            occurred = now - timedelta(seconds=rng.randint(0, int(SPREAD.total_seconds())))
            logged = occurred + timedelta(minutes=rng.randint(0, 90))
            contact_ids = contacts.get(account_id)
            contact = rng.choice(contact_ids) if contact_ids and rng.random() < 0.4 else None
            deal_ids = deals.get(account_id)
            deal = rng.choice(deal_ids) if deal_ids and rng.random() < 0.2 else None
            span = TIMED_KINDS.get(kind)
            duration = rng.randint(*span) if span else None
            yield (start_id + i, account_id, contact, deal, None, None, author, logged, logged, kind,
                   rng.choice(SUBJECTS[kind]), rng.choice(BODIES), occurred, duration, rng.choice(OUTCOMES), author, "{}")
            if i and i % 100_000 == 0:
                progress(f"  activities: {i}")

    with connection.cursor() as cursor, cursor.connection.cursor().copy(
            f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows():
            copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "  # noqa: S608 (fixed name)
                       f"COALESCE((SELECT MAX(id) FROM {TABLE}), 1))")
        cursor.execute(f"ANALYZE {TABLE}")
    return count
