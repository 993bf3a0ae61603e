"""MicrofinanceDirector: the services menu for registered customers with a PIN."""

from app import customers, ledger
from app.directors import Bid, Caller, directors
from app.directors.menu import MenuDirector
from app.menus.flow import Flow
from app.sessions.state import InterrogationSession
from app.ussd.request import UssdRequest


@directors.register("microfinance")
class MicrofinanceDirector(MenuDirector):
    """Bids the definition's `bid` for registered callers with a PIN on its codes, and
    makes sure their wallet and loan accounts exist before the first screen."""

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        if caller.customer is None or not caller.customer.get("has_pin"):
            return Bid(0, "for registered customers with a PIN")
        return super().bid(request, caller)

    def on_start(self, session: InterrogationSession, flow: Flow) -> None:
        customer = customers.find(session.msisdn)
        if customer is not None:
            ledger.open_customer_accounts(customer)
