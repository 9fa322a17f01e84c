from tasks.admin import keytasks, records  # noqa: F401
