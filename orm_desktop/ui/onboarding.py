"""First run: a wizard that sets up an empty workspace.

Brand (with its query, contact and status page), executives and competitors (queries generated
from the names, editable, validated as you type), the default feeds to start from, and the
workspace's key messages. Nothing is written until Finish; then everything goes through the
Service like the CLI's `entities add`, `feeds add`, `settings set` and `key-messages add`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from orm_desktop.errors import KnownError, QueryError
from orm_desktop.paths import resource_path
from orm_desktop.ui.widgets import DiscardGuard, button_row, named, split_aliases

DEFAULT_FEEDS = resource_path("feeds.opml")
ERROR_STYLE = "color: #C0392B"


def query_problem(query: str, aliases: list[str] | tuple[str, ...] = ()) -> str:
    """'' when the entity query (with its aliases) is valid, else the parser's message (with the
    position) or the service's own check of the aliases (control characters, lengths, how many)."""
    from orm_desktop.errors import UsageError
    from orm_desktop.ingest.query import EntityQuery
    from orm_desktop.service import check_entity_lengths

    try:
        check_entity_lengths(aliases=aliases)
        EntityQuery.parse(query, tuple(aliases))
    except (QueryError, UsageError) as exc:
        return str(exc)
    return ""


def suggested_query(kind: str, name: str, brand: str = "") -> str:
    """The query a name starts with: the exact name; an executive's surname also counts next
    to the brand ("Jane Doe" OR (Doe AND "Acme"))."""
    name = " ".join(name.replace('"', "").split())
    if not name:
        return ""
    q = f'"{name}"'
    if kind == "executive" and brand and " " in name:
        q += f' OR ({name.split()[-1]} AND "{brand.replace(chr(34), "")}")'
    return q


class BrandPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your brand")
        self.setSubTitle("Who this workspace watches, and how replies reach people.")
        self.name = QLineEdit(placeholderText="Acme")
        self.query = QLineEdit(placeholderText='"Acme Corp" OR Acme -"Acme anvil"')
        self.error = QLabel(styleSheet=ERROR_STYLE)
        self.contact = QLineEdit(placeholderText="press@acme.example or +44 20 7946 0000")
        self.status_page = QLineEdit(placeholderText="https://status.acme.example")
        self._auto = ""
        form = QFormLayout(self)
        form.addRow("Brand name", self.name)
        form.addRow("Query", self.query)
        form.addRow("", self.error)
        form.addRow(QLabel("Query syntax: words, \"exact phrases\", OR, AND (or a space), -exclude or NOT, "
                           "parentheses; case-insensitive, whole words."))
        form.addRow("Contact for replies ({contact})", self.contact)
        form.addRow("Status page ({status_page})", self.status_page)
        self.name.textChanged.connect(self._name_changed)
        self.query.textChanged.connect(self.check)

    def _name_changed(self, text: str) -> None:
        if self.query.text() in ("", self._auto):  # follow the name until the user writes a query
            self._auto = suggested_query("brand", text)
            self.query.setText(self._auto)
        self.completeChanged.emit()

    def check(self) -> None:
        problem = query_problem(self.query.text()) if self.query.text().strip() else ""
        self.error.setText(problem)
        self.query.setStyleSheet("border: 1px solid #C0392B" if problem else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return bool(self.name.text().strip() and self.query.text().strip() and not self.error.text())


class PeoplePage(QWizardPage):
    """Executives or competitors: a table of names (and titles) with generated, editable queries."""

    def __init__(self, kind: str, title: str, subtitle: str, brand_page: BrandPage) -> None:
        super().__init__()
        self.kind, self.brand_page = kind, brand_page
        self.setTitle(title)
        self.setSubTitle(subtitle)
        # "Also known as": other names, comma separated, as the Entities page's Aliases
        self.columns = (["Name", "Title", "Also known as", "Query"] if kind == "executive"
                        else ["Name", "Also known as", "Query"])
        # Tab leaves the table (else it wrapped round its cells for ever); arrows move between cells
        self.table = named(QTableWidget(3, len(self.columns)), title, tab_leaves=True)
        self.table.setHorizontalHeaderLabels(self.columns)
        self.table.horizontalHeader().setSectionResizeMode(len(self.columns) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        for col, width in enumerate((160, 120, 160) if kind == "executive" else (180, 200)):
            self.table.setColumnWidth(col, width)
        self.errors = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addLayout(button_row((("Add a row", self.add_row),)))
        lay.addWidget(self.errors)
        self.table.cellChanged.connect(self.cell_changed)

    @property
    def qcol(self) -> int:
        return len(self.columns) - 1

    @property
    def acol(self) -> int:  # "Also known as"
        return len(self.columns) - 2

    def add_row(self) -> None:
        self.table.insertRow(self.table.rowCount())

    def text(self, row: int, col: int) -> str:
        it = self.table.item(row, col)
        return it.text().strip() if it is not None else ""

    def set_row(self, row: int, name: str, title: str = "", query: str = "", *, aliases: str = "") -> None:
        """Fill a row (tests, and a person typing); ``aliases`` comma separated."""
        while self.table.rowCount() <= row:
            self.add_row()
        self.table.setItem(row, 0, QTableWidgetItem(name))
        if self.kind == "executive":
            self.table.setItem(row, 1, QTableWidgetItem(title))
        self.table.setItem(row, self.acol, QTableWidgetItem(aliases))
        if query:
            self.table.setItem(row, self.qcol, QTableWidgetItem(query))

    def cell_changed(self, row: int, col: int) -> None:
        if col == 0:  # follow the name until the user writes a query of their own
            q = self.table.item(row, self.qcol)
            auto = q.data(Qt.ItemDataRole.UserRole) if q is not None else None
            if q is None or not q.text().strip() or q.text() == auto:
                brand = self.brand_page.name.text().strip()
                suggestion = suggested_query(self.kind, self.text(row, 0), brand)
                item = QTableWidgetItem(suggestion)
                item.setData(Qt.ItemDataRole.UserRole, suggestion)
                self.table.setItem(row, self.qcol, item)  # re-enters with col == qcol
                return
        self.validate()

    def rows(self) -> list[tuple[str, str, str, list[str]]]:
        """(name, title, query, aliases) of the filled rows."""
        out = []
        for r in range(self.table.rowCount()):
            name = self.text(r, 0)
            if name:
                title = self.text(r, 1) if self.kind == "executive" else ""
                out.append((name, title, self.text(r, self.qcol), split_aliases(self.text(r, self.acol))))
        return out

    def validate(self) -> None:
        problems = []
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            item = self.table.item(r, self.qcol)
            if item is None:
                continue
            name = self.text(r, 0)
            aliases = split_aliases(self.text(r, self.acol))
            problem = ((query_problem(item.text(), aliases) if item.text().strip() else "a query is needed")
                       if name else "")
            item.setBackground(QColor("#F9D6D2") if problem else QColor(0, 0, 0, 0))
            item.setToolTip(problem)
            if problem:
                problems.append(f"{name}: {problem}")
        self.table.blockSignals(False)
        self.errors.setText("\n".join(problems))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return not self.errors.text()


class FeedsPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Feeds to start from")
        self.setSubTitle("The default list (feeds.opml). Search feeds are added once per brand, executive and "
                         "competitor with their query. Add your own later under Feeds.")
        self.list = named(QListWidget(), "Feeds to start from")
        self.outlines = []
        if DEFAULT_FEEDS.exists():
            from orm_desktop.ingest.opml import is_template, read_opml

            self.outlines = read_opml(DEFAULT_FEEDS).feeds
            for o in self.outlines:
                label = f"{o.category or 'Feeds'} · {o.title or o.url}" + ("  (search, per entity)"
                                                                          if is_template(o.url) else "")
                it = QListWidgetItem(label)
                it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                it.setCheckState(Qt.CheckState.Checked)
                it.setToolTip(o.url)
                self.list.addItem(it)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list)
        lay.addLayout(button_row((("All", lambda: self.check_all(True)), ("None", lambda: self.check_all(False)))))

    def check_all(self, on: bool) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def chosen(self) -> list:
        return [o for i, o in enumerate(self.outlines) if self.list.item(i).checkState() == Qt.CheckState.Checked]


class RepliesPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Key messages")
        self.setSubTitle("Approved lines drafts should reuse, one per line; start a line with a topic and a "
                         "colon to tie it to that topic (customer_service: ...). Edit them later in Settings.")
        self.text = named(QPlainTextEdit(placeholderText="customer_service: Every customer deserves a fast, personal "
                                                         "answer.\nWe never sell customer data."),
                          "Key messages", tab_leaves=True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)

    def messages(self) -> list[tuple[str, str]]:
        """(topic, text) per non-empty line; a leading "topic:" only when it names a known topic."""
        from orm_desktop.ui.key_messages import topic_ids

        topics, out = set(topic_ids()), []
        for line in self.text.toPlainText().splitlines():
            head, sep, rest = line.partition(":")
            if sep and head.strip() in topics and rest.strip():
                out.append((head.strip(), rest.strip()))
            elif line.strip():
                out.append(("", line.strip()))
        return out


class OnboardingWizard(DiscardGuard, QWizard):
    """Set up an empty workspace; ``done_setup`` fires after Finish wrote everything. Esc or
    Cancel after anything was answered asks before dropping the answers (DiscardGuard)."""

    discard_question = "Discard changes? The answers given in the set-up will be lost."

    done_setup = Signal()

    def __init__(self, svc, parent=None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.setWindowTitle("Set up your workspace")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.brand = BrandPage()
        self.executives = PeoplePage("executive", "Executives",
                                     "Whose personal brand to watch; each gets a page of their own.", self.brand)
        self.competitors = PeoplePage("competitor", "Competitors", "Who to compare your brand with.", self.brand)
        self.feeds = FeedsPage()
        self.replies = RepliesPage()
        for page in (self.brand, self.executives, self.competitors, self.feeds, self.replies):
            self.addPage(page)
        self.resize(760, 560)
        # what an earlier Finish wrote before it was refused (a locked database, a full disk): Finish
        # again goes on from there instead of refusing those names as "named twice"
        self.written: set[tuple[str, str]] = set()

    def accept(self) -> None:
        try:
            self.apply()
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot finish the set-up", str(exc))
            return
        super().accept()
        self.done_setup.emit()

    def apply(self) -> None:
        """Write the answers through the Service (settings, entities, feeds, key messages)."""
        from orm_desktop.errors import UsageError
        from orm_desktop.types import KEY_MESSAGE_MAX

        svc, brand, done = self.svc, self.brand.name.text().strip(), self.written
        names = [brand] + [r[0] for page in (self.executives, self.competitors) for r in page.rows()]
        taken = ({e.name.casefold() for e in svc.entities()} - {brand.casefold()}
                 - {key for what, key in done if what == "entity"})
        for i, name in enumerate(names):  # checked before anything is written
            if name.casefold() in taken or name.casefold() in {n.casefold() for n in names[:i]}:
                raise UsageError(f"{name} is named twice; each brand, executive and competitor needs its own name")
        from orm_desktop.service import check_entity_lengths

        check_entity_lengths(name=brand, query=self.brand.query.text().strip())
        for page in (self.executives, self.competitors):
            for name, title, query, aliases in page.rows():
                check_entity_lengths(name=name, title=title, query=query, aliases=aliases)
        for _topic, text in self.replies.messages():
            if len(" ".join(text.split())) > KEY_MESSAGE_MAX:
                raise UsageError(f"a key message must be at most {KEY_MESSAGE_MAX:,} characters (one per line); "
                                 "nothing was written")
        svc.change_setting("status_page", self.brand.status_page.text())  # validated before anything is written
        svc.change_setting("contact", self.brand.contact.text())
        svc.change_setting("brand_name", brand)
        if not any(e.name.casefold() == brand.casefold() for e in svc.entities()):
            svc.add_entity("brand", brand, self.brand.query.text().strip(), match_existing=False)
        for page, importance in ((self.executives, 0.8), (self.competitors, 0.5)):
            for name, title, query, aliases in page.rows():
                if ("entity", name.casefold()) not in done:
                    svc.add_entity(page.kind, name, query, aliases=aliases, title=title, importance=importance,
                                   match_existing=False)
                    done.add(("entity", name.casefold()))
        for o in self.feeds.chosen():
            if ("feed", o.url) not in done:
                svc.add_feed(o.url, title=o.title, kind=o.kind, category=o.category, weight=o.weight)
                done.add(("feed", o.url))
        for topic, text in self.replies.messages():
            if ("message", f"{topic}:{text}") not in done:
                svc.add_key_message(text, topic=topic)
                done.add(("message", f"{topic}:{text}"))
