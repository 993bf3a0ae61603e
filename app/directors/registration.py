"""RegistrationDirector: an MSISDN unknown to the service registers before anything else."""

from app.directors import Bid, Caller, directors
from app.directors.menu import MenuDirector
from app.ussd.request import UssdRequest

REGISTRATION_BID = 90


@directors.register("registration")
class RegistrationDirector(MenuDirector):
    """Runs the registration definition; outbids every menu on its service codes while the
    caller has no customer record (or no PIN yet), and does not bid otherwise."""

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        codes = self.flow().definition.service_codes
        if request.service_code not in codes:
            return Bid(0, f"registers callers of {', '.join(codes)}")
        if caller.customer is not None and caller.customer.get("has_pin"):
            return Bid(0, "already registered")
        return Bid(REGISTRATION_BID, "MSISDN unknown to the service: register first")
