"""What every command shares: one session, one commit, errors as clean messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from registry.db import commit, get_session, rollback
from registry.errors import RegistryError, ValidationError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> None:
    """Stop the command with a message and exit status 1."""
    raise click.ClickException(message)


def unit_of_work(func: F) -> F:
    """Run the command in one transaction: commit on success, roll back and explain on error."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        session = get_session()
        try:
            result = func(*args, **kwargs)
            commit(session)
            return result
        except ValidationError as exc:
            rollback(session)
            lines = [f"  {e.field}: {e.message}" for e in exc.errors]
            fail("invalid input:\n" + "\n".join(lines))
        except RegistryError as exc:
            rollback(session)
            fail(exc.detail)
        except (OperationalError, ProgrammingError) as exc:
            rollback(session)
            if "no such table" in str(exc) or "does not exist" in str(exc):
                fail("the database has no schema yet: run `flask --app registry db upgrade` first")
            raise

    return wrapper  # type: ignore[return-value]
