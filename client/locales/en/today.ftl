# Today: tasks, visits, visit reports.
today-title = Today
