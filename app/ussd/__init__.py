"""USSD: the callback blueprint, gateway adapters and the screen renderer."""
