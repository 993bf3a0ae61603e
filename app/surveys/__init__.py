"""Surveys: runs and answers saved as they are given, quotas, results and exports."""
