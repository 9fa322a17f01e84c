from tasks.admin import keytasks  # noqa: F401
