"""One module per node family, each exporting EXAMPLES for tests/workflow_builder.py."""
