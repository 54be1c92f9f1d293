"""`demo` and `import`: the commands of store/book.py, which fill a book."""
from __future__ import annotations

from pathlib import Path

import click

from console.cli.output import emit_json, json_option
from console.cli.support import open_store, operator, progress_bar
from store.book import generate_demo, import_file


@click.command("demo")
@click.option("--accounts", type=click.IntRange(1, 1_000_000), default=2000, show_default=True,
              help="How many accounts.")
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same book.")
@json_option
@click.pass_context
def demo(ctx: click.Context, accounts: int, seed: int, as_json: bool) -> None:
    """Create a realistic demo book (deterministic per seed) in an empty store."""
    with open_store(ctx, create=True) as store, progress_bar(accounts, "Writing demo book") as step:
        counts = generate_demo(store, accounts, seed, operator(ctx), step)
    if as_json:
        emit_json({"db": str(store.path), **counts})
    else:
        click.echo(f"Demo book: {counts['accounts']:,} accounts, {counts['sleeves']:,} sleeves, "
                   f"{counts['models']} models, {counts['prices']} prices -> {store.path}")


@click.command("import")
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@click.pass_context
def import_(ctx: click.Context, book: Path, as_json: bool) -> None:
    """Import a book file, all-or-nothing: any bad row writes nothing and every bad row is listed."""
    with open_store(ctx, create=True) as store:
        counts = import_file(store, book, operator(ctx))
    if as_json:
        emit_json(counts)
    else:
        click.echo("Imported " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))


COMMANDS = [demo, import_]
