"""Firing an ACR: the checklist gate, the confirmation whose default is Cancel, idempotence, fills, amounts."""
from __future__ import annotations

from decimal import Decimal

from textual.widgets import Input

from calc.checklist import ACK_IDS
from console.screens.acr_screen import AcrScreen
from console.screens.amount_modal import AmountModal
from console.screens.confirm_modal import ConfirmModal
from console.screens.detail_screen import DetailScreen
from store.core import Store
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from store.queries.orders import find_acr, list_acrs
from tests.conftest import fixed_clock, settle
from widgets.checklist_panel import ChecklistPanel
from widgets.order_table import OrderTable


def statuses(acr: AcrScreen) -> dict[str, str]:
    assert acr.checklist is not None
    return {i.id: i.status for i in acr.checklist.items if i.id in ACK_IDS}


def order_rows(screen) -> list[tuple]:
    table = screen.query_one(OrderTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def acrs(settings, account_id: str = "A-1001"):
    with Store(settings.db, settings, fixed_clock) as store:
        return list_acrs(store, account_id)


def audit_actions(settings, account_id: str = "A-1001") -> list[str]:
    with Store(settings.db, settings, fixed_clock) as store:
        return [r.action for r in audit_trail(store, account_id)]


async def open_acr(pilot, key: str, account_id: str = "A-1001") -> AcrScreen:
    await settle(pilot)
    pilot.app.open_account(account_id)
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    acr = pilot.app.screen
    assert isinstance(acr, AcrScreen)
    assert acr.preview is not None and acr.checklist is not None
    return acr


async def test_r_opens_a_rebalance_with_its_checklist_and_trade_preview(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        acr = await open_acr(pilot, "r")
        assert acr.kind == "rebalance" and acr.sleeve_id == "A-1001-M1" and acr.amount == 0
        title = str(acr.query_one("#acr-title").content)
        assert title == "Rebalance on A-1001-M1 at 1.50x · Jane Doe Trust"
        summary = str(acr.query_one("#acr-summary").content)
        assert "2 order(s)." in summary and "sells first" not in summary  # two buys: no sells to put first
        assert [r[:3] for r in order_rows(acr)] == [("BUY", "AGG", "600"), ("BUY", "SPY", "180")]
        assert all(r[5] == "preview" for r in order_rows(acr))
        assert set(statuses(acr).values()) == {"awaiting"}
        assert not acr.checklist.failed and not acr.checklist.can_fire
        panel = acr.query_one(ChecklistPanel)
        assert "(press 1)" in str(panel.render()) and "(press 4)" in str(panel.render())
        assert not panel.has_class("-ready") and not panel.has_class("-blocked")
    assert acrs(settings) == []  # opening the screen writes nothing


async def test_ack_keys_toggle_each_item_and_fire_needs_them_all(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        acr = await open_acr(pilot, "r")
        panel = acr.query_one(ChecklistPanel)
        for number, ack in enumerate(ACK_IDS, start=1):
            await pilot.press(str(number))
            assert statuses(acr)[ack] == "acknowledged", number
            await pilot.press(str(number))
            assert statuses(acr)[ack] == "awaiting", number
        assert acr.acknowledged == set()
        await pilot.press("1", "2", "3")
        assert not acr.checklist.can_fire and [i.id for i in acr.checklist.awaiting] == [ACK_IDS[3]]
        await pilot.press("f")  # an open item: a notification, no dialog, nothing written
        await settle(pilot)
        assert app.screen is acr
        assert not any(isinstance(s, ConfirmModal) for s in app.screen_stack)
        assert "Acknowledge the open checklist items first (4, or x for all)." in notes.messages
        assert acr.result is None
        await pilot.press("4")
        await pilot.pause()
        assert acr.checklist.can_fire
        assert panel.has_class("-ready")
        assert "Ready" in str(panel.render())
        await pilot.press("2")
        await pilot.pause()
        assert not acr.checklist.can_fire and not panel.has_class("-ready")
        await pilot.press("x")  # all at once
        assert acr.checklist.can_fire and acr.acknowledged == set(ACK_IDS)
    assert acrs(settings) == []
    assert audit_actions(settings) == []


async def test_confirm_escape_and_cancel_write_nothing(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        acr = await open_acr(pilot, "r")
        await pilot.press("x", "f")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        question = str(modal.query_one("#question").content)
        assert question.startswith("Fire a rebalance ACR on A-1001-M1 at 1.50x?")
        assert "2 order(s) will be built" in question
        assert modal.focused.id == "cancel"

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is acr and acr.result is None and not acr.firing

        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")  # the default button is Cancel
        await settle(pilot)
        assert app.screen is acr and acr.result is None and not acr.firing

        assert str(acr.query_one("#result").content) == ""
    assert acrs(settings) == []
    assert audit_actions(settings) == []
    with Store(settings.db, settings, fixed_clock) as store:
        sleeve = account_detail(store, "A-1001").sleeve("A-1001-M1")
        assert sleeve.applied == Decimal("1.0") and sleeve.positions == {}


async def test_fire_once_then_f_again_and_a_retry_make_one_acr(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        acr = await open_acr(pilot, "r")
        await pilot.press("x", "f")
        await settle(pilot)
        await pilot.press("tab", "enter")  # move to Fire and press it
        await settle(pilot)
        assert app.screen is acr
        first = acr.result
        assert first is not None and first.status == "built" and first.kind == "rebalance"
        result = str(acr.query_one("#result").content)
        assert f"ACR {first.id} built" in result and "applied leverage is now 1.50x" in result
        assert [r[5] for r in order_rows(acr)] == ["new", "new"]
        assert acr.query_one("#acr-orders").border_title == f"Orders of ACR {first.id}"

        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert f"ACR {first.id} is already built." in notes.messages
        assert acr.result == first
        await pilot.press("1")  # the acknowledgements are frozen once fired
        assert acr.acknowledged == set(ACK_IDS)

        # A retried write with this screen's request key replays the first ACR instead of making a second.
        acr.result = None
        acr.fire(frozenset(acr.acknowledged))  # the write worker f starts, run again
        await settle(pilot)
        assert acr.result is not None and acr.result.id == first.id and acr.result.replayed
    found = acrs(settings)
    assert len(found) == 1 and found[0].id == first.id
    assert audit_actions(settings) == ["acr-built"]


async def test_s_simulates_fills_and_the_sleeve_reaches_its_leverage(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        acr = await open_acr(pilot, "r")
        await pilot.press("s")  # nothing fired yet
        await settle(pilot)
        assert "Fire a built ACR first; only its open orders can be filled." in notes.messages
        assert acr.result is None

        await pilot.press("x", "f")
        await settle(pilot)
        await pilot.click("#confirm-button")
        await settle(pilot)
        built = acr.result
        assert built is not None and built.status == "built"

        notes.clear()
        await pilot.press("s")
        await settle(pilot)
        assert acr.result is not None and acr.result.id == built.id
        assert acr.result.status == "complete"
        assert [r[5] for r in order_rows(acr)] == ["filled", "filled"]
        assert f"ACR {built.id} complete" in str(acr.query_one("#result").content)

        await pilot.press("s")  # nothing left to fill: say what is true now
        await settle(pilot)
        assert f"ACR {built.id} is complete: nothing left to fill." in notes.messages

        await pilot.press("escape")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        model = detail.detail.sleeve("A-1001-M1")
        assert abs(model.actual - Decimal("1.5")) < Decimal("0.01")
    with Store(settings.db, settings, fixed_clock) as store:
        sleeve = account_detail(store, "A-1001").sleeve("A-1001-M1")
        assert sleeve.applied == Decimal("1.5")
        assert sleeve.actual is not None and abs(sleeve.actual - Decimal("1.5")) < Decimal("0.01")
        assert sleeve.positions == {"AGG": Decimal(600), "SPY": Decimal(180)}
        assert find_acr(store, built.id).status == "complete"
        assert [r.action for r in audit_trail(store, "A-1001")] == ["fills", "acr-built"]


async def test_deposit_asks_for_a_valid_amount_then_fires_a_deposit_acr(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        await pilot.press("ctrl+d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, AmountModal) and modal.kind == "deposit" and modal.sleeve_id == "A-1001-M1"
        box = modal.query_one("#amount", Input)
        assert modal.focused is box

        await pilot.press("a", "b", "c")  # letters are restricted out
        assert box.value == ""
        await pilot.press("0")
        await settle(pilot)
        error = modal.query_one("#amount-error")
        assert "The amount must be more than zero" in str(error.content)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is modal  # not accepted

        box.value = "10.505"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is modal
        assert "At most two decimal places" in str(error.content)

        box.value = ""
        await pilot.press("2", "5", "0", "0")
        await settle(pilot)
        assert box.value == "2500"
        assert str(error.content) == ""
        await pilot.press("enter")
        await settle(pilot)
        acr = app.screen
        assert isinstance(acr, AcrScreen)
        assert acr.kind == "deposit" and acr.amount == Decimal(2500) and acr.sleeve_id == "A-1001-M1"
        assert str(acr.query_one("#acr-title").content).startswith("Cash management deposit of 2,500.00 on A-1001-M1")
        assert acr.preview is not None and acr.preview.amount == Decimal(2500)
        assert acrs(settings) == []

        await pilot.press("x", "f")
        await settle(pilot)
        await pilot.click("#confirm-button")
        await settle(pilot)
        assert acr.result is not None and not acr.result.failed
        assert acr.result.kind == "deposit" and acr.result.amount == Decimal(2500)
    found = acrs(settings)
    assert len(found) == 1 and found[0].kind == "deposit" and found[0].amount == Decimal(2500)


async def test_amount_modal_cancel_and_escape_open_nothing(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        detail = app.screen
        for key, kind in (("ctrl+w", "withdrawal"), ("ctrl+a", "allocation"), ("ctrl+l", "liquidation")):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, AmountModal) and app.screen.kind == kind, key
            app.screen.query_one("#amount", Input).value = "5"
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is detail, key
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.click("#cancel")
        await settle(pilot)
        assert app.screen is detail
        assert not any(isinstance(s, AcrScreen) for s in app.screen_stack)
