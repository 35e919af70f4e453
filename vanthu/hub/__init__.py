"""The hub (trục liên thông): a VXP-compatible axis service, deployable on its own.

Pure modules (no Django import): errors, routing, tracing, storage. The rest is a Django app
run under its own settings module, vanthu.hub.settings; the main deployment never loads it.
"""
