"""Domain errors. Each carries a user-facing Vietnamese message (a `msg`, so web/ can show it in the reader's
language); web/errors.py picks the HTTP status."""

from __future__ import annotations

from workflow.core.messages import msg


class DomainError(Exception):
    message = msg("Thao tác không thực hiện được.")

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class PermissionDenied(DomainError):
    message = msg("Tài khoản của bạn không có quyền thực hiện thao tác này.")


class TransitionNotAllowed(DomainError):
    """The trigger does not exist in the current state; names the triggers that do."""

    def __init__(self, trigger: str, state: str, allowed: list[str]):
        self.trigger, self.state, self.allowed = trigger, state, allowed
        if allowed:
            message = msg(
                "Không thể thực hiện “%(trigger)s” khi hồ sơ đang ở trạng thái “%(state)s”. "
                "Các thao tác được phép lúc này: %(allowed)s.",
                trigger=trigger,
                state=state,
                allowed=", ".join(allowed),
            )
        else:
            message = msg(
                "Không thể thực hiện “%(trigger)s” khi hồ sơ đang ở trạng thái “%(state)s”. "
                "Các thao tác được phép lúc này: không có.",
                trigger=trigger,
                state=state,
            )
        super().__init__(message)


class GuardFailed(DomainError):
    """Every failed guard's message, not just the first, so the user can fix everything at once."""

    def __init__(self, failures: list[str]):
        self.failures = failures
        super().__init__("; ".join(failures))


class StaleObject(DomainError):
    message = msg("Hồ sơ đã được người khác thay đổi, vui lòng tải lại")


class InvalidInput(DomainError):
    """Bad input caught by a service, with the offending field names and messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in errors.items()))
