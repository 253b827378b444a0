"""Blueprints: one module per resource."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from web.blueprints import (
        account,
        appraisal,
        auth,
        council,
        council_polls,
        dashboard,
        decisions,
        dossiers,
        forwarding,
        health,
        holidays,
        home,
        imports,
        initiatives,
        jobs,
        movement_inspections,
        movement_reviews,
        movement_units,
        movements,
        notifications,
        public,
        registry,
        reports,
        revocations,
        rulesets_admin,
        search,
        units,
        webhooks_admin,
        workflows_admin,
    )

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(dossiers.bp)
    app.register_blueprint(holidays.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(webhooks_admin.bp)
    app.register_blueprint(workflows_admin.bp)
    app.register_blueprint(rulesets_admin.bp)
    app.register_blueprint(appraisal.bp)
    app.register_blueprint(registry.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(initiatives.bp)
    app.register_blueprint(units.bp)
    app.register_blueprint(council.bp)
    app.register_blueprint(council_polls.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(revocations.bp)
    app.register_blueprint(forwarding.bp)
    app.register_blueprint(decisions.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(movement_reviews.bp)
    app.register_blueprint(movements.bp)
    app.register_blueprint(movement_units.bp)
    app.register_blueprint(movement_inspections.bp)
