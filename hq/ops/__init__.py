"""``POST /v1/ops``: applying a batch of operations (``hq.ops.batch``), op by op.

One module per op family holds its handlers: ``hq.ops.members``, ``hq.ops.points``,
``hq.ops.complaints``, ``hq.ops.care``; ``hq.ops.base`` what they share (the batch, the
outcome, the refusal).
"""

from __future__ import annotations

from hq.ops.base import Applied, Batch, Rejection
from hq.ops.batch import (
    HANDLERS,
    Prepared,
    Stored,
    answer_stored,
    answer_text,
    apply_batch,
    body_hash,
    prepare,
    read_stored,
)

__all__ = [
    "HANDLERS",
    "Applied",
    "Batch",
    "Prepared",
    "Rejection",
    "Stored",
    "answer_stored",
    "answer_text",
    "apply_batch",
    "body_hash",
    "prepare",
    "read_stored",
]
