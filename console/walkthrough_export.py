"""A walkthrough run as a ticket-ready Markdown report (a formatting concern, so it lives beside the CLI)."""
from __future__ import annotations

from typing import Any

from calc.run_views import RunView
from calc.formatting import cash, lev, money
from calc.vocabulary import kind_title
from calc.walkthrough import STEP_SOURCE, STEP_TITLES, STEPS


def _cell(text: Any) -> str:
    """A Markdown table cell: pipes escaped, line breaks as <br>."""
    value = "" if text is None else str(text)
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>") or " "


def _table(header: list[str], body: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in body]
    return lines


def _quote_lines(text: str, indent: str = "  ") -> list[str]:
    return [f"{indent}- {line}" for line in text.splitlines() if line.strip()]


def export_markdown(view: RunView) -> str:
    """A ticket-ready Markdown report of the run: who, when, each step, the ACRs and the final checklist."""
    a = view.account
    margin = "margin enabled" if a.margin_enabled else "margin NOT enabled"
    model = f"{view.model} ({view.model_name})" if view.model_name else view.model
    out: list[str] = [
        f"# Margin walkthrough run {view.id}: {a.id} {a.name}".rstrip(),
        "",
        'Guided run of "Using Margin Trading at SMArtX": How to use it (step 1, step 2) and the quick checklist.',
        "",
        *_table(["Field", "Value"], [
            ["Account", f"{a.id} · {a.name}"],
            ["Custodian", f"{a.custodian or '-'} · {a.type} account · {margin}"],
            ["Sleeve", f"{view.sleeve_id} · model {model}"],
            ["Leverage now", f"saved {lev(view.saved)} · applied {lev(view.applied)}"],
            ["Sleeve cash now", cash(view.sleeve_cash)],
            ["APM cash now", "-" if view.apm_cash is None else cash(view.apm_cash)],
            ["Operator", view.operator],
            ["Started", view.started_at],
            ["Finished", view.finished_at or "not finished"],
            ["Status", view.status],
            ["Exported", view.loaded_at],
        ]),
    ]
    for number, step in enumerate(STEPS, start=1):
        last = view.last(step)
        state = view.state(step)
        out += ["", f"## Step {number}: {STEP_TITLES[step]} ({state})", "", f"> {STEP_SOURCE[step]}", ""]
        if last is None or last.outcome == "retried":
            note = "retried, then not recorded again" if last is not None else "not recorded"
            out.append(f"- Outcome: **open** ({note})")
            out.append(f"- What the store says now ({view.loaded_at}):")
            out += _quote_lines(view.evaluations[step].text)
            out.append(f"- To confirm: {view.evaluations[step].confirm}")
        else:
            out.append(f"- Outcome: **{last.outcome}** by {last.operator} at {last.at}")
            if last.reason:
                out.append(f"- Reason: {last.reason}")
            out.append("- What the store said:")
            out += _quote_lines(last.evaluated)
            out.append(f"- What was confirmed: {last.confirmed or '-'}")
            acr = view.acr(last.acr_id)
            if acr is not None:
                code = f", {acr.code}" if acr.code else ""
                out.append(f"- ACR: {acr.id} ({acr.kind}, {acr.status}{code})")
        earlier = view.history(step)[:-1]
        if earlier:
            out.append("- Earlier records: " + "; ".join(
                f"{r.outcome} at {r.at} by {r.operator}" + (f" ({r.reason})" if r.reason else "") for r in earlier))
    out += ["", "## ACRs fired in this run", ""]
    if not view.acrs:
        out.append("None.")
    for acr in view.acrs:
        title = kind_title(acr.kind)
        amount = f" of {money(acr.amount)}" if acr.amount else ""
        out += [f"### ACR {acr.id}: {title}{amount}, {acr.status}", ""]
        out.append(f"- Leverage {lev(acr.leverage)} · fired by {acr.operator} at {acr.created_at} · "
                   f"request key `{acr.request_key}`")
        if acr.code:
            out.append(f"- Failure: **{acr.code}**: {acr.reason}")
            if acr.fix:
                out.append(f"- Fix: {acr.fix}")
        if acr.orders:
            out += ["", *_table(["Order", "Side", "Symbol", "Quantity", "Price", "Notional", "Status", "Filled"],
                                [[o.id, o.side, o.symbol, o.quantity, money(o.price), money(o.notional), o.status,
                                  o.filled_quantity] for o in acr.orders])]
        else:
            out.append("- Orders: none")
        out.append("")
    if out[-1] == "":
        out.pop()
    checklist = view.last("checklist")
    out += ["", "## Quick checklist", ""]
    if checklist is not None and checklist.outcome in ("completed", "blocked"):
        out.append(f"_As recorded at {checklist.at} ({checklist.outcome}, {checklist.operator})._")
        out.append("")
        out += [f"- {line}" for line in checklist.evaluated.splitlines() if line.strip()]
    else:
        out.append(f"_Not completed in the run: as the store says at export ({view.loaded_at})._")
        out.append("")
        out += [f"- {line}" for line in view.evaluations["checklist"].says]
    out += ["", "## Log", ""]
    if view.records:
        out += _table(["#", "At", "Step", "Outcome", "Operator", "Reason", "ACR"],
                      [[r.id, r.at, f"{r.number} {STEP_TITLES[r.step]}", r.outcome, r.operator, r.reason or "-",
                        r.acr_id if r.acr_id is not None else "-"] for r in view.records])
    else:
        out.append("No step recorded.")
    return "\n".join(out) + "\n"
