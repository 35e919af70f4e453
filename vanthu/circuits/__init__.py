"""Review circuits for drafts: configurable sequential and parallel review chains per agency."""
