"""Guards: pure functions `guard(row, data) -> list[str]` returning the failure messages (empty when it passes).

They read the row and the event data only; anything that needs a query (the document checklist, the agenda
results) is computed by the service and passed in `data`. The engine runs every guard of a transition and
reports all failures at once."""
from __future__ import annotations

from models.dossier import REASON_CATEGORIES, NominationState
from workflow.core.messages import msg
from workflow.dossiers.succession import continues_transitionally, out_of_office


def has_nominations(row, data) -> list[str]:
    live = [n for n in row.nominations if n.state != NominationState.WITHDRAWN]
    if live:
        return []
    return [msg("Hồ sơ chưa có người/tập thể nào được đề nghị. Thêm ít nhất một người hoặc tập thể ở mục “Danh sách "
                "đề nghị”.")]


def has_required_documents(row, data) -> list[str]:
    checklist = data.get("checklist")
    if checklist is None:
        return [msg("Chưa kiểm tra được thành phần hồ sơ.")]
    return [
        msg("Thiếu tài liệu: %(document)s. Tải lên ở mục “Thành phần hồ sơ”.", document=item.label)
        for item in checklist.missing
    ]


def authority_in_office(row, data) -> list[str]:
    """An ended authority receives no submission (the message names its successor); a dossier it accepted before
    it ended goes on under the transitional rules. The service passes `today`."""
    day = data.get("today")
    if day is None:
        return [msg("Chưa xác định được ngày xử lý hồ sơ.")]
    if continues_transitionally(row):
        return []
    refusal = out_of_office(row.authority, day)
    return [refusal] if refusal is not None else []


def head_signed_off(row, data) -> list[str]:
    if data.get("sign_off") is True:
        return []
    return [msg("Thủ trưởng đơn vị cần xác nhận đã ký tờ trình: đánh dấu ô “Tôi đã ký tờ trình đề nghị của đơn vị” "
                "rồi bấm lại.")]


def has_comment(row, data) -> list[str]:
    if (data.get("comment") or "").strip():
        return []
    return [msg("Vui lòng ghi rõ lý do.")]


def has_missing_items(row, data) -> list[str]:
    items = [i for i in (data.get("missing_items") or []) if str(i).strip()]
    return [] if items else [msg("Cần nêu đầy đủ các nội dung hồ sơ còn thiếu (ít nhất một mục).")]


def within_first_return_list(row, data) -> list[str]:
    """The one-stop rule: the service lists the items a later return names that the first return did not."""
    return [
        msg("Theo nguyên tắc một lần, lần trả lại sau chỉ được nêu lại các mục của lần trả lại đầu tiên mà đơn vị "
            "chưa bổ sung đạt yêu cầu; mục “%(item)s” không có trong danh sách đó.", item=label)
        for label in data.get("outside_first_list", [])
    ]


def every_asked_item_supplied(row, data) -> list[str]:
    """The service lists the current return's items with no new document, no changed details and no explanation."""
    return [
        msg("Chưa bổ sung mục Phòng Nội vụ yêu cầu: %(item)s. Tải lên bản mới, sửa thông tin, hoặc ghi giải trình "
            "cho mục này.", item=label)
        for label in data.get("unsupplied", [])
    ]


def has_reason_category(row, data) -> list[str]:
    if data.get("reason") in REASON_CATEGORIES:
        return []
    return [msg("Cần chọn lý do không chấp nhận: sai đối tượng, không đạt tiêu chuẩn, hồ sơ không đầy đủ "
                "hoặc vi phạm pháp luật.")]


def has_eligible_nominations(row, data) -> list[str]:
    """Only eligible nominations go before the council; the service counts them (appraisal.schedulable)."""
    if data.get("eligible_nominations"):
        return []
    return [msg("Hồ sơ %(code)s chưa có đề nghị nào được thẩm định đủ điều kiện để đưa ra Hội đồng.", code=row.code)]


def council_review_optional(row, data) -> list[str]:
    if data.get("council_review_optional") is True:
        return []
    return [msg("Chỉ hồ sơ theo thủ tục đơn giản mới được trình quyết định mà không qua Hội đồng.")]


def every_agenda_nomination_has_result(row, data) -> list[str]:
    pending = data.get("nominations_without_result", [])
    return [msg("Chưa có kết quả xét cho: %(name)s", name=name) for name in pending]


def has_quorum(row, data) -> list[str]:
    quorum = data.get("quorum")
    if quorum is not None and quorum.reached:
        return []
    if quorum is None:
        return [msg("Chưa xác định được số thành viên dự họp.")]
    return [msg("Chưa đủ số thành viên dự họp để biểu quyết: có mặt %(present)s/%(members)s thành viên, cần ít nhất "
                "%(needed)s.", present=quorum.present, members=quorum.members, needed=quorum.needed)]


def no_poll_running(row, data) -> list[str]:
    """A session closes only after its last vote ends; the service counts the polls still started."""
    running = data.get("polls_running")
    if running is None:
        return [msg("Chưa kiểm tra được các cuộc bỏ phiếu của phiên họp.")]
    if running:
        return [msg("Còn %(count)s cuộc bỏ phiếu chưa kết thúc.", count=running)]
    return []


def every_nomination_final(row, data) -> list[str]:
    open_ = [n for n in row.nominations if n.state not in NominationState.FINAL]
    return [] if not open_ else [msg("Còn %(count)s trường hợp chưa có kết quả cuối cùng.", count=len(open_))]


def has_decision_items(row, data) -> list[str]:
    """A decision goes to the chairman only with someone to award; the service counts its Article 1 list."""
    if data.get("items"):
        return []
    return [msg("Dự thảo quyết định chưa có cá nhân, tập thể nào được khen thưởng.")]


def signer_capacity_known(row, data) -> list[str]:
    if data.get("signer_capacity") in ("chairman", "deputy"):
        return []
    return [msg("Cần chọn ký với tư cách Chủ tịch (TM. Ủy ban nhân dân) hoặc Phó Chủ tịch (KT. Chủ tịch).")]


def decided_in_office(row, data) -> list[str]:
    """An authority signs only on a day it exists (the district level ended on 30 June 2025, docs/DOMAIN.md §3.3);
    the service passes the decision date."""
    day = data.get("signed_on")
    if day is None:
        return [msg("Chưa xác định được ngày ký quyết định.")]
    if row.authority.valid_on(day):
        return []
    message = msg(
        "%(authority)s không còn thẩm quyền ký quyết định vào ngày %(day)s.",
        authority=row.authority.name,
        day=f"{day:%d/%m/%Y}",
    )
    return [message]
