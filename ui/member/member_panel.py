"""The member on screen: who, which tier, how many points (and which of them HQ knows).

It shows a ``services.MemberView`` exactly as the core gives it: the core has already
masked name and phone (for every role, DESIGN §7), so this widget never sees what it must not
show. A service assistant or manager asks for them with "Show name and phone" (Ctrl+R): the
window asks ``services.reveal_member``, which audits it, and hands the answer to
``show_contact`` until the next member.
Points are "HQ balance ± this store's pending entries", labelled as such (DESIGN §5), with
what expires soon; badges (birthday month, member day) and the last visits come from the
view as well: the panel decides nothing, it only lays things out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter import services
from ui.member.lookup_bar import format_card
from ui.shell.labels import tier_label
from ui.shell.style import set_state

VISIT_ROWS = 5


def _value_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _label(object_name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    return label


def format_yuan(fen: int) -> str:
    """4250 fen → "¥42.50" (whole numbers, no float rounding)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


class MemberPanel(QStackedWidget):
    """Page 0: the empty state asking for a scan. Page 1: the member.

    ``store_code``: this store, so its visits read "this store" rather than a code.
    ``revealRequested`` carries the member id when the operator asks for name and phone.
    """

    revealRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, store_code: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("memberPanel")
        self.store_code = store_code
        self.view: services.MemberView | None = None
        self.contact: services.Contact | None = None
        self.can_reveal = False
        self.addWidget(self._build_empty())
        self.addWidget(self._build_details())
        self.clear()

    def _build_empty(self) -> QWidget:
        page = QWidget()
        page.setObjectName("memberEmpty")
        prompt = QLabel(self.tr("Scan a member card or the member's code"))
        prompt.setObjectName("emptyPrompt")
        prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel(
            self.tr(
                "or type the phone number, its last 4 digits, the name or its pinyin initials "
                "above and press Enter"
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("emptyHint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        layout.addWidget(prompt)
        layout.addWidget(hint)
        layout.addStretch(3)
        return page

    def _build_details(self) -> QWidget:
        page = QWidget()
        page.setObjectName("memberDetails")
        self.allergyBanner = QLabel()
        self.allergyBanner.setObjectName("allergyBanner")
        self.allergyBanner.setWordWrap(True)
        # Shown only for a member this counter also registered offline (a re-point).
        self.repointNote = QLabel()
        self.repointNote.setObjectName("repointNote")
        self.repointNote.setWordWrap(True)
        self.repointNote.hide()

        self.nameLabel = _value_label("memberName")
        self.tierLabel = QLabel()
        self.tierLabel.setObjectName("memberTier")
        self.originLabel = QLabel()
        self.originLabel.setObjectName("memberOrigin")
        self.birthdayBadge = _label("birthdayBadge", self.tr("Birthday month"))
        self.birthdayBadge.setToolTip(self.tr("The member's birthday is this month."))
        self.memberDayBadge = _label("memberDayBadge", self.tr("Member day"))
        self.memberDayBadge.setToolTip(self.tr("Today is a member day."))

        self.pointsLabel = _value_label("memberPoints")
        self.pointsDetailLabel = QLabel()
        self.pointsDetailLabel.setObjectName("memberPointsDetail")
        # Short lines, no word wrap: a wrapping label costs the scan a height-for-width
        # layout pass (about 1 ms of the scan-to-panel budget, measured).
        self.expiringLabel = _label("pointsExpiring")

        self.phoneLabel = _value_label("memberPhone")
        self.revealButton = QPushButton(self.tr("Show name and phone"))
        self.revealButton.setObjectName("revealButton")
        self.revealButton.setAutoDefault(False)
        self.revealButton.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps it
        self.revealButton.setToolTip(
            self.tr("Ctrl+R: show this member's full name and phone; each time is audited")
        )
        self.revealButton.clicked.connect(self._reveal_clicked)
        self.memberNoLabel = _value_label("memberNo")
        self.cardsLabel = _value_label("memberCards")

        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(self.nameLabel, 0, Qt.AlignmentFlag.AlignVCenter)
        for badge in (self.tierLabel, self.birthdayBadge, self.memberDayBadge, self.originLabel):
            head.addWidget(badge, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addStretch(1)

        points = QFrame()
        points.setObjectName("pointsBox")
        points_layout = QVBoxLayout(points)
        caption = QLabel(self.tr("Points"))
        caption.setObjectName("fieldCaption")
        points_layout.addWidget(caption)
        points_layout.addWidget(self.pointsLabel)
        points_layout.addWidget(self.pointsDetailLabel)
        points_layout.addWidget(self.expiringLabel)

        facts = QGridLayout()
        facts.setHorizontalSpacing(24)
        facts.setVerticalSpacing(10)
        for row, (text, value) in enumerate(
            (
                (self.tr("Phone"), self.phoneLabel),
                (self.tr("Member no."), self.memberNoLabel),
                (self.tr("Cards"), self.cardsLabel),
            )
        ):
            caption = QLabel(text)
            caption.setObjectName("fieldCaption")
            facts.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignBaseline)
            facts.addWidget(value, row, 1, Qt.AlignmentFlag.AlignBaseline)
        facts.addWidget(self.revealButton, 0, 2, Qt.AlignmentFlag.AlignVCenter)
        facts.setColumnStretch(1, 1)

        body = QGridLayout()
        body.setHorizontalSpacing(24)
        body.setVerticalSpacing(16)
        body.addLayout(facts, 0, 0)
        body.addWidget(self._build_visits(), 1, 0)
        body.addWidget(points, 0, 1, 2, 1, Qt.AlignmentFlag.AlignTop)
        body.setColumnStretch(0, 3)
        body.setColumnStretch(1, 2)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(self.allergyBanner)
        layout.addWidget(self.repointNote)
        layout.addLayout(head)
        layout.addSpacing(12)
        layout.addLayout(body)
        layout.addStretch(1)
        return page

    def _build_visits(self) -> QFrame:
        """The last visits, newest first: date, store, amount in yuan; up to five rows."""
        box = QFrame()
        box.setObjectName("recentVisits")
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(4)
        caption = QLabel(self.tr("Recent visits"))
        caption.setObjectName("fieldCaption")
        grid.addWidget(caption, 0, 0, 1, 3)
        self.visitsEmpty = _label("visitsEmpty", self.tr("No visits on record"))
        grid.addWidget(self.visitsEmpty, 1, 0, 1, 3)
        self.visitRows: list[tuple[QLabel, QLabel, QLabel]] = []
        for row in range(VISIT_ROWS):
            cells = (_label("visitDate"), _label("visitStore"), _label("visitAmount"))
            cells[2].setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, cell in enumerate(cells):
                grid.addWidget(cell, row + 2, column)
            self.visitRows.append(cells)
        grid.setColumnStretch(3, 1)
        return box

    def clear(self) -> None:
        """Back to the empty state (also on lock: the next operator must not see this member)."""
        self.view = None
        self.contact = None
        self.setCurrentIndex(0)

    def set_can_reveal(self, allowed: bool) -> None:
        """Whether the operator signed in may reveal name and phone (service, manager)."""
        self.can_reveal = allowed
        self._update_reveal()

    def _update_reveal(self) -> None:
        self.revealButton.setVisible(
            self.can_reveal and self.view is not None and self.view.masked and not self.contact
        )

    def _reveal_clicked(self) -> None:
        if self.view is not None and self.can_reveal:
            self.revealRequested.emit(self.view.id)

    def show_contact(self, contact: services.Contact) -> None:
        """Name and phone in clear, for the member on screen only (not one shown since)."""
        if self.view is None or contact.member_id != self.view.id:
            return
        self.contact = contact
        self.nameLabel.setText(contact.name)
        self.phoneLabel.setText(contact.phone or "—")
        self._update_reveal()

    def show_member(self, view: services.MemberView) -> None:
        self.view = view
        self.contact = None
        self._update_reveal()
        self.nameLabel.setText(view.name)
        self.tierLabel.setText(tier_label(view.tier))
        set_state(self.tierLabel, "tier", view.tier)
        self.originLabel.setText(
            self.tr("New at this store, not yet confirmed by HQ") if view.origin == "local" else ""
        )
        self.originLabel.setVisible(view.origin == "local")
        self.repointNote.setText(self.repoint_text(view))
        self.repointNote.setVisible(view.merged_here)
        self.phoneLabel.setText(view.phone or "—")
        self.memberNoLabel.setText(view.member_no or self.tr("not assigned yet (HQ assigns it)"))
        self.cardsLabel.setText(
            "\n".join(format_card(c) for c in view.card_nos) or self.tr("no card")
        )
        self.pointsLabel.setText(f"{view.points_shown:,}")
        self.pointsDetailLabel.setText(self.points_detail(view))
        expiring = self.expiring_text(view)
        self.expiringLabel.setText(expiring)
        self.expiringLabel.setVisible(bool(expiring))
        self.birthdayBadge.setVisible("birthday_month" in view.badges)
        self.memberDayBadge.setVisible("member_day" in view.badges)
        self.show_visits(view)
        self.allergyBanner.setText(self.allergy_text(view))
        self.allergyBanner.setVisible(view.allergy_alert)
        self.setCurrentIndex(1)

    def repoint_text(self, view: services.MemberView) -> str:
        """Words for a registration of this counter that the sync moved to HQ's member."""
        if view.merged_here:
            return self.tr(
                "Registered at this counter while offline, but this phone was already HQ's "
                "member {0}: the sync moved this counter's records (points, consents, "
                "complaints) to this member. Nothing was lost."
            ).format(view.member_no or "—")
        return ""

    def allergy_text(self, view: services.MemberView) -> str:
        """Name the drugs when the core could read them ("?" means the record is unreadable)."""
        known = [a for a in view.allergies if a and a != "?"]
        if not known:
            return self.tr(
                "Drug allergy on record: check with the pharmacist before selling medicine."
            )
        return self.tr(
            "Allergic to {0}: check with the pharmacist before selling medicine."
        ).format(self.tr(", ").join(known))

    def points_detail(self, view: services.MemberView) -> str:
        """Which part HQ has confirmed and which is this store's, not yet synced."""
        if view.pending_points == 0:
            return self.tr("HQ balance {0:,}; nothing pending").format(view.hq_points)
        return self.tr("HQ balance {0:,} {1} {2:,} pending at this store").format(
            view.hq_points,
            "+" if view.pending_points > 0 else "−",
            abs(view.pending_points),
        )

    def expiring_text(self, view: services.MemberView) -> str:
        """One line per date, soonest first, as the core sorted them."""
        return "\n".join(
            self.tr("{0:,} points expire on {1}").format(e.points, e.expires_on.isoformat())
            for e in view.points_expiring
        )

    def show_visits(self, view: services.MemberView) -> None:
        visits = view.recent_visits[:VISIT_ROWS]
        self.visitsEmpty.setVisible(not visits)
        for row, cells in enumerate(self.visitRows):
            if row < len(visits):
                visit = visits[row]
                cells[0].setText(visit.at.astimezone().strftime("%Y-%m-%d"))
                cells[1].setText(self.store_text(visit.store_code))
                cells[2].setText(format_yuan(visit.amount_fen))
            for cell in cells:
                cell.setVisible(row < len(visits))

    def store_text(self, store_code: str) -> str:
        if store_code and store_code == self.store_code:
            return self.tr("this store ({0})").format(store_code)
        return store_code or "—"
