from anze.prevention.tests.conftest import Service, svc  # noqa: F401 - a policy, its parties and a service organisation
