from anze.orders.tests.conftest import Parties, parties  # noqa: F401 - an insurer and an enterprise that deal
from anze.prevention.tests.conftest import Service, svc  # noqa: F401 - the shared fixture of both apps
