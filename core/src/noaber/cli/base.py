"""Shared pieces of the command line: the root group, error handling, progress."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import click
from rich.console import Console
from rich.table import Table

from noaber.errors import NoaberError
from noaber.settings import Settings

if TYPE_CHECKING:
    from noaber.platform import Platform

P = ParamSpec("P")
R = TypeVar("R")

console = Console(stderr=True)


def print_table(table: Table) -> None:
    """Print a table to stdout whole: on a terminal it fits the window; piped into a
    file or another program (scripts, CI) no cell is cut short."""
    out = Console()
    if not out.is_terminal:
        out = Console(width=max(out.width, out.measure(table).maximum))
    out.print(table)


def fails_cleanly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn domain errors into a message on stderr and exit status 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except NoaberError as exc:
            console.print(f"[bold red]error:[/] {exc.detail}", highlight=False, soft_wrap=True)
            sys.exit(1)

    return wrapper


@contextmanager
def step(message: str) -> Iterator[None]:
    """Show a spinner while ``message`` runs, then a tick."""
    with console.status(message):
        yield
    console.print(f"[green]✓[/] {message}", highlight=False)


def build_platform(settings: Settings | None = None) -> Platform:
    from noaber.platform import Platform

    return Platform.build(settings or Settings())


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
def main(verbose: bool) -> None:
    """Noaber: neighbourhood support programmes for Dutch municipalities."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
