#!/usr/bin/env bash
# Start the app locally on the embedded SQLite database (instance/), with demo data.
# Usage: make run        (or: bash scripts/run.sh; PORT=8000 bash scripts/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

FLASK=.venv/bin/flask
if [[ ! -x $FLASK ]]; then
    echo "run.sh: $FLASK not found; run 'make venv' first." >&2
    exit 1
fi

source scripts/require.sh
require_document_fonts   # the PDF documents are set in it

mkdir -p instance
"$FLASK" --app wsgi db upgrade
"$FLASK" --app wsgi seed-demo     # idempotent: safe on every start
# Deliver the demo's notifications (the bell) now rather than waiting for a worker.
"$FLASK" --app wsgi outbox run --once 2>/dev/null   # no SMTP in the demo: e-mails wait for retry

PORT=${PORT:-5000}
cat <<TABLE

Demo logins (password for every account: demo)
  Login                 Role                                   Unit
  --------------------  -------------------------------------  ------------------------------
  admin                 Quản trị hệ thống                      —
  noivu                 Cán bộ thường trực (standing office)   Phòng Nội vụ
  truong.noivu          Trưởng phòng Nội vụ (its head)         Phòng Nội vụ
  thuky                 Thư ký Hội đồng                        Hội đồng Thi đua – Khen thưởng
  chutich               Chủ tịch UBND huyện                    UBND huyện Ngọc Hồi
  uyvien1 … uyvien7     Ủy viên Hội đồng                       Hội đồng Thi đua – Khen thưởng
  canbo.pleikan         Cán bộ đơn vị                          Thị trấn Plei Kần
  truong.pleikan        Thủ trưởng đơn vị                      Thị trấn Plei Kần
  canbo.dakxu           Cán bộ đơn vị                          Xã Đắk Xú
  truong.dakxu          Thủ trưởng đơn vị                      Xã Đắk Xú
  canbo.pgddt           Cán bộ đơn vị                          Phòng Giáo dục và Đào tạo
  truong.pgddt          Thủ trưởng đơn vị                      Phòng Giáo dục và Đào tạo

From 1 July 2025 Ngọc Hồi district no longer exists; its successor, UBND xã Plei Kần (minh hoạ: illustrative
name), receives new dossiers:
  vanphong.xa           Cán bộ thường trực (standing office)   Văn phòng HĐND và UBND xã
  thuky.xa              Thư ký Hội đồng                        Hội đồng Thi đua – Khen thưởng xã
  chutich.xa            Chủ tịch UBND xã                       UBND xã Plei Kần (minh hoạ)
  uyvien.xa1, .xa2      Ủy viên Hội đồng                       Hội đồng Thi đua – Khen thưởng xã
  canbo.vhxh            Cán bộ đơn vị                          Phòng Văn hóa – Xã hội xã
  truong.vhxh           Thủ trưởng đơn vị                      Phòng Văn hóa – Xã hội xã

Open http://127.0.0.1:${PORT}/
TABLE

exec "$FLASK" --app wsgi run --host 127.0.0.1 --port "$PORT"
