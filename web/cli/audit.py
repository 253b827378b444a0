"""`flask audit verify` and `flask audit checkpoint`: the keyed audit chain, checked and anchored outside the
database."""

from __future__ import annotations

import click
from flask import Flask

from models import db


def register(app: Flask) -> None:
    @app.cli.group("audit")
    def audit_group():
        """The hash-chained audit log."""

    @audit_group.command("verify")
    def audit_verify_command():
        """Recompute the keyed chain, compare it with the last checkpoint and the dossiers' and nominations'
        states; exit 1 and name every problem found."""
        from workflow.core import audit

        headlines = {
            audit.CHAIN: "Nhật ký bị sửa đổi",
            audit.UNREADABLE: "Nhật ký bị sửa đổi",
            audit.CHECKPOINT: "Nhật ký bị cắt bớt",
            audit.CHECKPOINT_FILE: "Tệp điểm kiểm tra bị sửa đổi",
            audit.STATE: "Trạng thái bị sửa ngoài quy trình",
        }
        result = audit.verify(db.session)
        if not result.intact:
            for problem in result.problems:
                click.echo(f"{headlines[problem.kind]}: {problem}", err=True)
            if result.omitted:
                click.echo(f"… và {result.omitted} vấn đề khác cùng loại không liệt kê.", err=True)
            raise SystemExit(1)
        click.echo(f"Nhật ký toàn vẹn: {result.entries} mục, chuỗi băm khớp.")
        if result.checkpoint is None:
            click.echo("Chưa có điểm kiểm tra nào để đối chiếu (chạy `flask audit checkpoint` hằng ngày).")
        else:
            taken = result.checkpoint
            click.echo(f"Khớp với điểm kiểm tra lúc {taken.taken_at} ({taken.entries} mục).")

    @audit_group.command("checkpoint")
    def audit_checkpoint_command():
        """Append the signed head of the chain to AUDIT_CHECKPOINT_FILE and e-mail it to the standing office's
        heads (schedule it daily, after `audit verify`)."""
        from workflow.core.audit import checkpoint

        taken = checkpoint(db.session)
        db.session.commit()
        head = taken.checkpoint
        last = f"mục cuối #{head.last_id}" if head.last_id is not None else "nhật ký còn trống"
        click.echo(f"Đã ghi điểm kiểm tra: {head.entries} mục, {last}, vào {taken.file}.")
        if taken.told:
            click.echo("Đã gửi thư cho: " + ", ".join(f"{user.full_name} <{user.email}>" for user in taken.told))
        else:
            click.echo(
                "Cảnh báo: không có thủ trưởng cơ quan thường trực nào có e-mail để nhận điểm kiểm tra.", err=True
            )
