"""Flask extensions, created once and bound to the app in create_app()."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

csrf = CSRFProtect()
babel = Babel()
migrate = Migrate(compare_type=True)
