"""WTForms for the HTML pages (CSRF comes with Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(
        _l("Tên đăng nhập"), validators=[DataRequired(_l("Vui lòng nhập tên đăng nhập.")), Length(max=64)]
    )
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")), Length(max=200)])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Ngôn ngữ"), choices=[("vi", "Tiếng Việt"), ("en", "English")])
