"""Alembic's entry point: migrations run on the connection store.migrate gives."""

from alembic import context

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Two processes that open a new store at once: one migrates, the other waits.
    connection.exec_driver_sql("select pg_advisory_xact_lock(4242010)")
context.configure(connection=connection, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
