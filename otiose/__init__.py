"""Otiose: a satirical field guide to the modern workforce, with a job-application game."""
