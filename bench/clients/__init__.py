"""The clients under test, one module each; their functions run in worker processes."""
