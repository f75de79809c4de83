"""Offline plan tooling: the mock engine that runs any Pulumi Python program, offline policy
evaluation, estimates and renderers. Imports the pure models and the cost model; never the CLI."""
