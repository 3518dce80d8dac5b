"""Toolkits, ordinances and preemption: the toolkits service's part of the schema."""
