"""Domain errors. Each carries a user-facing Vietnamese message; web/errors.py picks the HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    message = "Thao tác không thực hiện được."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class PermissionDenied(DomainError):
    message = "Tài khoản của bạn không có quyền thực hiện thao tác này."


class TransitionNotAllowed(DomainError):
    """The trigger does not exist in the current state; names the triggers that do."""

    def __init__(self, trigger: str, state: str, allowed: list[str]):
        self.trigger, self.state, self.allowed = trigger, state, allowed
        names = ", ".join(allowed) if allowed else "không có"
        super().__init__(
            f"Không thể thực hiện “{trigger}” khi hồ sơ đang ở trạng thái “{state}”. "
            f"Các thao tác được phép lúc này: {names}."
        )


class GuardFailed(DomainError):
    """Every failed guard's message, not just the first, so the user can fix everything at once."""

    def __init__(self, failures: list[str]):
        self.failures = failures
        super().__init__("; ".join(failures))


class StaleObject(DomainError):
    message = "Hồ sơ đã được người khác thay đổi, vui lòng tải lại"


class InvalidInput(DomainError):
    """Bad input caught by a service, with the offending field names and messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in errors.items()))
