"""The checks behind the pipeline's steps: each takes a StepContext and returns findings."""
