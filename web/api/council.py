"""Council endpoints (Hội đồng Thi đua – Khen thưởng): sessions with their agenda, attendance and quorum, the polls,
a member's ballot, the published results and the minutes. Each view calls one service of workflow/council and
commits once; a secret poll's choices are never stored, so nothing here can show them (docs/DESIGN.md §3.4)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, send_file, url_for
from marshmallow import Schema, fields, validate

from models import CouncilSession, Nomination, Poll, User, db
from models.council import ATTENDANCE_STATUSES, BALLOT_CHOICES, POLL_MODES, PollState
from web.api.auth import api_permission_required, current_actor
from web.api.blueprint import ID, MAX_ID, ApiBlueprint
from web.api.schemas import (
    DateTime,
    InputSchema,
    Integer,
    Mapping,
    PageMetaSchema,
    Text,
    TextList,
    an_id,
    in_range,
    max_length,
    one_of,
)
from web.pagination import paginate
from workflow.core.engine import Action, available_triggers, perform
from workflow.core.errors import InvalidInput
from workflow.core.machines import COUNCIL_SESSION, POLL
from workflow.core.messages import msg
from workflow.council import minutes, polls, sessions
from workflow.council.quorum import Quorum
from workflow.council.rules import voting_members
from workflow.council.sessions import AgendaGroup
from workflow.permissions import (
    can_declare_conflict,
    can_list_council_sessions,
    can_manage_council_sessions,
    can_manage_polls,
    can_preside_council_session,
    can_view_council_session,
    can_view_poll,
    can_vote,
)

blp = ApiBlueprint(
    "api_council",
    __name__,
    url_prefix="/api/v1/council",
    description="Hội đồng Thi đua – Khen thưởng: phiên họp, danh sách có mặt, biểu quyết, kết quả và biên bản.",
)
VERSION = "Phiên bản người gọi đã thấy; khác phiên bản hiện tại → 409."


def load_session(session_id: int, **_) -> CouncilSession:
    return db.get_or_404(CouncilSession, session_id)


def load_poll(poll_id: int, **_) -> Poll:
    return db.get_or_404(Poll, poll_id)


# --- schemas -----------------------------------------------------------------------------------------------------


class CouncilRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class SessionSummarySchema(Schema):
    id = fields.Integer()
    council = fields.Nested(CouncilRefSchema)
    title = fields.String()
    location = fields.String()
    scheduled_at = fields.AwareDateTime()
    state = fields.String(metadata={"enum": list(COUNCIL_SESSION.states)})
    version = fields.Integer(metadata={"description": "Gửi lại trong mỗi thao tác chuyển trạng thái."})
    opened_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)


class SessionPageSchema(Schema):
    items = fields.List(fields.Nested(SessionSummarySchema))
    meta = fields.Nested(PageMetaSchema)


class QuorumSchema(Schema):
    present = fields.Integer(metadata={"description": "Thành viên có quyền biểu quyết có mặt."})
    members = fields.Integer(metadata={"description": "Thành viên có quyền biểu quyết trong ngày họp."})
    needed = fields.Integer(metadata={"description": "Số có mặt tối thiểu để đủ điều kiện biểu quyết."})
    reached = fields.Boolean()
    ratio = fields.Decimal(attribute="ratio_needed", as_string=True, metadata={"example": "0.6666"})


class PollRefSchema(Schema):
    id = fields.Integer()
    state = fields.String(metadata={"enum": list(POLL.states)})


class AgendaItemSchema(Schema):
    position = fields.Integer(attribute="item.position")
    nomination_id = fields.Integer(attribute="nomination.id")
    nominee = fields.String(attribute="nominee.full_name")
    title_code = fields.String(attribute="nomination.title_code")
    dossier_code = fields.String(attribute="dossier.code")
    poll = fields.Nested(PollRefSchema, attribute="item.poll", allow_none=True)


class AgendaGroupSchema(Schema):
    title_code = fields.String()
    title_name = fields.String()
    items = fields.List(fields.Nested(AgendaItemSchema), attribute="entries")


class AttendanceRowSchema(Schema):
    user_id = fields.Integer()
    full_name = fields.String(attribute="user.full_name")
    role_in_council = fields.String()
    status = fields.String(allow_none=True, metadata={"enum": list(ATTENDANCE_STATUSES)})
    note = fields.String()


class SessionSchema(SessionSummarySchema):
    available_triggers = fields.List(
        fields.String(), metadata={"description": "Các thao tác người gọi được thực hiện ngay lúc này."}
    )
    quorum = fields.Nested(QuorumSchema)
    members = fields.List(
        fields.Nested(AttendanceRowSchema),
        metadata={"description": "Thành viên có quyền biểu quyết và tình trạng có mặt (null: chưa ghi nhận)."},
    )
    agenda = fields.List(fields.Nested(AgendaGroupSchema), metadata={"description": "Theo từng danh hiệu."})


class RecusalSchema(Schema):
    name = fields.String()
    note = fields.String()


class PollCountsSchema(Schema):
    yes = fields.Integer(attribute="yes_count")
    no = fields.Integer(attribute="no_count")
    abstain = fields.Integer(attribute="abstain_count")
    invalid = fields.Integer(attribute="invalid_count")
    base = fields.String(metadata={"enum": ["total", "present"]})
    base_count = fields.Integer()
    pass_ratio = fields.Decimal(as_string=True)
    passed = fields.Boolean()


class PollSchema(Schema):
    id = fields.Integer()
    session_id = fields.Integer(attribute="agenda_item.session_id")
    nomination_id = fields.Integer(attribute="nomination.id")
    nominee = fields.String(attribute="nomination.nominee.full_name")
    title_code = fields.String(attribute="nomination.title_code")
    state = fields.String(metadata={"enum": list(POLL.states)})
    version = fields.Integer(metadata={"description": "Gửi lại trong mỗi thao tác chuyển trạng thái."})
    secret = fields.Boolean(metadata={"description": "Bỏ phiếu kín: không lưu, không hiện ai chọn gì."})
    mode = fields.String(metadata={"enum": list(POLL_MODES)})
    entitled_count = fields.Integer(allow_none=True)
    available_triggers = fields.List(fields.String())
    voted = fields.List(fields.String(), attribute="progress.voted", metadata={"description": "Họ tên, theo vần."})
    waiting = fields.List(
        fields.String(), attribute="progress.waiting", metadata={"description": "Có mặt, chưa biểu quyết."}
    )
    away = fields.List(
        fields.String(), attribute="progress.away", metadata={"description": "Vắng mặt, không biểu quyết được."}
    )
    recused = fields.List(fields.Nested(RecusalSchema), attribute="recusals")
    counts = fields.Nested(
        PollCountsSchema, allow_none=True, metadata={"description": "Chỉ có khi đã kết thúc biểu quyết."}
    )


class BallotPollSchema(Schema):
    poll_id = fields.Integer(attribute="id")
    session_id = fields.Integer(attribute="agenda_item.session_id")
    nomination_id = fields.Integer(attribute="agenda_item.nomination_id")
    nominee = fields.Function(lambda poll: polls.nomination_of(db.session, poll).nominee.full_name)
    secret = fields.Boolean()


class BallotSchema(Schema):
    title_code = fields.String()
    title_name = fields.String()
    polls = fields.List(fields.Nested(BallotPollSchema))


class ResultSchema(Schema):
    poll_id = fields.Integer(attribute="tally.poll_id")
    nomination_id = fields.Integer(attribute="nomination.id")
    nominee = fields.String(attribute="nomination.nominee.full_name")
    title_code = fields.String(attribute="nomination.title_code")
    agree = fields.Integer(attribute="tally.agree")
    disagree = fields.Integer(attribute="tally.disagree")
    abstain = fields.Integer(attribute="tally.abstain")
    invalid = fields.Integer(attribute="tally.invalid")
    base = fields.String(metadata={"enum": ["total", "present"], "description": "Tính trên tổng số hay số có mặt."})
    base_count = fields.Integer(attribute="tally.base_count")
    percentage = fields.Decimal(attribute="tally.percent", as_string=True, metadata={"example": "75.00"})
    pass_ratio = fields.Decimal(as_string=True, metadata={"example": "0.6666"})
    passed = fields.Boolean(attribute="tally.passed")


class SessionQuerySchema(InputSchema):
    page = Integer(strict=False, load_default=1, validate=in_range(1, MAX_ID))
    per_page = Integer(strict=False, load_default=25, validate=in_range(1, 100))


class SessionCreateSchema(InputSchema):
    council_id = Integer(
        allow_none=True,
        load_default=None,
        validate=an_id(),
        metadata={"description": "Bỏ trống: Hội đồng nhiệm kỳ mới nhất của cơ quan người gọi."},
    )
    title = Text(required=True, validate=max_length(sessions.TITLE_MAX))
    scheduled_at = DateTime(
        required=True,
        validate=validate.Range(
            min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2200, 1, 1, tzinfo=UTC), error="Thời điểm không hợp lệ."
        ),
        metadata={"description": "Không ghi múi giờ: giờ Việt Nam."},
    )
    location = Text(load_default="", validate=max_length(sessions.LOCATION_MAX))
    dossier_ids = TextList(
        Integer(validate=an_id()),
        load_default=list,
        validate=validate.Length(max=200, error="Tối đa {max} hồ sơ."),
        metadata={"description": "Hồ sơ đã tiếp nhận; các đề nghị đủ điều kiện được đưa vào chương trình."},
    )


class AttendanceRequestSchema(InputSchema):
    statuses = Mapping(
        keys=Integer(strict=False, validate=an_id()),
        values=Text(validate=one_of(ATTENDANCE_STATUSES)),
        required=True,
        metadata={"description": "Mã người dùng → present, absent hoặc written (vắng, có ý kiến bằng văn bản)."},
    )
    notes = Mapping(
        keys=Integer(strict=False, validate=an_id()),
        values=Text(validate=max_length(sessions.NOTE_MAX)),
        load_default=dict,
        metadata={"description": "Mã người dùng → ghi chú."},
    )


def transition_request(workflow) -> type[InputSchema]:
    return InputSchema.from_dict(
        {
            "trigger": Text(required=True, validate=one_of(workflow.transitions)),
            "version": Integer(required=True, metadata={"description": VERSION}),
        },
        name=f"{workflow.name.title().replace('_', '')}TransitionRequest",
    )


class PollCreateSchema(InputSchema):
    mode = Text(load_default="electronic", validate=one_of(POLL_MODES))


class ConflictSchema(InputSchema):
    note = Text(required=True, validate=max_length(polls.NOTE_MAX), metadata={"description": "Lý do."})
    user_id = Integer(
        allow_none=True,
        load_default=None,
        validate=an_id(),
        metadata={"description": "Thư ký, Chủ tịch Hội đồng khai báo thay một thành viên; bỏ trống: chính mình."},
    )


def _ballots() -> Integer:
    return Integer(required=True, validate=in_range(0, 1000))


class PaperTotalsSchema(InputSchema):
    yes = _ballots()
    no = _ballots()
    abstain = _ballots()
    invalid = _ballots()
    version = Integer(allow_none=True, load_default=None, metadata={"description": VERSION})


class VoteSchema(InputSchema):
    choices = Mapping(
        keys=Integer(strict=False, validate=an_id()),
        values=Text(validate=one_of(BALLOT_CHOICES)),
        required=True,
        validate=validate.Length(min=1, error="Cần ít nhất một lựa chọn."),
        metadata={"description": "Mã cuộc biểu quyết → yes, no hoặc abstain.", "example": {"12": "yes"}},
    )


# --- what the views answer -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionDetail:
    """A session plus its quorum, attendance sheet and agenda, and the triggers the caller may fire now."""

    council_session: CouncilSession
    available_triggers: list[str]
    quorum: Quorum
    members: list[dict]
    agenda: list[AgendaGroup]

    def __getattr__(self, name: str):
        return getattr(self.council_session, name)


def session_detail(council_session: CouncilSession) -> SessionDetail:
    attendance = {a.user_id: a for a in sessions.attendance_of(db.session, council_session)}
    members = voting_members(db.session, council_session.council, sessions.session_day(council_session))
    sheet = [
        {
            "user_id": m.user_id,
            "user": m.user,
            "role_in_council": m.role_in_council,
            "status": attendance[m.user_id].status if m.user_id in attendance else None,
            "note": attendance[m.user_id].note if m.user_id in attendance else "",
        }
        for m in members
    ]
    return SessionDetail(
        council_session,
        available_triggers(COUNCIL_SESSION, council_session, current_actor()),
        sessions.session_quorum(db.session, council_session),
        sheet,
        sessions.agenda_groups(db.session, council_session),
    )


@dataclass(frozen=True)
class PollDetail:
    """A poll plus who voted and who is recused (names only) and the counts once it has finished."""

    poll: Poll
    nomination: Nomination
    progress: polls.Progress
    available_triggers: list[str]

    def __getattr__(self, name: str):
        return getattr(self.poll, name)

    @property
    def recusals(self) -> list[dict]:
        return [{"name": name, "note": note} for name, note in self.progress.recused]

    @property
    def counts(self) -> Poll | None:
        return self.poll if self.poll.state in (PollState.FINISHED, PollState.PUBLISHED) else None


def poll_detail(poll: Poll) -> PollDetail:
    return PollDetail(
        poll,
        polls.nomination_of(db.session, poll),
        polls.progress(db.session, poll),
        available_triggers(POLL, poll, current_actor()),
    )


def _member(user_id: int | None) -> User:
    if user_id is None:
        return current_actor()
    member = db.session.get(User, user_id)
    if member is None:
        raise InvalidInput({"user_id": [msg("Không có người dùng này.")]})
    return member


# --- sessions ----------------------------------------------------------------------------------------------------


@blp.route("/sessions", methods=["GET"])
@blp.doc(
    summary="Danh sách phiên họp",
    description="Phiên họp người gọi được xem, mới nhất trước: Thư ký, Phòng Nội vụ, Chủ tịch thấy các phiên của "
    "cơ quan mình; thành viên thấy các phiên của Hội đồng mình. Phân trang bằng `page`, `per_page`.",
)
@blp.problems(401, 403)
@api_permission_required(can_list_council_sessions)
@blp.arguments(SessionQuerySchema, location="query")
@blp.response(200, SessionPageSchema)
def list_sessions(query: dict):
    page = paginate(db.session, sessions.sessions_of(db.session, current_actor()), per_page=query["per_page"])
    return {"items": page.items, "meta": page}


@blp.route("/sessions", methods=["POST"])
@blp.doc(
    summary="Lên lịch phiên họp",
    description="Thư ký hoặc Phòng Nội vụ lên lịch một phiên họp; các đề nghị đủ điều kiện của những hồ sơ đã tiếp "
    "nhận được đưa vào chương trình, mỗi hồ sơ chuyển sang “đang trình Hội đồng”. Tất cả hoặc không: 422 liệt kê "
    "mọi trường và mọi hồ sơ không hợp lệ, không ghi gì.",
)
@blp.problems(401, 403, 409)
@api_permission_required(can_manage_council_sessions)
@blp.arguments(SessionCreateSchema)
@blp.response(201, SessionSchema)
def schedule_session(body: dict):
    council_session = sessions.schedule_by_ids(db.session, actor=current_actor(), **body)
    db.session.commit()
    return session_detail(council_session), {"Location": url_for(".get_session", session_id=council_session.id)}


@blp.route(f"/sessions/<{ID}:session_id>", methods=["GET"])
@blp.doc(
    summary="Xem phiên họp",
    description="Trạng thái, phiên bản, thao tác được phép, số có mặt so với số cần để đủ điều kiện biểu quyết, "
    "danh sách có mặt và chương trình theo từng danh hiệu (mỗi đề nghị kèm cuộc biểu quyết, nếu đã tạo).",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_council_session, load=load_session)
@blp.response(200, SessionSchema)
def get_session(session_id: int):
    return session_detail(load_session(session_id))


@blp.route(f"/sessions/<{ID}:session_id>/attendance", methods=["PUT"])
@blp.doc(
    summary="Ghi danh sách có mặt",
    description="Khi phiên họp đã lên lịch hoặc đang họp. Chỉ thành viên có quyền biểu quyết; người không gửi giữ "
    "tình trạng cũ. 422: người không phải thành viên biểu quyết, tình trạng hoặc ghi chú không hợp lệ.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_manage_council_sessions, load=load_session)
@blp.arguments(AttendanceRequestSchema)
@blp.response(200, SessionSchema)
def put_attendance(body: dict, session_id: int):
    council_session = load_session(session_id)
    sessions.record_attendance(db.session, council_session, actor=current_actor(), **body)
    db.session.commit()
    return session_detail(council_session)


@blp.route(f"/sessions/<{ID}:session_id>/transitions", methods=["POST"])
@blp.doc(
    summary="Khai mạc, bế mạc phiên họp",
    description="`trigger`: open hoặc close; `version`: phiên bản người gọi đã thấy. Khai mạc không đòi đủ số có mặt "
    "(không cuộc biểu quyết nào bắt đầu khi chưa đủ); bế mạc bị từ chối khi còn cuộc biểu quyết đang diễn ra. "
    "409: không được phép ở trạng thái hiện tại hoặc phiên họp đã bị người khác thay đổi.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_preside_council_session, load=load_session)
@blp.arguments(transition_request(COUNCIL_SESSION))
@blp.response(200, SessionSchema)
def session_transition(body: dict, session_id: int):
    council_session = load_session(session_id)
    perform(
        db.session, Action(COUNCIL_SESSION, council_session, body["trigger"]), actor=current_actor(),
        version=body["version"],
    )  # fmt: skip
    db.session.commit()
    return session_detail(council_session)


@blp.route(f"/sessions/<{ID}:session_id>/polls", methods=["POST"])
@blp.doc(
    summary="Tạo các cuộc biểu quyết",
    description="Một cuộc biểu quyết cho mỗi đề nghị trong chương trình chưa có; kín hay công khai theo quy định "
    "của danh hiệu. `mode`: electronic (bỏ phiếu trên hệ thống) hoặc paper (nhập kết quả kiểm phiếu giấy).",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_manage_polls, load=load_session)
@blp.arguments(PollCreateSchema)
@blp.response(201, SessionSchema)
def create_polls(body: dict, session_id: int):
    council_session = load_session(session_id)
    polls.create_polls(db.session, council_session, actor=current_actor(), mode=body["mode"])
    db.session.commit()
    return session_detail(council_session)


@blp.route(f"/sessions/<{ID}:session_id>/results", methods=["GET"])
@blp.doc(
    summary="Kết quả biểu quyết",
    description="Chỉ các cuộc biểu quyết đã công bố, theo thứ tự chương trình: số đồng ý, không đồng ý, không biểu "
    "quyết, phiếu không hợp lệ; tỷ lệ đồng ý (%) trên cơ sở tính (`base_count`) và có đạt tỷ lệ quy định không.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_council_session, load=load_session)
@blp.response(200, ResultSchema(many=True))
def get_results(session_id: int):
    return polls.published_results(db.session, load_session(session_id))


@blp.route(f"/sessions/<{ID}:session_id>/minutes.pdf", methods=["GET"])
@blp.doc(
    summary="Biên bản họp Hội đồng (PDF)",
    description="Biên bản theo thể thức Nghị định 30/2020: thành phần, số có mặt và kết quả các cuộc biểu quyết đã "
    "kết thúc. Luôn tải về dưới dạng tệp đính kèm.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_council_session, load=load_session)
@blp.response(200, content_type="application/pdf", description="Tệp PDF.")
def minutes_pdf(session_id: int):
    pdf = minutes.session_minutes_pdf(db.session, load_session(session_id))
    response = send_file(
        io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=f"bien-ban-{session_id}.pdf"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- polls -------------------------------------------------------------------------------------------------------


@blp.route(f"/polls/<{ID}:poll_id>", methods=["GET"])
@blp.doc(
    summary="Xem cuộc biểu quyết",
    description="Trạng thái, kín hay công khai, ai đã biểu quyết và ai còn chờ (chỉ họ tên, không bao giờ kèm lựa "
    "chọn), ai không tham gia và lý do. Số phiếu chỉ hiện khi đã kết thúc biểu quyết.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_view_poll, load=load_poll)
@blp.response(200, PollSchema)
def get_poll(poll_id: int):
    return poll_detail(load_poll(poll_id))


@blp.route(f"/polls/<{ID}:poll_id>/transitions", methods=["POST"])
@blp.doc(
    summary="Bắt đầu, kết thúc, công bố biểu quyết",
    description="`trigger`: start (cần đủ số có mặt; chốt người được biểu quyết, cơ sở tính và tỷ lệ), finish (tính "
    "kết quả) hoặc publish (công bố: đề nghị được thông qua hoặc không); `version`: phiên bản người gọi đã thấy. "
    "409: không được phép ở trạng thái hiện tại hoặc đã bị người khác thay đổi; 422: điều kiện chưa thỏa.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_manage_polls, load=load_poll)
@blp.arguments(transition_request(POLL))
@blp.response(200, PollSchema)
def poll_transition(body: dict, poll_id: int):
    poll = load_poll(poll_id)
    perform(db.session, Action(POLL, poll, body["trigger"]), actor=current_actor(), version=body["version"])
    db.session.commit()
    return poll_detail(poll)


@blp.route(f"/polls/<{ID}:poll_id>/conflicts", methods=["POST"])
@blp.doc(
    summary="Khai báo xung đột lợi ích",
    description="Trước khi bắt đầu biểu quyết, thành viên khai báo cho chính mình (hoặc Thư ký, Chủ tịch Hội đồng "
    "khai báo thay, với `user_id`): thành viên không tham gia biểu quyết nội dung này.",
)
@blp.problems(401, 403, 404)
@api_permission_required(can_declare_conflict, load=load_poll)
@blp.arguments(ConflictSchema)
@blp.response(200, PollSchema)
def declare_conflict(body: dict, poll_id: int):
    poll = load_poll(poll_id)
    polls.declare_conflict(db.session, poll, actor=current_actor(), member=_member(body["user_id"]), note=body["note"])
    db.session.commit()
    return poll_detail(poll)


@blp.route(f"/polls/<{ID}:poll_id>/paper", methods=["POST"])
@blp.doc(
    summary="Nhập kết quả kiểm phiếu giấy",
    description="Khi đang biểu quyết bằng phiếu giấy; nhập lại để sửa cho đến khi kết thúc. 422 khi tổng số phiếu "
    "vượt quá số thành viên được biểu quyết có mặt.",
)
@blp.problems(401, 403, 404, 409)
@api_permission_required(can_manage_polls, load=load_poll)
@blp.arguments(PaperTotalsSchema)
@blp.response(200, PollSchema)
def enter_paper_totals(body: dict, poll_id: int):
    poll = load_poll(poll_id)
    polls.enter_paper_totals(db.session, poll, actor=current_actor(), **body)
    db.session.commit()
    return poll_detail(poll)


# --- the ballot --------------------------------------------------------------------------------------------------


@blp.route("/ballot", methods=["GET"])
@blp.doc(
    summary="Phiếu biểu quyết của tôi",
    description="Các nội dung đang mở mà người gọi được biểu quyết và chưa biểu quyết, mỗi danh hiệu một phiếu.",
)
@blp.problems(401, 403)
@api_permission_required(can_vote)
@blp.response(200, BallotSchema(many=True))
def get_ballot():
    return polls.ballots(db.session, current_actor())


@blp.route("/ballot", methods=["POST"])
@blp.doc(
    summary="Biểu quyết",
    description="`choices`: mã cuộc biểu quyết → yes, no hoặc abstain, cho trọn phiếu của mỗi danh hiệu (mọi nội "
    "dung đang mở của danh hiệu đó). Tất cả hoặc không: 422 khi thiếu lựa chọn, khi đã biểu quyết nội dung đó "
    "(không biểu quyết lại được) hoặc nội dung không mở cho người gọi; khi ấy không phiếu nào được ghi. Phiếu kín "
    "không lưu ai chọn gì.",
)
@blp.problems(401, 403, 409)
@api_permission_required(can_vote)
@blp.arguments(VoteSchema)
@blp.response(204)
def vote(body: dict):
    polls.vote_on_ballots(db.session, current_actor(), body["choices"])
    db.session.commit()
    return current_app.response_class(status=204)
