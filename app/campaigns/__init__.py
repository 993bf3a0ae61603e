"""SMS campaigns in each client's local time: windows, planning in SQL, the campaign's
life (pause, resume, cancel) and its statistics."""
