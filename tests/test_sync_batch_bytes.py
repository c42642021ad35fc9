"""Push batches stay well under HQ's body limit (issue 8 item 4), whatever the ops hold."""

from __future__ import annotations

from counter import services
from counter.sync.push import MAX_BATCH_BYTES, take_batch
from hq.body import DEFAULT_MAX_BODY_BYTES


def test_a_batch_is_bounded_by_bytes_as_well_as_by_count(
    ctx: services.ServiceContext, service_actor: services.Actor
) -> None:
    for i in range(10):
        services.create_complaint(
            ctx, service_actor, category="other", severity="low", channel="counter",
            description=f"{i}" + "很长的投诉" * 799,
            customer_name="王女士", customer_phone="13912345678",
        )  # fmt: skip
    first, last_seq = take_batch(ctx, 500, max_bytes=50_000)
    assert 2 <= len(first) < 10  # about 12 KB each
    rest, _ = take_batch(ctx, 500, last_seq, max_bytes=50_000)
    assert len(first) + len(rest) <= 10 and rest
    one, _ = take_batch(ctx, 500, max_bytes=1)  # never less than one op
    assert len(one) == 1
    assert MAX_BATCH_BYTES * 2 <= DEFAULT_MAX_BODY_BYTES
