"""SMS: bulk sending in batches through the gateway (`sending`, `dispatch`), delivery
reports (`delivery`, `views`), opt-out (`optout`), the development backend (`gateway`)."""
