"""``zhengyu db``: create, migrate and inspect the database."""

from __future__ import annotations

import click

from zhengyu.cli.app import AppContext, pass_app


@click.group("db")
def db_group() -> None:
    """Create, migrate and inspect the database (SQLite by default, PostgreSQL by URL)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target Alembic revision.")
@pass_app
def upgrade(app: AppContext, revision: str) -> None:
    """Create the schema or migrate it to REVISION (the newest by default)."""
    from storage import migrate

    migrate.upgrade(app.engine, revision)
    click.echo(f"数据库已升级到 {migrate.current_revision(app.engine)}：{_safe_url(app.settings.database_url)}")


@db_group.command("downgrade")
@click.argument("revision")
@pass_app
def downgrade(app: AppContext, revision: str) -> None:
    """Migrate the schema back to REVISION ('base' drops everything)."""
    from storage import migrate

    migrate.downgrade(app.engine, revision)
    click.echo(f"数据库已回退到 {migrate.current_revision(app.engine) or 'base'}")


@db_group.command("current")
@pass_app
def current(app: AppContext) -> None:
    """Print the schema revision the database is at."""
    from storage import migrate

    click.echo(migrate.current_revision(app.engine) or "（空数据库，尚未迁移）")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@pass_app
def revision(app: AppContext, message: str) -> None:
    """(Developers) Write a new migration from the models' difference to the migrated schema."""
    from storage import migrate

    migrate.autogenerate(app.engine, message)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def register(cli: click.Group) -> None:
    cli.add_command(db_group)
