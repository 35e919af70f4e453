"""Delegation register: who may sign or handle for whom, from when to when."""
