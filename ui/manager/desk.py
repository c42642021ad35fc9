"""The manager's desk (F12): one window, a tab per part (operators, audit trail, figures).

Managers only: the window checks the role when it opens (``open_desk``) and each service
behind a tab checks it again. Ctrl+Tab / Ctrl+Shift+Tab or a tab's Alt key move between tabs,
Esc closes; locking the counter closes the desk (it shows staff and the trail).
A new part is one more entry in ``_tabs``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QTabWidget, QVBoxLayout, QWidget

from counter import services
from ui.manager.audit_tab import AuditTab
from ui.manager.figures_tab import FiguresTab
from ui.manager.operators_tab import OperatorsTab
from ui.shell.tasks import BaseRunner

DESK_ROLES = ("manager",)  # DESIGN §11


class ManagerDesk(QDialog):
    changed = Signal()  # something the main window shows may have changed (operators)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("managerDesk")
        self.setWindowTitle(self.tr("Manager's desk"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.tabs = QTabWidget()
        self.tabs.setObjectName("deskTabs")
        self.operatorsTab = OperatorsTab(ctx, actor, runner, language=language)
        self.operatorsTab.changed.connect(self.changed)
        self.figuresTab = FiguresTab(ctx, actor, runner, language=language)
        self.auditTab = AuditTab(ctx, actor, runner, language=language)
        for widget, title in self._tabs():
            self.tabs.addTab(widget, title)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.whoLabel = who = QLabel(self.tr("Signed in: {0}").format(actor.name))
        who.setObjectName("deskWho")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(who)
        self.resize(1000, 640)

    def _tabs(self) -> list[tuple[QWidget, str]]:
        return [
            (self.operatorsTab, self.tr("&Operators")),
            (self.auditTab, self.tr("Audi&t trail")),
            (self.figuresTab, self.tr("&Figures")),
        ]

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self._tab_shown(index)

    def _tab_shown(self, index: int) -> None:
        widget = self.tabs.widget(index)
        focus = getattr(widget, "focus_list", None)
        if callable(focus):
            focus()

    def set_actor(self, actor: services.Actor) -> None:
        """The manager signed in now (the desk is kept between openings)."""
        self.actor = actor
        self.operatorsTab.actor = actor
        self.figuresTab.actor = actor
        self.auditTab.actor = actor
        self.whoLabel.setText(self.tr("Signed in: {0}").format(actor.name))

    def start(self) -> None:
        """Load every tab's first view (off the UI thread) and put the keyboard in it."""
        self.operatorsTab.reload()
        self.figuresTab.stale = True  # counted again when shown
        self.auditTab.loaded = False  # the trail has grown since: read it again when shown
        self._tab_shown(self.tabs.currentIndex())


def refusal_text() -> str:
    """What F12 says to a cashier or service assistant instead of opening."""
    return QCoreApplication.translate(
        "ManagerDesk",
        "The manager's desk (F12) is for a store manager: operators, the audit trail and "
        "the store's figures. Lock the counter (Ctrl+L) and let a manager sign in.",
    )
