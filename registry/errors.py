"""Domain errors raised by services; the API and the site each map them to one response shape."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, in English and Chinese."""

    field: str
    message: str
    message_zh: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, "message_zh": self.message_zh}


class RegistryError(Exception):
    """Base of the errors a user can cause; the message is safe to show."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, detail_zh: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_zh = detail_zh


class ValidationError(RegistryError):
    """Input failed validation; `errors` names every field at fault."""

    status = 422
    title = "Validation failed"

    def __init__(
        self,
        errors: list[FieldError],
        detail: str | None = None,
        *,
        status: int = 422,
        title: str = "Validation failed",
    ) -> None:
        # The same field-level problem answers 400 (a bad query parameter), 409 (a conflict in a
        # batch) or 415 (not JSON) as well as 422.
        self.status, self.title = status, title
        self.errors = errors
        first = errors[0] if errors else None
        super().__init__(
            detail or (f"{first.field}: {first.message}" if first else "invalid input"),
            first.message_zh if first else "",
        )


class NotFound(RegistryError):
    status = 404
    title = "Not found"


class Conflict(RegistryError):
    """The request contradicts the register's current state (e.g. an illegal transition)."""

    status = 409
    title = "Conflict"


class Forbidden(RegistryError):
    status = 403
    title = "Forbidden"


class Unauthorized(RegistryError):
    status = 401
    title = "Unauthorized"
