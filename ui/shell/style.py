"""Dynamic properties that the stylesheet keys on (``[tone="refusal"]``, ``[invalid="true"]``)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def set_state(widget: QWidget, name: str, value: object) -> None:
    """Set a property and re-apply the stylesheet, which Qt does not do by itself."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
