"""Administration of the outbox: webhook subscriptions, and the dead letters with their retry button."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice

from models import OutboxMessage, WebhookSubscription, db
from models.outbox import OutboxState
from web.access import permission_required
from web.forms import WholeNumberField, attach_errors
from workflow.core.errors import InvalidInput
from workflow.notify.dispatcher import dead_letters, retry_dead
from workflow.notify.webhooks import ALL_TOPICS, create_subscription, deactivate_subscription, known_topics
from workflow.permissions import can_administer

bp = Blueprint("webhooks_admin", __name__, url_prefix="/admin")


class WebhookForm(FlaskForm):
    """Parses the fields; the rules live in workflow.notify.webhooks.validate_subscription (one source)."""

    url = StringField(_l("Địa chỉ nhận (URL)"))
    secret = PasswordField(_l("Khóa bí mật"))
    topics = SelectMultipleField(_l("Sự kiện"), validate_choice=False)
    max_attempts = WholeNumberField(_l("Số lần gửi tối đa"), default=8)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = [SelectChoice(ALL_TOPICS, _("Mọi sự kiện (*)"))] + [
            SelectChoice(topic) for topic in known_topics()
        ]


@bp.get("/webhooks")
@permission_required(can_administer)
def index():
    subscriptions = db.session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)).all()
    return render_template("admin/webhooks.html", subscriptions=subscriptions)


@bp.route("/webhooks/new", methods=["GET", "POST"])
@permission_required(can_administer)
def new():
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            create_subscription(
                db.session,
                actor=current_user,
                url=form.url.data or "",
                secret=form.secret.data or "",
                topics=form.topics.data or [],
                max_attempts=form.max_attempts.data,
            )
        except InvalidInput as invalid:
            db.session.rollback()
            attach_errors(form, invalid.errors, fallback="url")
        else:
            db.session.commit()
            flash(_("Đã đăng ký webhook."), "success")
            return redirect(url_for(".index"))
    return render_template("admin/webhooks_new.html", form=form), 422 if form.errors else 200


@bp.post("/webhooks/<int(max=2147483647):subscription_id>/deactivate")
@permission_required(can_administer)
def deactivate(subscription_id: int):
    deactivate_subscription(db.session, db.get_or_404(WebhookSubscription, subscription_id), actor=current_user)
    db.session.commit()
    flash(_("Đã ngừng gửi tới webhook này."), "success")
    return redirect(url_for(".index"))


@bp.get("/outbox/dead")
@permission_required(can_administer)
def dead():
    return render_template("admin/outbox_dead.html", letters=dead_letters(db.session))


@bp.post("/outbox/dead/<int(max=2147483647):message_id>/retry")
@permission_required(can_administer)
def retry(message_id: int):
    db.first_or_404(
        select(OutboxMessage.id).where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.DEAD)
    )
    retry_dead(db.session, message_id, current_user)
    db.session.commit()
    flash(_("Đã đưa thư số %(id)s trở lại hàng đợi gửi.", id=message_id), "success")
    return redirect(url_for(".dead"))
