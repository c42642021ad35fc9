"""Names of the work list's kinds and the outcomes of a task, as the counter shows them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

KINDS = ("care_task", "refill", "followup", "birthday")  # the work list's groups, in this order


def kind_label(kind: str) -> str:
    return {
        "care_task": QCoreApplication.translate("CareLabels", "Care plan tasks"),
        "refill": QCoreApplication.translate("CareLabels", "Refill reminders"),
        "followup": QCoreApplication.translate("CareLabels", "Complaint follow-up visits"),
        "birthday": QCoreApplication.translate("CareLabels", "Birthdays this week"),
    }.get(kind, kind)


def outcome_label(outcome: str, kind: str = "care_task") -> str:
    """The outcome as its button says it; what "declined" does depends on the row's kind."""
    if kind == "birthday" and outcome == "reached":
        return QCoreApplication.translate("CareLabels", "Greeted")
    if outcome == "declined":
        return {
            "care_task": QCoreApplication.translate("CareLabels", "Declined (the plan ends)"),
            "refill": QCoreApplication.translate(
                "CareLabels", "Declined (no reminder till the next refill)"
            ),
        }.get(kind, QCoreApplication.translate("CareLabels", "Declined"))
    return {
        "reached": QCoreApplication.translate("CareLabels", "Reached"),
        "no_answer": QCoreApplication.translate("CareLabels", "No answer (again tomorrow)"),
        "visited": QCoreApplication.translate("CareLabels", "Came to the store"),
    }.get(outcome, outcome)


def since_label(due: dt.date, today: dt.date) -> str:
    """ "today", "since 12-03 (4 days)": how long a task has waited, in the store's days."""
    days = (today - due).days
    if days <= 0:
        return (
            QCoreApplication.translate("CareLabels", "today")
            if days == 0
            else due.strftime("%m-%d")
        )
    return QCoreApplication.translate("CareLabels", "since {0} ({1} days)").format(
        due.strftime("%m-%d"), days
    )
