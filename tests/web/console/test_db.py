from sqlalchemy import text

from web.console.db import driver_url, make_engine


def test_rasas_postgresql_url_uses_psycopg2_in_the_console() -> None:
    assert driver_url("postgresql://crs@db:5432/crs") == "postgresql+psycopg2://crs@db:5432/crs"
    assert driver_url("postgresql+psycopg2://crs@db/crs") == "postgresql+psycopg2://crs@db/crs"
    assert driver_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_the_shared_url_form_connects_to_postgresql() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:5432/test")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select 1")).scalar() == 1
    finally:
        engine.dispose()
