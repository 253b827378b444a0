"""The demo's movement: UBND huyện Ngọc Hồi's patriotic emulation movement 2020–2025, its launch plan written
after a typical district plan (Kế hoạch phát động phong trào thi đua yêu nước giai đoạn 2020–2025): purposes and
requirements, six numbered contents with their targets, the forms of emulation, who does what and when, and the
emulation clusters (khối thi đua) of the district's units. Launched on 1 March 2020."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Authority, Movement, Unit
from models.movement import MovementState

NAME = "Phong trào thi đua yêu nước giai đoạn 2020–2025"
DESCRIPTION = (
    "Phong trào do UBND huyện Ngọc Hồi phát động năm 2020 nhằm thực hiện thắng lợi Nghị quyết Đại hội Đảng bộ huyện "
    "lần thứ XVII và kế hoạch phát triển kinh tế – xã hội 5 năm 2021–2025. Hằng năm các cơ quan, đơn vị, xã, thị "
    "trấn báo cáo kết quả về Hội đồng Thi đua – Khen thưởng huyện qua Phòng Nội vụ; thành viên Hội đồng kiểm tra "
    "theo phân công. Phong trào kết thúc ngày 30/6/2025, khi cấp huyện chấm dứt hoạt động theo Luật Tổ chức chính "
    "quyền địa phương số 72/2025/QH15."
)
PURPOSES = [
    "Động viên cán bộ, công chức, viên chức, người lao động và nhân dân các dân tộc trong huyện thi đua hoàn thành "
    "thắng lợi các chỉ tiêu phát triển kinh tế – xã hội giai đoạn 2020–2025.",
    "Phát hiện, bồi dưỡng, biểu dương, khen thưởng kịp thời các tập thể, cá nhân tiêu biểu và nhân rộng điển hình "
    "tiên tiến.",
]
REQUIREMENTS = [
    "Phong trào được tổ chức thiết thực, hiệu quả, tránh hình thức; gắn với nhiệm vụ chính trị của từng đơn vị.",
    "Mỗi cơ quan, đơn vị, xã, thị trấn xây dựng kế hoạch, đăng ký thi đua hằng năm và báo cáo kết quả đúng hạn.",
    "Việc khen thưởng bảo đảm chính xác, công khai, công bằng, kịp thời theo Luật Thi đua, khen thưởng.",
]
CONTENTS = [
    {"key": "c1", "title": "Thi đua phát triển nông nghiệp bền vững, xây dựng nông thôn mới",
     "targets": ["Đến năm 2025 có ít nhất 3 xã đạt chuẩn nông thôn mới", "Tỷ lệ che phủ rừng duy trì trên 50%"]},
    {"key": "c2", "title": "Thi đua phát triển thương mại – dịch vụ, hoàn thành dự toán thu ngân sách",
     "targets": ["Thu ngân sách trên địa bàn đạt từ 100% dự toán tỉnh giao trở lên mỗi năm",
                 "Giá trị xuất nhập khẩu qua Cửa khẩu quốc tế Bờ Y tăng bình quân 10%/năm"]},
    {"key": "c3", "title": "Thi đua thực hiện tốt nhiệm vụ văn hóa – xã hội, giảm nghèo bền vững",
     "targets": ["Giảm tỷ lệ hộ nghèo bình quân 3%/năm", "Duy trì phổ cập giáo dục mầm non cho trẻ 5 tuổi",
                 "100% xã, thị trấn đạt Bộ tiêu chí quốc gia về y tế"]},
    {"key": "c4", "title": "Thi đua giữ vững quốc phòng – an ninh, bảo vệ chủ quyền biên giới quốc gia",
     "targets": ["Hoàn thành 100% chỉ tiêu tuyển quân hằng năm", "Không để xảy ra điểm nóng về an ninh trật tự"]},
    {"key": "c5", "title": "Thi đua đẩy mạnh cải cách hành chính, chuyển đổi số",
     "targets": ["100% hồ sơ thủ tục hành chính giải quyết đúng hạn",
                 "Ít nhất 80% hồ sơ được tiếp nhận trực tuyến vào năm 2025"]},
    {"key": "c6", "title": "Thi đua xây dựng Đảng, chính quyền, đoàn thể trong sạch, vững mạnh",
     "targets": ["Trên 90% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên",
                 "Các cơ quan, đơn vị hưởng ứng các phong trào thi đua do tỉnh Kon Tum phát động"]},
]
FORMS = [
    "Thi đua thường xuyên, gắn với nhiệm vụ chính trị hằng năm của từng cơ quan, đơn vị.",
    "Thi đua theo đợt (theo chuyên đề) để hoàn thành nhiệm vụ trọng tâm, đột xuất.",
    "Thi đua theo khối thi đua; các khối ký giao ước thi đua đầu năm.",
]
ORGANISATION = [
    {"who": "Phòng Nội vụ (cơ quan thường trực Hội đồng)",
     "what": "Hướng dẫn, theo dõi, tổng hợp đăng ký và báo cáo kết quả; tham mưu sơ kết, tổng kết",
     "when": "Hằng năm; sơ kết năm 2022, tổng kết năm 2025"},
    {"who": "Các cơ quan, đơn vị, xã, thị trấn",
     "what": "Xây dựng kế hoạch, đăng ký thi đua và gửi báo cáo kết quả về Hội đồng qua Phòng Nội vụ",
     "when": "Đăng ký trước 31/3, báo cáo trước 15/11 hằng năm"},
    {"who": "Thành viên Hội đồng Thi đua – Khen thưởng huyện",
     "what": "Kiểm tra, đôn đốc các đơn vị theo phân công",
     "when": "Quý III hằng năm"},
    {"who": "Phòng Văn hóa và Thông tin",
     "what": "Tuyên truyền phong trào, giới thiệu điển hình tiên tiến",
     "when": "Thường xuyên"},
]
# (cluster name, unit kinds whose units of the district sit in it)
CLUSTERS = [
    ("Khối các xã, thị trấn", ("township", "commune")),
    ("Khối các phòng, ban chuyên môn", ("department",)),
    ("Khối Mặt trận và các đoàn thể", ("mass_organisation",)),
    ("Khối trường học và đơn vị sự nghiệp", ("school", "public_service")),
]
LAUNCHED_ON = date(2020, 3, 1)


def seed_demo_movement(session: Session, district: Authority) -> int:
    """The district's movement with its whole plan, launched (the engine governs later changes of state, not the
    initial one). Returns 1 when it was created, 0 when it was already there."""
    if session.scalar(select(Movement.id).where(Movement.authority_id == district.id, Movement.name == NAME)):
        return 0
    units = session.scalars(select(Unit).where(Unit.authority_id == district.id).order_by(Unit.id)).all()
    clusters = [
        {"name": name, "unit_ids": [u.id for u in units if u.kind in kinds]} for name, kinds in CLUSTERS
    ]
    session.add(
        Movement(
            authority_id=district.id, name=NAME, period_start=date(2020, 1, 1), period_end=date(2025, 6, 30),
            description=DESCRIPTION, purposes=PURPOSES, requirements=REQUIREMENTS, contents=CONTENTS, forms=FORMS,
            organisation=ORGANISATION, clusters=clusters, state=MovementState.LAUNCHED, launched_on=LAUNCHED_ON,
        )
    )
    session.flush()
    return 1
