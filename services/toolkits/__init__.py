"""Toolkits: policy toolkits, ordinances with their action history, and state preemption."""
