"""RegistrationDirector: an MSISDN unknown to the service registers before anything else,
then carries on, in the same session, with the service it dialled."""

from app.directors import Bid, Caller, directors
from app.directors.menu import MenuDirector
from app.ussd.request import UssdRequest

REGISTRATION_BID = 90


@directors.register("registration")
class RegistrationDirector(MenuDirector):
    """Runs the registration definition; outbids every menu on its service codes (however
    the gateway delivers the dial) while the caller has no customer record (or no PIN
    yet), and does not bid otherwise. Once registered, the caller is handed back to the
    auction, which the service on the same code then wins."""

    hands_back = True

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        offer = super().bid(request, caller)
        if offer.score == 0:
            return offer
        if caller.customer is not None and caller.customer.get("has_pin"):
            return Bid(0, "already registered", "already_registered")
        return Bid(REGISTRATION_BID, "MSISDN unknown to the service: register first")
