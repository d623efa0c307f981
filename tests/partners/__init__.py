"""Sample partner platforms over real HTTP on 127.0.0.1, for the crawler tests and `sharehub demo`.

    from tests.partners import PartnerSimulator
    with PartnerSimulator() as sim:              # PartnerSimulator(scale=10) for benchmarks
        goods = sim.partner("goods")      # RSS 2.0 in EUC-KR, served as text/html
        cars = sim.partner("cars")        # JSON Feed 1.1, served as application/octet-stream
        spaces = sim.partner("spaces")    # Seoul Open Data API (ListPublicReservationInstitution), json_api
        events = sim.partner("events")    # Atom 1.0 with georss:point
        homes = sim.partner("homes")      # robots.txt -> sitemap index -> (gzip) sitemaps -> JSON-LD pages
        tools = sim.partner("tools")      # plain HTML listing pages, read with Partner.config selectors
        kids = sim.partner("kids")        # sitemap.xml -> microdata product pages
        sim.set_fault("goods", "status", 500)
        sim.set_fault("homes", "status", 404, path="/rooms/1003")
        ...

`python -m tests.partners` serves them until Ctrl-C. Nothing here is collected by pytest: the
simulator's own tests are tests/test_partner_simulator.py.
"""

from tests.partners.base import Document, PartnerSpec
from tests.partners.server import FAULT_KINDS, SPECS, Partner, PartnerSimulator, etag_of

__all__ = ["FAULT_KINDS", "SPECS", "Document", "Partner", "PartnerSimulator", "PartnerSpec", "etag_of"]
