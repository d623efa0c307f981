"""Sample partner platforms over real HTTP on 127.0.0.1, for the crawler tests and `sharehub demo`.

    from tests.partners import PartnerSimulator
    with PartnerSimulator() as sim:
        goods = sim.partner("goods")      # RSS 2.0 in EUC-KR, served as text/html
        cars = sim.partner("cars")        # JSON Feed 1.1, served as application/octet-stream
        sim.set_fault("goods", "status", 500)
        ...

`python -m tests.partners` serves them until Ctrl-C. Nothing here is collected by pytest: the
simulator's own tests are tests/test_partner_simulator.py.
"""

from tests.partners.base import PartnerSpec
from tests.partners.server import FAULT_KINDS, SPECS, Partner, PartnerSimulator, etag_of

__all__ = ["FAULT_KINDS", "SPECS", "Partner", "PartnerSimulator", "PartnerSpec", "etag_of"]
