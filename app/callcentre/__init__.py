"""The call centre (what iShamba's did): callers queue on a number with hold music, agents
dial a dequeue number to take the longest-waiting caller; who may queue depends on their
subscription.

What the voice webhooks call (each module documents its functions):
    admission.admit_caller(called, caller, at=None, language=None) -> Admission
    admission.offer_registration(admission, caller, gateway, call_id, at=None) -> bool
    queue.enqueue(queue_id, caller, gateway, call_id, at=None) -> QueueEntry
    queue.dequeue(dequeue_number, agent_phone, gateway, agent_call_id, at=None) -> Dequeue
    queue.connected(gateway, call_id, agent_call_id, at=None) -> QueueEntry
    queue.call_ended(gateway, call_id, at=None) -> QueueEntry | None
"""
