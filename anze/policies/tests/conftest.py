from anze.prevention.tests.conftest import Service, svc  # noqa: F401 - the shared fixture of both apps
