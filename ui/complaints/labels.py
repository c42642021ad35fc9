"""Names of the complaint codes (category, severity, channel, state, follow-up method)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def category_label(code: str) -> str:
    return {
        "service_attitude": QCoreApplication.translate("ComplaintLabels", "Service attitude"),
        "product_quality": QCoreApplication.translate("ComplaintLabels", "Product quality"),
        "price": QCoreApplication.translate("ComplaintLabels", "Price"),
        "waiting_time": QCoreApplication.translate("ComplaintLabels", "Waiting time"),
        "pharmacist_advice": QCoreApplication.translate("ComplaintLabels", "Pharmacist advice"),
        "store_environment": QCoreApplication.translate("ComplaintLabels", "Store environment"),
        "other": QCoreApplication.translate("ComplaintLabels", "Other"),
    }.get(code, code)


def severity_label(code: str) -> str:
    return {
        "low": QCoreApplication.translate("ComplaintLabels", "Low"),
        "medium": QCoreApplication.translate("ComplaintLabels", "Medium"),
        "high": QCoreApplication.translate("ComplaintLabels", "High"),
        "urgent": QCoreApplication.translate("ComplaintLabels", "Urgent"),
    }.get(code, code)


def channel_label(code: str) -> str:
    return {
        "counter": QCoreApplication.translate("ComplaintLabels", "At the counter"),
        "phone": QCoreApplication.translate("ComplaintLabels", "Phone"),
        "online": QCoreApplication.translate("ComplaintLabels", "Online"),
    }.get(code, code)


def state_label(code: str) -> str:
    return {
        "received": QCoreApplication.translate("ComplaintLabels", "Received"),
        "handling": QCoreApplication.translate("ComplaintLabels", "Handling"),
        "resolved": QCoreApplication.translate("ComplaintLabels", "Resolved"),
        "closed": QCoreApplication.translate("ComplaintLabels", "Closed"),
        "escalated": QCoreApplication.translate("ComplaintLabels", "Escalated to HQ"),
    }.get(code, code)


def method_label(code: str) -> str:
    return {
        "phone": QCoreApplication.translate("ComplaintLabels", "Phone"),
        "in_store": QCoreApplication.translate("ComplaintLabels", "In store"),
        "wechat": QCoreApplication.translate("ComplaintLabels", "WeChat"),
    }.get(code, code)


def when(moment: object) -> str:
    """A time as the counter shows it: local, to the minute."""
    import datetime as dt

    assert isinstance(moment, dt.datetime)
    return moment.astimezone().strftime("%m-%d %H:%M")
