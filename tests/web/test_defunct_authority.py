"""An authority past its last day (Ngọc Hồi district, which ended on 30 June 2025 under Law 72/2025/QH15) receives no
new dossier and no submission, and says who took over; a unit re-addresses its draft to the successor; a dossier the
district accepted before it ended goes on under the transitional rules, with a banner. The expected messages are
written out here, never read from the code."""

from __future__ import annotations

import html
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from models import AuditEntry, Dossier, RuleSet, db
from tests.conftest import csrf_token_from, upload_missing
from workflow.accounts.tokens import issue_token
from workflow.core.errors import GuardFailed
from workflow.dossiers import supplements
from workflow.dossiers import transitions as steps
from workflow.dossiers.succession import readdress_dossier
from workflow.rules.competence import route_for

JULY_2 = "2025-07-02"
SUCCESSOR = "UBND xã Plei Kần (minh hoạ)"
ENDED = (
    "UBND huyện Ngọc Hồi đã chấm dứt hoạt động từ 01/07/2025; hồ sơ mới gửi UBND xã Plei Kần (minh hoạ) "
    "(cơ quan kế nhiệm)."
)
BANNER = (
    "Hồ sơ tiếp nhận ngày 16/06/2025, trước khi UBND huyện Ngọc Hồi chấm dứt hoạt động (01/07/2025): tiếp tục xử lý "
    "theo quy định chuyển tiếp."
)
ACCEPTED_STAYS = (
    "Hồ sơ đã được tiếp nhận ngày 16/06/2025: tiếp tục xử lý theo quy định chuyển tiếp, không chuyển sang cơ quan khác."
)


@contextmanager
def in_june():
    """16 June 2025, 9:00 in Vietnam: the district still receives dossiers."""
    with time_machine.travel(datetime(2025, 6, 16, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=True):
        yield


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_form(client, page_url: str, url: str, **fields):
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **fields})


@pytest.fixture
def api(client, user):
    def call(username: str, path: str, json: dict):
        token = issue_token(db.session, user(username)).token
        db.session.commit()
        return client.post(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, json=json)

    return call


@pytest.fixture
def june_draft(make_dossier):
    """A complete draft of Plei Kần made while the district still existed."""
    with in_june():
        return make_dossier()


def in_state(make_dossier, user, state: str, officer: str = "canbo.pleikan") -> Dossier:
    """A dossier of Plei Kần brought to `state` in June 2025 through the services."""
    with in_june():
        dossier = make_dossier(officer)
        steps.submit_to_head(db.session, dossier, actor=user(officer))
        steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
        if state == "accepted":
            steps.accept(db.session, dossier, actor=user("noivu"))
        else:
            steps.return_for_supplement(db.session, dossier, actor=user("noivu"), missing_items=["Biên bản họp"])
        db.session.commit()
    return dossier


# --- no new dossier, no submission --------------------------------------------------------------------------------


@pytest.mark.today(JULY_2)
def test_a_new_dossier_for_ngoc_hoi_on_2_july_2025_is_refused_naming_the_successor(demo, client, auth):
    auth.login("canbo.pleikan")
    assert ENDED in text(client.get("/dossiers/new"))

    form = {"procedure": "regular", "year": "2025", "title": "Đề nghị khen thưởng năm 2025"}
    response = post_form(client, "/dossiers/new", "/dossiers/new", **form)

    assert response.status_code == 422
    assert ENDED in text(response)
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0


@pytest.mark.today(JULY_2)
def test_the_api_refuses_the_new_dossier_with_the_same_message(demo, api):
    response = api("canbo.pleikan", "/dossiers", {"procedure": "regular", "year": 2025, "title": "Đề nghị năm 2025"})

    assert response.status_code == 422
    assert response.json["errors"] == {"authority": [ENDED]}


@pytest.mark.today(JULY_2)
def test_a_draft_made_in_june_is_not_submitted_on_2_july_page_and_api(june_draft, client, auth, api):
    auth.login("canbo.pleikan")
    url = f"/dossiers/{june_draft.id}"
    page = post_form(client, url, f"{url}/actions/submit_to_head", version=str(june_draft.version))
    assert page.status_code == 422
    assert ENDED in text(page)

    call = api("canbo.pleikan", f"/dossiers/{june_draft.id}/transitions",
               {"trigger": "submit_to_head", "version": june_draft.version})  # fmt: skip
    assert call.status_code == 422
    assert call.json["failures"] == [ENDED]
    db.session.refresh(june_draft)
    assert june_draft.state == "draft"


@pytest.mark.today(JULY_2)
def test_the_head_cannot_sign_off_on_2_july_what_the_officer_sent_up_in_june(june_draft, user):
    with in_june():
        steps.submit_to_head(db.session, june_draft, actor=user("canbo.pleikan"))
        db.session.commit()

    with pytest.raises(GuardFailed) as refused:
        steps.approve_submission(db.session, june_draft, actor=user("truong.pleikan"), sign_off=True)
    assert refused.value.failures == [ENDED]


# --- re-addressing to the successor ---------------------------------------------------------------------------------


@pytest.mark.today(JULY_2)
def test_the_officer_readdresses_the_draft_which_then_goes_to_the_successors_office(june_draft, client, auth, user):
    auth.login("canbo.pleikan")
    url = f"/dossiers/{june_draft.id}"
    assert f"Chuyển hồ sơ sang {SUCCESSOR}" in text(client.get(url))

    response = post_form(client, url, f"{url}/readdress", version=str(june_draft.version))

    assert response.status_code == 302
    db.session.expire_all()
    dossier = db.session.get(Dossier, june_draft.id)
    assert (dossier.authority.code, dossier.state) == ("UBND-XA-PLEIKAN", "draft")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "readdress")).one()
    assert (entry.dossier_id, entry.actor_id, entry.to_state) == (dossier.id, user("canbo.pleikan").id, None)
    assert entry.data["from_authority"] == "Ủy ban nhân dân huyện Ngọc Hồi"
    assert entry.data["to_authority"] == "Ủy ban nhân dân xã Plei Kần (minh hoạ)"
    assert "Chuyển hồ sơ sang cơ quan kế nhiệm" in text(client.get(f"{url}/timeline"))

    # The July 2025 rule set now judges it: whatever its checklist adds is uploaded, then it travels as usual.
    upload_missing(dossier, user("canbo.pleikan"))
    steps.submit_to_head(db.session, dossier, actor=user("canbo.pleikan"))
    steps.approve_submission(db.session, dossier, actor=user("truong.pleikan"), sign_off=True)
    steps.accept(db.session, dossier, actor=user("vanphong.xa"))
    db.session.commit()
    assert (dossier.state, dossier.rule_set.code, dossier.accepted_on) == ("accepted", "2025-07", date(2025, 7, 2))
    auth.logout()
    auth.login("noivu")
    assert client.get(url).status_code == 403


@pytest.mark.today(JULY_2)
def test_the_api_readdresses_with_the_version_the_caller_saw(june_draft, api):
    path = f"/dossiers/{june_draft.id}/readdress"
    assert api("canbo.pleikan", path, {"version": june_draft.version + 1}).status_code == 409

    response = api("canbo.pleikan", path, {"version": june_draft.version})

    assert response.status_code == 200
    assert response.json["authority"]["code"] == "UBND-XA-PLEIKAN"
    assert response.json["state"] == "draft"
    assert api("canbo.dakxu", path, {"version": response.json["version"]}).status_code == 403


def test_a_living_authority_keeps_its_dossiers(june_draft, api):
    response = api("canbo.pleikan", f"/dossiers/{june_draft.id}/readdress", {"version": june_draft.version})

    assert response.status_code == 422
    assert response.json["detail"] == "UBND huyện Ngọc Hồi vẫn đang hoạt động; hồ sơ không cần chuyển."


@pytest.mark.today(JULY_2)
def test_a_body_that_ended_with_the_district_cannot_move_its_draft(make_dossier, client, auth, api):
    """Phòng Giáo dục và Đào tạo was a body of the district and ended with it."""
    with in_june():
        draft = make_dossier("canbo.pgddt")
    auth.login("canbo.pgddt")
    page = text(client.get(f"/dossiers/{draft.id}"))
    assert ENDED in page and "Chuyển hồ sơ sang" not in page

    response = api("canbo.pgddt", f"/dossiers/{draft.id}/readdress", {"version": draft.version})

    assert response.status_code == 422
    assert response.json["detail"] == (
        "Phòng Giáo dục và Đào tạo đã chấm dứt hoạt động; hồ sơ của đơn vị không chuyển sang UBND xã Plei Kần "
        "(minh hoạ) được."
    )


@pytest.mark.today(JULY_2)
def test_a_dossier_returned_before_acceptance_moves_and_meets_the_july_rules(make_dossier, user):
    dossier = in_state(make_dossier, user, "returned")
    answered = {item.key: "Đã bổ sung" for item in supplements.current_return(db.session, dossier).items}
    with pytest.raises(GuardFailed) as refused:
        steps.resubmit(db.session, dossier, actor=user("canbo.pleikan"), explanations=answered)
    assert refused.value.failures == [ENDED]
    db.session.rollback()

    readdress_dossier(db.session, dossier, actor=user("canbo.pleikan"))
    upload_missing(dossier, user("canbo.pleikan"))
    steps.resubmit(db.session, dossier, actor=user("canbo.pleikan"), explanations=answered)
    steps.accept(db.session, dossier, actor=user("vanphong.xa"))
    db.session.commit()

    assert (dossier.state, dossier.authority.code, dossier.rule_set.code) == ("accepted", "UBND-XA-PLEIKAN", "2025-07")


# --- dossiers accepted before the end: transitional rules -----------------------------------------------------------


@pytest.mark.today(JULY_2)
def test_a_dossier_accepted_in_june_goes_on_in_july_with_the_transitional_banner(make_dossier, client, auth, user, api):
    dossier = in_state(make_dossier, user, "accepted")
    auth.login("noivu")
    assert BANNER in text(client.get(f"/dossiers/{dossier.id}"))

    steps.return_for_supplement(db.session, dossier, actor=user("noivu"), missing_items=["Bản nhận xét của chi bộ"])
    db.session.commit()
    refused = api("canbo.pleikan", f"/dossiers/{dossier.id}/readdress", {"version": dossier.version})
    assert (refused.status_code, refused.json["detail"]) == (422, ACCEPTED_STAYS)
    answered = {"note:Bản nhận xét của chi bộ": "Đã gửi bản giấy"}
    steps.resubmit(db.session, dossier, actor=user("canbo.pleikan"), explanations=answered)
    steps.accept(db.session, dossier, actor=user("noivu"))
    db.session.commit()

    assert (dossier.state, dossier.authority.code) == ("accepted", "UBND-NGOCHOI")
    assert dossier.accepted_on == date(2025, 6, 16)
    assert BANNER in text(client.get(f"/dossiers/{dossier.id}"))


def test_no_banner_while_the_district_still_exists(make_dossier, client, auth, user):
    dossier = in_state(make_dossier, user, "accepted")
    auth.login("noivu")
    page = text(client.get(f"/dossiers/{dossier.id}"))
    assert "quy định chuyển tiếp" not in page and "chấm dứt hoạt động" not in page


# --- the successor: a competent authority for a newcomer ------------------------------------------------------------


@pytest.mark.today(JULY_2)
def test_a_newcomer_of_the_successor_sends_a_dossier_to_a_competent_authority(make_dossier, user):
    dossier = make_dossier("canbo.vhxh")
    steps.submit_to_head(db.session, dossier, actor=user("canbo.vhxh"))
    steps.approve_submission(db.session, dossier, actor=user("truong.vhxh"), sign_off=True)
    steps.accept(db.session, dossier, actor=user("vanphong.xa"))
    db.session.commit()

    assert (dossier.authority.code, dossier.state, dossier.rule_set.code) == ("UBND-XA-PLEIKAN", "accepted", "2025-07")
    # Law on Emulation and Commendation 2022, Art. 80, as of 1 July 2025: the commune chairman decides LĐTT.
    july_law = db.session.scalar(select(RuleSet).where(RuleSet.code == "2025-07", RuleSet.active.is_(True)))
    commune, day = dossier.authority, date(2025, 7, 2)
    route = route_for(db.session, authority=commune, title_code="LDTT", rule_set=july_law, on=day)
    assert route.route == "decide"


def test_the_successor_receives_nothing_before_1_july_2025(demo, api):
    response = api("canbo.vhxh", "/dossiers", {"procedure": "regular", "year": 2025, "title": "Đề nghị năm 2025"})

    assert response.status_code == 422
    assert response.json["errors"] == {"authority": ["UBND xã Plei Kần (minh hoạ) chỉ nhận hồ sơ từ ngày 01/07/2025."]}


@pytest.mark.today(JULY_2)
def test_an_english_reader_gets_the_refusal_in_english(june_draft, api, user):
    user("canbo.pleikan").language = "en"
    db.session.commit()

    response = api("canbo.pleikan", f"/dossiers/{june_draft.id}/transitions",
                   {"trigger": "submit_to_head", "version": june_draft.version})  # fmt: skip

    assert response.json["failures"] == [
        "UBND huyện Ngọc Hồi ceased to exist on 01/07/2025; new dossiers go to UBND xã Plei Kần (minh hoạ) "
        "(its successor)."
    ]
