"""Synthetic members for benchmarks, as HQ records, loaded through the sync's apply code.

Deterministic for (index, seed); names draw on common surnames and given-name characters
so name and pinyin-initials searches see realistic fan-out.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from counter.codes import make_card_no
from counter.services.context import ServiceContext
from counter.sync.apply import apply_member_records

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏飞建华文辉力斌宇"
    "浩凯鑫博文瑞欣怡梓涵子轩雨涵一诺思远佳琪晨曦嘉怡俊杰志强海燕婷婷晓东小红春梅国庆"
    "建国长青"
)
PAGE = 5000


def member_record(i: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(i * 1_000_003 + seed)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    # A bijection of i onto 9-digit numbers keeps phones unique without bookkeeping.
    body = (i * 7_919 + 12_345_678) % 1_000_000_000
    phone = f"1{rng.choice('3456789')}{body:09d}"
    allergic = rng.random() < 0.08
    return {
        "id": f"01900000-0000-7000-8000-{i:012d}",
        "seq": i + 1,
        "status": "active",
        "member_no": f"{1_000_000_000 + i}",
        "name": name,
        "gender": rng.choice("FM"),
        "birthday": dt.date(
            1940 + rng.randrange(68), 1 + rng.randrange(12), 1 + rng.randrange(28)
        ).isoformat(),
        "phone": phone,
        "email": "",
        "address": "",
        "tier": rng.choices(("basic", "silver", "gold"), (70, 22, 8))[0],
        "points": int(rng.expovariate(1 / 800)),
        "health": {"allergies": ["青霉素"], "chronic": [], "medicines": []} if allergic else None,
        "updated_at": "2026-11-01T00:00:00Z",
        "cards": [{"card_no": make_card_no(f"{880_000_000_000_000 + i:015d}"), "status": "active"}],
    }


def records(n: int, seed: int = 7) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, n, PAGE):
        yield [member_record(i, seed) for i in range(start, min(n, start + PAGE))]


def load(
    ctx: ServiceContext, n: int, progress: Callable[[int], None] | None = None
) -> tuple[int, float]:
    """Apply ``n`` members page by page as a first sync would; (members, seconds)."""
    began = time.perf_counter()
    done = 0
    now = ctx.now()
    for page in records(n):
        # Generated records are canonical by construction; the sync parses what HQ sends.
        with ctx.db.bulk() as s:
            apply_member_records(s, page, ctx.cipher, now)
        done += len(page)
        if progress:
            progress(done)
    return done, time.perf_counter() - began


def cache_path(root: Path, n: int) -> Path:
    return root / f"lookup-{n}" / "counter.db"
