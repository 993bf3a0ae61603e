"""MicrofinanceDirector: the services menu for registered customers with a PIN."""

from app.directors import Bid, Caller, directors
from app.directors.menu import MenuDirector
from app.ussd.request import UssdRequest


@directors.register("microfinance")
class MicrofinanceDirector(MenuDirector):
    """Bids the definition's `bid` for registered callers with a PIN on its codes (a
    customer registered by a survey, without a PIN, is sent to registration instead)."""

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        offer = super().bid(request, caller)
        if offer.score and (caller.customer is None or not caller.customer.get("has_pin")):
            return Bid(0, "for registered customers with a PIN", "registered_only")
        return offer
