"""The main window: navigation, views, status bar, menus, background refresh, tray."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QWidget,
)

from orm_desktop import __version__, dates
from orm_desktop.ui import icons
from orm_desktop.ui.tasks import TaskRunner

WARM_WORKERS_MS = 3000
GUI_BUSY_WAIT_MS = 250  # how long a write on the GUI thread waits for another process holding the database
# the pages with a key, Ctrl+1 to Ctrl+8 in this order (the first five kept the keys they had)
PAGE_KEYS = ("Inbox", "Dashboard", "Responses", "Feeds", "Entities", "Reports", "Rules", "Settings")


def name_page(page, label: str) -> None:
    """A dashboard page's scrolling area is a Tab stop (the arrow and page keys scroll it): named
    after the page for a screen reader."""
    scroll = getattr(page, "scroll", None)
    if isinstance(scroll, QScrollArea):
        scroll.setAccessibleName(label)  # after the first paint and the first page's queries: then the worker pool starts


class PageStack(QStackedWidget):
    """The pages, as tall as the page shown for its width: QStackedLayout answers the tallest of all
    its pages (a wrapping button row gives a page a height for its width), so at 1280 x 720 every
    page scrolled vertically because the Rules page needed 704 px."""

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        page = self.currentWidget()
        if page is None:
            return -1
        least = page.minimumSizeHint().height()
        if not page.hasHeightForWidth():
            return least
        # Qt's height for a width is the preferred height (text boxes at their preferred size): the
        # scroll area would make a page scroll that fits; the rows that wrap are what it adds
        slack = max(0, page.sizeHint().height() - least)
        return max(least, page.heightForWidth(width) - slack)


class PagePlaceholder(QWidget):
    """A page's place in the stack until the page is first needed (shown, reached by its key, a
    menu action or a signal aimed at it): ``factory`` builds it. An executive's page keeps its
    entity's id, as the page does."""

    def __init__(self, factory: Callable[[], QWidget], entity_id: int | None = None) -> None:
        super().__init__()
        self.factory = factory
        self.entity_id = entity_id


class Pages(MutableMapping):
    """The window's pages by label, in the sidebar's order of insertion. ``pages[label]`` (and
    ``get``, ``values``, ``items``) build a page not built yet; ``built`` and ``built_pages``
    never do. Building the window built every page up front (0.2-0.5 s, more with the imports,
    on each start and workspace switch): now only the one shown."""

    def __init__(self, build: Callable[[str], QWidget]) -> None:
        self._pages: dict[str, QWidget] = {}
        self._build = build

    def __getitem__(self, label: str) -> QWidget:
        page = self._pages[label]
        return self._build(label) if isinstance(page, PagePlaceholder) else page

    def __setitem__(self, label: str, page: QWidget) -> None:
        self._pages[label] = page

    def __delitem__(self, label: str) -> None:
        del self._pages[label]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pages)

    def __len__(self) -> int:
        return len(self._pages)

    def __contains__(self, label: object) -> bool:
        return label in self._pages

    def built(self, label: str) -> QWidget | None:
        """The page if it is built, else None (also for no such page)."""
        page = self._pages.get(label)
        return None if isinstance(page, PagePlaceholder) else page

    def built_pages(self) -> list[QWidget]:
        return [p for p in self._pages.values() if not isinstance(p, PagePlaceholder)]

    def placeholder(self, label: str) -> PagePlaceholder | None:
        page = self._pages.get(label)
        return page if isinstance(page, PagePlaceholder) else None

    def rename(self, old: str, new: str) -> None:
        self._pages[new] = self._pages.pop(old)  # (pop of MutableMapping would build it)


class LazyEditor:
    """A page's editor as the DraftKeeper (ui/recovery.py) sees it: a page not built holds no
    unsaved edit; putting a recovered edit back builds the page first."""

    def __init__(self, window: MainWindow, label: str, attr: str = "") -> None:
        self.window, self.label, self.attr = window, label, attr

    def _target(self, build: bool):
        page = self.window.pages[self.label] if build else self.window.pages.built(self.label)
        return getattr(page, self.attr) if page is not None and self.attr else page

    def recovery_state(self):
        target = self._target(False)
        return None if target is None else target.recovery_state()

    def __getattr__(self, name: str):  # recovered_outcome, restore_recovered, …
        return getattr(self._target(True), name)


class MainWindow(QMainWindow):
    switch_workspace = Signal(object)
    closed = Signal()  # the window closed (its close was not refused nor put off); app.Windows retires it
    close_cancelled = Signal()  # "unsaved changes" answered Cancel: the window stays (a switch is called off)

    def __init__(self, svc) -> None:
        super().__init__()
        from orm_desktop.reports import isolated
        from orm_desktop.ui import collector
        from orm_desktop.ui.inbox import InboxView

        collector.attach(self)  # cyclic garbage freed on this thread only, never in a fetch thread
        isolated.use_child_process()  # reports are laid out in a child: Qt's PDF work holds the GIL
        self.svc = svc
        self.runner = TaskRunner(self)
        self.refresh_task = None
        self.read_only = False
        self.update_title()
        self.setWindowIcon(icons.app_icon())
        self.nav = QListWidget()
        self.nav.setAccessibleName("Pages")
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setMaximumWidth(260)
        self.stack = PageStack()
        self.inbox = InboxView(svc, runner=self.runner)
        self.pages = Pages(self.build_page)
        self._add("Inbox", self.inbox, "inbox")
        self.build_nav()
        from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

        left = QWidget()
        left.setMinimumWidth(210)
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(self.nav, 1)
        self._left_lay = left_lay
        split = QSplitter()
        split.addWidget(left)
        # the page scrolls when the window is smaller than it (a 1024 x 600 screen): the window is
        # never wider or taller than the screen, its status bar and buttons stay on it
        self.page_area = QScrollArea()
        self.page_area.setWidgetResizable(True)
        self.page_area.setFrameShape(QFrame.Shape.NoFrame)
        self.page_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no invisible stop in the Tab order
        self.page_area.setWidget(self.stack)
        split.addWidget(self.page_area)
        split.setStretchFactor(1, 1)
        split.setSizes([210, 1190])
        self.setCentralWidget(split)
        self.nav.currentRowChanged.connect(self.go)
        self.inbox.status_message.connect(self.flash)
        self.inbox.complaint_withdrawn.connect(self.withdraw)
        self.inbox.draft_requested.connect(self.draft)
        self._status_bar()
        self._menus()
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.refresh(quiet=True))
        minutes = int(svc.setting("refresh_minutes") or 0)
        if minutes:
            self.timer.start(minutes * 60_000)
        self.tray = None
        self._close_anyway = False  # the user chose "Close without saving"
        self.switching = False  # another workspace replaces this window: closing closes, never hides to the tray
        self._close_after_write = False  # closed while an entity write ran: closes when it ends
        self._close_question: QMessageBox | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.setToolTip("ORM Desktop")
            self.tray.show()
        from orm_desktop.ui.deliveries import attach

        attach(self)  # Deliveries menu entry, opt-in tray mode (issue 16)
        self.nav.setCurrentRow(0)
        self.saved = QListWidget()
        self.saved.setAccessibleName("Saved searches")
        self._opening_saved: int | None = None  # the rule whose saved search is being opened
        self.saved.setMaximumHeight(160)
        self.saved.itemActivated.connect(self.open_saved_search)
        self._left_lay.addWidget(QLabel(" Saved searches"))
        self._left_lay.addWidget(self.saved)
        self.update_saved_searches()
        self.drafts = None  # keeps unsaved edits on disk as they are typed (ui/recovery.py)
        if not svc.snapshot_label and not svc.team_reads_only():
            from orm_desktop.recovery import DraftStore
            from orm_desktop.ui.deliveries import DeliveriesDrafts
            from orm_desktop.ui.identity import UserDrafts
            from orm_desktop.ui.manage import FeedDrafts
            from orm_desktop.ui.recovery import DraftKeeper
            from orm_desktop.ui.responses_view import TemplatesDrafts

            lazy = LazyEditor  # the pages are built when a recovered edit is put back, not before
            self.drafts = DraftKeeper(self, DraftStore(svc.ws.root), {
                "reply": ("Responses", lazy(self, "Responses")), "entity": ("Entities", lazy(self, "Entities")),
                "rule": ("Rules", lazy(self, "Rules")), "key_message": ("Settings", lazy(self, "Settings", "key_messages")),
                "deliveries": (None, DeliveriesDrafts(self)), "template": ("Responses", TemplatesDrafts(self)),
                "settings": ("Settings", lazy(self, "Settings")), "feed": ("Feeds", FeedDrafts(self)),
                "user": ("Responses", UserDrafts(self))})
        from orm_desktop.ui.manage import rescore_left

        if left := rescore_left(svc)[0]:  # one setting read, the Settings page not built: the charts mix
            self.statusBar().showMessage(left, 30_000)  # two engines until it is finished: said, not hidden
        QTimer.singleShot(0, self, self.show_migration_notes)  # once, after an upgrade that changed data
        self.inbox.table.setFocus()  # the triage keys (J, K, F, E…) work at once, no Tab into the list first
        if reason := svc.read_only_reason(user_action=False):  # an offline snapshot, a folder that
            self.timer.stop()                                  # cannot be written: nothing to refresh
            self.set_read_only(True)
            self.exec_mode.setEnabled(False)
            self.flash(reason[:1].upper() + reason[1:])
        else:
            if svc.team_reads_only():  # an executive's login: the database grants reading only
                self.timer.stop()
                self.set_read_only(True)
                self.exec_mode.setEnabled(False)
                self.flash(f"Signed in as {svc.team_login()} ({', '.join(svc.team_roles() or ()) or 'no team role'}): "
                           "read-only on this team workspace")
            self.start_live_updates()
            # the refresh's worker pool started in the background, so the first refresh finds it warm
            QTimer.singleShot(WARM_WORKERS_MS, self, self.warm_refresh_workers)

    def warm_refresh_workers(self) -> None:
        """Start the refresh's worker processes off the GUI thread (service.warm_refresh_workers):
        without it the first refresh of the session starts them, about 0.5 CPU-s and 0.5-1 s
        before its first feed is prepared."""
        if self.refresh_task is not None:
            return  # the refresh starts them itself
        svc = self.svc

        def work(progress, cancel):
            from orm_desktop.service import warm_refresh_workers

            return warm_refresh_workers(svc)

        self.runner.start(work)

    def update_title(self) -> None:
        brand = self.svc.brand_name()
        where = self.svc.snapshot_label or self.svc.ws.label
        self.setWindowTitle(f"{brand + ' — ' if brand else ''}ORM Desktop  ({where})")

    # -- saved searches (rules) with unread counts ---------------------------------------------
    def update_saved_searches(self) -> None:
        """Counts of new (unread) mentions per rule, computed off the GUI thread; the saved search
        the inbox shows (if any) gets its rule's selection again at the same time, so the two agree
        after a refresh or a rule change."""
        svc = self.svc
        shown = self.inbox.filters.saved_search
        active = shown[0] if shown else None

        def work(progress, cancel):
            rows, ids = svc.rule_unread_counts(active)  # each rule matched once, the shown one included
            return rows, active, ids

        self.runner.start(work, on_success=self._saved_counts)

    def _saved_counts(self, result) -> None:
        rows, active, ids = result
        self.saved.clear()
        for rid, name, unread in rows:
            it = QListWidgetItem(f"{name} ({unread} new)")
            it.setData(Qt.ItemDataRole.UserRole, rid)
            self.saved.addItem(it)
        f = self.inbox.filters
        shown = f.saved_search
        if active is None or shown is None or shown[0] != active:
            return  # none was shown, or the user opened or cleared one meanwhile
        if ids is None:  # the rule was deleted
            f.set_saved_search(None)
        else:
            name = next(r[1] for r in rows if r[0] == active)
            if (name, ids) != shown[1:]:
                f.set_saved_search((active, name, ids))

    def open_saved_search(self, item) -> None:
        """The inbox filtered by exactly what the rule selects (the ids the sidebar counts), found
        off the GUI thread as the counts are; shown as a "Saved search: NAME" filter."""
        rid = item.data(Qt.ItemDataRole.UserRole)
        self.show_page("Inbox")
        self._opening_saved = rid
        svc = self.svc

        def work(progress, cancel):
            return rid, svc.rule(rid).name, svc.rule_selection(rid)

        self.runner.start(work, on_success=self._saved_selection, on_failure=self._saved_failed)

    def _saved_selection(self, result) -> None:
        rid, name, ids = result
        if self._opening_saved != rid:
            return  # another saved search was opened meanwhile
        self._opening_saved = None
        self.inbox.filters.open_saved_search(rid, name, ids)

    def _saved_failed(self, message: str, _known: bool) -> None:
        self._opening_saved = None
        self.flash(f"The saved search could not be opened: {message}")

    # -- navigation ------------------------------------------------------------------------------
    def _add(self, label: str, widget, icon_name: str) -> None:
        """A page's sidebar row and its place in the stack: the page itself, or a PagePlaceholder
        that builds it when it is first needed (build_page)."""
        item = QListWidgetItem(icons.icon(icon_name), label)
        self.nav.addItem(item)
        self.stack.addWidget(widget)
        self.pages[label] = widget
        if not isinstance(widget, PagePlaceholder):
            name_page(widget, label)

    OPERATOR_PAGES = ("Inbox", "Competitors", "Dashboard", "Responses", "Reports", "Rules", "Feeds", "Entities",
                      "Settings")

    def brand_label(self, name: str) -> str:
        """An executive's sidebar row: the name, or "Dashboard (personal brand)" for a name that
        reads as a page's (by case too: --page and saved states match pages by case): a row of
        the same text came first, Ctrl+2 selected it and showed a blank page."""
        if name.casefold() in {p.casefold() for p in self.OPERATOR_PAGES}:
            return f"{name} (personal brand)"
        return name

    def build_nav(self) -> None:
        """The sidebar's rows; every page but the Inbox is built when first needed (build_page)."""
        later = PagePlaceholder
        for e in self.svc.entities():
            if e.kind == "executive":
                self._add(self.brand_label(e.name), later(lambda eid=e.id: self._personal_brand(eid), e.id), "person")
        self._add("Competitors", later(lambda: self._figures("CompetitorsPage")), "competitors")
        self._add("Dashboard", later(lambda: self._figures("DashboardPage")), "dashboard")
        self._add("Responses", later(self._build_responses), "responses")
        self._add("Reports", later(self._build_reports), "reports")
        self._add("Rules", later(self._build_rules), "rules")
        self._add("Feeds", later(self._build_feeds), "feeds")
        self._add("Entities", later(self._build_entities), "entities")
        self._add("Settings", later(self._build_settings), "settings")
        for i in range(self.nav.count()):
            if self._is_personal_brand(self.stack.widget(i)):
                self.nav.item(i).setToolTip("Personal brand")

    # -- the pages, each built when first needed -------------------------------------------------
    def build_page(self, label: str):
        """Build the page ``label`` in its placeholder's place (same row, same size policy, shown
        if the placeholder was); its signals wired, executive mode applied. Pages[label] calls it."""
        holder = self.pages.placeholder(label)
        if holder is None:
            return self.pages[label]
        page = holder.factory()
        at = self.stack.indexOf(holder)
        shown = self.stack.currentIndex() == at
        page.setSizePolicy(holder.sizePolicy())
        self.stack.insertWidget(at, page)
        if shown:
            self.stack.setCurrentIndex(at)
        self.stack.removeWidget(holder)
        holder.deleteLater()
        self.pages[label] = page
        name_page(page, label)
        if label in self.OPERATOR_VIEWS and self.read_only:
            page.read_only = True
            page.setEnabled(False)
        return page

    def built(self, label: str):
        """The page if it is built (None if not): for what only a built page needs (a reload)."""
        return self.pages.built(label)

    @property
    def responses(self):
        return self.pages["Responses"]

    @property
    def reports(self):
        return self.pages["Reports"]

    @property
    def rules(self):
        return self.pages["Rules"]

    @property
    def feeds(self):
        return self.pages["Feeds"]

    @property
    def entities(self):
        return self.pages["Entities"]

    def _personal_brand(self, entity_id: int):
        from orm_desktop.ui.pages import PersonalBrandPage

        page = PersonalBrandPage(self.svc, entity_id, runner=self.runner)
        self._wire(page)
        return page

    def _figures(self, kind: str):
        from orm_desktop.ui import pages

        page = getattr(pages, kind)(self.svc, runner=self.runner)
        self._wire(page)
        return page

    def _build_responses(self):
        from orm_desktop.ui.responses_view import ResponsesView

        responses = ResponsesView(self.svc)
        responses.status_message.connect(self.flash)
        responses.open_mention.connect(self.open_mention)
        return responses

    def _build_reports(self):
        from orm_desktop.ui.reports_view import ReportsView

        reports = ReportsView(self.svc, runner=self.runner)
        reports.status_message.connect(self.flash)
        return reports

    def _build_rules(self):
        from orm_desktop.ui.rules_view import RulesView

        rules = RulesView(self.svc, self.runner)
        rules.status_message.connect(self.flash)
        rules.changed.connect(self.inbox.reload)
        rules.changed.connect(self.update_saved_searches)
        return rules

    def _build_feeds(self):
        from orm_desktop.ui.manage import FeedsView

        feeds = FeedsView(self.svc)
        feeds.refresh_requested.connect(self.refresh)
        feeds.status_message.connect(self.flash)
        return feeds

    def _build_entities(self):
        from orm_desktop.ui.manage import EntitiesView

        entities = EntitiesView(self.svc, self.runner)
        entities.status_message.connect(self.flash)
        entities.changed.connect(self.inbox.reload)
        entities.changed.connect(self.update_health)
        entities.changed.connect(self.sync_executive_pages)
        entities.changed.connect(self.entity_lists_changed)
        return entities

    def _build_settings(self):
        from orm_desktop.ui.manage import SettingsView

        settings = SettingsView(self.svc, runner=self.runner)
        settings.status_message.connect(self.flash)
        settings.saved.connect(self.update_title)
        return settings

    def entity_lists_changed(self) -> None:
        """The Reports and Rules pages' entity lists, as they are now (a page not built yet reads
        them when it is built)."""
        if (reports := self.built("Reports")) is not None:
            reports.fill_entities()
        if (rules := self.built("Rules")) is not None:
            rules.reload()

    @staticmethod
    def _is_personal_brand(page) -> bool:
        from orm_desktop.ui.pages import PersonalBrandPage

        return isinstance(page, PersonalBrandPage) or (isinstance(page, PagePlaceholder) and page.entity_id is not None)

    def sync_executive_pages(self) -> None:
        """The sidebar's personal-brand pages follow the executives: a removed one's page goes (it
        raised "no entity" when opened), a renamed one shows the new name, a new one gets a page
        (built when first shown). The stack changes before the sidebar, whose row change shows the
        page at the same index."""
        executives = {e.id: e for e in self.svc.entities() if e.kind == "executive"}
        for row in reversed(range(self.nav.count())):
            page, label = self.stack.widget(row), self.nav.item(row).text()
            if not self._is_personal_brand(page):
                continue
            e = executives.pop(page.entity_id, None)
            if e is None:
                self.stack.removeWidget(page)
                self.nav.takeItem(row)
                del self.pages[label]
                page.deleteLater()
            elif self.brand_label(e.name) != label:
                self.nav.item(row).setText(self.brand_label(e.name))
                self.pages.rename(label, self.brand_label(e.name))
                if not isinstance(page, PagePlaceholder):
                    name_page(page, self.brand_label(e.name))
        kept = [r for r in range(self.stack.count()) if self._is_personal_brand(self.stack.widget(r))]
        at = kept[-1] + 1 if kept else 1  # after the last personal-brand page, else after the Inbox
        for e in executives.values():
            page = PagePlaceholder(lambda eid=e.id: self._personal_brand(eid), e.id)
            page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)  # not the page shown
            item = QListWidgetItem(icons.icon("person"), self.brand_label(e.name))
            item.setToolTip("Personal brand")
            self.stack.insertWidget(at, page)
            self.nav.insertItem(at, item)
            self.pages[self.brand_label(e.name)] = page
            at += 1

    def _wire(self, page) -> None:
        page.open_mention.connect(self.open_mention)
        page.filter_inbox.connect(self.filter_inbox)
        if hasattr(page, "status_message"):  # a draft approved or sent back, an alert acknowledged
            page.status_message.connect(self.flash)
        page.who = self.working_as
        page.set_read_only(self.read_only)

    def go(self, row: int) -> None:
        item = self.nav.item(row)
        if item is not None and item.isHidden():  # an operator view while in executive mode
            self.show_page("Dashboard")
            return
        if item is not None:
            self.pages[item.text()]  # built the first time it is shown  # noqa: B018
        self.stack.setCurrentIndex(row)
        w = self.stack.currentWidget()
        for i in range(self.stack.count()):  # the stack is as large as the page shown, not the largest page
            policy = QSizePolicy.Policy.Preferred if i == row else QSizePolicy.Policy.Ignored
            self.stack.widget(i).setSizePolicy(policy, policy)
        if w is self.built("Feeds") or w is self.built("Responses"):
            w.reload()

    def open_page(self, label: str) -> None:
        """A page's key (Ctrl+1…8): the page, with the focus in it (the inbox list, the responses
        queue, else the page's first control, or a dashboard's scrolling area), never left on the
        page just hidden."""
        self.show_page(label)
        page = self.stack.currentWidget()
        if page is not self.built(label):
            return  # not available in executive mode
        first = self.inbox.table if page is self.inbox else page.list if page is self.built("Responses") else None
        if first is None:
            first = page.scroll if isinstance(getattr(page, "scroll", None), QScrollArea) else None
        if first is None:
            w = page.nextInFocusChain()
            while w is not page and not (page.isAncestorOf(w) and w.isVisibleTo(self) and w.isEnabled()
                                         and w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus):
                w = w.nextInFocusChain()
            first = w if w is not page else self.nav
        first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_page(self, label: str) -> None:
        for i in range(self.nav.count()):
            if self.nav.item(i).text() == label:
                if self.nav.item(i).isHidden():
                    self.flash(f"{label} is not available in executive mode (read-only)")
                    return
                self.nav.setCurrentRow(i)
                return

    def open_mention(self, mention_id: int) -> None:
        """Show one mention in the inbox detail pane (whatever the filter)."""
        self.show_page("Inbox")
        self.inbox.detail.show_mention(mention_id)

    def filter_inbox(self, criteria: dict) -> None:
        """A click on a chart: the inbox with that chart's entity, period and bar (sentiment,
        source kind or topic)."""
        self.show_page("Inbox")
        self.inbox.filters.show_entity(criteria.get("entity"), sentiment=criteria.get("sentiment"),
                                       days=criteria.get("days"), topic=criteria.get("topic"),
                                       kind=criteria.get("kind"))

    def draft(self, mention_id: int) -> None:
        if self.read_only:
            return
        self.show_page("Responses")
        self.responses.draft_for(mention_id)

    # -- status bar and refresh ----------------------------------------------------------------------
    def _status_bar(self) -> None:
        sb = self.statusBar()
        self.health = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.setVisible(False)
        self.cancel_btn.clicked.connect(self.cancel_refresh)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_btn)
        sb.addPermanentWidget(self.health)
        self.update_health()

    def update_health(self) -> None:
        h = self.svc.feed_health()
        from orm_desktop.service import refresh_label

        # in UTC, as every moment the window shows (the inbox's "Published (UTC)", `info`'s "…Z")
        when = refresh_label(self.svc.refresh_state(), lambda ts: f"{dates.stamp(ts)} UTC")
        alerts = len(self.svc.alerts())
        crisis = ", ".join(name for _id, name, _s in self.svc.crises())
        if crisis and self.inbox.filters.order.currentData() != "priority":
            self.inbox.filters.order.setCurrentIndex(self.inbox.filters.order.findData("priority"))
        self.health.setText((f"{self.svc.snapshot_label[:1].upper()}{self.svc.snapshot_label[1:]} · "
                             if self.svc.snapshot_label else "")
                            + (f"CRISIS MODE: {crisis} · " if crisis else "")
                            + f"Last refresh {when} · feeds: {h['ok']} ok, {h['failing']} failing"
                            + (f" · ⚠ {alerts} open alert{'s' if alerts != 1 else ''}" if alerts else ""))

    def flash(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def withdraw(self, text: str) -> None:
        """Drop the status bar's message if it is still ``text`` (no longer true)."""
        if self.statusBar().currentMessage() == text:
            self.statusBar().clearMessage()

    def start_daily_backup(self) -> None:
        """The day's automatic backup, or when one was taken today a quick check of the database,
        after the window shows and off the GUI thread: the copy and its check cost 0.7 CPU-s at
        100k mentions (about 7 at 1M), the check alone 0.46 at 200k, which the start would wait for."""
        svc = self.svc
        self.runner.start(lambda progress, cancel: svc.start_check(), on_success=self._daily_backup_done,
                          on_failure=self._daily_backup_failed)

    def _daily_backup_done(self, damaged: str | None) -> None:
        if damaged:  # told on stderr, kept in the status bar (until the next message) and in a dialog
            import sys

            from PySide6.QtWidgets import QMessageBox

            print(f"orm-desktop: {damaged}", file=sys.stderr)
            text = damaged[:1].upper() + damaged[1:]
            self.statusBar().showMessage(text)
            box = QMessageBox(QMessageBox.Icon.Warning, "ORM Desktop — damaged workspace", text,
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("damaged_database")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # window-modal, without blocking the event loop

    def _daily_backup_failed(self, message: str, known: bool) -> None:
        import sys

        # a full disk must not stop the app; a bug is reported on stderr, not raised into Qt
        print(f"orm-desktop: automatic backup skipped: {message if known else message.rstrip()}", file=sys.stderr)

    def refresh(self, quiet: bool = False) -> None:
        """Refresh now (every enabled feed), or with ``quiet`` the timer's refresh (due feeds)."""
        if self.refresh_task is not None:
            if not quiet:
                self.flash("A refresh is already running; it continues (Esc cancels it)")
            return
        svc = self.svc

        def work(progress, cancel):
            summary = svc.fetch(jobs=4, due_only=quiet, progress=progress, cancel=cancel)  # timer: due only
            return summary, svc.new_alerts

        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.cancel_btn.setVisible(True)
        self.refresh_task = self.runner.start(work, on_success=self.refresh_done, on_failure=self.refresh_failed,
                                              on_progress=self.refresh_progress, on_finished=self.refresh_finished)

    def refresh_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.statusBar().showMessage(f"Refreshing {done}/{total}: {message}")

    def refresh_done(self, result) -> None:
        summary, new_alerts = result
        self.flash(("Timed refresh: " if summary.scope == "due" else "Refresh: ") + summary.describe())
        self.inbox.model.reload()
        self.inbox.update_count()
        self.update_health()
        self.update_saved_searches()
        if summary.notified and self.tray is not None:  # rules marked "notify"
            text = ", ".join(f"{name}: {n}" for name, n in summary.notified)
            self.tray.showMessage("ORM Desktop — rules", f"New matches: {text}",
                                  QSystemTrayIcon.MessageIcon.Information, 10_000)
        if new_alerts and self.tray is not None:
            self.tray.showMessage("ORM Desktop", f"{new_alerts} new alert(s): {self.svc.alerts()[0].describe()}",
                                  QSystemTrayIcon.MessageIcon.Warning, 10_000)

    def refresh_failed(self, message: str, known: bool) -> None:
        if known:
            self.flash(message)
        else:
            QMessageBox.critical(self, "Refresh failed", message[-3000:])

    def refresh_finished(self) -> None:
        self.refresh_task = None
        self.progress.setVisible(False)
        self.cancel_btn.setVisible(False)
        shown = self.stack.currentWidget()
        if shown is self.built("Feeds"):  # done, failed or cancelled: each feed's new status
            shown.reload()
        elif hasattr(shown, "rebuild_soon"):  # a page of charts and figures (pages.Page): what the refresh brought
            shown.rebuild_soon()

    def escape(self) -> None:
        """Esc: cancel the refresh when one runs, else on the inbox clear its search and filters
        (one binding: an Esc of the inbox's own beside this one would make Qt fire neither)."""
        if self.refresh_task is not None:
            self.cancel_refresh()
        elif self.stack.currentWidget() is self.inbox:
            self.inbox.clear_filters()

    def cancel_refresh(self) -> None:
        if self.refresh_task is not None:
            self.refresh_task.cancel.set()
            self.flash("Cancelling the refresh…")

    # -- menus ---------------------------------------------------------------------------------
    def _menus(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        # opening or making another workspace starts a window in operator mode: not from executive mode
        self.operator_actions = [
            self._action(f, "&New workspace…", self.new_workspace, "Ctrl+N"),
            self._action(f, "&Open workspace…", self.open_workspace, "Ctrl+O"),
            self._action(f, "Open &team workspace (PostgreSQL)…", self.open_team_workspace)]
        f.addSeparator()
        self._action(f, "E&xport bundle…", self.export_bundle)
        self.operator_actions.append(self._action(f, "&Import bundle into a new workspace…", self.import_bundle))
        f.addSeparator()
        # moving between stores (docs/team.md): reading this workspace only, so executive mode keeps them
        self.snapshot_action = self._action(f, "Take offline &snapshot…", self.take_snapshot)
        self.push_action = self._action(f, "&Push to a team server…", self.push_to_team)
        if self.svc.ws.backend != "sqlite" or self.svc.snapshot is not None:
            self.push_action.setEnabled(False)  # team push copies a solo workspace
            self.push_action.setToolTip("only a solo (SQLite) workspace, not a snapshot, is pushed to a team server")
        f.addSeparator()
        self._action(f, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        v = mb.addMenu("&View")
        self.exec_mode = self._action(v, "&Executive mode (read-only)", self.toggle_read_only, "Ctrl+E")
        self.exec_mode.setCheckable(True)
        for i, label in enumerate(PAGE_KEYS):
            self._action(v, label, lambda _=False, lbl=label: self.open_page(lbl), f"Ctrl+{i + 1}")
        fe = mb.addMenu("F&eeds")
        self._action(fe, "&Refresh now", self.refresh, "Ctrl+R")
        self._action(fe, "&Cancel refresh", self.escape, "Esc")
        h = mb.addMenu("&Help")
        self._action(h, "&Keyboard shortcuts", self.inbox.show_help, "F1")
        self._action(h, "&About", lambda: QMessageBox.about(self, "About ORM Desktop", self.about_text()))
        self.inbox.extra_shortcuts = [(a.shortcut().toString(), a.text().replace("&", "").rstrip("…"))
                                      for a in self.findChildren(QAction)
                                      if not a.shortcut().isEmpty() and a.shortcut().toString() != "Esc"]

    def about_text(self) -> str:
        import platform

        from PySide6 import __version__ as pyside_version


        return (f"<b>ORM Desktop {__version__}</b><br>Local-first online reputation management.<br><br>"
                f"Workspace: {self.svc.ws.root}<br>Python {platform.python_version()} · Qt for Python "
                f"{pyside_version}")

    def _action(self, menu, label, fn, shortcut=None) -> QAction:
        a = QAction(label, self)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(fn)
        menu.addAction(a)
        return a

    OPERATOR_VIEWS = ("Responses", "Rules", "Feeds", "Entities", "Settings")

    def toggle_read_only(self) -> None:
        """Ctrl+E / View menu. Entering executive mode is immediate; leaving it asks first."""
        wanted = self.exec_mode.isChecked()
        if self.read_only and not wanted and not self.may_leave_executive_mode():
            self.exec_mode.setChecked(True)
            return
        self.set_read_only(wanted)

    def operator_extras(self) -> list[QAction]:
        """Actions added by other parts (Deliveries settings in the File and tray menus) that edit."""
        extras = [a for a in (getattr(self, "deliveries_action", None),) if a is not None]
        menu = self.tray.contextMenu() if self.tray is not None else None
        if menu is not None:
            extras += [a for a in menu.actions() if a.text().startswith("Deliveries")]
        return extras

    def may_leave_executive_mode(self) -> bool:
        """Who may leave executive mode. Until identity and roles exist (security work), anyone
        who confirms; then this becomes a role check."""
        answer = QMessageBox.question(
            self, "Leave executive mode",
            "Leave executive mode? Triage, responses, rules, feeds, entities and settings become editable again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def working_as(self) -> str:
        """Who acts on the pages of figures (an alert's acknowledgement): the Responses page's
        "Working as" user (on a team workspace the login), '' (the login name) before it exists."""
        return self.responses.me() if "Responses" in self.pages else ""

    def set_read_only(self, read_only: bool) -> None:
        """Executive mode: every view reads, nothing edits. Operator views are hidden and
        disabled (so no shortcut, menu or focus reaches their controls), triage refuses, and the
        menu items that would open another workspace in operator mode are off."""
        self.read_only = read_only
        self.svc.set_executive_mode(read_only)  # the facade refuses changes too, not only the widgets
        self.exec_mode.setChecked(read_only)
        self.inbox.set_read_only(read_only)
        for i in range(self.nav.count()):
            label = self.nav.item(i).text()
            if label in self.OPERATOR_VIEWS:
                self.nav.item(i).setHidden(read_only)
                view = self.built(label)  # one built later is built read-only (build_page)
                if view is not None:
                    view.read_only = read_only
                    view.setEnabled(not read_only)
        for a in self.operator_actions + self.operator_extras():
            a.setEnabled(not read_only)
        for page in self.pages.built_pages():  # (one built later: _wire)
            if hasattr(page, "acknowledge"):  # a page of figures: its alert lists' Acknowledge
                page.set_read_only(read_only)
        if getattr(self, "deliveries_status", None) is not None:  # its link opens the Deliveries settings
            self.deliveries_status.setEnabled(not read_only)
        if read_only and self.nav.currentItem() is not None and self.nav.currentItem().isHidden():
            self.show_page("Dashboard")
        self.flash("Executive mode: read-only, operator views hidden" if read_only else "Operator mode")

    def new_workspace(self) -> None:
        """A new, empty workspace in a chosen folder; its window opens on the onboarding wizard."""
        from pathlib import Path

        from orm_desktop.errors import KnownError
        from orm_desktop.service import Service

        folder = QFileDialog.getExistingDirectory(self, "Folder for the new workspace")
        if folder:
            try:
                self.switch_workspace.emit(Service.create(Path(folder) / "orm-workspace"))
            except KnownError as exc:
                QMessageBox.warning(self, "Cannot create workspace", str(exc))

    def show_migration_notes(self) -> None:
        """What an upgrade's migrations changed in this workspace's data (m015: repaired entity
        names), shown once on this computer in a non-modal notice; read off the GUI thread."""
        svc = self.svc
        self.runner.start(lambda progress, cancel: svc.migration_notes(unseen=True),
                          on_success=self._migration_notes_read)

    def _migration_notes_read(self, notes) -> None:
        if not notes:
            return
        from orm_desktop.textsafe import display_text

        n = len(notes)
        shown = notes[:20]
        text = (f"Upgrading this workspace changed {n} thing{'s' if n != 1 else ''} in its data (nothing was lost; "
                "`orm-desktop info` lists these notes again):\n\n"
                + "\n".join(f"• {display_text(x.note)}" for x in shown)
                + (f"\n… and {n - len(shown)} more" if n > len(shown) else ""))
        box = QMessageBox(QMessageBox.Icon.Information, "Workspace upgraded", "", QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # names from the data are never markup
        box.setText(text)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.migration_notice = box
        box.show()
        self.flash(f"Workspace upgraded: {n} change{'s' if n != 1 else ''} to its data, see the notice")
        svc, last = self.svc, notes[-1].id
        self.runner.start(lambda progress, cancel: svc.mark_migration_notes_seen(last))

    def maybe_onboard(self) -> None:
        """First run: a workspace without entities opens the set-up wizard (non-blocking)."""
        if self.svc.entities() or self.read_only:
            return
        from orm_desktop.ui.onboarding import OnboardingWizard

        self.onboarding = OnboardingWizard(self.svc, self)
        self.onboarding.done_setup.connect(lambda: self.switch_workspace.emit(self.svc))  # rebuild the pages
        self.onboarding.open()

    def take_snapshot(self) -> None:
        """File > Take offline snapshot…: the dialog (window-modal), working in the thread pool."""
        from orm_desktop.ui.team_dialogs import SnapshotDialog

        self.transfer_dialog = SnapshotDialog(self.svc, self.runner, self)
        self.transfer_dialog.open()

    def push_to_team(self) -> None:
        """File > Push to a team server…: copy this solo workspace into an empty team database."""
        from orm_desktop.ui.team_dialogs import PushDialog

        self.transfer_dialog = PushDialog(self.svc, self.runner, self)
        self.transfer_dialog.open()

    def export_bundle(self) -> None:
        from orm_desktop.errors import KnownError

        path, _ = QFileDialog.getSaveFileName(self, "Export bundle", "workspace.ormbundle",
                                              "ORM Desktop bundle (*.ormbundle)")
        if path:
            try:
                p = self.svc.export_bundle(path, by=self.svc.setting("current_user") or "gui")
            except (KnownError, OSError) as exc:
                QMessageBox.warning(self, "Cannot export", str(exc))
                return
            self.flash(f"wrote {path}: {len(p['entities'])} entities, {len(p['rules'])} rules, "
                       f"{len(p['audit'])} audit entries")

    def import_bundle(self) -> None:
        from pathlib import Path

        from orm_desktop.errors import KnownError
        from orm_desktop.service import Service

        path, _ = QFileDialog.getOpenFileName(self, "Import bundle", "", "ORM Desktop bundle (*.ormbundle *.json)")
        if not path:
            return
        folder = QFileDialog.getExistingDirectory(self, "Folder for the new workspace")
        if not folder:
            return
        try:
            weaker = Service.bundle_policy_changes(Path(path))
            accept = bool(weaker) and QMessageBox.question(
                self, "Weaker policy in the bundle",
                "The bundle would switch on: " + ", ".join(f"{k} = {v}" for k, v in weaker.items())
                + ".\nApply these settings too? (Your choice is recorded in the audit log.)"
            ) == QMessageBox.StandardButton.Yes
            svc = Service.create(Path(folder) / "orm-workspace")
            svc.import_bundle(path, by="gui", accept_policy=accept)
        except KnownError as exc:
            QMessageBox.warning(self, "Cannot import", str(exc))
            return
        self.switch_workspace.emit(svc)

    def open_workspace(self) -> None:
        from pathlib import Path

        from orm_desktop.errors import KnownError, SchemaTampered
        from orm_desktop.service import Service

        folder = QFileDialog.getExistingDirectory(self, "Open workspace")
        if folder:
            try:
                try:
                    svc = Service.open(Path(folder))
                except SchemaTampered as exc:  # someone planted a trigger: say what, offer to remove it
                    from orm_desktop.ui.schema_repair import offer_schema_repair

                    svc = offer_schema_repair(self, Path(folder), exc)
                self.switch_workspace.emit(svc)
            except KnownError as exc:
                QMessageBox.warning(self, "Cannot open workspace", str(exc))

    # -- live updates (issue 15) ---------------------------------------------------------------
    def start_live_updates(self) -> None:
        """Follow other windows' and team members' changes (LISTEN/NOTIFY, or SQLite polling)."""
        from orm_desktop.ui.live import LiveUpdates

        self.live = LiveUpdates(self.svc, self)
        self.live.changed.connect(self.on_live_changes)
        self.live.start()

    def on_live_changes(self, changes: list) -> None:
        """Refresh what the changes touch: inbox rows (and its count when rows came or went),
        the drafts and approval queues, rules, settings, the status line."""
        def touches(*tables: str) -> bool:
            return any(c.touches(*tables) for c in changes)

        if touches("mentions"):
            # an update can move a row in or out of the filter (status, sentiment): always recount
            ids = {i for c in changes if c.table == "mentions" for i in c.ids}
            self.inbox.live_update(structural=True, ids=ids)
        if touches("responses", "key_messages") and (responses := self.built("Responses")) is not None:
            responses.live_update(changes)  # (a page built later reads them then)
        if touches("rules"):
            if (rules := self.built("Rules")) is not None:
                rules.reload()
            self.update_saved_searches()
        if touches("settings"):
            self.update_title()
            settings = self.built("Settings")
            if settings is not None:
                settings.live_update()
        if touches("alerts", "entities") or any(c.table == "mentions" and c.action == "insert" for c in changes):
            self.update_health()
        if touches("alerts", "entities", "mentions", "responses"):
            # new mentions (a scheduled fetch's), and a team member's override, triage or reply: the
            # page of figures shown counts them (an update of mentions left it stale until shown again;
            # the same figures leave the page as it is). During our own refresh: at its end
            shown = self.stack.currentWidget()
            if self.refresh_task is None and hasattr(shown, "rebuild_soon"):
                shown.rebuild_soon()
        if touches("entities"):  # someone else added, renamed or removed an entity
            self.sync_executive_pages()
            self.entity_lists_changed()

    def open_team_workspace(self) -> None:
        """Ask for a team workspace's URL (postgresql://user@host/database) and open it."""
        from orm_desktop.ui.widgets import ask_text

        url, ok = ask_text(self, "Open team workspace",
                           "PostgreSQL URL of the team workspace (postgresql://user@host/database):")
        if ok and url.strip():
            self.open_team_url(url.strip())

    def open_team_url(self, url: str) -> None:
        """Connect off the GUI thread (a server may take seconds to answer, or never); switch to
        the workspace when it opens, or say in one line why it did not."""
        from orm_desktop.errors import KnownError
        from orm_desktop.service import Service
        from orm_desktop.workspace import is_url

        if not is_url(url):
            QMessageBox.warning(self, "Cannot open workspace",
                                "a team workspace is named by a URL starting with postgresql://")
            return
        self.flash("Connecting to the team workspace…")

        def work(progress, cancel):
            svc = Service.open(url)
            if cancel.is_set():  # the window was left meanwhile: its result would be dropped, unclosed
                svc.close()
                raise KnownError("the team workspace was not opened: its window was closed")
            return svc

        self.runner.start(work, on_success=self._team_opened, on_failure=self._team_failed)

    def _team_opened(self, svc) -> None:
        self.switch_workspace.emit(svc)

    def _team_failed(self, message: str, known: bool) -> None:
        QMessageBox.warning(self, "Cannot open workspace", message if known else message[-3000:])

    def unsaved_edits(self) -> list[str]:
        """The editors' edits that are not saved, each named (the Responses reply, the Entities
        and Rules forms); closing the window asks about them."""
        views = (self.built(label) for label in ("Responses", "Entities", "Rules"))  # one not built has none
        return [what for what in (view.unsaved() for view in views if view is not None) if what]

    def offer_recovered_drafts(self) -> int:
        """At start: offer back the edits a previous session (killed, crashed, the power gone) did
        not save; how many were found."""
        return self.drafts.offer() if self.drafts is not None else 0

    def _ask_before_closing(self, unsaved: list[str]) -> None:
        """A window-modal question that does not block (a blocking one would hang any caller of
        close(), tests' teardown included): close without saving, or go back to the edits."""
        if self._close_question is not None and self._close_question.isVisible():
            self._close_question.raise_()
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"You have unsaved changes to {', '.join(unsaved)}.", parent=self)
        box.setObjectName("unsaved_on_close")
        box.setInformativeText("Close without saving them, or cancel and save them first?")
        discard = box.addButton("Close without saving", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.finished.connect(lambda _r: self._closing_answered(box.clickedButton() is discard))
        self._close_question = box
        box.open()

    def _write_ended_close(self) -> None:
        """The entity write the window waited for ended: close now (asking about edits left
        unsaved, a refused save's among them)."""
        self.entities.finished.disconnect(self._write_ended_close)
        self._close_after_write = False
        QTimer.singleShot(0, self.close)

    def _closing_answered(self, close: bool) -> None:
        mode = getattr(self, "tray_mode", None)
        if not close:
            if mode is not None:
                mode.quitting = False  # "Quit" from the tray was cancelled: closing hides to the tray again
            self.close_cancelled.emit()
            return
        self._close_anyway = True
        self.close()
        if mode is not None and mode.quitting:
            from PySide6.QtWidgets import QApplication

            QApplication.instance().quit()

    UI_STATE = "ui-state.json"  # in the workspace's local folder: page, window geometry, inbox filters

    def save_ui_state(self) -> None:
        """Remember the page, the window's size and place and the inbox filters for the next start
        on this workspace (a folder that cannot be written keeps the defaults: no error)."""
        import json

        from orm_desktop.atomic import atomic_write
        from orm_desktop.errors import KnownError

        item = self.nav.currentItem()
        state = {"page": item.text() if item is not None else "Inbox",
                 "geometry": bytes(self.saveGeometry().toBase64()).decode("ascii"),
                 "filters": self.inbox.filters.state()}
        try:
            atomic_write(self.svc.ws.root / self.UI_STATE, json.dumps(state))
        except (OSError, KnownError):
            pass

    def restore_ui_state(self) -> None:
        """The page, geometry and inbox filters as save_ui_state left them (app.run, at start)."""
        import json

        from PySide6.QtCore import QByteArray

        try:
            state = json.loads((self.svc.ws.root / self.UI_STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(state, dict):
            return
        if isinstance(state.get("geometry"), str):
            self.restoreGeometry(QByteArray.fromBase64(state["geometry"].encode("ascii", "replace")))
        if isinstance(state.get("filters"), dict):
            self.inbox.filters.restore(state["filters"])
        if isinstance(state.get("page"), str) and state["page"] in self.pages:
            self.show_page(state["page"])

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        entities = self.built("Entities")
        if entities is not None and entities.writing:  # an entity write runs: the window closes once it is written (or refused)
            event.ignore()
            if not self._close_after_write:
                self._close_after_write = True
                self.entities.finished.connect(self._write_ended_close)
            self.flash(f"{self.entities.writing}…; the window closes when it is done")
            return
        if not self._close_anyway and (unsaved := self.unsaved_edits()):
            event.ignore()
            self._ask_before_closing(unsaved)
            return
        self.save_ui_state()
        if (reports := self.built("Reports")) is not None:
            reports.discard_rendered()  # the last report's temporary copy
        if self.drafts is not None:  # "Close without saving": their copies go too; else the last ones are kept
            self.drafts.close(discard=self._close_anyway)
            self.drafts = None
        live = getattr(self, "live", None)
        if live is not None:
            live.stop()
        self.runner.cancel_all()
        if not self.switching:  # quitting: let them end. Left for another workspace: app.Windows.retire
            self.runner.wait(10_000)  # deletes the window once they ended (a task ignoring cancel froze it 10 s)
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)
        self.closed.emit()


def icon_for(path: str) -> QIcon:
    return QIcon(path) if path else QIcon()


__all__ = ["MainWindow", "Qt"]
