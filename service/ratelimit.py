"""Rate limits for widget questions, keyed by visitor IP *and* site, plus a ceiling per site.

One shared per-widget limit let the 11th visitor of a busy page be turned away (ANCHORS §3.9), and
client-made visitor ids can be rotated; so each IP gets its own allowance on each site, and the site
as a whole gets a higher ceiling. Counters live in a `limits` storage: memory (per process) by default,
Redis when replicas must share them.
"""

from __future__ import annotations

import math
import time

from fastapi import HTTPException
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from service.config import Settings
from service.sites import Site

BUSY = ("Lots of people are asking right now, so please wait {seconds} seconds and try again. "
        "You can also browse every job at /roles in the meantime.")


class RateLimits:
    def __init__(self, settings: Settings):
        self.limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_storage))
        self.per_ip = settings.rate_per_ip_per_minute
        self.per_site = settings.rate_per_site_per_minute

    def admit(self, site: Site, client_ip: str) -> None:
        """Count one question; raise 429 with Retry-After when the visitor or the site is over."""
        visitor = RateLimitItemPerMinute(site.limits.per_ip_per_minute or self.per_ip)
        whole_site = RateLimitItemPerMinute(site.limits.per_site_per_minute or self.per_site)
        # The visitor's own allowance is checked first, so one busy visitor cannot use up the site's.
        for item, keys in ((visitor, ("ip", site.id, client_ip)), (whole_site, ("site", site.id))):
            if not self.limiter.hit(item, *keys):
                reset = self.limiter.get_window_stats(item, *keys).reset_time
                seconds = max(1, math.ceil(reset - time.time()))
                raise HTTPException(429, detail=BUSY.format(seconds=seconds),
                                    headers={"Retry-After": str(seconds)})
